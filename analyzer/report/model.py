"""The report as a plain dict in the stable JSON contract (schema_version "1").

Every renderer reads this dict, after redaction, so what one format shows the others can too,
and nothing unredacted reaches any output. Field order is fixed here and nothing depends on
time of run or path of run, so the same bundle gives byte-identical JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analyzer import TOOL_NAME, __version__
from analyzer.diagnose import candidates
from analyzer.diagnose.model import Diagnosis, Evidence, Finding
from analyzer.report import fix_plan

if TYPE_CHECKING:
    from analyzer.compiles import CompileLog
    from analyzer.ingest import Bundle
    from analyzer.knowledge import Knowledge
    from analyzer.records import Artifact
    from analyzer.timeline import TimelineEvent

SCHEMA_VERSION = "2"
MAX_PROBLEMS_LISTED = 50  # per artifact
FACT_ORDER = ("sccache_version", "backend", "bucket", "endpoint", "server_port", "startup_timeout_ms",
              "idle_timeout_s", "os", "proxy", "rustc_version", "rustc_host", "cargo_version",
              "storage_check_s", "cache_location", "cache_mode")


def build_report(bundle: Bundle, diagnosis: Diagnosis, knowledge: Knowledge,
                 timeline: list[TimelineEvent], compiles: CompileLog | None = None) -> dict[str, Any]:
    """`compiles`: the debug log's compile table (analyzer/compiles); the report carries it
    only when the bundle had compile lines."""
    os_name = diagnosis.facts.get("os")
    root_causes = [f for f in diagnosis.findings if f.role == "root-cause"]
    report = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "verdict": verdict_section(diagnosis),
        "cache": diagnosis.outcome.cache.to_json() if diagnosis.outcome else None,
        "fix_plan": [],
        "candidates": _candidates(diagnosis),
        "root_causes": [_root_cause(f, knowledge, os_name) for f in root_causes],
        "findings": [_finding(f, knowledge) for f in diagnosis.findings],
        "ruled_out": [{"id": r.id, "reason": r.reason, "evidence": [e.to_json() for e in r.evidence]}
                      for r in diagnosis.ruled_out],
        "timeline": [e.to_json() for e in timeline],
        "artifacts": [_artifact(a) for a in bundle.artifacts] + _bundle_problems(bundle),
        "facts": _facts(diagnosis.facts),
        "stats": diagnosis.stats,
        "facts_defaulted": list(diagnosis.outcome.defaulted) if diagnosis.outcome else [],
        "missing": [{"artifact": m.artifact, "collect": m.collect, "would_enable": list(m.would_enable)}
                    for m in diagnosis.missing if m.would_enable],
        "redactions": {"count": 0, "kinds": []},
    }
    if compiles is not None and compiles.seen:
        report["compiles"] = compiles.to_json()
    report["fix_plan"] = fix_plan.build(report, os_name, knowledge)
    return report


def verdict_section(diagnosis: Diagnosis) -> dict[str, Any]:
    outcome = diagnosis.outcome
    lead = outcome.lead if outcome else None
    return {"status": outcome.status if outcome else None, "layer": diagnosis.layer,
            "root_cause": diagnosis.root_cause,
            "confidence": lead.confidence_value if lead else None,
            "confidence_level": lead.confidence if lead else None,
            "confidence_meaning": lead.confidence_reason if lead else None,
            "symptom": outcome.symptom if outcome else None, "summary": diagnosis.summary}


def _candidates(diagnosis: Diagnosis) -> list[dict[str, Any]]:
    outcome = diagnosis.outcome
    if not outcome or not outcome.candidates:
        return []
    port = str(diagnosis.facts.get("server_port") or fix_plan.DEFAULT_PORT)
    return candidates.to_json(outcome.candidates, port, diagnosis.facts.get("os") == "windows")


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
