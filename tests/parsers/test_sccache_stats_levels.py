"""Multi-level rows (0.15+), per-compiler counts and the stats summary every report shows.

Fixtures are real: sccache 0.15.0 and 0.16.0 with `SCCACHE_MULTILEVEL_CHAIN=disk,webdav` against
a WebDAV server on 127.0.0.1, and 0.16.0 wrapping gcc with flags it does not cache.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.diagnose.cachestats import summarize
from analyzer.diagnose.noncacheable import classify
from analyzer.parsers import get
from analyzer.records import Fact, Record

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sccache-stats"
PARSER = get("sccache-stats")


def parse(name):
    items = list(PARSER.parse((FIXTURES / name).read_text(encoding="utf-8").splitlines(), name))
    return [i for i in items if isinstance(i, Record)], {i.name: i.value for i in items if isinstance(i, Fact)}


@pytest.mark.parametrize("name", ["show-stats-multilevel-0.16.0.txt", "show-stats-multilevel-0.16.0.json"])
def test_levels_text_and_json_agree(name):
    records, facts = parse(name)
    levels = summarize(records)["levels"]
    assert [(lv["name"], lv["backend"], lv["hits"], lv["misses"], lv["backfills_from"], lv["backfills_to"])
            for lv in levels] == [("L0 (disk)", "disk", 0, 4, 0, 4), ("L1 (webdav)", "webdav", 4, 0, 4, 0)]
    assert levels[0]["location"] == 'Local disk: "/home/dev/.cache/sccache"'
    assert levels[1]["location"] == "webdav, name: , prefix: /"
    assert facts["cache_location"] == "Multi-level (2 levels)"
    assert facts["backend"] == "webdav"  # the remote level, not the local one in front of it
    assert facts["stats.multi_level_cache_levels"] == 2


def test_level_rows_keep_their_level_and_stat():
    records, _ = parse("show-stats-multilevel-0.15.0.txt")
    row = next(r for r in records if r.get("name") == "L1 (webdav) writes")
    assert (row.get("level"), row.get("stat"), row.get("value")) == ("L1 (webdav)", "writes", "4")
    assert row.text == "  L1 (webdav) writes                   4"
    location = next(r for r in records if r.get("name") == "L0 (disk) location")
    assert location.get("stat") == "location"


def test_indented_rows_outside_a_level_block_stay_chatter():
    records, _ = parse("show-stats-0.16.0.txt")
    assert not [r for r in records if r.get("level")]


def test_json_adv_counts_give_per_compiler_rates():
    summary = summarize(parse("show-stats-multilevel-0.16.0.json")[0])
    assert summary["by_language"] == [{"name": "C/C++", "hits": 4, "misses": 0, "hit_rate": 1.0}]
    assert summary["by_compiler"] == [{"name": "c [gcc]", "hits": 4, "misses": 0, "hit_rate": 1.0}]
    assert summary["writes"] == 0  # JSON carries `cache_writes`; the text form does not print it


def test_cold_first_run_writes_what_it_missed():
    summary = summarize(parse("show-stats-limitation-0.16.0.txt")[0])
    assert (summary["hits"], summary["misses"], summary["hit_rate"]) == (1, 3, 0.25)
    json_summary = summarize(list(
        r for r in PARSER.parse((Path(__file__).parents[2] / "samples" / "non-cacheable-limitation-c" / "bundle"
                                 / "show-stats.json").read_text(encoding="utf-8").splitlines(), "s.json")
        if isinstance(r, Record)))
    assert json_summary["writes"] == 3 and json_summary["write_errors"] == 0


def test_reasons_carry_kind_and_advice():
    reasons = {r["reason"]: r for r in summarize(parse("show-stats-limitation-0.16.0.txt")[0])["non_cacheable_reasons"]}
    assert set(reasons) == {"-fprofile-use", "multiple input files"}
    assert {r["kind"] for r in reasons.values()} == {"limitation"}
    assert reasons["multiple input files"]["count"] == 1


@pytest.mark.parametrize(("reason", "kind", "word"), [
    ("crate-type", "expected", "normal"),
    ("-", "expected", "normal"),
    ("missing input", "expected", "normal"),
    ("missing crate_name", "expected", "normal"),
    ("incremental", "setting", "CARGO_INCREMENTAL=0"),
    ("shared pdb", "limitation", "/Z7"),
    ("unknown source language", "limitation", "extension"),
    ("-Xclang", "limitation", "-Xclang"),
    ("-Yc", "limitation", "precompiled"),
])
def test_classify(reason, kind, word):
    meaning = classify(reason)
    assert meaning.kind == kind and word in meaning.advice


def test_no_stats_no_summary():
    assert summarize([]) is None
