"""One cross-source timeline: anchors and matched lines from every artifact, in UTC.

Timed records sort by time. An untimed record inherits the time of the last timed record
before it in the same file (marked `time_estimated`); files with no times at all keep
their order and `time: null`, and renderers place them by order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analyzer.ingest import Bundle
    from analyzer.knowledge import Knowledge
    from analyzer.patterns.model import Match

MAX_EVENTS = 400
# Per-compile events: counted by the cache health check, too many to be landmarks on a timeline.
COUNTED_ONLY = frozenset({"cache-miss", "cache-hit"})


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    time: str | None
    time_estimated: bool
    source: str
    kind: str
    line: int
    event: str
    text: str
    order: int

    def to_json(self) -> dict[str, object]:
        return {"time": self.time, "time_estimated": self.time_estimated, "source": self.source,
                "kind": self.kind, "line": self.line, "event": self.event, "text": self.text}


def build_timeline(bundle: Bundle, matches: list[Match], knowledge: Knowledge | None) -> list[TimelineEvent]:
    labels: dict[tuple[str, int], str] = {}
    for match in matches:
        key = (match.record.source, match.record.line)
        label = knowledge.event_label(match.pattern_id, match.signature) if knowledge is not None else match.pattern_id
        labels.setdefault(key, label or match.pattern_id)
    events: list[TimelineEvent] = []
    order = 0
    for artifact in bundle.artifacts:
        last_time: str | None = None
        for record in sorted(artifact.records, key=lambda r: r.line):
            event = labels.get((record.source, record.line)) if record.event in COUNTED_ONLY else (
                record.event or labels.get((record.source, record.line)))
            if record.time:
                last_time = record.time
            if not event:
                continue
            order += 1
            events.append(TimelineEvent(record.time or last_time, record.time is None and last_time is not None,
                                        record.source, record.kind, record.line, event, record.headline(300), order))
    events = _dedupe(events)
    events.sort(key=lambda e: (e.time is None, e.time or "", e.order if e.time is None else 0, e.source, e.line))
    if len(events) > MAX_EVENTS:
        events = events[:MAX_EVENTS]
    return events


def _dedupe(events: list[TimelineEvent]) -> list[TimelineEvent]:
    seen: set[tuple[str, int]] = set()
    unique = []
    for event in events:
        key = (event.source, event.line)
        if key not in seen:
            seen.add(key)
            unique.append(event)
    return unique

