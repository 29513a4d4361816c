"""The HTML reports as a browser shows them: no console errors, verdict and timeline rendered, no XSS."""

from __future__ import annotations

import pytest

from analyzer.analysis import analyze
from analyzer.report import render_html
from tests.report.support import (
    IMG_PAYLOAD,
    SAMPLE_NAMES,
    SCRIPT_PAYLOAD,
    SEED,
    chromium,
    hostile_bundle,
    open_in_chromium,
    report,
)
from tests.shared import knowledge

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(chromium() is None, reason="no chromium binary on PATH (apt-get install chromium)")]

BROWSER_SAMPLES = [n for n in (SEED, "oss-stalling-proxy", "port-taken", "healthy-second-run") if n in SAMPLE_NAMES]


@pytest.mark.parametrize("sample", BROWSER_SAMPLES or SAMPLE_NAMES[:3])
def test_renders_without_console_errors(sample: str, tmp_path):
    rep = report(sample)
    page = tmp_path / f"{sample}.html"
    page.write_text(render_html.render(rep), encoding="utf-8")
    dom, console = open_in_chromium(page, screenshot=tmp_path / f"{sample}.png")
    assert not console, f"console messages: {console}"
    assert 'id="verdict"' in dom
    first_words = rep["verdict"]["summary"].split("`")[0][:40]
    assert first_words.replace("'", "&#39;")[:20].split("&")[0] in dom
    assert 'id="timeline-svg"' in dom if rep["timeline"] else True
    if rep["root_causes"] and any(s["command"] for c in rep["root_causes"] for s in c["remediation"]):
        assert 'class="copy"' in dom, "the copy buttons are added by the script"
    assert (tmp_path / f"{sample}.png").stat().st_size > 10_000


def test_hostile_log_lines_render_as_text(tmp_path):
    rep = analyze([str(hostile_bundle(tmp_path / "b"))], knowledge()).report
    page = tmp_path / "hostile.html"
    page.write_text(render_html.render(rep), encoding="utf-8")
    dom, console = open_in_chromium(page)
    assert not console, f"console messages: {console}"
    assert dom.count("<script") == 1, "only the report's own script element"
    assert "<img" not in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert IMG_PAYLOAD.replace("<", "&lt;").replace(">", "&gt;") in dom
    assert SCRIPT_PAYLOAD not in dom
