"""Every renderer on a real report whose quoted text (evidence, summaries, paths, facts, problems)
is replaced by arbitrary text: never raises; the terminal summary carries no raw control
character; Markdown keeps arbitrary text inside code; HTML keeps it escaped."""

from __future__ import annotations

import copy
import json
from functools import cache

import regex
from hypothesis import given
from hypothesis import strategies as st

from analyzer.report import render_html, render_json, render_md, render_text
from tests.hostile.corpus import TERMINAL_UNSAFE, outside_code
from tests.property.strategies import PROPERTY
from tests.report.support import SAMPLE_NAMES, SEED, report

QUOTED_KEYS = {"text", "summary", "reason", "source", "path", "title", "command", "time"}
HOSTILE = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["<script>alert(1)</script>", "`` ``` ` ", "</details>", "\x1b]0;t\x07", "\x1b[2J", "\u202e",
                     "]]>", "{{ x }}", "{% raw %}", "\\", "\r\n", "*_[x](javascript:1)_*", "|a|b|", "#", "\x00"]),
)


@cache
def template() -> dict:
    """A sample report, its first root cause given a fix command for each shell."""
    rep = copy.deepcopy(report(SEED if SEED in SAMPLE_NAMES else SAMPLE_NAMES[0]))
    for cause in rep["root_causes"][:1]:
        cause["remediation"] = cause["remediation"] + [
            {"shell": "sh", "text": "", "command": "sccache --stop-server"},
            {"shell": "powershell", "text": "", "command": "sccache --stop-server"}]
    return rep


def substitute(value, texts, index=0):
    """The same structure with every quoted string replaced, in turn, by one of `texts`."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in QUOTED_KEYS and isinstance(item, str):
                out[key] = texts[index % len(texts)]
                index += 1
            else:
                out[key], index = substitute(item, texts, index)
        return out, index
    if isinstance(value, list):
        out = []
        for item in value:
            new, index = substitute(item, texts, index)
            out.append(new)
        return out, index
    return value, index


@PROPERTY
@given(texts=st.lists(HOSTILE, min_size=1, max_size=6), fact=HOSTILE)
def test_renderers_take_any_text(texts, fact):
    rep, _ = substitute(copy.deepcopy(template()), texts)
    rep["facts"] = {**rep["facts"], "proxy": fact, "backend": fact}
    text = render_text.render(rep)
    assert not TERMINAL_UNSAFE.search(text), repr(TERMINAL_UNSAFE.search(text).group(0))
    coloured = render_text.render(rep, colour=True)
    assert not TERMINAL_UNSAFE.search(regex.sub(r"\x1b\[\d+m", "", coloured))
    md = render_md.render(rep)
    assert "<script" not in outside_code(md)
    html = render_html.render(rep)
    assert html.count("<script") == 1
    assert not regex.search(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]", html)
    assert json.loads(render_json.render(rep)) == rep
