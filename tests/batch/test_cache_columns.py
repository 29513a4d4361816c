"""The fleet table's cache columns and fleet.html's machines by dominant miss reason."""

from __future__ import annotations

import shutil

from analyzer.batch import table
from analyzer.batch.cache_columns import cache_columns
from tests.batch.helpers import batch
from tests.shared import SAMPLES

PAIRS = SAMPLES / "pairs"


def test_each_bundle_gets_its_hit_rate_misses_and_dominant_reason(tmp_path):
    inputs = tmp_path / "in"
    for name, side in (("rustflags", "candidate"), ("incremental", "candidate"), ("same", "candidate"),
                       ("cflags-define", "candidate")):
        shutil.copytree(PAIRS / name / side, inputs / name)
    shutil.copytree(SAMPLES / "port-taken" / "bundle", inputs / "port-taken")
    result = batch([str(inputs)], tmp_path / "out", jobs=1)
    rows = {r["bundle"]: r for r in result.rows}
    assert (rows["rustflags"]["hit_rate"], rows["rustflags"]["cache_misses"], rows["rustflags"]["miss_reason"]) == (
        0.0, 3, "new-key")
    assert rows["incremental"]["miss_reason"] == "not-cacheable:incremental"
    assert (rows["same"]["hit_rate"], rows["same"]["cache_hits"]) == (1.0, 3)
    assert rows["port-taken"]["hit_rate"] is None and rows["port-taken"]["miss_reason"] is None
    written = table.read(tmp_path / "out" / "fleet.parquet")
    assert list(written["cache_misses"].astype("object").where(written["cache_misses"].notna(), None)) == [
        rows[b]["cache_misses"] for b in sorted(rows)]
    page = (tmp_path / "out" / "fleet.html").read_text(encoding="utf-8")
    section = page.split('id="miss-reasons"', 1)[1].split("</section>", 1)[0]
    assert section.index("new-key") < section.index("not-cacheable:incremental"), "biggest group first"
    assert "2 machines" in section and "rustflags" in section and "cflags-define" in section


def test_without_a_debug_log_the_stats_give_the_figures():
    report = {"facts": {"stats.cache_hits": 0, "stats.cache_misses": 0, "stats.non_cacheable_calls": 8}}
    assert cache_columns(report) == {"hit_rate": None, "cache_hits": 0, "cache_misses": 0, "not_served": 8,
                                     "miss_reason": "not-cacheable"}
    assert cache_columns({"facts": {}})["hit_rate"] is None
