"""rustc-info parser: real `target/.rustc_info.json` files written by cargo 1.95 through sccache 0.16."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.ingest import keep_all, read_bundle
from analyzer.parsers.rustc_info import RustcInfoParser
from analyzer.records import Problem, Record, fields

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rustc-info"
PARSER = RustcInfoParser()
TIMEOUT = ("sccache: error: Timed out waiting for server startup. Maybe the remote service is unreachable?\n"
           "Run with SCCACHE_LOG=debug SCCACHE_NO_DAEMON=1 to get more information\n")


def read(path):
    (artifact,) = read_bundle([str(path)], keep_all).artifacts
    return artifact


def facts_of(artifact):
    return {(f.name, f.value) for f in artifact.facts}


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_fixture_is_chosen_as_rustc_info(name):
    assert read(FIXTURES / name).kind == "rustc-info"


@pytest.mark.parametrize("head", [
    "[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226\n",
    "Proto  Local Address          Foreign Address        State           PID\n  TCP    127.0.0.1:4226  0.0.0.0:0  LISTENING  4242\n",
    "Compile requests                      7\n",
    '{"stats":{"compile_requests":7,"cache_hits":{"counts":{}}},"version":"0.16.0"}',
    '{"tool": {"name": "sccache-forensics"}, "files": [], "captured_at": "2026-11-21T05:23:31Z"}',
])
def test_sniff_other_kinds_is_low(head):
    assert PARSER.sniff(head, "capture.json") < 0.3


def test_sniff_without_fingerprint_still_medium():
    head = '{"outputs":{"1":{"success":false,"status":"exit status: 2","code":2,"stdout":"","stderr":"x"}}}'
    assert 0.5 <= PARSER.sniff(head, "x.json") < 0.9


def test_failed_version_probe_entry():
    artifact = read(FIXTURES / "version-probe-failed.rustc_info.json")
    assert artifact.problems == []
    (record,) = artifact.records
    assert record == Record(
        "version-probe-failed.rustc_info.json", "rustc-info", 1,
        "cached rustc probe 5943945236582902497: failure (exit status: 2)\n" + TIMEOUT.rstrip("\n"),
        level="ERROR", end_line=1, event="probe-cached-failure",
        fields=fields(key="5943945236582902497", success="false", status="exit status: 2", code=2,
                      stdout="", stderr=TIMEOUT))
    assert facts_of(artifact) == {("rustc_fingerprint", 15745918312908927908)}


def test_mixed_file_records_and_facts():
    artifact = read(FIXTURES / "probe-failed.rustc_info.json")
    assert artifact.problems == [] and artifact.record_count == 2
    failed, ok = artifact.records
    assert (failed.event, failed.get("success"), failed.get("probe")) == ("probe-cached-failure", "false", None)
    assert (ok.event, ok.get("success"), ok.get("probe")) == (None, "true", "version")
    assert facts_of(artifact) == {("rustc_fingerprint", 1561105769186488628),
                                  ("rustc_version", "1.95.0"), ("rustc_host", "x86_64-unknown-linux-gnu")}


def test_success_file_names_both_probes():
    records = read(FIXTURES / "success.rustc_info.json").records
    assert sorted(r.get("probe") for r in records) == ["target-info", "version"]
    assert all(r.event is None for r in records)


def test_pretty_printed_file_gets_entry_lines():
    text = ('{\n  "rustc_fingerprint": 1,\n  "outputs": {\n    "42": {\n      "success": false,\n'
            '      "status": "exit code: 2",\n      "code": 2,\n      "stdout": "",\n      "stderr": "boom\\n"\n'
            '    }\n  },\n  "successes": {}\n}\n')
    items = list(PARSER.parse(text.splitlines(), "r.json"))
    (record,) = [i for i in items if isinstance(i, Record)]
    assert (record.line, record.end_line, record.text) == (4, 10, "cached rustc probe 42: failure (exit code: 2)\nboom")


def test_truncated_json_recovers_complete_entries(tmp_path):
    text = (FIXTURES / "probe-failed.rustc_info.json").read_text()
    cut = text[: text.index('"5943945236582902497"') + 60]
    path = tmp_path / ".rustc_info.json"
    path.write_text(cut)
    artifact = read(path)
    assert artifact.kind == "rustc-info"
    assert [r.get("key") for r in artifact.records] == ["9569893641992298680"]
    assert artifact.records[0].event == "probe-cached-failure"
    (problem,) = artifact.problems
    assert problem.line == 1 and "invalid JSON" in problem.reason
    assert ("rustc_fingerprint", 1561105769186488628) in facts_of(artifact)


@pytest.mark.parametrize("text", ["", "{", "[1, 2]", '{"outputs": []}', "\x00\xff garbage {\"1\": {", '{"outputs":{"1":7}}'])
def test_bad_input_never_raises(text):
    items = list(PARSER.parse(text.splitlines(), "r.json"))
    assert any(isinstance(i, Problem) for i in items)
    assert not any(isinstance(i, Record) for i in items)
