"""`--format github`: workflow commands a runner turns into annotations, the step summary, no injection."""

from __future__ import annotations

import copy
import subprocess
import sys

from analyzer.report import render_github
from analyzer.report.render_github import Context, escape_data, escape_property
from tests.report.support import SEED, report
from tests.shared import ROOT

SEED_BUNDLE = ROOT / "samples" / SEED / "bundle"


def decode(text: str) -> str:
    """What the runner makes of an escaped value (actions/runner's unescape, in its order)."""
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command line -> (command, properties, message), split as the runner splits it."""
    assert line.startswith("::"), line
    head, message = line[2:].split("::", 1)
    name, _, props = head.partition(" ")
    properties = {}
    for part in filter(None, props.split(",")):
        key, _, value = part.partition("=")
        properties[key] = decode(value)
    return name, properties, decode(message)


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analyzer", "analyze", *args], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **env}, check=False, timeout=120)


def test_seed_appends_summary_and_prints_the_verdict_error(tmp_path):
    summary = tmp_path / "step_summary.md"
    summary.write_text("# Build\n\nearlier step\n", encoding="utf-8")
    done = run_cli(str(SEED_BUNDLE), "--format", "github",
                   env={"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(ROOT)})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    errors = [parse(line) for line in lines if line.startswith("::error")]
    assert len(errors) == 1
    _, props, message = errors[0]
    assert "storage-check-slow" in props["title"] and "cache-backend" in props["title"]
    assert message.startswith("The server's start-up storage check against the oss cache took 16.0 s")
    assert props["file"] == f"samples/{SEED}/bundle/sccache-server.log" and props["line"].isdigit()
    warnings = [parse(line) for line in lines if line.startswith("::warning")]
    assert any("proxy-in-path" in p["title"] for _, p, _ in warnings)
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines), "only commands"
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# Build\n\nearlier step\n"), "appended, never overwritten"
    assert "## sccache-forensics: build failed: `storage-check-slow`" in text


def test_without_a_step_summary_the_markdown_is_printed_with_commands_off():
    out = render_github.render(report(SEED), Context())
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("::stop-commands::"))
    token = lines[start].removeprefix("::stop-commands::")
    assert len(token) > 30 and lines[-1] == f"::{token}::"
    assert "## sccache-forensics:" in lines[start + 1]
    assert sum(f"::{token}::" in line for line in lines) == 1, "only the closing line ends the quote"
    assert lines[0].startswith("::error ")


def test_log_text_cannot_inject_commands():
    rep = copy.deepcopy(report(SEED))
    hostile = "x%0A::add-mask::y\r\n::set-env name=A::b\n::stop-commands::z, title=: file=/etc/passwd"
    rep["verdict"]["summary"] = hostile
    rep["root_causes"][0]["title"] = hostile
    out = render_github.render(rep, Context())
    lines = out.splitlines()
    command_lines = lines[:next(i for i, line in enumerate(lines) if line.startswith("::stop-commands::"))]
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in command_lines)
    name, props, message = parse(command_lines[0])
    assert name == "error" and message == hostile, "the runner decodes the message back to the exact text"
    assert hostile in props["title"] and "file" not in props


def test_escaping_rules():
    assert escape_data("50%\r\n") == "50%25%0D%0A"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert decode(escape_property("::x,y%0A")) == "::x,y%0A"


def test_at_most_ten_errors_and_a_notice_for_the_rest():
    rep = copy.deepcopy(report(SEED))
    cause = rep["root_causes"][0]
    rep["root_causes"] = [cause] + [{**cause, "id": f"extra-{i}"} for i in range(14)]
    contributing = [f for f in rep["findings"] if f["role"] == "contributing"][0]
    rep["findings"] += [{**contributing, "id": f"more-{i}"} for i in range(12)]
    lines = render_github.workflow_commands(rep, Context())
    assert sum(line.startswith("::error") for line in lines) == 10
    assert sum(line.startswith("::warning") for line in lines) == 10
    notices = [parse(line) for line in lines if line.startswith("::notice")]
    assert len(notices) == 1 and "5 more root cause(s)" in notices[0][2]
    total_warnings = 12 + sum(f["role"] == "contributing" for f in report(SEED)["findings"])
    assert f"{total_warnings - 10} more contributing" in notices[0][2]


def test_file_only_inside_the_workspace(tmp_path):
    rep = report(SEED)
    inside = Context(workspace=str(ROOT), inputs=(str(SEED_BUNDLE),))
    outside = Context(workspace=str(tmp_path), inputs=(str(SEED_BUNDLE),))
    assert "file=" in render_github.workflow_commands(rep, inside)[0]
    assert all("file=" not in line for line in render_github.workflow_commands(rep, outside))
    assert render_github.workspace_path("../../../etc/passwd", inside) is None
    assert render_github.workspace_path("files/../../etc/passwd", inside) is None
    assert render_github.workspace_path("files/etc/passwd", inside) is None
    copied = f"files{ROOT.as_posix()}/pyproject.toml"
    assert render_github.workspace_path(copied, Context(workspace=str(ROOT))) == "pyproject.toml"
    assert render_github.workspace_path(copied, Context(workspace=str(tmp_path))) is None


def test_healthy_build_gives_a_notice_and_no_error():
    lines = render_github.workflow_commands(report("healthy-second-run"), Context())
    assert not any(line.startswith("::error") for line in lines)
    name, props, _ = parse(lines[-1])
    assert name == "notice" and props["title"] == "sccache-forensics: healthy"


def test_summary_stays_within_githubs_limit(tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_bytes(b"x" * (render_github.SUMMARY_LIMIT - 3000))
    out = render_github.render(report(SEED), Context(summary_file=str(summary)))
    size = summary.stat().st_size
    assert size <= render_github.SUMMARY_LIMIT
    assert b"storage-check-slow" in summary.read_bytes(), "the short form went in"
    summary.write_bytes(b"x" * (render_github.SUMMARY_LIMIT - 10))
    out = render_github.render(report(SEED), Context(summary_file=str(summary)))
    assert summary.stat().st_size == render_github.SUMMARY_LIMIT - 10, "nothing appended past the limit"
    assert any(line.startswith("::warning") and "1 MiB" in line for line in out.splitlines())
