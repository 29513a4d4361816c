"""Artifacts whose absence kept findings from being seen, so a reader knows what to collect next.

Which IDs an artifact kind would enable is each definition's `needs`; this module only knows
how to ask for each kind.
"""

from __future__ import annotations

from analyzer.diagnose.context import Context
from analyzer.diagnose.registry import EVERYTHING, rule

# artifact kind -> how to collect it
COLLECT = {
    "sccache-log": "sccache server log (SCCACHE_LOG=debug, SCCACHE_ERROR_LOG=<file>)",
    "sockets": "socket table during the failure (netstat -ano / ss -tanp)",
    "processes": "process list during the failure (tasklist / ps -ef)",
    "rustc-info": "target/.rustc_info.json",
    "version-info": "rustc -vV run directly",
    "env": "environment (SCCACHE_*, RUSTC_WRAPPER, *_PROXY)",
    "sccache-stats": "sccache --show-stats",
    "cargo-output": "cargo's output",
}


@rule("missing-artifacts", reads=(EVERYTHING,))
def missing_artifacts(ctx: Context) -> None:
    """Lists artifact kinds the bundle lacks and the findings each would have enabled."""
    definitions = ctx.knowledge.library.definitions.values()
    for kind, label in COLLECT.items():
        if not ctx.has(kind):
            ids = tuple(d.id for d in definitions if kind in d.needs and not ctx.has_finding(d.id))
            ctx.note_missing(kind, ids, label)
