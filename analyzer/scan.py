"""The single streaming pass: match every record once, keep only what later stages need.

`Scan.keep` is handed to `ingest.read_bundle`; it runs the pattern library on each record
as it streams by, remembers per-source time bounds and, for every kept record, the
record that came just before it (the idle-timeout rule needs "last activity before
shutdown" without keeping the whole log), and the error and warning records no signature
explained (the raw material for new patterns; batch groups them across machines).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzer.ingest import default_keep
from analyzer.records import Record


@dataclass(frozen=True, slots=True)
class Previous:
    time: str | None
    text: str


# Enough unexplained lines per bundle to show what is new, few enough to stay small.
MAX_UNEXPLAINED = 200
UNEXPLAINED_LEVELS = frozenset({"ERROR", "WARN"})


@dataclass(frozen=True, slots=True)
class Unexplained:
    source: str
    line: int
    level: str
    text: str


@dataclass
class Scan:
    library: object | None
    matches: list = field(default_factory=list)
    last_time: dict[str, str] = field(default_factory=dict)
    previous: dict[tuple[str, int], Previous] = field(default_factory=dict)
    unexplained: list[Unexplained] = field(default_factory=list)
    unexplained_total: int = 0
    _last: dict[str, Previous] = field(default_factory=dict)

    def keep(self, record: Record) -> bool:
        found = self.library.match(record) if self.library is not None else []
        if found:
            self.matches.extend(found)
        elif record.level in UNEXPLAINED_LEVELS:
            self._note_unexplained(record)
        keep = bool(found) or default_keep(record)
        if keep:
            last = self._last.get(record.source)
            if last is not None:
                self.previous[(record.source, record.line)] = last
        if record.time:
            self.last_time[record.source] = record.time
        self._last[record.source] = Previous(record.time, record.text[:300])
        return keep

    def _note_unexplained(self, record: Record) -> None:
        self.unexplained_total += 1
        if len(self.unexplained) < MAX_UNEXPLAINED:
            self.unexplained.append(Unexplained(record.source, record.line, record.level, record.headline(300)))
