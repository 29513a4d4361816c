"""Machines grouped by the dominant reason their compiles were not served from the cache
(the fleet table's `miss_reason`): which fix would help the most machines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from analyzer.compiles.summary import reason_text

MAX_MACHINES = 500


@dataclass
class MissMachine:
    bundle: str
    host: str | None
    hit_rate: float | None
    cache_hits: int | None
    cache_misses: int | None
    not_served: int | None


@dataclass
class MissGroup:
    reason: str
    label: str
    count: int
    not_served: int
    machines: list[MissMachine] = field(default_factory=list)


def miss_groups(rows: list[dict[str, Any]]) -> list[MissGroup]:
    """Groups by `miss_reason`, biggest first; machines with no cache figures are left out."""
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        reason = row.get("miss_reason")
        if reason:
            found.setdefault(reason, []).append(row)
    groups = []
    for reason, members in found.items():
        members.sort(key=lambda r: (-(r.get("not_served") or 0), r["bundle"]))
        machines = [MissMachine(r["bundle"], r.get("host"), r.get("hit_rate"), r.get("cache_hits"),
                                r.get("cache_misses"), r.get("not_served")) for r in members[:MAX_MACHINES]]
        groups.append(MissGroup(reason, _label(reason), len(members), sum(r.get("not_served") or 0 for r in members),
                                machines))
    return sorted(groups, key=lambda g: (-g.count, -g.not_served, g.reason))


def _label(reason: str) -> str:
    if reason == "miss":
        return "cache misses (reason unknown without a debug log)"
    if reason == "not-cacheable":
        return "not cacheable (reason unknown without a debug log)"
    return reason_text(reason, 2)
