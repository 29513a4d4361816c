"""The single streaming pass: match every record once, keep only what later stages need.

`Scan.keep` is handed to `ingest.read_bundle`; it runs the pattern library on each record
as it streams by, remembers per-source time bounds and, for every kept record, the
record that came just before it (the idle-timeout rule needs "last activity before
shutdown" without keeping the whole log), and the error and warning records no signature
explained (the raw material for new patterns; batch groups them across machines).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from analyzer.compiles import CompileLog
from analyzer.diagnose.inputs import ScanSummary
from analyzer.ingest import default_keep
from analyzer.patterns.model import Match
from analyzer.records import Previous, Record


class Matcher(Protocol):
    def match(self, record: Record) -> list[Match]: ...


# Enough unexplained lines per bundle to show what is new, few enough to stay small.
MAX_UNEXPLAINED = 200
# Matches kept per pattern id and event records kept per event, across the bundle: a 1 GB
# debug log holds a `parse_arguments: CannotCache(` line per compile; the evidence needs a
# few of them and the count, not all of them. Past the cap matches are only counted. The cap
# is the bundle's, not each file's, so 2,000 per-job logs cost what one log of their size does.
MATCH_CAP = 500
EVENT_CAP = 200
UNEXPLAINED_LEVELS = frozenset({"ERROR", "WARN"})


@dataclass(frozen=True, slots=True)
class Unexplained:
    source: str
    line: int
    level: str
    text: str


@dataclass
class Scan:
    library: Matcher | None
    matches: list[Match] = field(default_factory=list)
    last_time: dict[str, str] = field(default_factory=dict)
    previous: dict[tuple[str, int], Previous] = field(default_factory=dict)
    unexplained: list[Unexplained] = field(default_factory=list)
    match_totals: dict[tuple[str, str], int] = field(default_factory=dict)
    event_totals: dict[tuple[str, str], int] = field(default_factory=dict)
    # One row per compile request of sccache's debug log (analyzer/compiles).
    compiles: CompileLog = field(default_factory=CompileLog)
    bundle_matches: dict[str, int] = field(default_factory=dict)  # pattern id -> matches seen
    bundle_events: dict[str, int] = field(default_factory=dict)   # event -> records seen
    _last: dict[str, Previous] = field(default_factory=dict)

    def keep(self, record: Record) -> bool:
        if record.kind == "sccache-log":
            self.compiles.feed(record)
        found = self.library.match(record) if self.library is not None else []
        kept = [m for m in found if self._count_match(record.source, m.pattern_id) <= MATCH_CAP]
        if kept:
            self.matches.extend(kept)
        elif not found and record.level in UNEXPLAINED_LEVELS:
            self._note_unexplained(record)
        keep = bool(kept) or self._keep_anchor(record)
        if keep:
            last = self._last.get(record.source)
            if last is not None:
                self.previous[(record.source, record.line)] = last
        if record.time:
            self.last_time[record.source] = record.time
        self._last[record.source] = Previous(record.time, record.text[:300])
        return keep

    def summary(self) -> ScanSummary:
        """What diagnosis needs from the pass, as a value (diagnosis never sees the scan itself).
        `capped`: a file's matches of an ID whose bundle-wide count passed the cap; past it the fast
        scan stops looking, so the true number is not known on either path."""
        capped = frozenset(key for key in self.match_totals if self.bundle_matches.get(key[1], 0) > MATCH_CAP)
        return ScanSummary(last_time=dict(self.last_time), previous=dict(self.previous), capped=capped)

    def spent(self, source: str, owner: str) -> bool:
        """Whether more lines for `owner` ("pattern:ID", "event:NAME", "level") in `source`
        would change nothing kept: the fast scan stops selecting them. Caps are the bundle's."""
        kind, _, name = owner.partition(":")
        if kind == "level":  # error and warning lines matter until enough are unexplained
            return len(self.unexplained) >= MAX_UNEXPLAINED
        if kind == "pattern":
            return self.bundle_matches.get(name, 0) >= MATCH_CAP
        if kind == "event":
            return self.bundle_events.get(name, 0) >= EVENT_CAP
        if kind == "compile":
            return self.compiles.spent()
        return False

    def _keep_anchor(self, record: Record) -> bool:
        if not default_keep(record):
            return False
        if record.event is None:
            return True
        key = (record.source, record.event)
        self.event_totals[key] = self.event_totals.get(key, 0) + 1
        self.bundle_events[record.event] = seen = self.bundle_events.get(record.event, 0) + 1
        return seen <= EVENT_CAP

    def _count_match(self, source: str, pattern_id: str) -> int:
        """Count a match in its file and in the bundle; the bundle's count decides the cap."""
        key = (source, pattern_id)
        self.match_totals[key] = self.match_totals.get(key, 0) + 1
        self.bundle_matches[pattern_id] = seen = self.bundle_matches.get(pattern_id, 0) + 1
        return seen

    def _note_unexplained(self, record: Record) -> None:
        if len(self.unexplained) < MAX_UNEXPLAINED:
            self.unexplained.append(Unexplained(record.source, record.line, record.level or "", record.headline(300)))
