"""Arithmetic on the ISO 8601 UTC strings records carry (`2026-11-21T05:23:31.123Z`)."""

from __future__ import annotations

from datetime import datetime


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def seconds_between(start: str | None, end: str | None) -> float | None:
    a, b = parse_iso(start), parse_iso(end)
    if a is None or b is None:
        return None
    return (b - a).total_seconds()


def clock(value: str | None) -> str:
    """`2026-05-11T02:02:11Z` -> `02:02:11` (what a reader compares at a glance)."""
    moment = parse_iso(value)
    if moment is None:
        return "?"
    text = moment.strftime("%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond // 1000:03d}"
    return text
