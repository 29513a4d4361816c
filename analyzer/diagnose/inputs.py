"""What diagnosis receives: records by artifact kind, facts, problems, matches and the few
counts of the streaming pass it needs, all as values. Rules never see the bundle or the scan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analyzer.patterns.model import Match
from analyzer.records import Fact, Previous, Problem, Record

if TYPE_CHECKING:
    from analyzer.ingest import Bundle


@dataclass(frozen=True, slots=True)
class ScanSummary:
    """Counts of the single streaming pass: per file the last time seen, per kept record the
    record before it (`(source, line)` keys), and the `(source, id)` pairs with more matches
    than were kept."""

    last_time: Mapping[str, str] = field(default_factory=dict)
    previous: Mapping[tuple[str, int], Previous] = field(default_factory=dict)
    capped: frozenset[tuple[str, str]] = frozenset()

    def is_capped(self, source: str, finding_id: str) -> bool:
        return (source, finding_id) in self.capped


@dataclass(frozen=True, slots=True)
class DiagnosisInput:
    """`records` by artifact kind (bundle order); `facts` as (artifact kind, fact) pairs."""

    records: Mapping[str, tuple[Record, ...]]
    facts: tuple[tuple[str, Fact], ...] = ()
    problems: tuple[Problem, ...] = ()
    matches: tuple[Match, ...] = ()
    scan: ScanSummary = field(default_factory=ScanSummary)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.records)

    @classmethod
    def of(cls, bundle: Bundle, matches: list[Match], scan: ScanSummary | None = None) -> DiagnosisInput:
        records: dict[str, list[Record]] = {}
        for artifact in bundle.artifacts:
            records.setdefault(artifact.kind, []).extend(artifact.records)
        return cls(
            records={kind: tuple(items) for kind, items in records.items()},
            facts=tuple((a.kind, fact) for a in bundle.artifacts for fact in a.facts),
            problems=tuple(bundle.problems) + tuple(p for a in bundle.artifacts for p in a.problems),
            matches=tuple(matches),
            scan=scan or ScanSummary(),
        )

    @classmethod
    def from_records(cls, *records: Record, matches: tuple[Match, ...] = (),
                     facts: tuple[tuple[str, Fact], ...] = (), scan: ScanSummary | None = None) -> DiagnosisInput:
        """A small input for a unit test: records grouped by their own kind."""
        by_kind: dict[str, list[Record]] = {}
        for record in records:
            by_kind.setdefault(record.kind, []).append(record)
        return cls({kind: tuple(items) for kind, items in by_kind.items()}, facts, (), matches,
                   scan or ScanSummary())
