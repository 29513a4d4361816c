"""A batch of a few hundred bundles, some broken: every good row is what `analyze` says alone,
every broken one is listed with its reason, and the engines agree."""

from __future__ import annotations

import orjson
import pytest

from analyzer.analysis import analyze, unreadable_reason
from analyzer.batch import table
from analyzer.batch.hashing import content_hash
from analyzer.batch.worker import MAX_ERROR
from analyzer.report import render_json
from tests.batch.conftest import FLEET_SIZE
from tests.batch.helpers import CORRUPT, batch
from tests.shared import knowledge

try:
    import distributed  # noqa: F401

    HAVE_DASK = True
except ImportError:
    HAVE_DASK = False


def test_every_bundle_has_one_row_sorted_by_id(fleet_run):
    rows = fleet_run.rows
    assert fleet_run.bundles == len(rows) == FLEET_SIZE + len(CORRUPT)
    ids = [r["bundle"] for r in rows]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    written = table.read(fleet_run.outdir / "fleet.csv")
    assert list(written["bundle"]) == ids
    assert list(written.columns) == list(table.NAMES)


def test_broken_bundles_are_listed_with_their_reason(fleet_run):
    rows = {r["bundle"]: r for r in fleet_run.rows}
    for bundle_id, words in CORRUPT.items():
        row = rows[bundle_id]
        assert row["error"] and words in row["error"], (bundle_id, row["error"])
        assert row["root_cause"] is None and row["report"] is None
    assert fleet_run.errors == len(CORRUPT)
    assert sum(1 for r in fleet_run.rows if not r["error"]) == FLEET_SIZE


def test_an_unreadable_bundle_gets_the_reason_analyze_gives(fleet_run):
    rows = {r["bundle"]: r for r in fleet_run.rows}
    for bundle_id in ("broken-truncated.zip", "broken-empty", "broken-binary-junk"):
        alone = analyze([rows[bundle_id]["path"]], knowledge())
        assert not alone.bundle.readable, bundle_id
        said = f"nothing readable in the input ({unreadable_reason(alone.bundle)})"
        assert rows[bundle_id]["error"] == said[:MAX_ERROR], bundle_id


def test_every_good_row_is_what_analyze_says_for_the_bundle_alone(fleet_run):
    good = [r for r in fleet_run.rows if not r["error"]]
    assert len(good) == FLEET_SIZE
    for row in good:
        alone = analyze([row["path"]], knowledge())
        rep = alone.report
        root = next((c for c in rep["root_causes"] if c["id"] == rep["verdict"]["root_cause"]), None)
        expected = {
            "root_cause": rep["verdict"]["root_cause"], "layer": rep["verdict"]["layer"],
            "confidence": root["confidence"] if root else None,
            "findings": sorted({f["id"] for f in rep["findings"]}),
            "host": rep["facts"].get("host"), "os": rep["facts"].get("os"),
            "sccache_version": rep["facts"].get("sccache_version"), "backend": rep["facts"].get("backend"),
            "unexplained": len(alone.unexplained), "hash": content_hash(row["path"]),
        }
        assert {k: row[k] for k in expected} == expected, row["bundle"]
        on_disk = (fleet_run.outdir / row["report"]).read_bytes()
        assert on_disk == render_json.render(rep), f"{row['bundle']}: its JSON report differs from analyze's"


def test_the_three_table_files_hold_the_same_rows(fleet_run):
    csv = table.read(fleet_run.outdir / "fleet.csv")
    parquet = table.read(fleet_run.outdir / "fleet.parquet")
    jsonl = table.read(fleet_run.outdir / "fleet.jsonl")
    assert csv.equals(parquet) and parquet.equals(jsonl)
    assert csv.equals(table.frame(fleet_run.rows))
    first = orjson.loads((fleet_run.outdir / "fleet.jsonl").read_bytes().splitlines()[0])
    assert list(first) == list(table.NAMES) and isinstance(first["findings"], list)
    header = (fleet_run.outdir / "fleet.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",")[:10] == ["bundle", "host", "os", "sccache_version", "backend", "layer",
                                      "root_cause", "confidence", "findings", "error"]


def test_unexplained_lines_are_grouped_across_the_fleet(fleet_run):
    templates = [orjson.loads(line) for line in (fleet_run.outdir / "unexplained.jsonl").read_bytes().splitlines()]
    frob = [t for t in templates if t["template"].startswith("frobnicate failed for")]
    assert len(frob) == 1, "lines differing only in paths and numbers share one template"
    assert frob[0]["template"] == "frobnicate failed for <PATH> after <DURATION>"
    every_seventh = len(range(0, FLEET_SIZE, 7))
    assert frob[0]["lines"] == frob[0]["machines"] == every_seventh
    assert frob[0]["example_machines"][0] == "host-0000"


def _without_volatile(outdir, name):
    data = (outdir / name).read_bytes()
    if name == "fleet.jsonl":
        rows = [orjson.loads(line) for line in data.splitlines()]
        return [{k: v for k, v in r.items() if k not in table.VOLATILE} for r in rows]
    return table.read(outdir / name).drop(columns=list(table.VOLATILE))


@pytest.mark.skipif(not HAVE_DASK, reason="dask.distributed not installed (the `dask` extra)")
def test_local_one_and_two_workers_and_dask_give_the_same_table(fleet, fleet_run, tmp_path):
    one = batch([fleet], tmp_path / "one", jobs=1)
    dask = batch([fleet], tmp_path / "dask", engine="dask", jobs=2)
    runs = [fleet_run.outdir, one.outdir, dask.outdir]
    for name in ("fleet.csv", "fleet.parquet", "fleet.jsonl"):
        first = _without_volatile(runs[0], name)
        for other in runs[1:]:
            second = _without_volatile(other, name)
            assert first.equals(second) if hasattr(first, "equals") else first == second, (name, other)
    for name in ("fleet.html", "unexplained.jsonl"):
        assert len({(d / name).read_bytes() for d in runs}) == 1, f"{name} differs between engines"
    reports = [sorted(p.name for p in (d / "bundles").iterdir()) for d in runs]
    assert reports[0] == reports[1] == reports[2]
    sample = reports[0][:: max(1, len(reports[0]) // 20)]
    for name in sample:
        assert len({(d / "bundles" / name).read_bytes() for d in runs}) == 1, name


def test_parquet_keeps_the_column_types(fleet_run):
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(fleet_run.outdir / "fleet.parquet")
    assert schema.names == list(table.NAMES)
    assert schema.field("findings").type == pa.list_(pa.string())
    assert schema.field("confidence").type == pa.float64()
    assert schema.field("unexplained").type == pa.int64() and schema.field("duration_ms").type == pa.int64()
    assert schema.field("error").type == pa.string()
