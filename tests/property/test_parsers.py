"""Every registered parser, on lines that look like its kind, like another kind, or like nothing:
`parse` never raises, every item points at a line it was given, and where a record quotes its
line (logs, tables, transcripts) the quoted text is on the lines it claims."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzer import parsers
from analyzer.records import Fact, Problem, Record
from tests.property.strategies import PROPERTY, any_line, line_of, lines_of

KINDS = sorted(parsers.load_all())
# Kinds whose record text is taken from its own lines (not built from JSON, TOML or headings).
VERBATIM = {"build-output", "cargo-output", "processes", "sccache-log", "shell-transcript", "sockets",
            "version-info", "unknown", "env"}
SOURCE = "bundle.zip!/logs/member.txt"


def check_items(kind: str, lines: list[str]) -> list:
    parser = parsers.get(kind)
    items = list(parser.parse(iter(lines), SOURCE))
    count = len(lines)
    for item in items:
        assert isinstance(item, Record | Fact | Problem), item
        assert item.source == SOURCE, item
        if isinstance(item, Record):
            assert item.kind == kind
            assert 1 <= item.line <= count, (item.line, count, item)
            assert item.end_line is None or item.line <= item.end_line <= count, item
            assert isinstance(item.text, str)
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in item.fields), item.fields
            assert item.time is None or (isinstance(item.time, str) and item.time.endswith("Z")), item.time
            if kind in VERBATIM and item.text.strip():
                first = item.text.split("\n", 1)[0].strip()
                span = lines[item.line - 1:(item.end_line or item.line)]
                assert any(first in line for line in span), (first, span)
        else:
            assert item.line is None or 1 <= item.line <= count, (item.line, count, item)
    return items


@pytest.mark.parametrize("kind", KINDS)
@PROPERTY
@given(data=st.data())
def test_parse_never_raises_and_keeps_line_numbers(kind, data):
    check_items(kind, data.draw(lines_of(kind), label="lines"))


@pytest.mark.parametrize("kind", KINDS)
@PROPERTY
@given(lines=st.lists(any_line(), max_size=30))
def test_parse_survives_lines_that_look_like_nothing(kind, lines):
    check_items(kind, lines)


@pytest.mark.parametrize("kind", KINDS)
@PROPERTY
@given(head=st.lists(st.one_of(line_of("sccache-log"), any_line()), max_size=60),
       name=st.sampled_from(["sccache.log", "env.txt", "rustc_info.json", "netstat.txt", "", "x" * 300, "é.zip"]))
def test_sniff_never_raises_and_scores_zero_to_one(kind, head, name):
    score = parsers.get(kind).sniff("\n".join(head), name)
    assert 0.0 <= float(score) <= 1.0


@PROPERTY
@given(head=st.lists(any_line(), max_size=60), name=st.text(max_size=40))
def test_choose_always_names_a_registered_kind(head, name):
    kind, score = parsers.choose("\n".join(head), name)
    assert kind in parsers.PARSERS and 0.0 <= score <= 1.0


LOG_KINDS = ["build-output", "cargo-output", "sccache-log", "shell-transcript", "unknown"]


@pytest.mark.parametrize("kind", LOG_KINDS)
def test_log_parsers_stream(kind):
    """A log parser may read ahead a little (continuation lines), never the whole member first."""
    pulled = 0

    def many():
        nonlocal pulled
        for number in range(1, 200_001):
            pulled = number
            yield f"[2026-11-21T05:23:31Z ERROR sccache::server] error: line {number}"

    items = parsers.get(kind).parse(many(), SOURCE)
    first = list(zip(range(3), items, strict=False))
    assert first, f"{kind} gave no items"
    assert pulled < 10_000, f"{kind} read {pulled} lines before giving its first items"
