"""Re-running into the same OUTDIR analyzes only what changed, unless --force."""

from __future__ import annotations

from analyzer.batch import state
from tests.batch.helpers import batch, make_fleet


def test_a_second_run_analyzes_nothing_and_writes_the_same_tables(tmp_path):
    fleet = make_fleet(tmp_path / "in", 24)
    out = tmp_path / "out"
    first = batch([fleet], out, jobs=2)
    assert first.analyzed == first.bundles == 28 and first.skipped == 0
    tables = {n: (out / n).read_bytes() for n in ("fleet.csv", "fleet.jsonl", "fleet.html", "unexplained.jsonl")}
    again = batch([fleet], out, jobs=2)
    assert again.analyzed == 0 and again.skipped == 28
    assert {n: (out / n).read_bytes() for n in tables} == tables


def test_changing_one_file_reanalyzes_just_that_bundle(tmp_path):
    fleet = make_fleet(tmp_path / "in", 12, corrupt=False)
    out = tmp_path / "out"
    batch([fleet], out, jobs=2)
    env = fleet / "host-0003" / "env.txt"
    env.write_text(env.read_text(encoding="utf-8") + "EXTRA_VARIABLE=1\n", encoding="utf-8")
    again = batch([fleet], out, jobs=2)
    assert (again.analyzed, again.skipped) == (1, 11)
    forced = batch([fleet], out, jobs=2, force=True)
    assert (forced.analyzed, forced.skipped) == (12, 0)


def test_a_removed_bundle_leaves_the_table_and_its_report_goes(tmp_path):
    fleet = make_fleet(tmp_path / "in", 6, corrupt=False)
    out = tmp_path / "out"
    batch([fleet], out, jobs=1)
    assert (out / "bundles" / "host-0001.zip.json").is_file()
    (fleet / "host-0001.zip").unlink()
    again = batch([fleet], out, jobs=1)
    assert [r["bundle"] for r in again.rows] == ["host-0000", "host-0002.tar.gz", "host-0003", "host-0004.zip",
                                                 "host-0005.tar.gz"]
    assert again.analyzed == 0
    assert not (out / "bundles" / "host-0001.zip.json").exists()


def test_a_deleted_report_or_another_analysis_redoes_the_bundle(tmp_path):
    fleet = make_fleet(tmp_path / "in", 4, corrupt=False)
    out = tmp_path / "out"
    batch([fleet], out, jobs=1)
    (out / "bundles" / "host-0002.tar.gz.json").unlink()
    assert batch([fleet], out, jobs=1).analyzed == 1
    assert batch([fleet], out, jobs=1, redact=False).analyzed == 4, "other settings, other results"
    assert state.load(out, "another fingerprint") == {}
