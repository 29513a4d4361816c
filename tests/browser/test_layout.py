"""Every sample's HTML report as a reader's browser lays it out, on a phone and on a laptop.

No sideways scrolling of the page, no two timeline labels over each other, no text under 9 px,
no console errors, and on a laptop the verdict is on screen before any scrolling.
"""

from __future__ import annotations

import pytest

from analyzer.report import render_html
from tests.browser import driver as chrome
from tests.report.support import SAMPLE_NAMES, report

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not chrome.available(), reason="needs selenium, chromium and chromedriver")]


@pytest.fixture(scope="module")
def browser():
    with chrome.browser() as driver:
        yield driver


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    written = {}
    for name in SAMPLE_NAMES:
        path = folder / f"{name}.html"
        path.write_text(render_html.render(report(name)), encoding="utf-8")
        written[name] = path
    return written


@pytest.mark.parametrize("width", sorted(chrome.WIDTHS))
@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_layout(browser, pages, sample, width):
    got = chrome.open_at(browser, pages[sample], width)
    assert not got["console"], f"console messages: {got['console']}"
    device_width = chrome.WIDTHS[width][0]
    assert got["scrollWidth"] <= device_width, \
        f"the page scrolls sideways: {got['scrollWidth']} px wide on a {device_width} px screen"
    assert not got["small"], f"text under 9 px: {got['small'][:5]}"
    assert not chrome.overlaps(got["labels"]), f"timeline labels overlap: {chrome.overlaps(got['labels'])[:5]}"
    if width == "desktop":
        assert got["verdictBottom"] is not None and got["verdictBottom"] <= got["innerHeight"], \
            "the verdict is not visible without scrolling"


def test_overlap_check_can_fail():
    boxes = [{"text": "a", "x1": 0, "y1": 0, "x2": 50, "y2": 12}, {"text": "b", "x1": 40, "y1": 5, "x2": 90, "y2": 17}]
    assert chrome.overlaps(boxes) == [("a", "b")]
    assert chrome.overlaps(boxes[:1]) == []
