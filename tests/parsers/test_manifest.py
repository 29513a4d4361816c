"""manifest parser: the collector's manifest.json."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.ingest import keep_all, read_bundle
from analyzer.parsers.manifest import ManifestParser
from analyzer.records import Problem, Record, fields

FIXTURES = Path(__file__).parent.parent / "fixtures" / "manifest"
PARSER = ManifestParser()


def read(path):
    (artifact,) = read_bundle([str(path)], keep_all).artifacts
    return artifact


def test_fixture_is_chosen_as_manifest():
    assert read(FIXTURES / "manifest.json").kind == "manifest"


@pytest.mark.parametrize("head", [
    "[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226\n",
    "Proto Recv-Q Send-Q Local Address           Foreign Address         State\n",
    "Compile requests                      7\n",
    '{"rustc_fingerprint":1,"outputs":{},"successes":{}}',
    '{"files": ["a"], "name": "other"}',
])
def test_sniff_other_kinds_is_low(head):
    assert PARSER.sniff(head, "data.json") < 0.3


def test_records_and_facts():
    artifact = read(FIXTURES / "manifest.json")
    assert artifact.problems == [] and artifact.record_count == 4
    assert artifact.records[0] == Record(
        "manifest.json", "manifest", 9, "captured cargo-check.txt from `cargo check -p api-server` (exit status 101)",
        target="collector", end_line=9,
        fields=fields(path="cargo-check.txt", command="cargo check -p api-server", exit_status=101, duration_ms=12043))
    failed = artifact.records[3]
    assert (failed.line, failed.end_line, failed.level, failed.get("error")) == (12, 13, "ERROR", "timed out after 30000 ms")
    assert {(f.name, f.value) for f in artifact.facts} == {
        ("host", "ci-win-07"), ("os", "windows"), ("label", "nightly api-server"),
        ("captured_at", "2026-11-21T05:23:31Z"), ("utc_offset_minutes", 480)}


def test_truncated_json_recovers_complete_entries(tmp_path):
    text = (FIXTURES / "manifest.json").read_text()
    path = tmp_path / "manifest.json"
    path.write_text(text[: text.index('"netstat -ano"')])
    artifact = read(path)
    assert artifact.kind == "manifest"
    assert [r.get("path") for r in artifact.records] == ["cargo-check.txt", "target/.rustc_info.json"]
    (problem,) = artifact.problems
    assert "invalid JSON" in problem.reason
    assert ("host", "ci-win-07") in {(f.name, f.value) for f in artifact.facts}


@pytest.mark.parametrize("text", ["", "{", "[]", '{"files": 3}', '{"files": [1, {"path": "a"}]}', "\x00\xff"])
def test_bad_input_never_raises(text):
    items = list(PARSER.parse(text.splitlines(), "manifest.json"))
    assert any(isinstance(i, Problem) for i in items)
    assert [i.get("path") for i in items if isinstance(i, Record)] in ([], ["a"])


def test_collector_keys_origin_note_and_bytes(tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text(
        '{"tool": {"name": "sccache-forensics", "version": "0.1.0"}, "captured_at": "2026-11-21T05:23:31Z",\n'
        ' "files": [\n'
        '  {"path": "files/home/dev/.config/sccache/config", "command": null, "exit_status": null, "duration_ms": 0,'
        ' "error": null, "origin": "/home/dev/.config/sccache/config", "note": "not present", "bytes": null},\n'
        '  {"path": "rustc-vV.txt", "command": "rustc -vV", "exit_status": null, "duration_ms": 0,'
        ' "error": "not found: rustc", "bytes": null},\n'
        '  {"path": "files/home/dev/sccache.log", "command": null, "exit_status": null, "duration_ms": 3,'
        ' "error": null, "origin": "/home/dev/sccache.log", "note": "SCCACHE_ERROR_LOG", "bytes": 120}\n'
        ' ]}\n')
    absent, missing, copied = read(path).records
    assert absent.text == ("nothing captured for files/home/dev/.config/sccache/config from "
                           "/home/dev/.config/sccache/config: not present")
    assert (absent.get("origin"), absent.get("note"), absent.get("bytes"), absent.level) == (
        "/home/dev/.config/sccache/config", "not present", None, None)
    assert missing.text == "nothing captured for rustc-vV.txt from `rustc -vV`: not found: rustc"
    assert missing.level == "ERROR"
    assert copied.text == "captured files/home/dev/sccache.log from /home/dev/sccache.log"
    assert copied.get("bytes") == "120"
