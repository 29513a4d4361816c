"""sccache-log parser: real 0.16.0 server and client logs, older formats, streaming."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from analyzer.ingest import keep_all, read_bundle
from analyzer.parsers import choose, get
from analyzer.records import Record
from tests.parsers.support import split

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sccache-log"
# Through the registry, so every kind is loaded before `choose` compares them.
PARSER = get("sccache-log")


def parse(lines, source="x.log"):
    return split(PARSER.parse(lines, source))


def fixture_lines(name):
    return (FIXTURES / name).read_text(encoding="utf-8").splitlines()


def facts_of(facts):
    return {(f.name, f.value) for f in facts}


# ---- sniff -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_fixture_is_chosen_as_sccache_log(name):
    head = (FIXTURES / name).read_text(encoding="utf-8")[:16000]
    assert choose(head, name)[0] == "sccache-log"


def test_sniff_env_logger_is_high():
    head = "[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226\n"
    assert PARSER.sniff(head, "server.log") >= 0.9


def test_sniff_client_lines_only_is_medium():
    head = "sccache: error: Timed out waiting for server startup\n"
    assert PARSER.sniff(head, "err.txt") == pytest.approx(0.5)


@pytest.mark.parametrize("head", [
    # cargo output quoting the client under --- stderr
    "error: process didn't exit successfully: `sccache rustc -vV` (exit status: 2)\n--- stderr\n"
    "sccache: error: Timed out waiting for server startup\n",
    # cargo build with SCCACHE_LOG set in the client environment
    "   Compiling tinycrate v0.1.0 (/home/dev/tinycrate)\n"
    "[2026-11-21T05:55:16Z DEBUG sccache::commands] Server sent CompileStarted\n"
    "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.32s\n",
    # ninja with client debug lines
    "[1/4] /usr/bin/sccache /usr/bin/cc -c main.c\n"
    "[2026-11-21T05:55:26Z DEBUG sccache::commands] Server sent CompileStarted\nFAILED: main.c.o\n",
])
def test_sniff_yields_to_cargo_and_build_tools(head):
    assert PARSER.sniff(head, "build.log") <= 0.4
    assert PARSER.sniff(head, "sccache-build.log") <= 0.4


@pytest.mark.parametrize("head", [
    "rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\n",
    "Compile requests                     12\nCache hits                            1\n",
    '{"rustc_fingerprint":1,"outputs":{},"successes":{}}',
    "Proto Recv-Q Send-Q Local Address           Foreign Address         State\n",
    "sccache 0.16.0\n",
    "",
])
def test_sniff_rejects_other_kinds(head):
    assert PARSER.sniff(head, "x.txt") == 0.0


# ---- records ---------------------------------------------------------------------------------

def test_disk_server_log_counts_and_no_problems():
    records, facts, problems = parse(fixture_lines("server-disk-0.16.0.log"))
    assert len(records) == 74
    assert problems == []
    events = [r.event for r in records if r.event]
    assert events == ["server-start", "storage-init", "server-mode", "server-listening", "cache-miss", "cache-hit",
                      "server-shutdown", "server-shutdown"]
    assert facts_of(facts) == {("server_port", 4350), ("backend", "disk"), ("cache_mode", "ReadWrite")}


def test_storage_check_failed_record_field_by_field():
    records, _, problems = parse(fixture_lines("server-s3-refused-0.16.0.log"), "logs/s3.log")
    assert problems == []
    failed = [r for r in records if r.event == "storage-check-failed"][0]
    assert failed.source == "logs/s3.log"
    assert failed.kind == "sccache-log"
    assert failed.time == "2026-11-21T05:55:20Z"
    assert failed.level == "ERROR"
    assert failed.target == "sccache::server"
    assert failed.line == 89
    assert failed.end_line == 139
    lines = failed.text.split("\n")
    assert lines[0] == ("storage check failed for: cache storage failed to read: "
                        "Unexpected (temporary) at read => send http request")
    assert lines[2] == "    Context:"
    assert lines[3] == "       url: http://127.0.0.1:4359/b/.sccache_check"
    assert "    Stack backtrace:" in lines
    assert lines[-1] == "      11: <unknown>"
    assert failed.fields == ()


def test_s3_refused_events_and_facts():
    records, facts, _ = parse(fixture_lines("server-s3-refused-0.16.0.log"))
    assert len(records) == 40
    events = [r.event for r in records if r.event]
    assert events == ["server-start", "storage-init", "storage-check-read", "storage-check-failed", "client-error"] * 2
    assert facts_of(facts) == {("server_port", 4352), ("backend", "s3"), ("bucket", "b"),
                               ("endpoint", "http://127.0.0.1:4359")}


def test_client_startup_failure_chain():
    records, _, problems = parse(fixture_lines("client-s3-startup-failed-0.16.0.txt"))
    assert problems == []
    assert len(records) == 6
    error, hint = records[4], records[5]
    assert (error.line, error.end_line, error.time, error.level, error.target, error.event) == \
        (5, 37, None, "ERROR", "sccache-client", "client-error")
    assert error.text.startswith("sccache: error: Server startup failed: cache storage failed to read")
    assert "\nContext:\n   url: http://127.0.0.1:4359/b/.sccache_check" in error.text
    assert not error.text.endswith("\n")
    assert hint.text == "Run with SCCACHE_LOG=debug SCCACHE_NO_DAEMON=1 to get more information"
    assert (hint.line, hint.target, hint.time) == (40, "sccache-client", None)


def test_caused_by_lines_are_records_but_not_new_chains():
    records, _, _ = parse([
        "sccache: error: failed to execute compile",
        "sccache: caused by: Failed to send data to or receive data from server",
        "sccache: caused by: failed to fill whole buffer",
    ])
    assert [r.event for r in records] == ["client-error", None, None]
    assert all(r.level == "ERROR" and r.target == "sccache-client" for r in records)


def test_millis_timestamps():
    records, _, problems = parse(fixture_lines("server-millis-0.16.0.log"))
    assert problems == []
    assert len(records) == 15
    assert records[0].time == "2026-11-21T05:55:20.478Z"


def test_microseconds_and_offsets_are_normalised():
    records, _, problems = parse([
        "[2026-11-21T05:23:31.123456Z INFO  sccache::server] a",
        "[2026-11-21T13:23:31+08:00 WARN  sccache::server] b",
        "[2026-11-21T05:23:31.5+00:00 debug sccache::server] c",
    ])
    assert problems == []
    assert [r.time for r in records] == ["2026-11-21T05:23:31.123Z", "2026-11-21T05:23:31Z", "2026-11-21T05:23:31.500Z"]
    assert [r.level for r in records] == ["INFO", "WARN", "DEBUG"]


def test_unreadable_timestamp_is_a_problem_and_the_record_stays():
    records, _, problems = parse(["[2026-13-45T99:00:00Z INFO  sccache::server] start_server: 127.0.0.1:4226"])
    assert len(records) == 1 and records[0].time is None and records[0].event == "server-start"
    assert len(problems) == 1 and problems[0].line == 1 and "timestamp" in problems[0].reason


def test_oss_proxy_log_facts_and_check_events():
    records, facts, problems = parse(fixture_lines("server-oss-proxy-millis.log"))
    assert problems == [] and len(records) == 13
    assert [r.event for r in records if r.event] == [
        "server-start", "storage-init", "storage-check-read", "storage-check-write",
        "storage-check-ok", "server-mode", "server-listening"]
    assert facts_of(facts) == {
        ("server_port", 4226), ("backend", "oss"), ("bucket", "team-cache"),
        ("endpoint", "https://oss-cn-hangzhou.aliyuncs.com"), ("proxy", "http://127.0.0.1:7897/"),
        ("cache_mode", "ReadWrite")}


def test_port_in_use_log():
    records, facts, _ = parse(fixture_lines("server-port-in-use-0.16.0.log"))
    assert [r.event for r in records][-2:] == ["server-start-failed", "client-error"]
    assert records[-1].text == "sccache: error: Address already in use (os error 98)"
    assert ("server_port", 4353) in facts_of(facts)


def test_raw_stderr_lines_start_untimed_records():
    records, facts, problems = parse(fixture_lines("server-write-check-failed.log"))
    assert problems == [] and len(records) == 10
    write_failed = records[5]
    assert (write_failed.line, write_failed.end_line, write_failed.time, write_failed.target) == \
        (6, 10, None, "sccache-stderr")
    assert write_failed.text.endswith("\n\nContext:\n   service: s3\n   path: .sccache_check")
    assert records[-1].text == "signal 11 received" and records[-1].level == "ERROR"
    assert ("cache_mode", "ReadOnly") in facts_of(facts)
    assert "endpoint" not in {f.name for f in facts}  # `endpoint None`


def test_fern_format():
    records, facts, problems = parse(fixture_lines("fern-0.2.5.log"))
    assert problems == [] and len(records) == 6
    first = records[0]
    assert (first.time, first.level, first.target, first.text, first.event) == \
        ("2017-09-28T11:39:11Z", "INFO", None, "start_server: port: 4226", "server-start")
    assert ("server_port", 4226) in facts_of(facts)


def test_env_logger_04_format():
    records, _, problems = parse(fixture_lines("envlogger-0.2.6.log"))
    assert problems == [] and len(records) == 6
    assert (records[4].level, records[4].target, records[4].text, records[4].event) == \
        ("INFO", "sccache::server", "shutting down due to explicit signal", "server-shutdown")
    assert records[0].time is None


def test_version_line_gives_a_fact():
    _, facts, _ = parse(["sccache 0.16.0", "[2026-11-21T05:23:31Z INFO  sccache::server] start_server: port: 4226"])
    assert facts_of(facts) == {("sccache_version", "0.16.0"), ("server_port", 4226)}


def test_leading_continuation_lines_form_one_record():
    records, _, problems = parse(["       3: <unknown>", "       4: <unknown>",
                                  "[2026-11-21T05:23:31Z INFO  sccache::server] ok, fully shutting down now"])
    assert problems == []
    assert [(r.line, r.end_line, r.target) for r in records] == [(1, 2, None), (3, 3, "sccache::server")]


def test_truncated_file_keeps_complete_records():
    lines = fixture_lines("server-s3-refused-0.16.0.log")[:100]  # cut inside the storage-check record
    records, _, problems = parse(lines)
    assert problems == []
    assert [r.line for r in records][:14] == [1, 2, 3, 4, 5, 6, 7, 8, 26, 44, 45, 46, 47, 48]
    last = records[-1]
    assert last.event == "storage-check-failed" and last.end_line == 99  # line 100 is a blank continuation


def test_runaway_record_is_cut_with_one_problem():
    lines = itertools.chain(["[2026-11-21T05:23:31Z ERROR sccache::server] boom"],
                            (f"    frame {i}" for i in range(5000)))
    records, _, problems = parse(lines)
    assert len(records) == 1 and records[0].end_line == 5001
    assert records[0].text.count("\n") < 2000
    assert len(problems) == 1


@pytest.mark.parametrize("lines", [
    ["\x00\x01\x02garbage", "\ufffd\ufffd", "[", "[]", "[2026-", "sccache:", ":::", "    "],
    ["[2026-11-21T05:23:31Z]", "[2026-11-21T05:23:31Z INFO", "INFO:", "INFO:x"],
    [],
])
def test_garbage_never_raises(lines):
    parse(lines)


def test_streams_lazily():
    consumed = 0

    def synthetic():
        nonlocal consumed
        for i in range(200_000):
            consumed += 1
            yield f"[2026-11-21T05:23:31Z DEBUG sccache::server] handle_client: compile {i}"

    first = list(itertools.islice(
        (i for i in PARSER.parse(synthetic(), "big.log") if isinstance(i, Record)), 10))
    assert len(first) == 10
    assert consumed < 100


def test_end_to_end_through_read_bundle():
    bundle = read_bundle([str(FIXTURES / "server-s3-refused-0.16.0.log")], keep_all)
    [artifact] = bundle.artifacts
    assert artifact.kind == "sccache-log"
    assert artifact.record_count == 40
    assert artifact.problems == []
    assert ("backend", "s3") in facts_of(artifact.facts)


def test_unreadable_timestamps_are_listed_up_to_a_cap_then_counted():
    from analyzer.parsers.sccache_log import MAX_TIME_PROBLEMS, SccacheLogParser
    from analyzer.records import Problem

    lines = [f"[2026-13-45T99:99:99Z INFO  sccache::server] line {i}" for i in range(MAX_TIME_PROBLEMS + 30)]
    problems = [i for i in SccacheLogParser().parse(lines, "s.log") if isinstance(i, Problem)]
    assert len(problems) == MAX_TIME_PROBLEMS + 1
    assert problems[-1].reason == "30 more unreadable timestamps"
