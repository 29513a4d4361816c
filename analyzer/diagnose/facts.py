"""Merge what parsers stated with what the environment implies, and fill sccache's defaults.

Precedence: a value stated by an artifact (server log, stats, config) wins over one implied
by the environment, which wins over sccache's built-in default. Each fact remembers where
it came from so the report can say "10 s (default: no config file in the bundle)".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from analyzer.ci import describe as describe_ci
from analyzer.records import Fact
from analyzer.textnum import parse_uint

# sccache's built-in defaults (src/commands.rs, src/server.rs)
DEFAULT_SERVER_PORT = 4226
DEFAULT_STARTUP_TIMEOUT_MS = 10_000
DEFAULT_IDLE_TIMEOUT_S = 600

# The variable that selects each remote backend (config.rs config_from_env), in sccache's order.
BACKEND_SELECTORS = (
    ("SCCACHE_BUCKET", "s3"),
    ("SCCACHE_REDIS", "redis"),
    ("SCCACHE_REDIS_ENDPOINT", "redis"),
    ("SCCACHE_REDIS_CLUSTER_ENDPOINTS", "redis"),
    ("SCCACHE_MEMCACHED", "memcached"),
    ("SCCACHE_MEMCACHED_ENDPOINT", "memcached"),
    ("SCCACHE_GCS_BUCKET", "gcs"),
    ("SCCACHE_GHA_ENABLED", "gha"),
    ("SCCACHE_AZURE_BLOB_CONTAINER", "azure"),
    ("SCCACHE_WEBDAV_ENDPOINT", "webdav"),
    ("SCCACHE_OSS_BUCKET", "oss"),
    ("SCCACHE_COS_BUCKET", "cos"),
)
BUCKET_VARS = {"s3": "SCCACHE_BUCKET", "oss": "SCCACHE_OSS_BUCKET", "gcs": "SCCACHE_GCS_BUCKET",
               "cos": "SCCACHE_COS_BUCKET", "azure": "SCCACHE_AZURE_BLOB_CONTAINER"}
ENDPOINT_VARS = {"s3": "SCCACHE_ENDPOINT", "oss": "SCCACHE_OSS_ENDPOINT", "cos": "SCCACHE_COS_ENDPOINT",
                 "webdav": "SCCACHE_WEBDAV_ENDPOINT", "redis": "SCCACHE_REDIS_ENDPOINT"}
PROXY_VARS = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY")

# Which artifact kinds are trusted first for a fact stated by several.
KIND_PRECEDENCE = ("sccache-log", "sccache-stats", "sccache-config", "version-info", "cargo-config",
                   "rustc-info", "manifest", "cargo-output", "sockets", "processes", "env",
                   "shell-transcript", "build-output", "unknown")


def backend_from_env(env: dict[str, str]) -> str | None:
    for var, backend in BACKEND_SELECTORS:
        if env.get(var, "").strip():
            if backend == "gha" and env[var].strip().lower() not in ("1", "true", "on"):
                continue
            return backend
    return None


def merge_facts(stated: Iterable[tuple[str, Fact]], env: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return (facts, sources) from (artifact kind, fact) pairs: sources[name] says where each
    value came from."""
    facts: dict[str, Any] = {}
    sources: dict[str, str] = {}
    rank = {kind: i for i, kind in enumerate(KIND_PRECEDENCE)}
    ranked = sorted(((rank.get(kind, len(rank)), i, fact) for i, (kind, fact) in enumerate(stated)),
                    key=lambda item: (item[0], item[1]))
    for _rank, _i, fact in ranked:
        if fact.name not in facts and fact.value not in (None, ""):
            facts[fact.name] = fact.value
            sources[fact.name] = f"{fact.source}" + (f":{fact.line}" if fact.line else "")
    _from_env(facts, sources, env)
    _defaults(facts, sources)
    return facts, sources


def _set(facts: dict[str, Any], sources: dict[str, str], name: str, value: Any, source: str) -> None:
    if name not in facts and value not in (None, ""):
        facts[name] = value
        sources[name] = source


def _from_env(facts: dict[str, Any], sources: dict[str, str], env: dict[str, str]) -> None:
    backend = backend_from_env(env)
    if backend:
        _set(facts, sources, "backend", backend, "environment")
        _set(facts, sources, "bucket", env.get(BUCKET_VARS.get(backend, ""), ""), "environment")
        _set(facts, sources, "endpoint", env.get(ENDPOINT_VARS.get(backend, ""), ""), "environment")
    elif env.get("SCCACHE_DIR"):
        _set(facts, sources, "backend", "disk", "environment")
    port = parse_uint(env.get("SCCACHE_SERVER_PORT", "").strip())
    if port is not None:
        _set(facts, sources, "server_port", port, "environment (SCCACHE_SERVER_PORT)")
    idle = parse_uint(env.get("SCCACHE_IDLE_TIMEOUT", "").strip())
    if idle is not None:
        _set(facts, sources, "idle_timeout_s", idle, "environment (SCCACHE_IDLE_TIMEOUT)")
    for var in PROXY_VARS:
        value = env.get(var, "").strip()
        if value:
            _set(facts, sources, "proxy", value, f"environment ({var})")
            break
    for name, value in describe_ci(env).items():
        _set(facts, sources, name, value, "environment (CI variables)")


DEFAULTS = {"server_port": DEFAULT_SERVER_PORT, "startup_timeout_ms": DEFAULT_STARTUP_TIMEOUT_MS,
            "idle_timeout_s": DEFAULT_IDLE_TIMEOUT_S}


def _defaults(facts: dict[str, Any], sources: dict[str, str]) -> None:
    """sccache's default where the bundle says nothing, and where what it says is not a number."""
    for name, default in DEFAULTS.items():
        if name not in facts:
            facts[name] = default
            sources[name] = "default"
        try:
            facts[name] = int(facts[name])
        except (TypeError, ValueError, OverflowError):  # OverflowError: int(float("inf"))
            facts[name] = default
            sources[name] = "default"
