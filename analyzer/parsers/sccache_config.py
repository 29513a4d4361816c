"""The sccache config file (TOML; `SCCACHE_CONF` or `~/.config/sccache/config`).

    server_startup_timeout_ms = 60000
    [cache.oss]
    bucket = "ci-sccache"

One record per leaf key (`cache.oss.bucket`). Facts: the start-up timeout the client waits
for the server, and the backend, bucket and endpoint the server will check at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from analyzer.parsers import Item, register
from analyzer.parsers._toml import settings, toml_shape
from analyzer.records import Fact, Problem, Record

KIND = "sccache-config"

# `[cache.s3]`, `[cache.disk.preprocessor_cache_mode]`
CACHE_TABLE = re.compile(r"^\s*\[cache\.(?P<backend>\w+)", re.M)
# `server_startup_timeout_ms = 1`
STARTUP_KEY = re.compile(r"^\s*server_startup_timeout_ms\s*=", re.M)
# `[dist]`, `[dist.auth]`
DIST_TABLE = re.compile(r"^\s*\[dist(?:\.\w+)?\]", re.M)
# Cargo.toml and .cargo/config.toml heads
CARGO_HEADS = re.compile(r"^\s*\[(?:package|workspace|dependencies|dev-dependencies|build|target\.|alias|registries|source\.|net|http)\b", re.M)
BACKENDS = {"disk", "s3", "oss", "gcs", "azure", "redis", "memcached", "webdav", "gha", "cos"}


@register
class SccacheConfigParser:
    kind = KIND

    def sniff(self, head: str, name: str) -> float:
        if not toml_shape(head):
            return 0.0
        if CARGO_HEADS.search(head):
            return 0.1
        score = 0.0
        if STARTUP_KEY.search(head):
            score = 0.9
        if CACHE_TABLE.search(head):
            score = max(score, 0.85)
        if DIST_TABLE.search(head):
            score = max(score, 0.6)
        return score

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]:
        backends_seen: set[str] = set()
        last_line: int | None = None
        for item in settings(lines, source, KIND):
            if not isinstance(item, tuple):
                yield item
                last_line = item.line if isinstance(item, Record) else None
                continue
            key, value = item
            yield from _facts(key, value, source, last_line, backends_seen)


def _facts(key: str, value: object, source: str, line: int | None,
           backends_seen: set[str]) -> Iterator[Fact | Problem]:
    parts = key.split(".")
    if key == "server_startup_timeout_ms":
        # sccache reads a u64 of milliseconds; anything else (inf, 1e400, "60s") it rejects too
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**64:
            yield Fact("startup_timeout_ms", value, source, line)
        else:
            yield Problem(source, line, "server_startup_timeout_ms is not a whole number of milliseconds; ignored")
    if len(parts) >= 2 and parts[0] == "cache" and parts[1] in BACKENDS and parts[1] not in backends_seen:
        backends_seen.add(parts[1])
        yield Fact("backend", parts[1], source, line)
    if len(parts) == 3 and parts[0] == "cache" and parts[2] in ("bucket", "endpoint"):
        yield Fact(parts[2], value, source, line)
