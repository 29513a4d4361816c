"""Run the real command line on hostile input and measure what it did.

`run_cli` starts `python -m analyzer ...` in a fresh process with the audit hook of
`audit/sitecustomize.py` (network refused and recorded, every file system change recorded),
its own empty TMPDIR, a wall-clock timeout, and reads the child's own peak memory from
`os.wait4`. `snapshot` fingerprints a folder (every entry, links not followed) so a test can
prove the input was left byte-identical and nothing appeared but the report.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.shared import ROOT

AUDIT_SITE = Path(__file__).resolve().parent / "audit"
MB = 1024 * 1024


@dataclass
class Run:
    args: list[str]
    returncode: int
    stdout: bytes
    stderr: str
    seconds: float
    peak_rss: int  # bytes
    audit: list[dict] = field(default_factory=list)

    @property
    def peak_mb(self) -> float:
        return self.peak_rss / MB

    def network(self) -> list[dict]:
        return [e for e in self.audit if e["kind"] == "network"]

    def changes(self) -> list[dict]:
        return [e for e in self.audit if e["kind"] != "network"]

    def describe(self) -> str:
        return (f"exit {self.returncode} in {self.seconds:.2f} s, peak {self.peak_mb:.0f} MB; "
                f"stderr: {self.stderr[-2000:]!r}")


def run_cli(args: list[str], cwd: Path, scratch: Path, timeout: float = 120, env: dict[str, str] | None = None,
            stdin: Path | None = None, program: tuple[str, ...] = ("-m", "analyzer")) -> Run:
    """Run `python -m analyzer *args` in `cwd`. `scratch` (outside anything snapshotted) holds
    the captured output, the audit log and the child's TMPDIR. `program` replaces `-m analyzer`
    (the audit hook's own tests run other code under it)."""
    scratch.mkdir(parents=True, exist_ok=True)
    tmpdir = scratch / "tmp"
    tmpdir.mkdir(exist_ok=True)
    audit_log = scratch / "audit.jsonl"
    audit_log.unlink(missing_ok=True)
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SCCACHE_FORENSICS_"))}
    child_env.update({
        "PYTHONPATH": os.pathsep.join([str(AUDIT_SITE), str(ROOT)]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "SCCACHE_FORENSICS_AUDIT_LOG": str(audit_log),
        "TMPDIR": str(tmpdir), "TEMP": str(tmpdir), "TMP": str(tmpdir),
        "NO_COLOR": "1",
    })
    child_env.update(env or {})
    out_path, err_path = scratch / "stdout", scratch / "stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err, \
            open(stdin if stdin is not None else os.devnull, "rb") as given:
        began = time.monotonic()
        proc = subprocess.Popen([sys.executable, *program, *args], cwd=cwd, env=child_env,
                                stdin=given, stdout=out, stderr=err, start_new_session=True)
        status, usage = _wait(proc, began + timeout)
        seconds = time.monotonic() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    audit = [json.loads(line) for line in audit_log.read_text(encoding="utf-8").splitlines()] \
        if audit_log.exists() else []
    # The child's own high-water mark when it could report it; the rusage of a forked child also
    # counts the memory of this (test) process at the fork, so it is only the fallback.
    peaks = [e["kb"] * 1024 for e in audit if e["kind"] == "memory"]
    peak = peaks[-1] if peaks else _rss_bytes(usage.ru_maxrss)
    audit = [e for e in audit if e["kind"] != "memory"]
    return Run(args, proc.returncode, out_path.read_bytes(), err_path.read_text(encoding="utf-8", errors="replace"),
               seconds, peak, audit)


def _wait(proc: subprocess.Popen, deadline: float):
    """Reap the child with its own resource usage (peak memory of that process alone)."""
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            return status, usage
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            raise AssertionError(f"`python -m analyzer` still running after its timeout; killed ({proc.args})")
        time.sleep(0.02)


def _rss_bytes(maxrss: int) -> int:
    return maxrss if sys.platform == "darwin" else maxrss * 1024


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under `root` (links not followed): type, size, mtime and content hash.
    Iterative: the corpus holds a folder nested deeper than the recursion limit."""
    found: dict[str, tuple] = {}
    pending = [root]
    while pending:
        folder = pending.pop()
        with os.scandir(folder) as scan:
            entries = list(scan)
        for entry in entries:
            path = Path(entry.path)
            info = entry.stat(follow_symlinks=False)
            rel = path.relative_to(root).as_posix()
            if entry.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif entry.is_dir(follow_symlinks=False):
                found[rel] = ("dir",)
                pending.append(path)
            elif entry.is_file(follow_symlinks=False):
                found[rel] = ("file", info.st_size, info.st_mtime_ns, info.st_mode, _sha256(path))
            else:
                found[rel] = ("other", info.st_mode)
    return found


def remove_tree(root: Path) -> None:
    """`shutil.rmtree` without recursion (Python 3.11's recurses once per folder level)."""
    if not root.exists():
        return
    folders = [root]
    pending = [root]
    while pending:
        with os.scandir(pending.pop()) as scan:
            for entry in scan:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(Path(entry.path))
                    pending.append(Path(entry.path))
                else:
                    os.unlink(entry.path)
    for folder in reversed(folders):
        os.rmdir(folder)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def assert_no_traceback(run: Run) -> None:
    assert "Traceback" not in run.stderr, run.describe()
    assert b"Traceback (most recent call last)" not in run.stdout, run.describe()


def assert_clean_exit(run: Run) -> None:
    """Exit 0, or exit 2 with exactly one line of reason; never a traceback."""
    assert_no_traceback(run)
    assert run.returncode in (0, 2), run.describe()
    if run.returncode == 2:
        lines = run.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("sccache-forensics: "), run.describe()


def assert_wrote_only(run: Run, allowed: set[Path], tmpdir: Path) -> None:
    """No file system change but to the allowed paths (the report and its temporary sibling)
    or inside the child's TMPDIR (unnamed spool files), and that TMPDIR left empty."""
    allowed_names = {str(p) for p in allowed}
    parents = {str(p.parent) for p in allowed}
    stray = []
    for entry in run.changes():
        path = entry["path"]
        if path in allowed_names or path.startswith(str(tmpdir) + os.sep) or path == str(tmpdir):
            continue
        if entry["event"] in ("tempfile.mkstemp", "tempfile.mkdtemp") and path in parents:
            continue  # the report's temporary sibling, renamed over the report
        if os.path.dirname(path) in parents and os.path.basename(path).endswith(".tmp"):
            continue
        stray.append(entry)
    assert not stray, f"changes outside the output: {stray}"
    assert not any(tmpdir.iterdir()), f"left in TMPDIR: {sorted(p.name for p in tmpdir.iterdir())}"


def report_problems(report: dict) -> list[str]:
    """Every problem the report lists, as `path: reason` (artifact and bundle level), and
    every artifact's path."""
    return [f"{a['path']}: {p['reason']}" for a in report["artifacts"] for p in a["problems"]] + \
        [a["path"] for a in report["artifacts"]]
