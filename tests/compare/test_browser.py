"""The compile table and the compare page in a browser: no console errors, and a header
click sorts the compile table by that column."""

from __future__ import annotations

import re

import pytest

from analyzer.analysis import analyze
from analyzer.compare.model import compare
from analyzer.report import compare_html, render_html
from tests.report.support import chromium, open_in_chromium
from tests.shared import SAMPLES, knowledge

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(chromium() is None, reason="no chromium binary on PATH (apt-get install chromium)")]
PAIR = SAMPLES / "pairs" / "cflags-define"
CLICK = ('<script>document.querySelectorAll("#compiles thead th")[7].querySelector("button").click();'
         'document.querySelectorAll("#compiles thead th")[7].querySelector("button").click();</script>')


def test_the_compare_page_renders_without_console_errors(tmp_path):
    page = tmp_path / "compare.html"
    page.write_text(compare_html.render(compare([str(PAIR / "baseline")], [str(PAIR / "candidate")], knowledge())),
                    encoding="utf-8")
    dom, console = open_in_chromium(page)
    assert not console, console
    assert 'id="explanations"' in dom and "env:CFLAGS" in dom and "CMakeFiles/core.dir/src/core.c.o" in dom


def test_a_header_click_sorts_the_compile_table(tmp_path):
    html = render_html.render(analyze([str(PAIR / "candidate")], knowledge()).report)
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    dom, console = open_in_chromium(page)
    assert not console, console
    # A test copy without the policy, with two clicks on "compile s" appended: descending order.
    clicked = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html).replace(
        "</body>", CLICK + "</body>")
    page.write_text(clicked, encoding="utf-8")
    dom, console = open_in_chromium(page)
    assert not console, console
    body = dom.split('id="compiles"', 1)[1].split("</tbody>", 1)[0]
    values = [float(v) for v in re.findall(r'<td class="num" data-value="([0-9.]+)">', body)[1::2]]
    assert len(values) == 3 and values == sorted(values, reverse=True)
    assert 'aria-sort="descending"' in body
