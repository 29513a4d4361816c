"""Every sample's Markdown report as GitHub renders it, opened in Chromium: it lays out inside a
comment without console errors or sideways scrolling of the page, and the verdict (its status line)
is on screen."""

from __future__ import annotations

import pytest

from analyzer.report import render_md
from tests.browser import driver as chrome
from tests.report.support import SAMPLE_NAMES, report

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not chrome.available(), reason="needs selenium, chromium and chromedriver")]

VERDICT_TOP = """
const verdict = [...document.querySelectorAll('p')].find(p => p.textContent.startsWith('Status:'));
return verdict ? verdict.getBoundingClientRect().top : null;
"""


@pytest.fixture(scope="module")
def browser():
    with chrome.browser() as driver:
        yield driver


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_markdown_as_github_shows_it(browser, tmp_path, sample):
    from tests.browser.markdown_page import page

    path = tmp_path / f"{sample}.html"
    path.write_text(page(render_md.render(report(sample)), sample), encoding="utf-8")
    got = chrome.open_at(browser, path, "desktop")
    assert not got["console"], f"console messages: {got['console']}"
    assert got["scrollWidth"] <= chrome.WIDTHS["desktop"][0], f"the page scrolls sideways: {got['scrollWidth']} px"
    top = browser.execute_script(VERDICT_TOP)
    assert top is not None and top < got["innerHeight"], "the verdict is not on screen without scrolling"
    shot = tmp_path / f"{sample}.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 5_000
