"""sccache-dist: what `sccache --dist-status` says about the client's scheduler, and a remote
backend that was meant to be used while the server runs on the local disk."""

from __future__ import annotations

import re

from analyzer.diagnose.context import Context
from analyzer.diagnose.facts import backend_from_env
from analyzer.diagnose.model import Evidence
from analyzer.diagnose.registry import rule

# Remote backends a build environment shows it meant to use, by the variables that say so.
# GitHub Actions' own cache variables mean the sccache action (or the workflow) exported them.
INTENT_VARS = (
    ("ACTIONS_CACHE_URL", "gha"), ("ACTIONS_RESULTS_URL", "gha"),
    ("SCCACHE_GHA_VERSION", "gha"), ("SCCACHE_GHA_CACHE_TO", "gha"), ("SCCACHE_GHA_CACHE_FROM", "gha"),
    ("SCCACHE_S3_BUCKET", "s3"), ("SCCACHE_BUCKET_NAME", "s3"), ("SCCACHE_REGION", "s3"),
    ("SCCACHE_S3_KEY_PREFIX", "s3"), ("SCCACHE_ENDPOINT", "s3"),
    ("SCCACHE_GCS_BUCKET", "gcs"), ("SCCACHE_GCS_KEY_PATH", "gcs"),
    ("SCCACHE_AZURE_CONNECTION_STRING", "azure"), ("SCCACHE_AZURE_BLOB_CONTAINER", "azure"),
    ("SCCACHE_REDIS", "redis"), ("SCCACHE_REDIS_ENDPOINT", "redis"), ("SCCACHE_MEMCACHED", "memcached"),
    ("SCCACHE_MEMCACHED_ENDPOINT", "memcached"), ("SCCACHE_WEBDAV_ENDPOINT", "webdav"),
    ("SCCACHE_OSS_BUCKET", "oss"), ("SCCACHE_COS_BUCKET", "cos"),
)
ON = ("1", "true", "on")
# The scheduler's HTTP answer to a client whose token it does not accept: 401, with its reason
# (`Error 401: Fixed token mismatch`).
AUTH_REFUSED = re.compile(r"\b(?:Error )?401\b(?:: [^\n\"\]]{1,80})?|\bUnauthorized\b", re.I)


@rule("dist-status", emits=("dist-scheduler-unreachable",), needs=("dist-status",))
def dist_status(ctx: Context) -> None:
    """What it detects: `sccache --dist-status` saying the client is not connected to its
    scheduler (`NotConnected`), or connected with builders (which rules the scheduler out).

    Why it matters: without a scheduler every compile runs locally; the build passes, slower.
    Fix: check `scheduler_url` and the `[dist.auth]` token in the client config, and that the
    scheduler listens there (`curl <scheduler_url>/api/v1/scheduler/status`).
    """
    for record in ctx.records("dist-status"):
        state = record.get("state")
        if state == "connected" and int(record.get("num_servers") or 0) > 0:
            ctx.rule_out("dist-scheduler-unreachable",
                         f"`--dist-status` shows the scheduler {record.get('scheduler', '')} with "
                         f"{record.get('num_servers')} builder(s)", [Evidence.of(record)])
            return
        if state != "not-connected":
            continue
        cache_trouble = ctx.matched("dist-client-cache-problem")
        # the server log's own line first: build output may glue the next tool's output onto it
        matches = sorted(ctx.matched("dist-scheduler-unreachable"), key=lambda m: m.record.kind != "sccache-log")
        refused = next(((m.record, hit) for m in matches
                        if (hit := AUTH_REFUSED.search(m.record.text)) is not None), None)
        summary = (f"The client is not connected to the sccache-dist scheduler "
                   f"{record.get('scheduler', '')}: `{record.get('detail', '')}`; compiles run locally.")
        if refused is not None:  # the scheduler answered: it is the token, not the address
            where, hit = refused
            summary = (f"The sccache-dist scheduler {record.get('scheduler', '')} refused the client's token "
                       f"(`{hit.group(0)}`, {where.source}:{where.line}).")
        ctx.add("dist-scheduler-unreachable", confidence="moderate",
                role="symptom" if cache_trouble else None,
                reason=f"`--dist-status`: not connected to {record.get('scheduler', 'the scheduler')} "
                       f"({record.get('detail', '')})",
                summary=summary,
                evidence=[Evidence.of(record)])
        return


def _intended_backend(env: dict[str, str]) -> tuple[str, list[str]] | None:
    found: dict[str, list[str]] = {}
    for var, backend in INTENT_VARS:
        if env.get(var, "").strip():
            found.setdefault(backend, []).append(var)
    if "gha" in found and env.get("SCCACHE_GHA_ENABLED", "").strip().lower() in ON:
        found.pop("gha")  # switched on: if it is not in use, something else is wrong
    if not found:
        return None
    backend = max(found, key=lambda b: len(found[b]))
    return backend, found[backend]


@rule("backend-not-in-use", emits=("backend-not-in-use",), needs=("env", "sccache-log"))
def backend_not_in_use(ctx: Context) -> None:
    """What it detects: the environment shows a remote backend was meant (its variables are set,
    but not the one that selects it: a switch left off, a misspelled name) while the server
    reports the local disk cache.

    Why it matters: the build passes and nothing is shared between machines or CI runs.
    Fix: the switch or variable sccache reads: `SCCACHE_GHA_ENABLED=true` for the GitHub Actions
    cache, `SCCACHE_BUCKET` (not `SCCACHE_S3_BUCKET`) for S3, and a binary built with that backend.
    """
    failed_init = ctx.matched("backend-not-in-use")
    if failed_init:  # 0.3.x: the configured cache could not be created and the disk took its place
        record = failed_init[0].record
        ctx.add("backend-not-in-use", confidence="strong", layer="environment", role="root-cause",
                reason=f"the server could not create the configured cache ({record.text.splitlines()[0][:120]}) "
                       "and went on with the local disk",
                summary=("The configured remote cache failed to initialise and this sccache went on with the local "
                         f"disk without an error: `{record.text.splitlines()[0][:160]}`."),
                evidence=[Evidence.of(record)])
        return
    if backend_from_env(ctx.env):
        return  # the selector sccache reads is set: a server started before it is server-stale-environment
    intended = _intended_backend(ctx.env)
    if intended is None:
        return
    backend, variables = intended
    disk = [r for r in ctx.records("sccache-stats")
            if r.get("name") == "Cache location" and (r.get("value") or "").lower().startswith("local disk")]
    disk += [r for r in ctx.records("sccache-log") if r.text.startswith("Init disk cache")]
    if not disk:
        return
    switch = " (SCCACHE_GHA_ENABLED is not set to true)" if backend == "gha" else ""
    ctx.add("backend-not-in-use", confidence="moderate", layer="environment", role="root-cause",
            reason=f"{', '.join(variables[:3])} set for {backend}{switch}, but the cache is the local disk",
            summary=(f"The environment is set up for the {backend} cache ({', '.join(variables[:3])}){switch}, "
                     f"but sccache used the local disk: nothing is shared between machines or runs."),
            evidence=[Evidence.of(r) for r in disk[:2]])
