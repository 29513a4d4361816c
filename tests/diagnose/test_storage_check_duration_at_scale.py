"""A big healthy log with many injected `storage check failed` lines past the event and match
caps: the start-up check is still measured from the start-up records (a second-long check),
never from the start to a capped event or to the end of the log."""

from __future__ import annotations

import sys
from pathlib import Path

from analyzer import scan
from analyzer.analysis import analyze
from tests.shared import knowledge

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import genlog  # noqa: E402


def test_injected_failures_past_the_caps_leave_the_startup_check_short(tmp_path, monkeypatch):
    monkeypatch.setattr(scan, "EVENT_CAP", 5)
    monkeypatch.setattr(scan, "MATCH_CAP", 5)
    log = tmp_path / "bundle" / "sccache-server.log"
    facts = genlog.generate(3 * 1024 * 1024, log, rate=0.05)
    assert facts["injected_lines"] > 500
    for fast_min_bytes in (0, 1 << 62):
        report = analyze([str(log.parent)], knowledge(), fast_min_bytes=fast_min_bytes).report
        assert report["facts"].get("storage_check_s", 0) < 60, report["facts"]
        assert "storage-check-slow" not in {f["id"] for f in report["findings"]}
