"""The fleet table's cache columns for one report: hit rate, hits, misses, compiles not
served from the cache and the dominant reason, from the debug log's compile table when the
bundle had one, else from `sccache --show-stats`."""

from __future__ import annotations

from typing import Any

COLUMNS = (("hit_rate", "float"), ("cache_hits", "int"), ("cache_misses", "int"), ("not_served", "int"),
           ("miss_reason", "str"))


def cache_columns(report: dict) -> dict[str, Any]:
    compiles = report.get("compiles")
    if compiles:
        reasons = compiles.get("reasons") or {}
        top = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if reasons else None
        return {"hit_rate": compiles.get("hit_rate"), "cache_hits": compiles.get("hits"),
                "cache_misses": compiles.get("misses"), "not_served": compiles.get("not_served"),
                "miss_reason": top}
    facts = report.get("facts") or {}
    hits, misses = _int(facts.get("stats.cache_hits")), _int(facts.get("stats.cache_misses"))
    uncacheable = _int(facts.get("stats.non_cacheable_calls"))
    if hits is None and misses is None:
        return dict.fromkeys(name for name, _ in COLUMNS)
    rate = hits / (hits + misses) if hits is not None and misses is not None and hits + misses else None
    served = (misses or 0) + (uncacheable or 0)
    reason = None
    if served:
        reason = "not-cacheable" if (uncacheable or 0) > (misses or 0) else "miss"
    return {"hit_rate": round(rate, 4) if rate is not None else None, "cache_hits": hits,
            "cache_misses": misses, "not_served": served if served or misses is not None else None,
            "miss_reason": reason}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
