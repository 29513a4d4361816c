"""The compile table on the fast scan for big logs: the same rows as the full parse, and a
cap past which the scan stops selecting compile lines (and says so)."""

from __future__ import annotations

import pytest

from analyzer import fastscan
from analyzer.analysis import analyze
from analyzer.compiles import table as table_module
from tests.shared import FULL_PARSE, SAMPLES, knowledge

pytestmark = pytest.mark.skipif(not fastscan.available(), reason="hyperscan is not installed")
SIDES = sorted(p for p in (SAMPLES / "pairs").glob("*/*") if p.is_dir())


@pytest.mark.parametrize("side", SIDES, ids=lambda p: f"{p.parent.name}-{p.name}")
def test_every_pair_side_gets_the_same_compile_table_on_both_paths(side):
    fast = analyze([str(side)], knowledge(), fast_min_bytes=0).report["compiles"]
    full = analyze([str(side)], knowledge(), fast_min_bytes=FULL_PARSE).report["compiles"]
    assert fast == full


def _big_log(tmp_path, copies: int):
    text = (SAMPLES / "pairs" / "rustflags" / "candidate" / "sccache-server.log").read_text(encoding="utf-8")
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "sccache-server.log").write_text(text * copies, encoding="utf-8")
    return bundle


def test_the_fast_scan_stops_reading_compiles_after_its_cap_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(table_module, "SCAN_CAP", 40)
    bundle = _big_log(tmp_path, 400)  # 8 requests per copy: 3,200 requests, ~1.7 MB
    fast = analyze([str(bundle)], knowledge(), fast_min_bytes=0).report["compiles"]
    full = analyze([str(bundle)], knowledge(), fast_min_bytes=FULL_PARSE).report["compiles"]
    assert full["complete"] and full["requests"] == 3200 and full["misses"] == 1200
    assert not fast["complete"] and 40 <= fast["requests"] < 3200
    assert "fast scan" in fast["summary"]
    assert len(full["rows"]) <= table_module.FIRST_ROWS + table_module.MISS_ROWS
