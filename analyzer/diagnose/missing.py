"""Artifacts whose absence kept rules from running, so a reader knows what to collect next."""

from __future__ import annotations

from analyzer.diagnose import rule
from analyzer.diagnose.context import Context

# artifact kind -> (what to collect, finding IDs it would enable)
WOULD_ENABLE = {
    "sccache-log": ("sccache server log (SCCACHE_LOG=debug, SCCACHE_ERROR_LOG=<file>)",
                    ("storage-check-slow", "storage-check-failed", "server-idle-timeout", "proxy-in-path",
                     "remote-unreachable")),
    "sockets": ("socket table during the failure (netstat -ano / ss -tanp)",
                ("daemon-not-listening", "server-port-in-use", "server-port-reserved")),
    "processes": ("process list during the failure (tasklist / ps -ef)", ("server-not-running",)),
    "rustc-info": ("target/.rustc_info.json", ("rustc-info-cached-failure",)),
    "version-info": ("rustc -vV run directly", ("toolchain-broken",)),
    "env": ("environment (SCCACHE_*, RUSTC_WRAPPER, *_PROXY)", ("setting-ignored", "server-stale-environment",
                                                                "proxy-in-path")),
    "sccache-stats": ("sccache --show-stats", ("low-cache-hit-rate", "non-cacheable-calls", "cache-write-errors")),
    "cargo-output": ("cargo's output", ("source-compile-error", "rustc-probe-failed")),
}


@rule("missing-artifacts", ids=(), needs=())
def missing_artifacts(ctx: Context) -> None:
    """Lists artifact kinds the bundle lacks and the findings each would have enabled."""
    for kind, (label, ids) in WOULD_ENABLE.items():
        if not ctx.has(kind):
            ctx.note_missing(kind, tuple(i for i in ids if i not in ctx.findings), label)
