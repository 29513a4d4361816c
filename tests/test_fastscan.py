"""The fast scan gives the report the full parse gives, and never misses a signature's line.

Big logs take the fast path only above `fastscan.MIN_BYTES`; these tests force it on
(`fast_min_bytes=0`) or off and compare. The only allowed difference is the artifact's
record count, which the fast path reports as lines read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import fastscan
from analyzer.analysis import analyze
from analyzer.decode import _split
from analyzer.fastscan.chunks import line_blocks
from analyzer.fastscan.expressions import trim_trailing_repeat
from analyzer.parsers import get
from tests.shared import assert_same_report, both_paths, knowledge

pytestmark = pytest.mark.skipif(not fastscan.available(), reason="hyperscan is not installed")

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_BUNDLES = sorted(p for p in SAMPLES.glob("*/bundle") if p.is_dir())


@pytest.mark.parametrize("bundle", SAMPLE_BUNDLES, ids=lambda p: p.parent.name)
def test_every_sample_gets_the_same_report_on_both_paths(bundle):
    assert_same_report(*both_paths([str(bundle)]))


def _real_server_logs() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*/bundle/sccache-server.log"))]


def _big_log(tmp_path: Path, line_end: str = "\n", extra: str = "") -> Path:
    """~2.5 MB of real server logs (several 1 MB blocks, multi-line records on block
    boundaries), with `extra` text in the middle."""
    logs = _real_server_logs()
    parts, size, i = [], 0, 0
    while size < 2_500_000:
        text = logs[i % len(logs)]
        parts.append(text)
        size += len(text)
        i += 1
        if i == len(logs) * 3:
            parts.append(extra)
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    path = bundle / "sccache-server.log"
    path.write_bytes("".join(parts).replace("\n", line_end).encode("utf-8"))
    return bundle


def test_a_big_real_log_gets_the_same_report_and_evidence_lines(tmp_path, whole_compile_table):
    bundle = _big_log(tmp_path)
    fast, full = both_paths([str(bundle)])
    assert_same_report(fast, full)
    assert fast.report["findings"], "the real logs hold failures"


def test_crlf_lone_cr_and_an_overlong_line_are_cut_as_the_full_parse_cuts_them(tmp_path, whole_compile_table):
    long_line = "[2026-11-21T06:00:00Z DEBUG sccache::server] " + "x" * (1024 * 1024 + 10) + "\n"
    extra = long_line + "progress 10%\rprogress 20%\r[2026-11-21T06:00:01Z ERROR sccache::server] odd thing\n"
    bundle = _big_log(tmp_path, line_end="\r\n", extra=extra)
    fast, full = both_paths([str(bundle)])
    assert_same_report(fast, full)
    problems = [p["reason"] for a in fast.report["artifacts"] for p in a.get("problems", [])]
    assert any("truncated" in p for p in problems)


def test_a_signature_seen_on_every_line_is_capped_the_same_way_on_both_paths(tmp_path, whole_compile_table):
    real = SAMPLES / "healthy-second-run" / "bundle" / "sccache-server.log"
    line = next(x for x in real.read_text(encoding="utf-8").splitlines(True) if "parse_arguments: CannotCache(" in x)
    (tmp_path / "sccache-server.log").write_text(line * 3000)
    fast, full = both_paths([str(tmp_path)])
    assert_same_report(fast, full)
    finding = next(f for f in fast.report["findings"] if f["id"] == "non-cacheable-calls")
    assert finding["reason"].startswith("more than 500 matching line(s)")


def test_without_hyperscan_every_member_takes_the_full_parse(tmp_path, monkeypatch):
    bundle = _big_log(tmp_path)
    monkeypatch.setattr(fastscan, "available", lambda: False)
    result = analyze([str(bundle)], knowledge(), fast_min_bytes=0)
    lines = (bundle / "sccache-server.log").read_bytes().count(b"\n")
    assert result.report["artifacts"][0]["records"] < lines  # records, not lines: the full parse


def test_every_positive_example_of_a_log_signature_is_a_candidate_line():
    """The prefilter may report too many lines, never too few."""
    from analyzer.fastscan.path import _build_matcher

    library = knowledge().library
    matcher = _build_matcher(library, get("sccache-log"))
    live = frozenset(range(len(matcher.expressions)))
    missed = []
    for pattern in library.patterns:
        if "sccache-log" not in pattern.applies_to:
            continue
        for example in pattern.examples_match:
            block = (example + "\n").encode("utf-8")
            owners = {matcher.owners[i] for i, _ in matcher.scan(block, live)}
            if f"pattern:{pattern.id}" not in owners:
                missed.append((pattern.id, example))
    assert not missed


@pytest.mark.parametrize(("pattern", "trimmed"), [
    (r"failed: (?:[^\n]+)", r"failed: [^\n]"),
    (r"storage init failed for: (?P<reason>[^\n]+)", r"storage init failed for: (?P<reason>[^\n]+)"),
    (r"foo [^\n]*", "foo "),
    (r"a\S+?", r"a\S"),
    (r"x(?:[^,)]+)(?:, (?:[^)]*))?\)", r"x(?:[^,)]+)(?:, (?:[^)]*))?\)"),  # ends in a literal
    (r"a|[^\n]+", r"a|[^\n]+"),  # the repeat is a whole alternative
    (r"ab\[^x]+", r"ab\[^x]+"),  # an escaped bracket, not a class
    (r"(foo[^\n]+)", r"(foo[^\n]+)"),  # inside a larger group
])
def test_a_trailing_repeat_is_cut_to_one_character(pattern, trimmed):
    assert trim_trailing_repeat(pattern) == trimmed


def _lines_from_blocks(data: bytes, max_line: int, read: int) -> list[tuple[bytes, bool]]:
    reads = [data[i:i + read] for i in range(0, len(data), read)]
    out = []
    for block, truncated in line_blocks(reads, max_line):
        lines = block.split(b"\n")[:-1]
        for i, line in enumerate(lines):
            out.append((line[:-1] if line.endswith(b"\r") else line, truncated and i == 0))
    return out


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200).map(lambda b: bytes(b"ab\r\n"[x % 4] for x in b)), st.integers(1, 12),
       st.integers(1, 12))
def test_line_blocks_cut_lines_like_the_full_decoder(data, max_line, read):
    """Same reads on both sides (the full decoder's cut of an overlong line depends on them)."""
    read = min(read, max_line)
    expected = list(_split([data[i:i + read] for i in range(0, len(data), read)], b"\n", b"\r", max_line))
    assert _lines_from_blocks(data, max_line, read) == expected


def test_a_literal_standing_in_for_a_lookaround_selects_only_lines_its_regex_takes(tmp_path, whole_compile_table):
    """`CannotCache(` occurs on every normal reason; the signature's lookaround keeps only the
    limits, so its literal's hits are confirmed by the regex on their line before the line is
    parsed, and the one limit after thousands of normal lines is still found."""
    from analyzer.fastscan.expressions import signature_expressions

    verified = {e.owner for e, _ in signature_expressions(knowledge().library, "sccache-log") if e.verify}
    assert "pattern:non-cacheable-limitation" in verified
    normal = "[2026-11-21T06:00:00Z DEBUG sccache::server] parse_arguments: CannotCache(crate-type): [\"x\"]\n"
    limit = "[2026-11-21T06:00:09Z DEBUG sccache::server] parse_arguments: CannotCache(-save-temps): [\"-c\"]\n"
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "sccache-server.log").write_text(normal * 5000 + limit, encoding="utf-8")
    fast, full = both_paths([str(bundle)])
    assert fast.report["findings"] == full.report["findings"]
    assert any(f["id"] == "non-cacheable-limitation" for f in fast.report["findings"])
