"""Every sample's Markdown report as GitHub shows it (cmark-gfm, GitHub's own renderer).

A ticket reader sees each evidence line once, real line breaks instead of `\\n` escapes, and the
whole report fits one comment.
"""

from __future__ import annotations

from collections import Counter

import pytest
import regex

from analyzer.report import render_md
from tests.report.support import SAMPLE_NAMES, report

pytest.importorskip("cmarkgfm")
from tests.browser.markdown_page import gfm  # noqa: E402  (GitHub's own renderer, as a comment shows it)

# file:line and the line's text: a JSON stats document has every stat on its line 1
EVIDENCE_ITEM = regex.compile(r"<li><code>([^<]+:\d+)</code> <code>([^<]*)</code>")
CODE = regex.compile(r"<code>(.*?)</code>", regex.S)
PRE = regex.compile(r"<pre\b.*?</pre>", regex.S)


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_markdown_renders_without_repeats_or_escapes(sample):
    markdown = render_md.render(report(sample))
    assert len(markdown) < 65_536
    html = gfm(markdown)
    before_timeline = html.split("<summary>Timeline", 1)[0]
    repeated = [where for (where, _), n in Counter(EVIDENCE_ITEM.findall(before_timeline)).items() if n > 1]
    assert not repeated, f"evidence shown more than once: {repeated}"
    # shell commands keep theirs (`curl -w '%{http_code}\\n'`): only quoted lines are checked
    quoted = PRE.sub("", before_timeline)
    escaped = [c for c in CODE.findall(quoted) if "\\n" in c]
    assert not escaped, f"literal \\n inside code: {escaped[:2]}"


def test_the_checks_can_fail():
    """A report that repeats a line and shows an escape trips both checks."""
    item = "- `server.log:7` `reason: \"a\\nb\"`"
    html = gfm(f"{item}\n{item}\n")
    assert [n for (where, _), n in Counter(EVIDENCE_ITEM.findall(html)).items() if where == "server.log:7"] == [2]
    assert any("\\n" in c for c in CODE.findall(html))


def test_rust_debug_message_becomes_lines():
    rep = {"source": "s.log", "line": 3, "time": None, "text": 'Err { reason: "denied\\n\\nContext:\\n   service: s3\\n" }'}
    text = render_md.evidence_line(rep)
    assert "Context:" in text and "\\n" not in text.split("```")[1]
