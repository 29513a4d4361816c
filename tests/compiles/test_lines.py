"""The compile lines as sccache 0.16 and 0.8.2 wrote them in the lab's real debug logs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.compiles import args as arglib
from analyzer.compiles.lines import read, seconds
from analyzer.compiles.stats import parse_server_stats
from analyzer.compiles.table import CompileLog
from analyzer.records import Record

UTIL_ARGS = ('["--crate-name", "util", "--edition=2021", "util/src/lib.rs", "--crate-type", "lib", '
             '"-C", "debuginfo=2", "--out-dir", "/home/dev/work/target/debug/deps"]')


@pytest.mark.parametrize("text, what, subject, value", [
    (f"[util]: get_cached_or_compile: {UTIL_ARGS}", "request", "util", UTIL_ARGS),
    ("[util]: Hash key: c975c0be4aaa281f3069b058840a08a28480095ca522cab4389f49374c26821b", "key", "util",
     "c975c0be4aaa281f3069b058840a08a28480095ca522cab4389f49374c26821b"),
    ("[util]: Cache hit in 0.000 s", "lookup", "util", "hit"),
    ("[core.c.o]: Cache miss in 0.002 s", "lookup", "core.c.o", "miss"),
    ("[util]: compile result: cache miss", "result", "util", "cache miss"),
    ("[util]: generate_hash_key took 0.071 s", "hash-time", "util", "0.071 s"),
    ("[core.c.o]: Compiled in 0.175 s, storing in cache", "compiled", "core.c.o", "0.175 s, storing in cache"),
    ("compile result: cache hit", "result", None, "cache hit"),
    ("Preprocessor cache miss: 5f3c", "preprocessor", None, "pp-miss"),
    ("Include file /home/dev/work/include/gen.h is too new", "preprocessor", None, "too-new"),
    ('generate_hash_key: Cannot use preprocessor cache because of "-M"', "preprocessor", None, "too-hard"),
])
def test_each_compile_line_is_read(text, what, subject, value):
    line = read(text)
    assert line is not None and (line.what, line.subject, line.value) == (what, subject, value)


def test_cannot_cache_keeps_sccaches_reason_with_its_extra_info():
    line = read('parse_arguments: CannotCache(crate-type, bin): ["--crate-name", "app"]')
    assert (line.what, line.extra) == ("parsed", "crate-type, bin")
    assert read('parse_arguments: Ok: ["-c", "a.c"]').extra is None


@pytest.mark.parametrize("text", [
    "[util]: Cache write finished in 0.000 s",          # not a line the table needs
    "server has setup with ReadWrite",
    "[2026-12-03T04:04:13Z DEBUG sccache::server] [util]: compile result: cache miss",  # a raw line, not a message
    "Hash key: abc",                                     # no subject
])
def test_other_lines_are_not_compile_lines(text):
    assert read(text) is None


def test_debug_printed_arguments_are_unquoted_with_rust_escapes():
    assert arglib.parse_list(r'["-DMSG=\"hi\"", "C:\\src\\a.c", "tab\tx", "\u{e9}", "-o", "out.o"]') == [
        '-DMSG="hi"', "C:\\src\\a.c", "tab\tx", "é", "-o", "out.o"]
    assert arglib.parse_list('["--crate-name", "ut') == ["--crate-name", "ut"]  # cut line: what was read
    assert arglib.parse_list("no list") == []


def test_subject_language_and_probes_from_arguments():
    rust = arglib.parse_list(UTIL_ARGS)
    c = ["-I/home/dev/work/include", "-o", "CMakeFiles/core.dir/src/core.c.o", "-c", "/home/dev/work/src/core.c"]
    assert (arglib.subject_of(rust), arglib.language_of(rust), arglib.compiler_of(rust)) == ("util", "Rust", "rustc")
    assert (arglib.subject_of(c), arglib.language_of(c)) == ("core.c.o", "C")
    assert arglib.output_of(c) == "CMakeFiles/core.dir/src/core.c.o"
    assert arglib.language_of(["-o", "m.o", "-c", "src/main.cpp"]) == "C++"
    assert arglib.is_probe(["-vV"], "missing input")
    assert arglib.is_probe(["-", "--crate-name", "___", "--print=file-names"], "-")
    assert not arglib.is_probe(rust, "incremental")


def test_server_stats_counters_and_maps():
    body = ('compile_requests: 5, requests_unsupported_compiler: 0, requests_not_compile: 0, '
            'requests_not_cacheable: 4, requests_executed: 1, cache_errors: PerLanguageCount { counts: {}, '
            'adv_counts: {} }, cache_hits: PerLanguageCount { counts: {}, adv_counts: {} }, cache_misses: '
            'PerLanguageCount { counts: {"Rust": 1}, adv_counts: {"rust": 1} }, cache_timeouts: 0, '
            'compile_fails: 0, not_cached: {"missing input": 2, "-": 1, "crate-type": 1}, dist_compiles: {}, '
            'dist_errors: 0, multi_level: None')
    stats = parse_server_stats(body)
    assert stats["compile_requests"] == 5 and stats["requests_not_cacheable"] == 4
    assert stats["cache_misses"] == {"Rust": 1} and stats["cache_hits"] == {}
    assert stats["not_cached"] == {"missing input": 2, "-": 1, "crate-type": 1}


def test_seconds():
    assert seconds("0.175 s, storing in cache") == 0.175
    assert seconds("no time") is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.text(max_size=200),
    st.sampled_from(["[a]: get_cached_or_compile: ", "parse_arguments: CannotCache(", "[a]: Cache hit in ",
                     "[a]: compile result: ", "compile result: ", "Include file ", "stats after compile result: "
                     "ServerStats {", "Preprocessor cache miss: "]).flatmap(
        lambda head: st.text(max_size=200).map(lambda tail: head + tail))), max_size=40))
def test_any_text_fed_to_the_table_never_raises_and_stays_consistent(texts):
    log = CompileLog()
    for number, text in enumerate(texts, 1):
        log.feed(Record("s.log", "sccache-log", number, text))
    doc = log.to_json()
    assert doc["requests"] == doc["probes"] + sum(
        doc[k] for k in ("hits", "misses", "not_cacheable", "not_cached", "failed", "errors", "unknown"))
    assert doc["not_served"] == doc["requests"] - doc["probes"] - doc["hits"]
