"""Run one external command, bounded in time, and keep what it printed.

sccache can hang (that is often the bug under investigation), so every command gets a
deadline. At the deadline only the direct child is ended — never its process group, since
an sccache client may just have started a server that belongs to the user. A descendant
that keeps the output pipe open (a daemon that inherited it) cannot hold the collector:
after the child exits, the output is read for a short grace period and then left behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

MAX_OUTPUT = 32 * 1024 * 1024  # bytes kept of one command's output
GRACE = 2.0  # seconds to drain the pipe after the child has gone


@dataclass
class Outcome:
    """How one command went: its output (stdout and stderr as they interleaved) and status."""

    command: str
    output: bytes = b""
    exit_status: int | None = None
    duration_ms: int = 0
    error: str | None = None
    note: str | None = None


def resolve(program: str, env: dict[str, str]) -> str | None:
    """The executable `program` names, looked up on the PATH the command will see."""
    if os.path.dirname(program):
        return program if os.path.isfile(program) and os.access(program, os.X_OK) else None
    return shutil.which(program, path=env.get("PATH") or env.get("Path") or os.defpath)


def run(argv: list[str] | str, *, env: dict[str, str], cwd: str | None, timeout: float,
        shown: str | None = None, shell: bool = False) -> Outcome:
    """Run `argv` (a string with `shell=True`) and wait at most `timeout` seconds."""
    command = shown or (argv if isinstance(argv, str) else " ".join(argv))
    if not shell:
        program = resolve(argv[0], env)
        if program is None:
            return Outcome(command, error=f"not found: {argv[0]}")
        argv = [program, *argv[1:]]
    started = time.monotonic()
    try:
        child = subprocess.Popen(argv, shell=shell, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **_hidden_window())
    except OSError as error:
        return Outcome(command, error=f"could not start: {error.strerror or error}",
                       duration_ms=elapsed_ms(started))
    reader = _Reader(child.stdout)
    outcome = Outcome(command)
    try:
        outcome.exit_status = child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()  # our own child only
        child.wait()
        outcome.error = f"timed out after {int(timeout * 1000)} ms"
    outcome.duration_ms = elapsed_ms(started)
    if not reader.finish(GRACE):
        outcome.note = "its output stayed open in a process it started; kept what had arrived"
    outcome.output = reader.data()
    if reader.truncated:
        outcome.note = f"output cut at {MAX_OUTPUT // (1024 * 1024)} MiB"
    return outcome


class _Reader:
    """Drains a pipe in a daemon thread so a full pipe never blocks the child."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self._chunks: list[bytes] = []
        self._size = 0
        self._lock = threading.Lock()
        self.truncated = False
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        try:
            while chunk := self._stream.read1(65536):
                with self._lock:
                    if self._size + len(chunk) > MAX_OUTPUT:
                        chunk = chunk[:max(0, MAX_OUTPUT - self._size)]
                        self.truncated = True
                    self._chunks.append(chunk)
                    self._size += len(chunk)
        except (OSError, ValueError):
            pass

    def finish(self, grace: float) -> bool:
        self._thread.join(grace)
        return not self._thread.is_alive()

    def data(self) -> bytes:
        with self._lock:
            return b"".join(self._chunks)


def elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _hidden_window() -> dict:
    """On Windows, console tools must not flash a window."""
    if sys.platform == "win32":
        return {"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0)}
    return {}
