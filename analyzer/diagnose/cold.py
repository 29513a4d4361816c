"""The cache's state once every other rule has spoken, and the cold first run it can be."""

from __future__ import annotations

from analyzer import taxonomy
from analyzer.diagnose import rule
from analyzer.diagnose.cache_health import BROKEN_BY, DEGRADED_BY, UNDERUSED_BY, assess
from analyzer.diagnose.context import Context
from analyzer.diagnose.model import Evidence

# The cache findings it weighs; IDs other definitions may add later are read once they exist.
READS = tuple(i for i in BROKEN_BY + DEGRADED_BY + UNDERUSED_BY + ("non-cacheable-calls",) if i in taxonomy.load().ids)


@rule("cache-health", emits=("cold-cache",), reads=READS)
def cache_health(ctx: Context) -> None:
    """What it detects: the cache's state after every other rule has spoken; a first run against
    an empty cache (`cold-cache`).

    Why it matters: a cold cache misses by nature and is not a fault, while the same zero hits
    with failing writes, or with the same compile missing twice, is a cache that does not work.
    Fix: nothing for a cold cache; run the build again and look for hits.
    """
    health = assess(ctx, ctx.build_succeeded)
    ctx.cache_health = health
    if health.state == "cold":
        ctx.add("cold-cache", confidence="moderate", role="benign",
                reason=f"{health.misses} misses, no hits, no read or write errors",
                summary=("A first run against an empty cache: every cacheable compile missed and was stored; "
                         "the next build can hit."),
                evidence=[Evidence.of(r) for r in ctx.records("sccache-stats")
                          if r.get("name") in ("Cache hits", "Cache misses", "Cache write errors")][:3])
