"""One bad bundle costs its own row, never the batch: timeouts, crashes, exceptions."""

from __future__ import annotations

import shutil

import pytest

from analyzer.analysis import analyze
from analyzer.batch.worker import Settings, process
from tests.batch.helpers import batch, crashing_analyze, make_fleet, slow_analyze, stuck_analyze
from tests.shared import knowledge

try:
    import distributed  # noqa: F401

    HAVE_DASK = True
except ImportError:
    HAVE_DASK = False


def _fleet_with(tmp_path, *odd_names, count=6):
    fleet = make_fleet(tmp_path / "in", count, corrupt=False)
    for name in odd_names:
        shutil.copytree(fleet / "host-0000", fleet / name)
    return fleet


def _errors(result):
    return {r["bundle"]: r["error"] for r in result.rows if r["error"]}


def test_a_slow_bundle_times_out_and_the_batch_goes_on(tmp_path):
    fleet = _fleet_with(tmp_path, "slow-1")
    result = batch([fleet], tmp_path / "out", jobs=2, timeout=5, analyze=slow_analyze)
    assert _errors(result) == {"slow-1": "timeout after 5 s"}
    assert result.bundles == 7
    again = batch([fleet], tmp_path / "out", jobs=2, timeout=5, analyze=slow_analyze)
    assert again.analyzed == 1, "a timeout is tried again on the next run"


def test_a_worker_stuck_in_native_code_is_killed_and_replaced(tmp_path):
    fleet = _fleet_with(tmp_path, "stuck-1")
    result = batch([fleet], tmp_path / "out", jobs=1, timeout=3, analyze=stuck_analyze)
    assert _errors(result) == {"stuck-1": "timeout after 3 s"}
    assert sum(1 for r in result.rows if r["root_cause"] or r["layer"]) == 6


def test_a_crashing_worker_costs_one_row(tmp_path):
    fleet = _fleet_with(tmp_path, "crash-1", "crash-2", "raise-1")
    result = batch([fleet], tmp_path / "out", jobs=2, analyze=crashing_analyze)
    assert _errors(result) == {"crash-1": "worker crashed (exit code 3)", "crash-2": "worker crashed (exit code 3)",
                               "raise-1": "analysis failed: RuntimeError: boom in the pipeline"}
    assert result.bundles == 9


@pytest.mark.skipif(not HAVE_DASK, reason="dask.distributed not installed (the `dask` extra)")
def test_dask_times_out_a_slow_bundle_in_its_worker_thread(tmp_path):
    fleet = _fleet_with(tmp_path, "slow-1", count=3)
    result = batch([fleet], tmp_path / "out", engine="dask", jobs=2, timeout=5, analyze=slow_analyze)
    assert _errors(result) == {"slow-1": "timeout after 5 s"}


@pytest.mark.skipif(not HAVE_DASK, reason="dask.distributed not installed (the `dask` extra)")
def test_dask_pins_a_worker_crash_on_its_bundle(tmp_path):
    fleet = _fleet_with(tmp_path, "crash-1", count=4)
    result = batch([fleet], tmp_path / "out", engine="dask", jobs=2, analyze=crashing_analyze)
    errors = _errors(result)
    assert list(errors) == ["crash-1"] and errors["crash-1"].startswith("worker crashed")
    assert result.bundles == 5


def test_text_with_nul_padding_is_analyzed_as_analyze_reads_it(tmp_path):
    """NUL padding (a file cut short by a crash) is text to the shared decoder: when `analyze`
    reads the bundle, its row has a verdict and no error, even with nothing recognised in it."""
    bundle = tmp_path / "in" / "padded"
    bundle.mkdir(parents=True)
    (bundle / "notes.txt").write_bytes(b"build agent notes\nrestarted the runner twice\n" + bytes(4096))
    alone = analyze([str(bundle)], knowledge())
    assert alone.bundle.readable and all(a.kind == "unknown" for a in alone.bundle.artifacts)
    (tmp_path / "out").mkdir()
    result = process(("padded", str(bundle), "padded.json", None), Settings(str(tmp_path / "out")))
    assert result["row"]["error"] is None
    assert result["row"]["layer"] == alone.report["verdict"]["layer"]
