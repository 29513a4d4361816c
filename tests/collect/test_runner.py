"""One bounded command: output, exit status, deadline, missing tool, a pipe held open."""

from __future__ import annotations

import os
import time

import pytest

from analyzer.collect import runner

pytestmark = pytest.mark.skipif(os.name == "nt", reason="uses sh")
ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def test_output_and_exit_status_are_kept():
    outcome = runner.run(["sh", "-c", "echo out; echo err >&2; exit 3"], env=ENV, cwd=None, timeout=10)
    assert outcome.exit_status == 3 and outcome.error is None
    assert outcome.output.splitlines() == [b"out", b"err"]
    assert 0 <= outcome.duration_ms < 10_000


def test_a_hanging_command_is_cut_at_its_deadline():
    started = time.monotonic()
    outcome = runner.run(["sh", "-c", "echo started; exec sleep 30"], env=ENV, cwd=None, timeout=0.5)
    assert time.monotonic() - started < 5
    assert outcome.exit_status is None
    assert outcome.error == "timed out after 500 ms"
    assert outcome.output == b"started\n"
    assert 500 <= outcome.duration_ms < 5000


def test_a_missing_tool_is_an_error_not_an_exception():
    outcome = runner.run(["no-such-tool-anywhere", "--version"], env=ENV, cwd=None, timeout=5)
    assert (outcome.exit_status, outcome.error, outcome.output) == (None, "not found: no-such-tool-anywhere", b"")


def test_a_descendant_holding_the_pipe_does_not_hold_the_collector():
    """A daemon that inherited stdout (an older sccache server) keeps the pipe open."""
    started = time.monotonic()
    outcome = runner.run(["sh", "-c", "sleep 4 & echo parent done"], env=ENV, cwd=None, timeout=10)
    assert time.monotonic() - started < runner.GRACE + 1.5
    assert outcome.exit_status == 0 and outcome.error is None
    assert outcome.output == b"parent done\n"
    assert "stayed open" in outcome.note


def test_shell_commands_run_through_the_shell():
    outcome = runner.run("echo $((6 * 7))", env=ENV, cwd=None, timeout=10, shell=True)
    assert (outcome.exit_status, outcome.output) == (0, b"42\n")
