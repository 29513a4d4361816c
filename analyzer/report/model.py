"""The report as a plain dict in the stable JSON contract (schema_version "1").

Every renderer reads this dict, after redaction, so what one format shows the others can too,
and nothing unredacted reaches any output. Field order is fixed here and nothing depends on
time of run or path of run, so the same bundle gives byte-identical JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analyzer import TOOL_NAME, __version__
from analyzer.diagnose.model import Diagnosis, Evidence, Finding

if TYPE_CHECKING:
    from analyzer.ingest import Bundle
    from analyzer.knowledge import Knowledge
    from analyzer.records import Artifact
    from analyzer.timeline import TimelineEvent

SCHEMA_VERSION = "1"
MAX_PROBLEMS_LISTED = 50  # per artifact
FACT_ORDER = ("sccache_version", "backend", "bucket", "endpoint", "server_port", "startup_timeout_ms",
              "idle_timeout_s", "os", "proxy", "rustc_version", "rustc_host", "cargo_version",
              "storage_check_s", "cache_location", "cache_mode")


def build_report(bundle: Bundle, diagnosis: Diagnosis, knowledge: Knowledge,
                 timeline: list[TimelineEvent]) -> dict[str, Any]:
    os_name = diagnosis.facts.get("os")
    root_causes = [f for f in diagnosis.findings if f.role == "root-cause"]
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "verdict": {"layer": diagnosis.layer, "root_cause": diagnosis.root_cause, "summary": diagnosis.summary},
        "root_causes": [_root_cause(f, knowledge, os_name) for f in root_causes],
        "findings": [_finding(f, knowledge) for f in diagnosis.findings],
        "ruled_out": [{"id": r.id, "reason": r.reason, "evidence": [e.to_json() for e in r.evidence]}
                      for r in diagnosis.ruled_out],
        "timeline": [e.to_json() for e in timeline],
        "artifacts": [_artifact(a) for a in bundle.artifacts] + _bundle_problems(bundle),
        "facts": _facts(diagnosis.facts),
        "missing": [{"artifact": m.artifact, "collect": m.collect, "would_enable": list(m.would_enable)}
                    for m in diagnosis.missing if m.would_enable],
        "redactions": {"count": 0, "kinds": []},
    }


def _artifact(artifact: Artifact) -> dict[str, Any]:
    """An inventory entry; a file with a problem on every line lists the first ones and a count,
    so a damaged 100 000-line log does not make a 10 MB report."""
    item = artifact.to_json()
    problems = item["problems"]
    placed = [p for p in problems if p["line"] is not None]
    if len(placed) > MAX_PROBLEMS_LISTED:  # summaries without a line ("30 more ...") always stay
        more = len(placed) - MAX_PROBLEMS_LISTED
        item["problems"] = placed[:MAX_PROBLEMS_LISTED] + [p for p in problems if p["line"] is None] + [
            {"line": None, "reason": f"{more} more problems not listed"}]
    return item


def _evidence(items: list[Evidence]) -> list[dict[str, Any]]:
    return [e.to_json() for e in items]


def _finding(finding: Finding, knowledge: Knowledge) -> dict[str, Any]:
    return {
        "id": finding.id,
        "role": finding.role,
        "title": knowledge.title(finding.id, finding.signature),
        "confidence": finding.confidence_value,
        "confidence_level": finding.confidence,
        "confidence_reason": finding.confidence_reason,
        "layer": finding.layer or knowledge.layer(finding.id),
        "reason": finding.reason,
        "summary": finding.summary,
        "evidence": _evidence(finding.evidence),
    }


def _root_cause(finding: Finding, knowledge: Knowledge, os_name: str | None) -> dict[str, Any]:
    return {
        "id": finding.id,
        "confidence": finding.confidence_value,
        "confidence_level": finding.confidence,
        "confidence_reason": finding.confidence_reason,
        "title": knowledge.title(finding.id, finding.signature),
        "summary": finding.summary or knowledge.title(finding.id, finding.signature),
        "reason": finding.reason,
        "layer": finding.layer or knowledge.layer(finding.id),
        "evidence": _evidence(finding.evidence),
        "remediation": knowledge.remediation(finding.id, os_name, finding.signature),
    }


def _facts(facts: dict[str, Any]) -> dict[str, Any]:
    ordered = {name: facts[name] for name in FACT_ORDER if name in facts}
    for name in sorted(facts):
        if name not in ordered:
            ordered[name] = facts[name]
    return {k: _scalar(v) for k, v in ordered.items()}


def _scalar(value: Any) -> Any:
    """A fact value JSON can carry exactly: a number beyond 64 bits (a damaged artifact's) as text."""
    if value is None or isinstance(value, bool | float):
        return value
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**64 else str(value)
    return str(value)


def _bundle_problems(bundle: Bundle) -> list[dict[str, Any]]:
    """Members that could not be opened at all still appear in the inventory, with their reason."""
    return [{"path": p.source, "kind": "unreadable", "encoding": "", "records": 0,
             "problems": [{"line": None, "reason": p.reason}]} for p in bundle.problems]
