"""The state diagnosis rules share: matches by ID, records by kind, merged facts, findings."""

from __future__ import annotations

from collections import defaultdict

from analyzer.diagnose.facts import merge_facts
from analyzer.diagnose.model import Evidence, Finding, Missing, RuledOut
from analyzer.records import Record

# Confidence a pattern match gets before rules weigh in, by pattern severity.
SEVERITY_CONFIDENCE = {"error": 0.6, "warning": 0.45, "info": 0.3}


class Context:
    def __init__(self, bundle, matches, library, scan=None):
        self.bundle = bundle
        self.library = library
        self.scan = scan
        self.matches_by_id: dict[str, list] = defaultdict(list)
        for match in matches:
            self.matches_by_id[match.pattern_id].append(match)
        self.kinds = {a.kind for a in bundle.artifacts}
        self._records: dict[str, list[Record]] = defaultdict(list)
        for artifact in bundle.artifacts:
            self._records[artifact.kind].extend(artifact.records)
        self.env = env_map(self._records.get("env", []))
        self.facts, self.fact_sources = merge_facts(bundle, self.env)
        self.findings: dict[str, Finding] = {}
        self.ruled_out: dict[str, RuledOut] = {}
        self.missing: list[Missing] = []

    # reading ------------------------------------------------------------
    def records(self, kind: str) -> list[Record]:
        return self._records.get(kind, [])

    def events(self, event: str, kind: str | None = None) -> list[Record]:
        kinds = [kind] if kind else list(self._records)
        return [r for k in kinds for r in self._records.get(k, []) if r.event == event]

    def matched(self, pattern_id: str) -> list:
        return self.matches_by_id.get(pattern_id, [])

    def has(self, kind: str) -> bool:
        return kind in self.kinds

    @property
    def build_succeeded(self) -> bool:
        """cargo (or another build tool) says it finished, and nothing in its output failed."""
        finished = self.events("build-finished")
        failed = [r for e in ("cargo-error", "compile-error", "could-not-compile", "probe-failed", "build-error")
                  for r in self.events(e)]
        return bool(finished) and not failed

    def has_finding(self, finding_id: str) -> bool:
        return finding_id in self.findings

    # writing ------------------------------------------------------------
    def add(self, finding_id: str, *, confidence: float, reason: str = "", summary: str = "",
            evidence: list[Evidence] | None = None, role: str | None = None, layer: str | None = None,
            signature: str | None = None) -> Finding:
        """Add a finding or strengthen an existing one (higher confidence and a rule's words win)."""
        existing = self.findings.get(finding_id)
        if existing is None:
            existing = Finding(finding_id, role or self.library.default_role(finding_id, signature), confidence,
                               reason, summary, [], layer, signature=signature)
            self.findings[finding_id] = existing
        else:
            if confidence >= existing.confidence:
                existing.confidence = confidence
                existing.reason = reason or existing.reason
                existing.summary = summary or existing.summary
            if layer:
                existing.layer = layer
        if role:
            existing.role = role
            existing.role_fixed = True
        existing.add_evidence(evidence or [])
        return existing

    def rule_out(self, finding_id: str, reason: str, evidence: list[Evidence] | None = None) -> None:
        if finding_id not in self.findings and finding_id not in self.ruled_out:
            self.ruled_out[finding_id] = RuledOut(finding_id, reason, tuple(evidence or ()))

    def note_missing(self, artifact: str, would_enable: tuple[str, ...], collect: str = "") -> None:
        self.missing.append(Missing(artifact, would_enable, collect))


def env_map(records: list[Record]) -> dict[str, str]:
    """Environment variables by upper-case name (Windows names are case-insensitive)."""
    env: dict[str, str] = {}
    for record in records:
        name = record.get("name")
        if name is not None and name.upper() not in env:
            env[name.upper()] = record.get("value", "") or ""
    return env

