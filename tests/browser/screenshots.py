"""Screenshots of the seed sample's reports for the README (`make screenshots`): the HTML report at
the layout suite's two widths, and the Markdown report as GitHub renders it in a comment.

Taken with the same browser set-up the layout suites measure with.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from analyzer.analysis import analyze, load_knowledge
from analyzer.report import render_html, render_md
from tests.browser import driver as chrome
from tests.browser.markdown_page import page as markdown_page

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
        comment = Path(folder) / "comment.html"
        comment.write_text(markdown_page(render_md.render(report), "seed"), encoding="utf-8")
        target = TARGET / "report-markdown.png"
        chrome.screenshot(driver, comment, "desktop", target)
        print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
