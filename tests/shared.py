"""Helpers shared by tests: the built-in knowledge loaded once per test run."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from analyzer.analysis import load_knowledge
from analyzer.knowledge import Knowledge

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@cache
def knowledge() -> Knowledge:
    return load_knowledge()


# Bundles from this size on take the fast scan; a size no test reaches means the full parse.
FULL_PARSE = 1 << 62


def both_paths(inputs: list[str], min_bytes: int = 0):
    """The same inputs analysed on the fast scan (from `min_bytes` on) and on the full parse."""
    from analyzer.analysis import analyze

    return (analyze(inputs, knowledge(), fast_min_bytes=min_bytes),
            analyze(inputs, knowledge(), fast_min_bytes=FULL_PARSE))


def assert_same_report(fast, full) -> None:
    """Both paths give one report; only the record counts differ (the fast scan counts lines read)."""
    def without_record_counts(report: dict) -> dict:
        return {**report, "artifacts": [{k: v for k, v in a.items() if k != "records"} for a in report["artifacts"]]}

    assert without_record_counts(fast.report) == without_record_counts(full.report)
    assert fast.unexplained == full.unexplained
