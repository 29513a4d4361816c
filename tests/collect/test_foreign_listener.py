"""A foreign program holding sccache's port: the real sccache's stats calls get no answer, and
the collector still finishes within its stats deadline instead of waiting once per call."""

from __future__ import annotations

import shutil
import socket
import sys
import threading
import time

import pytest

from analyzer.collect.collector import STATS_DEADLINE
from tests.collect.machine import free_port, make_machine, manifest_of, run_cli, run_sh, sccache_bin

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform == "win32" or not shutil.which("cargo"), reason="needs sh")]


class SilentListener:
    """Accepts connections on the port and never says a word (a foreign service)."""

    def __init__(self, port: int) -> None:
        self.server = socket.create_server(("127.0.0.1", port))
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.server.close()
        for conn in self.held:
            conn.close()


@pytest.mark.parametrize("kind", ["python", "sh"])
def test_collect_finishes_within_the_stats_deadline(tmp_path, kind):
    port = free_port()
    machine = make_machine(tmp_path / "m", port, sccache_bin())
    listener = SilentListener(port)
    try:
        bundle = tmp_path / "bundle.zip"
        started = time.monotonic()
        runner = run_cli if kind == "python" else run_sh
        done = runner(machine, bundle, "--timeout", "30", timeout=120)
        seconds = time.monotonic() - started
    finally:
        listener.close()
    assert done.returncode == 0, done.stderr
    assert seconds < STATS_DEADLINE + 12, f"took {seconds:.1f} s with a {STATS_DEADLINE:g} s stats deadline"
    entries = {e["path"]: e for e in manifest_of(bundle)["files"]}
    assert entries["sccache-stats.json"]["error"].startswith("timed out"), entries["sccache-stats.json"]
    assert entries["sccache-stats.txt"]["error"].startswith("skipped:"), entries["sccache-stats.txt"]
