"""The pattern engine on records with arbitrary text: never raises, matches keep their record
(and so its line), the prefilter never loses a match the full scan finds, and a signature's
own examples still match when buried in noise."""

from __future__ import annotations

from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from analyzer import parsers
from analyzer.patterns import load_library
from analyzer.patterns.literals import derive_literal
from analyzer.patterns.masks import MASKS_FILE, apply_masks, load_masks
from analyzer.records import Record
from tests.property.strategies import PROPERTY, any_line, mutated

KINDS = sorted(parsers.load_all())


@cache
def library():
    return load_library()


@cache
def examples() -> tuple[str, ...]:
    lib = library()
    return tuple(sorted({e for p in lib.patterns for e in p.examples_match + p.examples_no_match}
                        | set(lib.literals())))


def texts() -> st.SearchStrategy[str]:
    """Noise, a signature's example or literal (often cut or spliced), or several joined."""
    example = mutated(st.sampled_from(examples()))
    piece = st.one_of(example, example, any_line())
    return st.one_of(piece, st.lists(piece, min_size=2, max_size=4).map(lambda p: " ".join(p)),
                     st.lists(piece, min_size=2, max_size=3).map(lambda p: "\n".join(p)))


@PROPERTY
@given(text=texts(), kind=st.sampled_from(KINDS), line=st.integers(1, 10**9))
def test_match_never_raises_and_keeps_the_record(text, kind, line):
    record = Record("logs/a.log", kind, line, text, end_line=line + text.count("\n"))
    ids = set(library().ids())
    for match in library().match(record):
        assert match.record is record and match.record.line == line
        assert match.pattern_id in ids
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in match.captures)


@PROPERTY
@given(text=texts(), kind=st.sampled_from(KINDS))
def test_prefilter_never_loses_a_match(text, kind):
    record = Record("a.log", kind, 1, text)
    fast = [(m.pattern_id, m.signature, m.captures) for m in library().match(record)]
    full = [(m.pattern_id, m.signature, m.captures) for m in library().match(record, prefilter=False)]
    assert fast == full


@PROPERTY
@given(data=st.data())
def test_examples_still_match_inside_noise(data):
    unanchored = [p for p in library().patterns if p.examples_match
                  and not any(c in b.regex.pattern for b in p.blocks for c in "^$")]
    pattern = data.draw(st.sampled_from(unanchored), label="pattern")
    example = data.draw(st.sampled_from(pattern.examples_match), label="example")
    noise = data.draw(st.text(st.characters(whitelist_categories=("Zs",)), max_size=3), label="pad")
    kind = sorted(pattern.applies_to)[0]
    record = Record("a.log", kind, 7, noise + example + noise)
    assert pattern.id in {m.pattern_id for m in library().match(record)}, (pattern.name, example)


@PROPERTY
@given(regex_source=st.sampled_from([b.regex.pattern for p in load_library().patterns for b in p.blocks]),
       text=texts())
def test_derived_literals_are_in_every_match(regex_source, text):
    """The prefilter's promise: a derived literal is a substring of whatever the regex matches."""
    import regex

    literal = derive_literal(regex_source)
    found = regex.compile(regex_source).search(text)
    if literal is not None and found is not None:
        assert literal in found.group(0), (literal, found.group(0))


@PROPERTY
@given(text=texts())
def test_masks_never_raise(text):
    masks, errors = load_masks(library_dir() / MASKS_FILE)
    assert not errors
    assert isinstance(apply_masks(masks, text), str)


def library_dir():
    from analyzer.patterns import builtin_dir

    return builtin_dir()
