"""`-o` writes into special files (a FIFO, /dev/null) instead of replacing them."""

import os
import stat
import threading

from click.testing import CliRunner

from analyzer.cli import main

SEED = "samples/seed-windows-oss-proxy/bundle"


def test_output_to_a_fifo_is_written_into_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = CliRunner().invoke(main, ["analyze", SEED, "--format", "json", "-o", str(fifo)])
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received and received[0].startswith(b"{")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temporary file left beside it
