"""Hypothesis strategies shared by the property tests: text that looks like what bundles hold,
taken from the fixtures and samples and then broken, and text that looks like nothing."""

from __future__ import annotations

import os
from functools import cache

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from analyzer import parsers
from analyzer.decode import DecodedStream
from tests.shared import ROOT

# Enough examples to find the shapes that break things, few enough for the whole property
# suite to run in well under 30 s; PROPERTY_EXAMPLES=5000 for a deeper run.
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "60"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SOURCES = ("tests/fixtures/*/*", "samples/*/bundle/*", "tests/diagnose/cases/*/bundle/*")


@cache
def lines_by_kind() -> dict[str, tuple[str, ...]]:
    """Every decoded line of every fixture and sample, grouped by the kind its file sniffs as."""
    found: dict[str, list[str]] = {}
    for pattern in SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            if not path.is_file():
                continue
            with open(path, "rb") as handle:
                stream = DecodedStream(handle, path.name)
                kind, _ = parsers.choose(stream.head_text(), path.name)
                found.setdefault(kind, []).extend(stream.lines())
    return {kind: tuple(dict.fromkeys(lines)) for kind, lines in found.items()}


@cache
def all_lines() -> tuple[str, ...]:
    return tuple(line for lines in lines_by_kind().values() for line in lines)


# Characters a decoded line can hold: anything but the line breaks and the C0 controls the
# decoder strips (tab stays), with the awkward ones made likely.
LINE_ALPHABET = st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r")
AWKWARD = st.sampled_from(["\t", " ", ":", "=", "[", "]", "{", "}", '"', "'", "`", "\\", "|", ",", ";", "-",
                           "\x85", "\u2028", "\x9d", "\u202e", "\ufffd", "é", "错", "😀", "0", "9", "T", "Z",
                           "+08:00", "2026-11-21T05:23:31Z", "sccache", "error:", "ERROR", "  "])


@st.composite
def mutated(draw, base: st.SearchStrategy[str]) -> str:
    """A line from `base`, then cut, spliced with junk, or with a piece repeated."""
    line = draw(base)
    how = draw(st.sampled_from(["keep", "cut", "insert", "repeat", "replace"]))
    if not line or how == "keep":
        return line
    at = draw(st.integers(0, len(line)))
    if how == "cut":
        return line[:at]
    if how == "insert":
        return line[:at] + draw(tokens(4)) + line[at:]
    if how == "repeat":
        return line[:at] * draw(st.integers(1, 4)) + line[at:]
    return line[:at] + draw(AWKWARD) + line[at + 1:]


def tokens(max_size: int) -> st.SearchStrategy[str]:
    """Awkward tokens and runs of any characters, joined."""
    return st.lists(st.one_of(AWKWARD, st.text(LINE_ALPHABET, min_size=1, max_size=8)), max_size=max_size).map("".join)


def any_line() -> st.SearchStrategy[str]:
    return tokens(30)


def line_of(kind: str) -> st.SearchStrategy[str]:
    """A line that looks like the kind (most often), like another kind, or like nothing."""
    own = lines_by_kind().get(kind, ())
    choices = [mutated(st.sampled_from(all_lines())), any_line()]
    if own:
        choices = [mutated(st.sampled_from(own))] * 3 + choices
    return st.one_of(*choices)


def lines_of(kind: str, max_size: int = 25) -> st.SearchStrategy[list[str]]:
    return st.lists(line_of(kind), max_size=max_size)
