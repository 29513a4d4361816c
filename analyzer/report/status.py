"""The verdict's status, from the report or, for a report without one, from its root cause.

`verdict.status` answers both questions at once: `build-failed`, `cache-ineffective`, `healthy`
or `nothing-recognised`. Renderers that sort verdicts by it (CI annotations, JUnit, fleet
metrics) read it here, so a report that predates the field still gets a sensible answer: a root
cause means the build failed, no artifact of a build or of sccache means nothing was recognised,
anything else is healthy.
"""

from __future__ import annotations

STATUSES = ("build-failed", "cache-ineffective", "healthy", "nothing-recognised")
FAILING = ("build-failed", "cache-ineffective")
# Artifact kinds that show a build or sccache was there at all.
RECOGNISED_KINDS = frozenset({"sccache-log", "cargo-output", "build-output", "rustc-info", "sccache-stats",
                              "sccache-config", "cargo-config", "shell-transcript"})


def verdict_status(report: dict) -> str:
    verdict = report.get("verdict") or {}
    status = verdict.get("status")
    if status in STATUSES:
        return status
    if verdict.get("root_cause"):
        return "build-failed"
    kinds = {a.get("kind") for a in report.get("artifacts") or []}
    if not kinds & RECOGNISED_KINDS and not report.get("findings"):
        return "nothing-recognised"
    return "healthy"
