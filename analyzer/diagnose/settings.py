"""Settings that do not do what their owner believes: ignored variables, stale servers, proxies."""

from __future__ import annotations

import difflib

from analyzer.diagnose.context import Context
from analyzer.diagnose.facts import backend_from_env
from analyzer.diagnose.model import Evidence
from analyzer.diagnose.registry import rule

# Variables sccache reads (config.rs, commands.rs, server.rs); anything else named SCCACHE_* is ignored.
KNOWN_SCCACHE_VARS = frozenset("""
SCCACHE_BUCKET SCCACHE_REGION SCCACHE_ENDPOINT SCCACHE_S3_USE_SSL SCCACHE_S3_KEY_PREFIX SCCACHE_S3_NO_CREDENTIALS
SCCACHE_S3_SERVER_SIDE_ENCRYPTION SCCACHE_S3_SERVER_SIDE_ENCRYPTION_AWS_KMS SCCACHE_S3_SERVER_SIDE_ENCRYPTION_KMS_KEY_ID
SCCACHE_S3_ENABLE_VIRTUAL_HOST_STYLE SCCACHE_S3_RW_MODE SCCACHE_REDIS SCCACHE_REDIS_ENDPOINT
SCCACHE_REDIS_CLUSTER_ENDPOINTS SCCACHE_REDIS_DB SCCACHE_REDIS_USERNAME SCCACHE_REDIS_PASSWORD SCCACHE_REDIS_EXPIRATION
SCCACHE_REDIS_TTL SCCACHE_REDIS_KEY_PREFIX SCCACHE_REDIS_RW_MODE SCCACHE_MEMCACHED SCCACHE_MEMCACHED_ENDPOINT
SCCACHE_MEMCACHED_USERNAME SCCACHE_MEMCACHED_PASSWORD SCCACHE_MEMCACHED_EXPIRATION SCCACHE_MEMCACHED_KEY_PREFIX
SCCACHE_MEMCACHED_RW_MODE SCCACHE_GCS_BUCKET SCCACHE_GCS_KEY_PATH SCCACHE_GCS_CREDENTIALS_URL SCCACHE_GCS_OAUTH_URL
SCCACHE_GCS_SERVICE_ACCOUNT SCCACHE_GCS_KEY_PREFIX SCCACHE_GCS_RW_MODE SCCACHE_GHA_ENABLED SCCACHE_GHA_VERSION
SCCACHE_GHA_RW_MODE SCCACHE_GHA_CACHE_URL SCCACHE_GHA_RUNTIME_TOKEN SCCACHE_AZURE_BLOB_CONTAINER
SCCACHE_AZURE_CONNECTION_STRING SCCACHE_AZURE_STORAGE_ACCOUNT SCCACHE_AZURE_ENDPOINT SCCACHE_AZURE_KEY_PREFIX
SCCACHE_AZURE_RW_MODE SCCACHE_WEBDAV_ENDPOINT SCCACHE_WEBDAV_KEY_PREFIX SCCACHE_WEBDAV_USERNAME SCCACHE_WEBDAV_PASSWORD
SCCACHE_WEBDAV_TOKEN SCCACHE_WEBDAV_RW_MODE SCCACHE_OSS_BUCKET SCCACHE_OSS_ENDPOINT SCCACHE_OSS_KEY_PREFIX
SCCACHE_OSS_NO_CREDENTIALS SCCACHE_OSS_RW_MODE SCCACHE_COS_BUCKET SCCACHE_COS_ENDPOINT SCCACHE_COS_KEY_PREFIX
SCCACHE_COS_RW_MODE SCCACHE_DIR SCCACHE_CACHE_SIZE SCCACHE_DIRECT SCCACHE_LOCAL_RW_MODE SCCACHE_MULTILEVEL_CHAIN
SCCACHE_MULTILEVEL_WRITE_ERROR_POLICY SCCACHE_BASEDIRS SCCACHE_RECACHE SCCACHE_NO_CACHE SCCACHE_SERVER_PORT
SCCACHE_SERVER_UDS SCCACHE_IDLE_TIMEOUT SCCACHE_NO_DAEMON SCCACHE_START_SERVER SCCACHE_STARTUP_NOTIFY
SCCACHE_ERROR_LOG SCCACHE_LOG SCCACHE_LOG_MILLIS SCCACHE_IGNORE_SERVER_IO_ERROR SCCACHE_MAX_FRAME_LENGTH
SCCACHE_ALLOW_CORE_DUMPS SCCACHE_CLIENT_SIDE SCCACHE_CONF SCCACHE_CACHED_CONF SCCACHE_C_CUSTOM_CACHE_BUSTER
SCCACHE_RUST_CUSTOM_CACHE_BUSTER SCCACHE_EXTRAFILES SCCACHE_DIST_AUTH SCCACHE_DIST_SCHEDULER_URL
SCCACHE_TOOLCHAIN_CACHE_SIZE SCCACHE_NO_DIST_COMPILE SCCACHE_DIST_REQUEST_TIMEOUT
""".split())

# Variables people set believing they exist, with what actually controls the setting.
WISHFUL_VARS = {
    "SCCACHE_STARTUP_TIMEOUT": "the start-up timeout is only the config-file key `server_startup_timeout_ms`",
    "SCCACHE_SERVER_STARTUP_TIMEOUT_MS": "the start-up timeout is only the config-file key `server_startup_timeout_ms`",
    "SCCACHE_SERVER_STARTUP_TIMEOUT": "the start-up timeout is only the config-file key `server_startup_timeout_ms`",
    "SCCACHE_STARTUP_TIMEOUT_MS": "the start-up timeout is only the config-file key `server_startup_timeout_ms`",
    "SCCACHE_LOG_LEVEL": "since 0.2.14 logging is enabled by `SCCACHE_LOG` (e.g. `SCCACHE_LOG=debug`)",
    "SCCACHE_TIMEOUT": "sccache has no such setting; the start-up timeout is `server_startup_timeout_ms` in the config file",
}


@rule("ignored-settings", emits=("setting-ignored",), needs=("env",))
def ignored_settings(ctx: Context) -> None:
    """What it detects: `SCCACHE_*` variables that sccache does not read (wishful or misspelled names).

    Why builds fail: the intended change (a longer start-up timeout, say) never happens, so the
    failure it was meant to prevent comes back.
    """
    notes = []
    for name, value in sorted(ctx.env.items()):
        if name in WISHFUL_VARS:
            notes.append((name, value, WISHFUL_VARS[name]))
        elif name.startswith("SCCACHE_") and name not in KNOWN_SCCACHE_VARS:
            close = difflib.get_close_matches(name, KNOWN_SCCACHE_VARS, n=1, cutoff=0.85)
            hint = f"did you mean `{close[0]}`?" if close else "sccache does not read it"
            notes.append((name, value, hint))
    if "RUST_LOG" in ctx.env and "SCCACHE_LOG" not in ctx.env:
        notes.append(("RUST_LOG", ctx.env["RUST_LOG"], "sccache 0.2.14 and later read `SCCACHE_LOG`, not `RUST_LOG`"))
    if not notes:
        return
    evidence = [Evidence(r.source, r.line, None, r.text) for r in ctx.records("env")
                if (r.get("name") or "").upper() in {n for n, _, _ in notes}]
    ctx.add("setting-ignored", confidence="moderate",
            reason="; ".join(f"{n}: {why}" for n, _, why in notes[:3]),
            summary="Set but not read by sccache: " + "; ".join(f"`{n}` ({why})" for n, _, why in notes[:5]) + ".",
            evidence=evidence[:5])


@rule("stale-server", emits=("server-stale-environment",), needs=("env",))
def stale_server(ctx: Context) -> None:
    """What it detects: the running server uses another backend than the environment in the bundle sets.

    Why builds fail: a server keeps the environment of the process that started it; new
    `SCCACHE_*` variables or credentials have no effect until it is restarted.
    """
    location = ctx.facts.get("cache_location")
    chain = _chain(ctx.env.get("SCCACHE_MULTILEVEL_CHAIN", ""))
    levels = [lv.get("backend") for lv in (ctx.stats or {}).get("levels", [])]
    if location and (chain or levels or str(location).startswith("Multi-level")):
        # A multi-level cache (0.15+): the chain the environment names against the server's levels.
        wanted, actual = ",".join(chain) or None, ",".join(b or "?" for b in levels) or "single level"
        if wanted and levels and actual == wanted:
            return
        if not wanted:
            wanted = backend_from_env(ctx.env) or "disk"
    else:
        wanted = backend_from_env(ctx.env)
        if not wanted or not location:
            return
        actual = ("disk" if str(location).lower().startswith("local disk")
                  else str(location).split(",", 1)[0].strip().lower())
    failed_init = ctx.matched("backend-not-in-use")
    if failed_init:  # this server started with these settings and could not create the cache they name
        ctx.rule_out("server-stale-environment",
                     "the server in the log started with these settings and could not create the cache they name",
                     [Evidence.of(failed_init[0].record)])
        return
    if actual and actual != wanted:
        ctx.add("server-stale-environment", confidence="moderate", layer="environment",
                reason=f"environment selects {wanted}, the running server reports {location}",
                summary=(f"The environment selects the {wanted} backend, but the running server reports "
                         f"`Cache location {location}`: it was started before these settings and keeps its own."))


def _chain(value: str) -> list[str]:
    """`disk, redis,s3` -> ["disk", "redis", "s3"], with the stats' names for the same backends."""
    names = {"azblob": "azure", "ghac": "gha"}
    return [names.get(n.strip().lower(), n.strip().lower()) for n in value.split(",") if n.strip()]


@rule("proxy", emits=("proxy-in-path",), needs=("env", "sccache-log"))
def proxy_in_env(ctx: Context) -> None:
    """What it detects: an HTTP(S) proxy variable that carries the cache backend's traffic.

    Why builds fail: a slow or refusing proxy stretches or breaks the start-up storage check and
    every cache read and write. Contributing when the start-up failed, benign otherwise.
    """
    proxy = ctx.facts.get("proxy")
    backend = ctx.facts.get("backend")
    if not proxy or backend in (None, "disk"):
        return
    no_proxy = ctx.env.get("NO_PROXY", "")
    ctx.add("proxy-in-path", confidence="weak",
            reason=f"{ctx.fact_sources.get('proxy', 'environment')}: {proxy}",
            summary=(f"Cache traffic to the {backend} backend goes through the proxy {proxy}"
                     + (f" (NO_PROXY={no_proxy} does not exempt it)" if no_proxy else "") + "."))
