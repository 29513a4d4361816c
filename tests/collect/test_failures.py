"""A failing or missing tool is recorded and the collection goes on; a hanging sccache is cut
at its deadline; usage errors are one line and exit 2. For the Python collector and collect.sh.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analyzer.collect import script_text
from analyzer.ingest import read_bundle
from tests.collect.machine import (
    SCRIPTS,
    free_port,
    leaked,
    make_machine,
    manifest_of,
    members,
    run_cli,
    run_sh,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX tools and collect.sh")

# System tools the collectors use; rustc and cargo are left out on purpose (missing tools).
TOOLS = ("sh", "bash", "env", "grep", "sort", "awk", "sed", "tr", "date", "mktemp", "rm", "mkdir", "mv", "cat",
         "dirname", "basename", "head", "tail", "wc", "find", "zip", "gzip", "tar", "hostname", "uname", "sleep",
         "ps", "ss", "netstat", "touch", "ls")
HANG = "31.5"  # seconds the fake sccache sleeps: a mark to find leftovers by


def tool_dir(root: Path) -> Path:
    """A PATH folder with the system tools, no rustc or cargo, and an sccache that hangs on stats."""
    bin_dir = root / "bin"
    bin_dir.mkdir(parents=True)
    for tool in TOOLS:
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    fake = bin_dir / "sccache"
    fake.write_text('#!/bin/sh\ncase "$*" in\n  *--show-stats*) exec sleep ' + HANG + ' ;;\n'
                    '  *) echo "sccache 0.16.0" ;;\nesac\n')
    fake.chmod(0o755)
    return bin_dir


def hanging_sleeps() -> list[str]:
    rows = subprocess.run(["ps", "-A", "-o", "args"], capture_output=True, text=True).stdout.splitlines()
    return [row for row in rows if row.strip() == f"sleep {HANG}"]


def collect(kind: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess, Path, float]:
    machine = make_machine(tmp_path / "m", free_port(), None, path_dirs=[str(tool_dir(tmp_path))])
    machine.env.pop("SCCACHE_ERROR_LOG")
    bundle = tmp_path / "bundle.zip"
    started = time.monotonic()
    if kind == "python":
        done = run_cli(machine, bundle, "--timeout", "1", "--label", "hang")
    else:
        done = run_sh(machine, bundle, "--timeout", "1", "--label", "hang", shell=kind)
    return done, bundle, time.monotonic() - started


@pytest.mark.parametrize("kind", ["python", "sh", pytest.param("bash", marks=pytest.mark.slow)])
def test_hanging_and_missing_tools_are_recorded_and_the_rest_goes_on(tmp_path, kind):
    done, bundle, seconds = collect(kind, tmp_path)
    assert done.returncode == 0, done.stderr
    assert seconds < 30
    manifest = manifest_of(bundle)
    entries = {e["path"]: e for e in manifest["files"]}
    entry = entries["sccache-stats.json"]
    assert entry["error"] == "timed out after 1000 ms", entry
    assert entry["exit_status"] is None
    assert 1000 <= entry["duration_ms"] < 5000
    assert entry["bytes"] is None
    skipped = entries["sccache-stats.txt"]  # one unanswered stats call: the second is not tried
    assert skipped["error"].startswith("skipped:") and "no answer" in skipped["error"], skipped
    assert skipped["bytes"] is None and skipped["duration_ms"] == 0
    for name, tool in (("rustc-vV.txt", "rustc"), ("cargo-V.txt", "cargo")):
        assert entries[name]["error"] == f"not found: {tool}"
        assert entries[name]["bytes"] is None and entries[name]["exit_status"] is None
    assert entries["sccache-version.txt"]["exit_status"] == 0
    for name in ("env.txt", "sockets.txt", "processes.txt", "sccache-version.txt"):
        assert entries[name]["bytes"] > 0, name
    assert any(p.endswith("/.cargo/config.toml") and e["bytes"] for p, e in entries.items())
    assert manifest["label"] == "hang" and manifest["os"] == "linux"
    files = members(bundle)
    assert set(files) == {p for p, e in entries.items() if e["bytes"] is not None} | {"manifest.json"}
    assert not leaked(files) and not leaked(bundle.read_bytes())
    assert "timed out after 1000 ms" in done.stderr and "Traceback" not in done.stderr
    assert seconds < 15, "one hung stats call, not two"
    assert not hanging_sleeps(), "the timed-out command must not outlive its deadline"
    kinds = {a.path: a.kind for a in read_bundle([str(bundle)]).artifacts}
    assert "unknown" not in kinds.values(), kinds


@pytest.mark.parametrize("kind", ["python", "sh"])
def test_a_project_that_is_not_a_folder_is_a_one_line_error(tmp_path, kind):
    argv = {"python": [sys.executable, "-m", "analyzer", "collect"], "sh": ["sh", str(SCRIPTS / "collect.sh")]}[kind]
    done = subprocess.run([*argv, "--project", str(tmp_path / "missing"), "-o", str(tmp_path / "b.zip")],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(SCRIPTS.parents[1])})
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("sccache-forensics: ")
    assert not list(tmp_path.iterdir()), "nothing may be written"


@pytest.mark.parametrize("kind", ["python", "sh"])
def test_an_output_folder_that_does_not_exist_is_a_one_line_error(tmp_path, kind):
    argv = {"python": [sys.executable, "-m", "analyzer", "collect"], "sh": ["sh", str(SCRIPTS / "collect.sh")]}[kind]
    done = subprocess.run([*argv, "--project", str(tmp_path), "-o", str(tmp_path / "no" / "b.zip")],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(SCRIPTS.parents[1])})
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_print_script(tmp_path):
    done = subprocess.run([sys.executable, "-m", "analyzer", "collect", "--print-script", "sh"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout == script_text("sh")
    assert not list(tmp_path.iterdir())


def test_a_long_log_keeps_its_end(tmp_path, monkeypatch):
    from analyzer.collect import collector

    monkeypatch.setattr(collector, "MAX_COPY", 1000)
    log = tmp_path / "big.log"
    log.write_text("".join(f"[2026-11-21T05:23:{i % 60:02d}Z DEBUG sccache::server] line {i}\n" for i in range(200)))
    out = tmp_path / "b.zip"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = collector.collect(collector.Options(output=str(out), project=str(tmp_path), logs=[str(log)], timeout=5),
                               environ=env)
    entry = next(e for e in result.manifest["files"] if e.get("origin") == str(log))
    assert entry["note"].startswith("kept the last")
    copied = members(out)[entry["path"]].decode()
    assert copied.endswith("line 199\n") and "line 0\n" not in copied


def test_collect_sh_writes_a_tar_gz_where_zip_is_missing(tmp_path):
    bin_dir = tool_dir(tmp_path)
    (bin_dir / "zip").unlink(missing_ok=True)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "AWS_SECRET_ACCESS_KEY": "planted-secret-value"}
    done = subprocess.run(["sh", str(SCRIPTS / "collect.sh"), "-o", str(tmp_path / "bundle.zip"),
                           "--project", str(tmp_path), "--timeout", "1"],
                          env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "zip not found; writing a .tar.gz instead" in done.stderr
    bundle = tmp_path / "bundle.tar.gz"
    assert bundle.is_file() and not (tmp_path / "bundle.zip").exists()
    artifacts = {a.path: a.kind for a in read_bundle([str(bundle)]).artifacts}
    assert artifacts["manifest.json"] == "manifest" and artifacts["env.txt"] == "env"
    assert b"planted" not in gzip.decompress(bundle.read_bytes())
