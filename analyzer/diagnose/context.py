"""The state diagnosis rules share: records by kind, matches by ID, merged facts, and the
contributions each rule makes to a finding.

Rules never change a finding in place. `add` records a contribution (confidence, words,
evidence, and at most a role the rule decides); `findings` merges the contributions of each
ID in a fixed order (the strongest first, then the signature's, then by rule name), so the
order in which independent rules ran cannot change the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from analyzer.diagnose import confidence as scale
from analyzer.diagnose.cachestats import summarize
from analyzer.diagnose.facts import merge_facts
from analyzer.diagnose.inputs import DiagnosisInput, ScanSummary
from analyzer.diagnose.model import Evidence, Finding, Missing, RuledOut
from analyzer.patterns.model import Match
from analyzer.records import Record

if TYPE_CHECKING:
    from analyzer.knowledge import Knowledge

SIGNATURES = ""  # the contributor name of matched signatures: sorts before every rule


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one rule (or the matched signatures) says about one finding ID."""

    rule: str
    confidence: str
    reason: str = ""
    summary: str = ""
    evidence: tuple[Evidence, ...] = ()
    role: str | None = None  # a role the rule decided from evidence; None leaves it to the ID
    layer: str | None = None
    signature: str | None = None
    captures: tuple[tuple[str, str], ...] = ()

    def order(self) -> tuple[int, str]:
        return scale.rank(self.confidence), self.rule


@dataclass
class Context:
    inputs: DiagnosisInput
    knowledge: Knowledge
    rule_name: str = SIGNATURES
    facts: dict[str, Any] = field(default_factory=dict)
    fact_sources: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    missing: list[Missing] = field(default_factory=list)
    _contributions: dict[str, list[Contribution]] = field(default_factory=dict)
    _ruled_out: dict[str, list[tuple[str, RuledOut]]] = field(default_factory=dict)
    _matches: dict[str, list[Match]] = field(default_factory=dict)
    _merged: dict[str, Finding] | None = None
    cache_health: Any = None  # the cache-health rule's CacheHealth, read again by the verdict
    stats: dict[str, Any] | None = None  # cachestats.summarize: the `stats` section of the report

    def __post_init__(self) -> None:
        for match in self.inputs.matches:
            self._matches.setdefault(match.pattern_id, []).append(match)
        self.env = env_map(list(self.records("env")))
        self.facts, self.fact_sources = merge_facts(self.inputs.facts, self.env)
        self.stats = summarize(list(self.records("sccache-stats")))

    # reading ------------------------------------------------------------
    @property
    def scan(self) -> ScanSummary:
        return self.inputs.scan

    @property
    def kinds(self) -> frozenset[str]:
        return self.inputs.kinds

    @property
    def matches_by_id(self) -> dict[str, list[Match]]:
        return self._matches

    def records(self, kind: str) -> tuple[Record, ...]:
        return self.inputs.records.get(kind, ())

    def events(self, event: str, kind: str | None = None) -> list[Record]:
        kinds = [kind] if kind else list(self.inputs.records)
        return [r for k in kinds for r in self.records(k) if r.event == event]

    def matched(self, pattern_id: str) -> list[Match]:
        return self._matches.get(pattern_id, [])

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
        return finding_id in self._contributions

    @property
    def findings(self) -> dict[str, Finding]:
        """Every finding so far, merged from its contributions (a fresh copy: editing it changes nothing)."""
        if self._merged is None:
            self._merged = {i: self._merge(i, c) for i, c in sorted(self._contributions.items())}
        return {i: f.copy() for i, f in self._merged.items()}

    @property
    def ruled_out(self) -> dict[str, RuledOut]:
        """One entry per ID: the first rule by name that ruled it out."""
        return {i: sorted(entries, key=lambda e: e[0])[0][1] for i, entries in sorted(self._ruled_out.items())}

    # writing ------------------------------------------------------------
    def add(self, finding_id: str, *, confidence: str, reason: str = "", summary: str = "",
            evidence: list[Evidence] | None = None, role: str | None = None, layer: str | None = None,
            signature: str | None = None, captures: tuple[tuple[str, str], ...] = ()) -> None:
        """Contribute to a finding. `role` only when this rule decides it from its evidence."""
        if confidence not in scale.LEVELS:
            raise ValueError(f"confidence must be one of {scale.LEVELS}, not {confidence!r}")
        item = Contribution(self.rule_name, confidence, reason, summary, tuple(evidence or ()), role, layer,
                            signature, captures)
        self._contributions.setdefault(finding_id, []).append(item)
        self._merged = None

    def rule_out(self, finding_id: str, reason: str, evidence: list[Evidence] | None = None) -> None:
        self._ruled_out.setdefault(finding_id, []).append(
            (self.rule_name, RuledOut(finding_id, reason, tuple(evidence or ()))))

    def note_missing(self, artifact: str, would_enable: tuple[str, ...], collect: str = "") -> None:
        self.missing.append(Missing(artifact, would_enable, collect))

    # merging ------------------------------------------------------------
    def _merge(self, finding_id: str, contributions: list[Contribution]) -> Finding:
        ranked = sorted(contributions, key=Contribution.order)
        by_origin = sorted(contributions, key=lambda c: c.rule)
        signature = next((c.signature for c in by_origin if c.signature), None)
        decided = next((c for c in ranked if c.role), None)
        role = decided.role if decided and decided.role else self.knowledge.default_role(finding_id, signature)
        finding = Finding(
            finding_id, role, ranked[0].confidence,
            reason=next((c.reason for c in ranked if c.reason), ""),
            summary=next((c.summary for c in ranked if c.summary), ""),
            layer=next((c.layer for c in ranked if c.layer), None),
            role_fixed=decided is not None, signature=signature,
        )
        for item in by_origin:
            finding.add_evidence(list(item.evidence))
            for key, value in item.captures:
                finding.captures.setdefault(key, value)
        finding.sources = tuple(sorted({e.source for c in contributions for e in c.evidence}))
        return finding


def env_map(records: list[Record]) -> dict[str, str]:
    """Environment variables by upper-case name (Windows names are case-insensitive)."""
    env: dict[str, str] = {}
    for record in records:
        name = record.get("name")
        if name is not None and name.upper() not in env:
            env[name.upper()] = record.get("value", "") or ""
    return env
