"""Is the cache doing its job? The `cache` section of the report: a state, the counts behind it,
and the finding that explains it.

The counts come from `sccache --show-stats` when the bundle has it, else from the server log
(`Cache miss`, `Cache hit`, failed writes and reads). The state is read from the counts and
from the findings the rules made, worst first:

* `broken`: the cache cannot store or serve anything (no credentials, access refused, a
  read-only or unusable cache, every write failing);
* `degraded`: it works in part (some writes or reads fail, throttling, a server of another
  version or with stale settings, the same compile missing again and again);
* `cold`: misses because it was empty, writes succeeding (a first run: expected);
* `working`: hits, or nothing failing;
* `not-used`: the build ran without sccache;
* `unknown`: the bundle says nothing about the cache.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from analyzer.diagnose.context import Context
from analyzer.diagnose.model import Evidence

# Findings that mean the cache cannot store or serve anything, deepest cause first.
BROKEN_BY = ("aws-imds-credentials", "remote-credentials-missing", "backend-misconfigured", "remote-access-denied",
             "backend-api-incompatible", "cache-read-only", "local-disk-cache-problem", "remote-unreachable",
             "storage-check-failed")
# Findings that mean it works only in part, deepest first.
DEGRADED_BY = ("server-stale-environment", "server-version-mismatch", "backend-not-in-use", "backend-rate-limited",
               "launcher-not-applied", "remote-cache-slow", "cache-write-errors", "cache-read-errors",
               "low-cache-hit-rate")
# Findings that leave the cache itself sound but keep sccache from doing its job: most calls
# refused for a limit of its argument parser, or sccache-dist compiling nothing remotely.
# They are the cause only as the lead finding (a rule made them the root cause).
UNDERUSED_BY = ("non-cacheable-limitation", "dist-scheduler-unreachable", "dist-builder-sandbox-failed",
                "dist-toolchain-packaging-failed", "dist-toolchain-incomplete", "dist-client-cache-problem",
                "dist-fallback-local")

MISS = re.compile(r"^\[(?P<name>[^\]]+)\]: Cache miss\b")
HIT = re.compile(r"^\[(?P<name>[^\]]+)\]: Cache hit\b")
WRITE_ERROR = re.compile(r"Cache write error|Error executing cache write|failed to put cache entry", re.I)
READ_ERROR = re.compile(r"Cache read error", re.I)
WRITE_OK = re.compile(r"Stored in cache successfully|Cache write finished", re.I)


@dataclass
class CacheHealth:
    state: str = "unknown"
    location: str | None = None
    requests: int | None = None
    hits: int | None = None
    misses: int | None = None
    write_errors: int | None = None
    read_errors: int | None = None
    reason: str | None = None
    repeated_misses: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def hit_rate(self) -> float | None:
        if self.hits is None or not (self.hits + (self.misses or 0)):
            return None
        return round(self.hits / (self.hits + (self.misses or 0)), 3)

    def to_json(self) -> dict:
        return {"state": self.state, "location": self.location, "requests": self.requests, "hits": self.hits,
                "misses": self.misses, "hit_rate": self.hit_rate, "write_errors": self.write_errors,
                "read_errors": self.read_errors, "reason": self.reason}


def _int(value) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _stat(ctx: Context, name: str) -> int | None:
    return _int(ctx.facts.get(f"stats.{name}"))


def _location(ctx: Context) -> str | None:
    if ctx.facts.get("cache_location"):
        return str(ctx.facts["cache_location"])
    backend = ctx.facts.get("backend")
    if not backend:
        return None
    where = ctx.facts.get("bucket") or ctx.facts.get("endpoint") or ctx.env.get("SCCACHE_DIR")
    return f"{backend}" + (f" ({where})" if where else "")


def uses_sccache(ctx: Context) -> bool:
    """Any trace of sccache in the bundle: its log, stats, config, a wrapper setting, a process."""
    if ctx.kinds & {"sccache-log", "sccache-stats", "sccache-config"}:
        return True
    if any("sccache" in (ctx.env.get(name) or "") for name in ("RUSTC_WRAPPER", "CC", "CXX",
                                                              "CMAKE_C_COMPILER_LAUNCHER")):
        return True
    if any(name.startswith("SCCACHE_") for name in ctx.env):
        return True
    if any("sccache" in (r.get("value") or "") for r in ctx.records("cargo-config")):
        return True
    return any("sccache" in r.text for kind in ("cargo-output", "build-output", "rustc-info") for r in ctx.records(kind))


def assess(ctx: Context, build_finished: bool) -> CacheHealth:
    health = CacheHealth(location=_location(ctx))
    health.requests = _stat(ctx, "compile_requests")
    health.hits = _stat(ctx, "cache_hits")
    health.misses = _stat(ctx, "cache_misses")
    health.write_errors = _stat(ctx, "cache_write_errors")
    health.read_errors = _stat(ctx, "cache_read_errors")
    _count_from_log(ctx, health)
    if not uses_sccache(ctx):
        health.state = "not-used" if build_finished or ctx.kinds & {"cargo-output", "build-output"} else "unknown"
        return health
    broken = next((i for i in BROKEN_BY if i in ctx.findings), None)
    if broken and _nothing_stored(health):
        health.state, health.reason = "broken", broken
        return health
    if health.write_errors and _nothing_stored(health):
        health.state = "broken"
        health.reason = broken or "cache-write-errors"
        return health
    degraded = broken or next((i for i in DEGRADED_BY if i in ctx.findings and i != "low-cache-hit-rate"), None)
    if not degraded and "non-cacheable-limitation" in ctx.findings \
            and ctx.findings["non-cacheable-limitation"].role == "root-cause":
        degraded = "non-cacheable-limitation"  # most calls could not be cached at all
    if degraded:
        health.state, health.reason = "degraded", degraded
        return health
    if health.hits == 0 and (health.misses or 0) > 0:
        if health.repeated_misses:
            health.state, health.reason = "degraded", "low-cache-hit-rate"
        else:
            health.state, health.reason = "cold", "cold-cache"
        return health
    if health.hits or health.misses or health.requests:
        health.state = "working"
        if "low-cache-hit-rate" in ctx.findings or "non-cacheable-calls" in ctx.findings:
            health.reason = "non-cacheable-calls" if "non-cacheable-calls" in ctx.findings else "low-cache-hit-rate"
        return health
    if build_finished and ctx.events("server-listening", "sccache-log") and not broken:
        health.state = "working"
    return health


def _nothing_stored(health: CacheHealth) -> bool:
    """No hit and no write that went through: what the cache holds cannot grow or be used."""
    if health.hits:
        return False
    if health.write_errors is not None and health.misses is not None:
        return health.write_errors >= health.misses
    return True


def _count_from_log(ctx: Context, health: CacheHealth) -> None:
    """Counts from the server log where the stats are missing; misses of the same compile
    more than once mean stored results are never found again."""
    misses: Counter[str] = Counter()
    hits = write_errors = read_errors = 0
    for record in ctx.events("cache-miss", "sccache-log"):
        if (m := MISS.search(record.text)) is not None:
            misses[m.group("name")] += 1
    hits = len(ctx.events("cache-hit", "sccache-log"))
    for record in ctx.records("sccache-log"):
        text = record.text
        if WRITE_ERROR.search(text):
            write_errors += 1
        elif READ_ERROR.search(text):
            read_errors += 1
    health.repeated_misses = sorted(name for name, n in misses.items() if n > 1)
    if health.hits is None and (misses or hits):
        health.hits, health.misses = hits, sum(misses.values())
    if health.write_errors is None and (misses or write_errors):
        health.write_errors = write_errors
    if health.read_errors is None and (misses or read_errors):
        health.read_errors = read_errors

