"""Diagnosis: correlation rules that turn matches and facts into ranked, explained findings.

Each rule is a function registered with `@rule`, documented like a pattern (what it
detects, why builds fail, how to fix: in its docstring and `ids`). Rules read a
`Context` and add findings, ruled-out entries and missing-artifact notes to it;
`roles.assign` then decides each finding's role and the verdict.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

RULE_MODULES = ("matches", "startup", "sockets", "processes", "cargo", "differential", "settings",
                "effectiveness", "integration", "dist", "versions", "missing")


@dataclass(frozen=True)
class Rule:
    name: str
    ids: tuple[str, ...]
    needs: tuple[str, ...]
    func: Callable
    doc: str


RULES: dict[str, Rule] = {}


def rule(name: str, ids: tuple[str, ...], needs: tuple[str, ...] = ()):
    """Register a diagnosis rule. `ids` are the taxonomy IDs it can emit; `needs` the artifact kinds."""

    def decorate(func: Callable) -> Callable:
        if name in RULES:
            raise ValueError(f"diagnosis rule {name!r} registered twice")
        RULES[name] = Rule(name, tuple(ids), tuple(needs), func, (func.__doc__ or "").strip())
        return func

    return decorate


def load_rules() -> dict[str, Rule]:
    if not RULES:
        for module in RULE_MODULES:
            importlib.import_module(f"{__name__}.{module}")
    return RULES


def diagnose(bundle, matches, library, scan=None):
    """Run every rule over the bundle and return a `Diagnosis`."""
    from analyzer.diagnose import roles
    from analyzer.diagnose.context import Context

    ctx = Context(bundle, matches, library, scan)
    for item in load_rules().values():
        item.func(ctx)
    return roles.assign(ctx)
