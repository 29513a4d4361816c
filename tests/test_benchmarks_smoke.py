"""The benchmark suite's quick mode runs end to end and writes a row for every shape (a smoke
run: no figure is asserted, speed is measured by `make bench`, not by tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_quick_benchmark_writes_a_row_for_every_shape(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--sizes", "1M", "--shape-sizes", "1M",
         "--only", "logs,shapes", "--runs", "1", "--workdir", str(tmp_path / "work"),
         "--results-dir", str(tmp_path / "results")],
        capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    results = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    measured = [row["measurement"] for row in results["rows"]]
    for shape in ("UTF-16LE", "CRLF", "500 KB files", "cargo output", ".gz", ".zip", ".tar.gz"):
        assert any(shape in m for m in measured), (shape, measured)
    assert not [row for row in results["rows"] if row["result"] == "error"]
    assert "| measurement |" in (tmp_path / "results" / "results.md").read_text(encoding="utf-8")
    assert set(results["shapes"]["1M"]) == {f"analyze-{s}" for s in
                                            ("plain", "utf16", "crlf", "files", "cargo", "gz", "zip", "tar.gz")}
