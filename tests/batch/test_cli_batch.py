"""`sccache-forensics batch` end to end: outputs, summary line, usage errors."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from analyzer.cli import main
from tests.batch.helpers import make_fleet
from tests.shared import ROOT


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_batch_writes_the_fleet_outputs(tmp_path):
    fleet = make_fleet(tmp_path / "in", 8)
    result = run("batch", str(fleet), "-o", str(tmp_path / "out"), "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert "12 bundles: 12 analyzed, 0 unchanged since the last run, 4 could not be analyzed" in result.stdout
    for name in ("fleet.csv", "fleet.parquet", "fleet.jsonl", "fleet.html", "unexplained.jsonl", "index.json"):
        assert (tmp_path / "out" / name).is_file(), name
    assert len(list((tmp_path / "out" / "bundles").glob("*.json"))) == 8
    assert "\r[" not in result.output, "no progress bar when standard error is not a terminal"
    again = run("batch", str(fleet), "-o", str(tmp_path / "out"))
    assert "0 analyzed, 12 unchanged" in again.stdout


def test_usage_errors_exit_2_with_a_message(tmp_path):
    missing = run("batch", str(tmp_path / "nope"), "-o", str(tmp_path / "out"))
    assert missing.exit_code == 2 and "no such folder, archive or manifest" in missing.stderr
    (tmp_path / "empty").mkdir()
    empty = run("batch", str(tmp_path / "empty"), "-o", str(tmp_path / "out"))
    assert empty.exit_code == 2 and "no bundles found" in empty.stderr
    scheduler = run("batch", str(tmp_path / "empty"), "-o", str(tmp_path / "out"), "--scheduler", "tcp://x:1")
    assert scheduler.exit_code == 2 and "--engine dask" in scheduler.output
    no_output = run("batch", str(tmp_path / "empty"))
    assert no_output.exit_code == 2


def test_the_cli_imports_neither_pandas_nor_dask():
    code = ("import sys; import analyzer.cli; "
            "print(sorted(m for m in ('pandas', 'dask', 'distributed', 'pyarrow') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
