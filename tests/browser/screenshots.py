"""Screenshots of the seed sample's HTML report for the README (`make screenshots`).

Taken with the same browser set-up the layout suite measures with, at the same two widths.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from analyzer.analysis import analyze, load_knowledge
from analyzer.report import render_html
from tests.browser import driver as chrome

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "seed-windows-oss-proxy" / "bundle"
TARGET = ROOT / "docs" / "img"


def main() -> int:
    if not chrome.available():
        print("needs selenium, chromium and chromedriver", file=sys.stderr)
        return 2
    report = analyze([str(SAMPLE)], load_knowledge()).report
    with tempfile.TemporaryDirectory() as folder, chrome.browser() as driver:
        page = Path(folder) / "report.html"
        page.write_text(render_html.render(report), encoding="utf-8")
        for width in chrome.WIDTHS:
            target = TARGET / f"report-{width}.png"
            chrome.screenshot(driver, page, width, target)
            print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
