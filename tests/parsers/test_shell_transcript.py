"""The shell-transcript parser through read_bundle: decoding, sniffing and parsing together."""


import pytest

from analyzer.ingest import keep_all, read_bundle
from analyzer.records import Problem
from tests.parsers.support import FIXTURES as FIXTURE_ROOT
from tests.parsers.support import OTHER_KINDS, SEED, assert_not_claimed, assert_read_cleanly, read

FIXTURES = FIXTURE_ROOT / "shell-transcript"
@pytest.mark.parametrize("name, rows", [
    ("ps-transcript-kill.txt", 25), ("bash-terminal.txt", 13), ("cmd-console.txt", 10), ("ConsoleHost_history.txt", 6),
])
def test_each_format_is_sniffed_and_read_without_problems(name, rows):
    assert_read_cleanly(FIXTURES / name, "shell-transcript", rows)


@pytest.mark.parametrize("name, text", sorted(OTHER_KINDS.items()))
def test_other_kinds_are_not_claimed(tmp_path, name, text):
    assert_not_claimed(tmp_path, name, text, "shell-transcript")


def test_powershell_transcript_commands_events_and_facts():
    artifact = read(FIXTURES / "ps-transcript-kill.txt")
    commands = [r for r in artifact.records if r.event]
    assert [r.event for r in commands] == ["command", "stop-server", "kill", "kill", "command"]
    first = commands[0]
    assert first.field_map == {"command": "cargo check -p spacetime-module 2>&1", "prompt": "PS C:\\proj\\Genarrative\\server-rs>"}
    assert first.line == 20
    facts = {(f.name, f.value) for f in artifact.facts}
    assert facts == {("os", "windows"), ("transcript_start", "2026-05-11T10:01:57")}


def test_native_stderr_prefix_is_stripped_and_kept():
    records = read(FIXTURES / "ps-transcript-kill.txt").records
    error = [r for r in records if r.get("raw")]
    assert error[0].text.startswith("error: process didn't exit successfully")
    assert error[0].get("raw").startswith("cargo : error:")
    assert error[1].text == "sccache: error: couldn't connect to server"


def test_taskkill_output_gives_pids_in_both_languages():
    zh = [r.get("pid") for r in read(FIXTURES / "ps-transcript-kill.txt").records if r.get("pid")]
    en = [r.get("pid") for r in read(FIXTURES / "cmd-console.txt").records if r.get("pid")]
    assert zh == ["9804", "15320"] and en == ["9804", "15320"]


def test_bash_prompts_and_kills():
    records = read(FIXTURES / "bash-terminal.txt").records
    events = [(r.event, r.get("command")) for r in records if r.event]
    assert events == [("stop-server", "sccache --stop-server"), ("command", "ss -tanp | grep 4226"),
                      ("kill", "pkill -9 sccache"), ("kill", "kill -9 812"), ("command", "sccache --start-server")]


def test_history_file_lines_are_commands():
    records = read(FIXTURES / "ConsoleHost_history.txt").records
    assert all(r.get("command") for r in records)
    assert records[3].event == "kill"


def test_file_cut_mid_line_keeps_complete_lines(tmp_path):
    data = (FIXTURES / "ps-transcript-kill.txt").read_bytes()
    path = tmp_path / "transcript.txt"
    path.write_bytes(data[: data.index("成功: 已终止进程".encode()) + 6])
    artifact = read(path)
    assert artifact.kind == "shell-transcript"
    assert len([r for r in artifact.records if r.event == "kill"]) == 1
    assert len(artifact.problems) <= 1


def test_garbage_is_a_problem_not_an_exception():
    from analyzer.parsers import get

    items = list(get("shell-transcript").parse(["PS C:\\> dir", "\ufffd\ufffd\ufffd\ufffdab"], "t.txt"))
    assert isinstance(items[-1], Problem)


def test_seed_transcript_is_shell_transcript():
    bundle = read_bundle([str(SEED)], keep_all)
    (transcript,) = [a for a in bundle.artifacts if a.path == "transcript.txt"]
    assert transcript.kind == "shell-transcript"
    commands = [r.get("command") for r in transcript.records if r.event == "command"]
    assert "cargo check -p api-server 2>&1 > ..\\logs\\cargo-check.txt" in commands
    assert not [r for r in transcript.records if r.event == "kill"]
