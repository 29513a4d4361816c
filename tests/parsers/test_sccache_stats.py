"""sccache-stats parser: real 0.16.0 `--show-stats` text, JSON, adv stats and `--stop-server`."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.ingest import keep_all, read_bundle
from analyzer.parsers import choose, get
from analyzer.records import Fact, Problem, Record

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sccache-stats"
# Through the registry, so every kind is loaded before `choose` compares them.
PARSER = get("sccache-stats")


def parse(lines, source="stats.txt"):
    items = list(PARSER.parse(lines, source))
    return ([i for i in items if isinstance(i, Record)],
            {i.name: i.value for i in items if isinstance(i, Fact)},
            [i for i in items if isinstance(i, Problem)])


def fixture_lines(name):
    return (FIXTURES / name).read_text(encoding="utf-8").splitlines()


def by_name(records):
    return {r.get("name"): r.get("value") for r in records}


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_fixture_is_chosen_as_stats(name):
    head = (FIXTURES / name).read_text(encoding="utf-8")[:16000]
    assert choose(head, name)[0] == "sccache-stats"


@pytest.mark.parametrize("head", [
    "[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226\n",
    "rustc 1.95.0 (59807616e 2026-04-14)\nhost: x86_64-unknown-linux-gnu\n",
    '{"rustc_fingerprint":1,"outputs":{},"successes":{}}',
    "   Compiling tinycrate v0.1.0 (/home/dev/tinycrate)\n",
    "",
])
def test_sniff_rejects_other_kinds(head):
    assert PARSER.sniff(head, "x.txt") == 0.0


def test_text_form_records_and_facts():
    records, facts, problems = parse(fixture_lines("show-stats-0.16.0.txt"))
    assert problems == []
    assert len(records) == 31
    first = records[0]
    assert (first.line, first.text, first.kind, first.time, first.event) == \
        (1, "Compile requests                     12", "sccache-stats", None, None)
    assert first.fields == (("name", "Compile requests"), ("value", "12"))
    values = by_name(records)
    assert values["Non-cacheable reason: missing input"] == "8"
    assert values["Non-cacheable reason: -"] == "2"
    assert values["Cache location"] == 'Local disk: "/home/dev/.cache/sccache"'
    assert facts["stats.cache_hits"] == 1
    assert facts["stats.cache_misses"] == 1
    assert facts["stats.compile_requests"] == 12
    assert facts["stats.non_cacheable_calls"] == 10
    assert facts["stats.cache_hits_rate"] == 50.0
    assert facts["stats.average_compiler"] == pytest.approx(0.026)
    assert facts["stats.max_cache_size"] == 10 * 1024**3
    assert facts["stats.cache_size"] == 5 * 1024
    assert facts["sccache_version"] == "0.16.0"
    assert facts["backend"] == "disk"
    assert facts["cache_location"] == 'Local disk: "/home/dev/.cache/sccache"'


def test_json_form_uses_the_text_labels():
    records, facts, problems = parse(fixture_lines("show-stats-0.16.0.json"), "stats.json")
    assert problems == []
    text_values = by_name(parse(fixture_lines("show-stats-0.16.0.txt"))[0])
    json_values = by_name(records)
    for label in ("Compile requests", "Cache hits", "Cache misses", "Non-cacheable calls", "Cache hits rate",
                  "Compilation failures", "Cache write errors", "Version (client)", "Cache location",
                  "Non-cacheable reason: missing input", "Non-cacheable reason: -"):
        assert json_values[label] == text_values[label], label
    assert json_values["Cache hits (Rust)"] == "1"
    assert facts["stats.cache_hits"] == 1 and facts["stats.cache_size"] == 4893
    assert facts["backend"] == "disk" and facts["sccache_version"] == "0.16.0"


def test_json_per_language_counts_are_summed():
    line = ('{"stats":{"compile_requests":5,"cache_hits":{"counts":{"Rust":2,"C/C++":3}},'
            '"cache_misses":{"counts":{}},"not_cached":{"crate-type":4}},"version":"0.8.2"}')
    records, facts, problems = parse([line])
    assert problems == []
    assert facts["stats.cache_hits"] == 5 and facts["stats.cache_misses"] == 0
    assert by_name(records)["Non-cacheable reason: crate-type"] == "4"
    assert by_name(records)["Cache hits rate"] == "100.00 %"


def test_pretty_printed_json():
    records, facts, problems = parse(['{', '  "stats": {"compile_requests": 3, "cache_write_errors": 2},',
                                      '  "version": "0.16.0"', '}'])
    assert problems == [] and facts["stats.cache_write_errors"] == 2


def test_stop_server_block():
    records, facts, problems = parse(fixture_lines("stop-server-0.16.0.txt"))
    assert problems == [] and len(records) == 31
    assert records[0].line == 2 and facts["stats.cache_hits"] == 1


def test_adv_stats():
    records, facts, problems = parse(fixture_lines("show-adv-stats-0.16.0.txt"))
    assert problems == [] and len(records) == 31
    assert facts["stats.cache_hits_rust"] == 1


def test_remote_backend_stats():
    records, facts, problems = parse(fixture_lines("show-stats-s3-write-errors.txt"))
    assert problems == [] and len(records) == 29
    assert facts["backend"] == "s3"
    assert facts["cache_location"] == "s3, name: ci-cache, prefix: /sccache/"
    assert facts["stats.cache_write_errors"] == 37
    assert facts["stats.cache_timeouts"] == 4
    assert facts["stats.cache_read_errors"] == 2
    assert facts["stats.cache_errors"] == 0
    assert facts["stats.compilation_failures"] == 0
    assert by_name(records)["Non-cacheable reason: crate-type"] == "16"


@pytest.mark.parametrize("value,expected", [("12", 12), ("50.00 %", 50.0), ("0.026 s", 0.026),
                                             ("123 MiB", 123 * 1024**2), ("-", None), ("yes", None)])
def test_values_become_numbers(value, expected):
    _, facts, _ = parse([f"Some stat                   {value}"])
    assert facts.get("stats.some_stat") == expected


def test_truncated_file_keeps_complete_rows():
    records, facts, problems = parse(fixture_lines("show-stats-0.16.0.txt")[:10] + ["Cache write err"])
    assert problems == [] and len(records) == 10
    assert "stats.cache_write_errors" not in facts


def test_truncated_json_is_one_problem():
    records, _, problems = parse(['{"stats":{"compile_requests":12,"cache_hi'])
    assert records == [] and len(problems) == 1


def test_garbage_gives_up_with_one_problem():
    records, _, problems = parse([f"xx{i}" for i in range(50)])
    assert records == [] and len(problems) == 1


@pytest.mark.parametrize("lines", [["\x00\x01", "{", "}", "[]"], ['{"stats": [1, 2]}'], ['{"stats": {"cache_hits": true}}'], []])
def test_garbage_never_raises(lines):
    parse(lines)


def test_end_to_end_through_read_bundle():
    bundle = read_bundle([str(FIXTURES / "show-stats-0.16.0.json")], keep_all)
    [artifact] = bundle.artifacts
    assert artifact.kind == "sccache-stats"
    assert artifact.problems == []
    assert artifact.record_count == len(artifact.records) == 35  # + per-compiler rows
