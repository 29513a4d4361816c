"""Cache effectiveness from `sccache --show-stats`: hit rate, non-cacheable calls, errors."""

from __future__ import annotations

from collections import Counter

from analyzer.diagnose.context import Context
from analyzer.diagnose.model import Evidence
from analyzer.diagnose.noncacheable import classify
from analyzer.diagnose.registry import rule

MIN_REQUESTS = 10
LOW_HIT_RATE = 0.2
NON_CACHEABLE_SHARE = 0.5


def _stat(ctx: Context, name: str) -> float | None:
    value = ctx.facts.get(f"stats.{name}")
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _stat_evidence(ctx: Context, *labels: str) -> list[Evidence]:
    return [Evidence.of(r) for r in ctx.records("sccache-stats") if r.get("name") in labels][:4]


def _reason_evidence(ctx: Context, reasons: list[str]) -> list[Evidence]:
    names = {f"Non-cacheable reason: {r}" for r in reasons}
    rows = [Evidence.of(r) for r in ctx.records("sccache-stats") if r.get("name") in names]
    lines = [Evidence.of(m.record) for m in ctx.matched("non-cacheable-calls")
             if (m.get("reason") or "").strip() in reasons]
    return (rows or lines)[:4]


def _distinct(evidence: list[Evidence]) -> list[Evidence]:
    """One item per line: a JSON stats document holds every stat on its line 1."""
    seen: set[tuple[str, int | None]] = set()
    out = []
    for item in evidence:
        if (item.source, item.line) not in seen:
            seen.add((item.source, item.line))
            out.append(item)
    return out


def _log_reasons(ctx: Context) -> list[dict]:
    """Without stats, the server log's `parse_arguments: CannotCache(reason)` lines, counted."""
    counts = Counter((m.get("reason") or "").strip() for m in ctx.matched("non-cacheable-calls") if m.get("reason"))
    out = []
    for reason, count in counts.most_common():
        meaning = classify(reason)
        out.append({"reason": reason, "count": count, "kind": meaning.kind, "advice": meaning.advice})
    return out


@rule("stats", emits=("low-cache-hit-rate", "non-cacheable-calls", "cache-write-errors", "cache-read-errors",
                      "remote-cache-slow"), needs=("sccache-stats",))
def cache_effectiveness(ctx: Context) -> None:
    """What it detects: a cache that works but rarely helps, or that reports read/write errors and timeouts.

    Why builds fail: it usually does not fail them; it makes them slow. Write errors on a remote
    backend often share a cause with start-up failures (credentials, read-only access).
    Non-cacheable reasons are each explained (analyzer/diagnose/noncacheable.py).
    """
    hits, misses = _stat(ctx, "cache_hits"), _stat(ctx, "cache_misses")
    requests = _stat(ctx, "compile_requests") or 0
    non_cacheable = _stat(ctx, "non_cacheable_calls") or 0
    if hits is not None and requests >= MIN_REQUESTS:
        rate = hits / requests
        if rate < LOW_HIT_RATE:
            ctx.add("low-cache-hit-rate", confidence="moderate",
                    reason=f"{hits:.0f} hits in {requests:.0f} compile requests ({misses or 0:.0f} misses)",
                    summary=(f"The cache answered only {hits:.0f} of {requests:.0f} compile requests ({rate:.0%}); "
                             f"{misses or 0:.0f} cacheable compiles missed and the rest could not be cached."),
                    evidence=_stat_evidence(ctx, "Cache hits", "Cache misses", "Cache hits rate"))
    reasons = (ctx.stats or {}).get("non_cacheable_reasons") or _log_reasons(ctx)
    if requests >= MIN_REQUESTS and non_cacheable / requests >= NON_CACHEABLE_SHARE:
        listed = "; ".join(f"`{r['reason']}` {r['count']}: {r['advice']}" for r in reasons[:6])
        ctx.add("non-cacheable-calls", confidence="moderate",
                reason=f"{non_cacheable:.0f} of {requests:.0f} calls could not be cached"
                       + (" (" + ", ".join(f"{r['reason']} {r['count']}" for r in reasons[:6]) + ")" if reasons else ""),
                summary=(f"{non_cacheable:.0f} of {requests:.0f} compiler calls could not be cached"
                         + (f". Reasons: {listed}" if listed else "") + "."),
                evidence=_distinct(_stat_evidence(ctx, "Non-cacheable calls", "Compile requests")
                                   + _reason_evidence(ctx, [r["reason"] for r in reasons])))
    for stat, finding, label in (("cache_write_errors", "cache-write-errors", "Cache write errors"),
                                 ("cache_read_errors", "cache-read-errors", "Cache read errors"),
                                 ("cache_timeouts", "remote-cache-slow", "Cache timeouts")):
        value = _stat(ctx, stat)
        if value:
            ctx.add(finding, confidence="moderate", reason=f"{label}: {value:.0f}",
                    summary=f"`sccache --show-stats` counts {value:.0f} {label.lower()}.",
                    evidence=_stat_evidence(ctx, label))
