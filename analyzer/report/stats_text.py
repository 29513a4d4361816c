"""The report's `stats` section as short plain lines, shared by the text, Markdown and HTML formats.

Every format shows the same four things when the bundle has `--show-stats`: the totals with
`Cache writes` (a cold cache writes, a broken one does not), the hit rate per language and per
compiler, each non-cacheable reason with what it means, and each level of a multi-level cache.
"""

from __future__ import annotations


def _rate(value) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _n(value) -> str:
    return "?" if value is None else str(value)


def totals(stats: dict) -> str:
    parts = [f"{_n(stats.get('requests'))} compile requests", f"{_n(stats.get('hits'))} hits",
             f"{_n(stats.get('misses'))} misses", f"hit rate {_rate(stats.get('hit_rate'))}",
             f"{_n(stats.get('non_cacheable'))} not cacheable"]
    if stats.get("writes") is not None:
        parts.append(f"{stats['writes']} cache writes")
    parts.append(f"{_n(stats.get('write_errors'))} write errors")
    if stats.get("read_errors"):
        parts.append(f"{stats['read_errors']} read errors")
    return ", ".join(parts)


def groups(stats: dict) -> list[tuple[str, str]]:
    """(`by language` | `by compiler`, `C/C++ 4 hits / 0 misses (100%), …`)."""
    out = []
    for key, label in (("by_language", "by language"), ("by_compiler", "by compiler")):
        items = stats.get(key) or []
        if items:
            out.append((label, ", ".join(f"{g['name']} {g['hits']} hits / {g['misses']} misses "
                                         f"({_rate(g['hit_rate'])})" for g in items)))
    return out


def reasons(stats: dict) -> list[str]:
    """`incremental 2 — set CARGO_INCREMENTAL=0 …` for each non-cacheable reason."""
    return [f"{r['reason']} {r['count']} — {r['advice']}" for r in stats.get("non_cacheable_reasons") or []]


def levels(stats: dict) -> list[str]:
    out = []
    for level in stats.get("levels") or []:
        counts = ", ".join(f"{key.replace('_', ' ')} {level[key]}" for key in
                           ("hits", "misses", "writes", "write_failures", "backfills_from", "backfills_to")
                           if level.get(key) is not None)
        where = f" at {level['location']}" if level.get("location") else ""
        out.append(f"{level['name']}{where}: {counts}" if counts else f"{level['name']}{where}")
    return out
