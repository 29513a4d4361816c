"""The rule registry: rules declare what they emit, which finding IDs they read and which
artifact kinds they need; the registry runs them in an order that respects those reads.

A rule that reads an ID runs after every rule that emits it; ties go by name, so the order is
fixed and any other valid order gives the same report (findings merge their contributions
order-independently, see `context.Context.add`). A cycle is an error at registration time,
not a wrong verdict later.
"""

from __future__ import annotations

import functools
import importlib
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analyzer.diagnose.context import Context

RuleFunc = Callable[["Context"], None]
EVERYTHING = "*"  # `reads=EVERYTHING`: runs after every other rule (the missing-artifacts notes)
RULE_MODULES = ("startup", "sockets", "processes", "cargo", "differential", "settings", "effectiveness",
                "integration", "dist", "versions", "missing", "cold")


class RuleOrderError(Exception):
    """The declared reads form a cycle, or a rule is registered twice."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One correlation rule. `needs`: artifact kinds of which at least one must be in the bundle
    for the rule to run (empty: it always runs, e.g. it reads matches from any kind)."""

    name: str
    emits: tuple[str, ...]
    reads: tuple[str, ...]
    needs: tuple[str, ...]
    func: RuleFunc
    doc: str

    def applies(self, kinds: Iterable[str]) -> bool:
        return not self.needs or any(kind in self.needs for kind in kinds)


RULES: dict[str, Rule] = {}


def rule(name: str, emits: Iterable[str] = (), reads: Iterable[str] = (),
         needs: Iterable[str] = ()) -> Callable[[RuleFunc], RuleFunc]:
    """Register a diagnosis rule: the IDs it can emit, the IDs whose findings it reads, the
    artifact kinds it needs."""

    def decorate(func: RuleFunc) -> RuleFunc:
        if name in RULES:
            raise RuleOrderError(f"diagnosis rule {name!r} registered twice")
        RULES[name] = Rule(name, tuple(emits), tuple(reads), tuple(needs), func, (func.__doc__ or "").strip())
        return func

    return decorate


def load_rules() -> dict[str, Rule]:
    """Every shipped rule (importing a rule module registers its rules)."""
    for module in RULE_MODULES:
        importlib.import_module(f"analyzer.diagnose.{module}")
    return RULES


def dependencies(rules: Iterable[Rule]) -> dict[str, set[str]]:
    """rule name -> names of the rules that must run before it."""
    rules = list(rules)
    emitters: dict[str, set[str]] = {}
    for item in rules:
        for finding_id in item.emits:
            emitters.setdefault(finding_id, set()).add(item.name)
    before: dict[str, set[str]] = {}
    for item in rules:
        if EVERYTHING in item.reads:
            before[item.name] = {other.name for other in rules if other.name != item.name}
        else:
            before[item.name] = {name for finding_id in item.reads for name in emitters.get(finding_id, ())
                                 if name != item.name}
    return before


def ordered(rules: Iterable[Rule], shuffle: random.Random | None = None) -> list[Rule]:
    """The rules in an order where each runs after what it reads: by name among equals, or
    in a random valid order with `shuffle` (tests use it to prove the order does not matter)."""
    rules = tuple(rules)
    if shuffle is None:
        return list(_canonical(rules))
    return _order(rules, shuffle)


@functools.lru_cache(maxsize=8)
def _canonical(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    return tuple(_order(rules, None))


def _order(rules: tuple[Rule, ...], shuffle: random.Random | None) -> list[Rule]:
    by_name = {item.name: item for item in rules}
    before = dependencies(by_name.values())
    done: list[Rule] = []
    waiting = dict(before)
    while waiting:
        ready = sorted(name for name, needs in waiting.items() if not needs - {r.name for r in done})
        if not ready:
            raise RuleOrderError("diagnosis rules read each other in a cycle: " + ", ".join(sorted(waiting)))
        name = shuffle.choice(ready) if shuffle is not None else ready[0]
        done.append(by_name[name])
        del waiting[name]
    return done
