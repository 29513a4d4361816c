"""Lay out the cross-source timeline as swimlanes for the HTML report's inline SVG.

Only geometry lives here (numbers and report strings); the template `timeline.svg.j2` draws it
with autoescaping, so log text in labels and tooltips is always escaped. One lane per artifact
kind label (server log, client/cargo, sockets, processes, transcript, …). Timed events sit on a
time axis; untimed events (time null) go, in report order, to a strip at the right end, hollow,
as do events whose time is only inherited (`time_estimated`). The client's start-up timeout
window — from the first `server-start`/`storage-init` event to +`startup_timeout_ms` — is shaded,
but only when the start-up is in question (a client gave up waiting, or the check was slow): on a
healthy build or a failure that took milliseconds the band would only mislead.

Events of one lane that fall within a few pixels of each other (the same second, as a rule) become
one marker whose label carries the count, and labels get rows inside their own lane, so two labels
never overlap (checked in a browser by tests/browser).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from analyzer.timefmt import parse_iso

WIDTH = 1000
LABEL_W = 120
TIMED_END = 800
UNTIMED_START = 830
RIGHT = 985
LANE_H = 56
TOP = 34
LANE_ORDER = ("server log", "client/cargo", "transcript", "sockets", "processes", "config/env", "other")
KIND_LANE = {
    "sccache-log": "server log", "cargo-output": "client/cargo", "build-output": "client/cargo",
    "rustc-info": "client/cargo", "version-info": "client/cargo", "sccache-stats": "client/cargo",
    "sockets": "sockets", "processes": "processes", "shell-transcript": "transcript",
    "env": "config/env", "sccache-config": "config/env", "cargo-config": "config/env", "manifest": "config/env",
}
# Anchors worth a visible label; everything else is a small dot with a tooltip.
KEY_EVENTS = frozenset({
    "server-start", "storage-init", "storage-check-ok", "storage-check-failed", "storage-init-failed",
    "server-listening", "server-start-failed", "server-shutdown", "client-error", "client-startup-timeout",
    "cargo-error", "could-not-compile", "probe-failed", "build-error", "server-crash", "kill", "stop-server",
})
WINDOW_ANCHORS = ("server-start", "storage-init")
# Findings that put the client's start-up wait in question; only then is the window drawn.
STARTUP_IN_QUESTION = frozenset({"server-startup-timeout", "storage-check-slow"})
DIGEST_LIMIT = 40  # key events in the narrow-screen list that replaces the drawing
GROUP_PX = 8  # events of one lane closer than this share a marker
CHAR_W = 6.6  # a generous width of one 11 px label character


@dataclass
class Marker:
    x: float
    y: float
    event: str
    tooltip: str
    hollow: bool
    key: bool
    cause: bool
    label: str = ""
    label_y: float = 0.0
    count: int = 1
    x_label: float = 0.0
    when: str = ""
    where: str = ""


@dataclass
class Layout:
    width: int
    height: int
    lanes: list[dict] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    ticks: list[dict] = field(default_factory=list)
    window: dict | None = None
    untimed: dict | None = None
    timed: bool = False
    digest: list[Marker] = field(default_factory=list)
    lane_h: int = LANE_H


def lane_of(kind: str) -> str:
    return KIND_LANE.get(kind, "other")


def parse_time(value: str | None) -> float | None:
    moment = parse_iso(value)
    return moment.timestamp() if moment is not None else None


def layout(report: dict) -> Layout:
    events = report["timeline"]
    cause_keys = {(e["source"], e["line"]) for c in report["root_causes"] for e in c["evidence"]}
    names = [name for name in LANE_ORDER if any(lane_of(e["kind"]) == name for e in events)]
    lane_y = {name: TOP + i * LANE_H + LANE_H / 2 for i, name in enumerate(names)}
    result = Layout(WIDTH, TOP + max(1, len(names)) * LANE_H + 30)
    for name in names:
        sources = sorted({e["source"] for e in events if lane_of(e["kind"]) == name})
        result.lanes.append({"name": name, "y": lane_y[name] - LANE_H / 2, "mid": lane_y[name],
                             "sources": ", ".join(sources)})
    times = [t for t in (parse_time(e["time"]) for e in events) if t is not None]
    window = _window(report, events)
    span = _span(times, window)
    untimed = [e for e in events if parse_time(e["time"]) is None]
    timed_right = TIMED_END if untimed else RIGHT
    scale = _scale(span, timed_right)
    result.timed = span is not None
    if span is not None:
        result.ticks = _ticks(span, scale)
    if window is not None and span is not None:
        result.window = {"x": scale(window[0]), "w": max(2.0, scale(window[1]) - scale(window[0])),
                         "label": f"client start-up timeout ({window[2] / 1000:g} s)"}
    if untimed:
        start = UNTIMED_START if span is not None else LABEL_W + 10
        result.untimed = {"x": start - 8, "w": RIGHT - start + 8}
        step = (RIGHT - start) / max(1, len(untimed))
        for index, event in enumerate(untimed):
            result.markers.append(_marker(event, start + step * (index + 0.5), lane_y, cause_keys, True))
    for event in events:
        moment = parse_time(event["time"])
        if moment is not None:
            result.markers.append(_marker(event, scale(moment), lane_y, cause_keys, event["time_estimated"]))
    result.markers = _spread(result.markers)
    result.digest = [m for m in sorted(result.markers, key=lambda m: (m.hollow, m.x)) if m.key][:DIGEST_LIMIT]
    return result


def _window(report: dict, events: list[dict]) -> tuple[float, float, int] | None:
    if not startup_in_question(report):
        return None
    timeout = report["facts"].get("startup_timeout_ms")
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        return None
    for event in events:
        start = parse_time(event["time"])
        if event["event"] in WINDOW_ANCHORS and start is not None:
            return start, start + timeout / 1000, int(timeout)
    return None


def startup_in_question(report: dict) -> bool:
    """A client waited for a server start and that wait is part of the story."""
    return any(f["id"] in STARTUP_IN_QUESTION and f.get("role") != "benign" for f in report.get("findings", []))


def _span(times: list[float], window) -> tuple[float, float] | None:
    if not times:
        return None
    low, high = min(times), max(times)
    if window is not None:
        low, high = min(low, window[0]), max(high, window[1])
    if high - low < 1:
        high = low + 1
    pad = (high - low) * 0.04
    return low - pad, high + pad


def _scale(span, right: float):
    if span is None:
        return lambda t: LABEL_W
    low, high = span
    return lambda t: round(LABEL_W + 10 + (t - low) / (high - low) * (right - LABEL_W - 20), 1)


def _ticks(span: tuple[float, float], scale) -> list[dict]:
    """At most 8 labelled ticks, whatever the span: a log whose clock jumps to the year 9999
    gives a span of millennia, not millions of ticks (and no tick outside what a date can hold)."""
    low, high = span
    length = high - low
    step = next((s for s in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400, 86400 * 7)
                 if length / s <= 8), None)
    if step is None:  # longer than eight weeks: whole days, eight ticks
        step = math.ceil(length / 8 / 86400) * 86400
    fmt = "%H:%M:%S" if step < 86400 else "%m-%d" if step <= 86400 * 7 else "%Y-%m-%d"
    first = int(low // step + 1) * step
    ticks = []
    moment = first
    while moment <= high:
        try:
            label = datetime.fromtimestamp(moment, UTC).strftime(fmt)
        except (ValueError, OverflowError, OSError):  # before year 1 or after 9999
            label = None
        if label is not None:
            ticks.append({"x": scale(moment), "label": label})
        moment += step
    return ticks


def _marker(event: dict, x: float, lane_y: dict, cause_keys: set, hollow: bool) -> Marker:
    cause = (event["source"], event["line"]) in cause_keys
    key = cause or event["event"] in KEY_EVENTS
    when = event["time"] or "untimed (placed by order)"
    if event["time"] and event["time_estimated"]:
        when += " (estimated)"
    tooltip = f"{when} · {event['event']} · {event['source']}:{event['line']}\n{event['text']}"
    return Marker(x=x, y=lane_y[lane_of(event["kind"])], event=event["event"], tooltip=tooltip,
                  hollow=hollow, key=key, cause=cause, label=event["event"] if key else "",
                  when=event["time"] or "untimed", where=f"{event['source']}:{event['line']}")


LABEL_ROWS = (-11, 21)  # label baselines from the lane's centre line: above, below; both inside the lane


def _group(markers: list[Marker]) -> list[Marker]:
    """One marker per lane and few-pixel bucket: events of the same second share it, with the count.
    The group shows its most telling member (root-cause evidence, then a key event)."""
    groups: dict[tuple[float, bool, int], list[Marker]] = {}
    for marker in markers:
        groups.setdefault((marker.y, marker.hollow and marker.x >= UNTIMED_START - 8, round(marker.x / GROUP_PX)),
                          []).append(marker)
    merged = []
    for members in groups.values():
        best = max(members, key=lambda m: (m.cause, m.key))
        if len(members) > 1:
            names = sorted({m.event for m in members})
            best.count = len(members)
            best.tooltip = f"{len(members)} events here ({', '.join(names)})\n" + "\n\n".join(
                m.tooltip for m in members[:12])
            if best.label or any(m.key for m in members):
                best.key = True
                best.label = f"{best.event} +{len(members) - 1}"
        merged.append(best)
    return sorted(merged, key=lambda m: m.x)


def _spread(markers: list[Marker]) -> list[Marker]:
    """Group crowded markers, then give each label a row of its own lane where it fits; a label
    with no room is dropped (the tooltip and the events table still carry it)."""
    markers = _group(markers)
    lane_rows: dict[int, list[float]] = {}
    for marker in (m for m in markers if m.label):
        lane = lane_of_y(marker.y)
        rows = lane_rows.setdefault(lane, [float("-inf")] * len(LABEL_ROWS))
        half = len(marker.label) * CHAR_W / 2
        marker.x_label = min(max(marker.x, LABEL_W + half), RIGHT - half)
        row = next((i for i, end in enumerate(rows) if end < marker.x_label - half), None)
        if row is None:
            marker.label = ""
            continue
        rows[row] = marker.x_label + half + 6
        centre = TOP + lane * LANE_H + LANE_H / 2
        marker.label_y = centre + LABEL_ROWS[row]
    return markers


def lane_of_y(y: float) -> int:
    return int((y - TOP) // LANE_H)
