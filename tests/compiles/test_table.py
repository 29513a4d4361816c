"""The compile table built from real debug logs: rows, counts, reasons, bounds."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from analyzer.analysis import analyze
from analyzer.compiles import table as table_module
from analyzer.compiles.table import CompileLog
from analyzer.records import Record
from tests.shared import SAMPLES, knowledge

PAIRS = SAMPLES / "pairs"
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "analyzer/schema/report.schema.json").read_text())


def _compiles(path: Path) -> dict:
    report = analyze([str(path)], knowledge()).report
    jsonschema.validate(report, SCHEMA)
    return report["compiles"]


def _rows(compiles: dict) -> dict[str, tuple[str, str | None]]:
    return {r["subject"]: (r["result"], r["reason"]) for r in compiles["rows"] if not r["probe"]}


def test_a_warm_rust_build_hits_its_libraries_and_names_why_the_rest_are_not_cacheable():
    compiles = _compiles(PAIRS / "rustflags" / "baseline")
    assert _rows(compiles) == {
        "util": ("hit", None), "alpha": ("hit", None), "beta": ("hit", None),
        "app": ("not-cacheable", "not-cacheable:crate-type bin"),
        "hello_macro": ("not-cacheable", "not-cacheable:crate-type proc-macro")}
    assert (compiles["hits"], compiles["misses"], compiles["probes"], compiles["hit_rate"]) == (3, 0, 3, 1.0)
    util = next(r for r in compiles["rows"] if r["subject"] == "util")
    assert len(util["hash"]) == 64 and util["lookup_s"] is not None, "the hash key is not a secret"


def test_misses_and_incremental_compiles_are_counted_by_reason_and_summarised():
    rustflags = _compiles(PAIRS / "rustflags" / "candidate")
    assert rustflags["reasons"] == {"new-key": 3, "not-cacheable:crate-type bin": 1,
                                    "not-cacheable:crate-type proc-macro": 1}
    assert "3 not in the cache (new key)" in rustflags["summary"]
    incremental = _compiles(PAIRS / "incremental" / "candidate")
    assert incremental["reasons"].get("not-cacheable:incremental") == 3
    assert "3 not cacheable (incremental)" in incremental["summary"]


def test_c_objects_are_rows_with_their_language():
    compiles = _compiles(PAIRS / "c-paths" / "candidate")
    assert {r["subject"]: r["language"] for r in compiles["rows"]} == {
        "core.c.o": "C", "table.c.o": "C", "main.cpp.o": "C++"}
    assert compiles["misses"] == 3 and compiles["server_stats"]["cache_misses"]


def test_an_old_server_without_subject_on_its_result_lines_still_gets_results():
    """sccache 0.8.2 writes `compile result: cache miss` with no crate; the lookup decides."""
    compiles = _compiles(PAIRS / "sccache-version" / "candidate")
    assert {s: r[0] for s, r in _rows(compiles).items() if r[0] != "not-cacheable"} == {
        "util": "miss", "alpha": "miss", "beta": "miss"}


def _record(line: int, text: str) -> Record:
    return Record("s.log", "sccache-log", line, text)


def test_a_header_too_new_is_the_reason_of_the_compile_it_belongs_to():
    log = CompileLog()
    lines = ['[a.o]: get_cached_or_compile: ["-o", "a.o", "-c", "a.c"]',
             "Include file /p/gen.h is too new",
             "[a.o]: Hash key: 11", "[a.o]: Cache miss in 0.001 s", "[a.o]: compile result: cache miss",
             '[b.o]: get_cached_or_compile: ["-o", "b.o", "-c", "b.c"]',
             "[b.o]: Hash key: 22", "[b.o]: Cache miss in 0.001 s", "[b.o]: compile result: cache miss"]
    for number, text in enumerate(lines, 1):
        log.feed(_record(number, text))
    doc = log.to_json()
    assert {r["subject"]: r["reason"] for r in doc["rows"]} == {"a.o": "header-too-new", "b.o": "new-key"}
    assert "1 not in the cache (a header too new for the preprocessor cache)" in doc["summary"]


def test_rows_are_bounded_but_counts_cover_every_request(monkeypatch):
    monkeypatch.setattr(table_module, "FIRST_ROWS", 5)
    monkeypatch.setattr(table_module, "MISS_ROWS", 3)
    log = CompileLog()
    number = 0
    for i in range(50):
        outcome = "miss" if i % 5 == 0 else "hit"
        for text in (f'[c{i}]: get_cached_or_compile: ["--crate-name", "c{i}"]', f"[c{i}]: Cache {outcome} in 0 s",
                     f"[c{i}]: compile result: cache {outcome}"):
            number += 1
            log.feed(_record(number, text))
    doc = log.to_json()
    assert (doc["requests"], doc["hits"], doc["misses"]) == (50, 40, 10)
    assert len(doc["rows"]) == 8 and doc["rows_left_out"] == 42
    assert sum(r["result"] == "miss" for r in doc["rows"]) == 4  # c0 among the first five, then three more


def test_a_request_without_result_is_closed_as_unknown_when_the_log_ends():
    log = CompileLog()
    log.feed(_record(1, '[x]: get_cached_or_compile: ["--crate-name", "x"]'))
    doc = log.to_json()
    assert doc["unknown"] == 1 and doc["rows"][0]["result"] == "unknown"


def test_a_bundle_without_debug_lines_has_no_compile_table():
    report = analyze([str(SAMPLES / "port-taken" / "bundle")], knowledge()).report
    assert "compiles" not in report


def test_a_header_with_a_future_mtime_is_named_on_every_compile_it_touched():
    """Real: include/core.h two hours ahead, three compiles in parallel (ninja), each logging
    `Include file … is too new` between other compiles' lines."""
    cold = _compiles(PAIRS / "header-too-new" / "baseline")
    assert cold["reasons"] == {"header-too-new": 3}
    assert all("core.h is too new" in r["detail"] for r in cold["rows"])
    warm = _compiles(PAIRS / "header-too-new" / "candidate")
    assert warm["hits"] == 3 and "3 hit(s) had to preprocess first" in warm["summary"]
