"""One summary of `sccache --show-stats` (text or JSON) for the diagnosis and every report format.

The parser turns each printed row into a record named by its label; this gathers them into what
a reader needs: totals, `Cache writes` (a cold cache writes, a broken one does not), the hit rate
per language and per compiler, each non-cacheable reason with what it means, and the levels of
a multi-level cache. When a bundle holds several stats captures, the last one read wins for each
row (the later snapshot of the same counters).
"""

from __future__ import annotations

import re
from typing import Any

from analyzer.diagnose.noncacheable import classify
from analyzer.parsers.sccache_stats import level_backend, numeric
from analyzer.records import Record

REASON_PREFIX = "Non-cacheable reason: "
# `Cache hits (C/C++)`, `Cache misses (c [gcc])`
PER_GROUP = re.compile(r"^Cache (?P<what>hits|misses) \((?P<group>.+)\)$")
TOTALS = (("requests", "Compile requests"), ("executed", "Compile requests executed"), ("hits", "Cache hits"),
          ("misses", "Cache misses"), ("writes", "Cache writes"), ("write_errors", "Cache write errors"),
          ("read_errors", "Cache read errors"), ("timeouts", "Cache timeouts"),
          ("non_cacheable", "Non-cacheable calls"), ("not_compile", "Non-compilation calls"),
          ("unsupported_compiler", "Unsupported compiler calls"), ("compilations", "Compilations"))
LEVEL_COUNTS = ("hits", "misses", "writes", "write failures", "backfills from", "backfills to")


def summarize(records: list[Record]) -> dict[str, Any] | None:
    """The stats section of the report, or None when the bundle has no stats."""
    rows: dict[str, str] = {}
    for record in records:
        name = record.get("name")
        if name:
            rows[name] = record.get("value") or ""
    if not rows:
        return None
    summary: dict[str, Any] = {}
    for key, label in TOTALS:
        summary[key] = _count(rows.get(label))
    hits, misses = summary["hits"], summary["misses"]
    answered = (hits or 0) + (misses or 0)
    summary["hit_rate"] = round((hits or 0) / answered, 4) if answered else None
    summary["location"] = rows.get("Cache location")
    summary["by_language"] = _groups(rows, compilers=False)
    summary["by_compiler"] = _groups(rows, compilers=True)
    summary["non_cacheable_reasons"] = _reasons(rows)
    summary["levels"] = _levels(records)
    return summary


def _count(value: str | None) -> int | None:
    number = numeric(value) if value is not None else None
    return int(number) if isinstance(number, int | float) else None


def _groups(rows: dict[str, str], compilers: bool) -> list[dict[str, Any]]:
    """Hits, misses and hit rate per language (`C/C++`) or per compiler (`c [gcc]`)."""
    table: dict[str, dict[str, int]] = {}
    for name, value in rows.items():
        match = PER_GROUP.match(name)
        if not match or _is_compiler(match["group"]) != compilers:
            continue
        table.setdefault(match["group"], {"hits": 0, "misses": 0})[match["what"]] = _count(value) or 0
    out = []
    for group, counts in sorted(table.items()):
        total = counts["hits"] + counts["misses"]
        out.append({"name": group, "hits": counts["hits"], "misses": counts["misses"],
                    "hit_rate": round(counts["hits"] / total, 4) if total else None})
    return out


def _is_compiler(group: str) -> bool:
    """`--show-adv-stats` names compilers in lower case (`c [gcc]`, `rust`); languages are capitalised."""
    return "[" in group or group == group.lower()


def _reasons(rows: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for name, value in rows.items():
        if not name.startswith(REASON_PREFIX):
            continue
        reason = name.removeprefix(REASON_PREFIX)
        meaning = classify(reason)
        out.append({"reason": reason, "count": _count(value) or 0, "kind": meaning.kind, "advice": meaning.advice})
    return sorted(out, key=lambda r: (-r["count"], r["reason"]))


def _levels(records: list[Record]) -> list[dict[str, Any]]:
    levels: dict[str, dict[str, Any]] = {}
    for record in records:
        level, stat = record.get("level"), record.get("stat")
        if not level or not stat:
            continue
        entry = levels.setdefault(level, {"name": level, "backend": level_backend(level), "location": None})
        if stat == "location":
            entry["location"] = record.get("value")
        elif stat in LEVEL_COUNTS:
            entry[stat.replace(" ", "_")] = _count(record.get("value"))
    return [levels[name] for name in sorted(levels)]
