"""What diagnosis produces: findings with roles, evidence, ruled-out entries, the verdict."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from analyzer.diagnose import confidence as scale
from analyzer.records import Record

ROLES = ("root-cause", "contributing", "symptom", "benign")
MAX_EVIDENCE = 8


@dataclass(frozen=True, slots=True)
class Evidence:
    """A pointer into the bundle: file, line, time and the text that shows it."""

    source: str
    line: int | None
    time: str | None
    text: str

    @classmethod
    def of(cls, record: Record, text: str | None = None) -> Evidence:
        return cls(record.source, record.line, record.time, text if text is not None else record.text)

    @classmethod
    def headline(cls, record: Record) -> Evidence:
        """Evidence quoting only the record's first line (a diagnostic without its span lines)."""
        return cls.of(record, record.headline(401))  # 400 characters and the ellipsis

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line, "time": self.time, "text": self.text}


@dataclass
class Finding:
    """One taxonomy ID seen in this bundle, with the role it plays in this report.

    `confidence` is a level of the named scale (`confidence.LEVELS`); `sources` are the files
    whose evidence supports it.
    """

    id: str
    role: str
    confidence: str
    reason: str = ""
    summary: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    layer: str | None = None
    captures: dict[str, str] = field(default_factory=dict)
    role_fixed: bool = False  # a rule decided the role; ranking must not change it
    signature: str | None = None  # the indication that leads (its title, role and fix are the finding's)
    sources: tuple[str, ...] = ()

    def copy(self) -> Finding:
        return replace(self, evidence=list(self.evidence), captures=dict(self.captures))

    @property
    def confidence_value(self) -> float:
        return scale.VALUES[self.confidence]

    @property
    def confidence_reason(self) -> str:
        return scale.describe(self.confidence, self.sources)

    def add_evidence(self, items: list[Evidence]) -> None:
        seen = {(e.source, e.line) for e in self.evidence}
        for item in items:
            if len(self.evidence) >= MAX_EVIDENCE:
                return
            if (item.source, item.line) not in seen:
                self.evidence.append(item)
                seen.add((item.source, item.line))


@dataclass(frozen=True, slots=True)
class RuledOut:
    id: str
    reason: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Missing:
    artifact: str
    would_enable: tuple[str, ...]
    collect: str = ""


@dataclass
class Diagnosis:
    findings: list[Finding]
    ruled_out: list[RuledOut]
    missing: list[Missing]
    facts: dict[str, Any]
    layer: str
    root_cause: str | None
    summary: str
    stats: dict[str, Any] | None = None  # cachestats.summarize: the `stats` section of the report
    outcome: Any = None  # verdict.Outcome: status, cache health, candidates

    @property
    def root_causes(self) -> list[Finding]:
        return [f for f in self.findings if f.role == "root-cause"]
