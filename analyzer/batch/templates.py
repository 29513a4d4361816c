"""Unexplained error lines across a fleet -> templates with counts: the raw material for new patterns.

Two steps:

1. Masking, in the workers: the masks of `patterns/_masks.toml` (data, not code; a `--patterns`
   folder may add its own `_masks.toml`) turn each line's variable parts into placeholders, so
   `Cache read error: … in 12.004 s` and `… in 3.1 s` become one masked line.
2. Clustering, once over the fleet: a Drain-style parse tree (He et al., "Drain: An Online Log
   Parsing Approach with Fixed Depth Tree", ICWS 2017) groups masked lines of the same token
   count whose leading tokens agree and whose tokens are at least `SIMILARITY` alike; the
   positions where members differ become `<*>`.

The distinct masked lines are clustered in a fixed order (most frequent first, then by text), so
the result depends only on the multiset of lines, never on which worker sent what first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from analyzer.patterns import builtin_dir
from analyzer.patterns.masks import MASKS_FILE, Mask, apply_masks, load_masks

WILDCARD = "<*>"
SIMILARITY = 0.5  # share of equal tokens for a line to join a cluster
PREFIX_TOKENS = 1  # token levels below the token-count level (drain3 depth 4)
MAX_CHILDREN = 100  # per tree node; further distinct tokens share the wildcard branch
MAX_EXAMPLES = 3
MAX_MACHINES = 5
MAX_LINE = 300


@cache
def masks(pattern_dirs: tuple[str, ...] = ()) -> tuple[Mask, ...]:
    """The built-in masks, then those of each extra pattern folder that has a `_masks.toml`."""
    found: list[Mask] = []
    for folder in (builtin_dir(), *map(Path, pattern_dirs)):
        path = folder / MASKS_FILE
        if path.is_file():
            valid, _errors = load_masks(path)  # a bad mask entry is reported by `patterns test`
            found.extend(valid)
    return tuple(found)


def mask_line(text: str, pattern_dirs: tuple[str, ...] = ()) -> str:
    """The line's masked form: masks applied, whitespace runs collapsed."""
    return " ".join(apply_masks(list(masks(pattern_dirs)), text[:MAX_LINE]).split())


@dataclass
class Template:
    template: str
    levels: dict[str, int]
    lines: int
    machines: list[str]  # every machine (bundle id) with such a line, sorted
    examples: list[str]  # distinct raw lines, most frequent first

    @property
    def level(self) -> str:
        return "ERROR" if self.levels.get("ERROR") else "WARN"

    def to_json(self, machines: int = MAX_MACHINES) -> dict:
        """The template as fleet.html and unexplained.jsonl show it, with up to `machines` example machines."""
        return {"template": self.template, "level": self.level, "lines": self.lines,
                "machines": len(self.machines), "example_machines": self.machines[:machines],
                "examples": self.examples[:MAX_EXAMPLES]}


@dataclass
class _Group:
    """All lines with one masked text."""

    masked: str
    lines: int = 0
    levels: Counter = field(default_factory=Counter)
    machines: set[str] = field(default_factory=set)
    examples: Counter = field(default_factory=Counter)


@dataclass
class _Cluster:
    tokens: list[str]
    groups: list[_Group] = field(default_factory=list)


def cluster(lines: Iterable[tuple[str, str, str, str]]) -> list[Template]:
    """(machine, level, masked, raw text) for every unexplained line -> templates, most widespread first."""
    groups: dict[str, _Group] = {}
    for machine, level, masked, text in lines:
        if not masked:
            continue
        group = groups.get(masked)
        if group is None:
            group = groups[masked] = _Group(masked)
        group.lines += 1
        group.levels[level] += 1
        group.machines.add(machine)
        group.examples[text] += 1
    tree = _Tree()
    for group in sorted(groups.values(), key=lambda g: (-g.lines, g.masked)):
        tree.add(group)
    templates = [_template(c) for c in tree.clusters]
    return sorted(templates, key=lambda t: (-len(t.machines), -t.lines, t.template))


def _template(found: _Cluster) -> Template:
    if len(found.groups) == 1:
        text = found.groups[0].masked  # keeps the line's own spacing
    else:
        text = " ".join(found.tokens)
    levels: Counter = Counter()
    machines: set[str] = set()
    examples: Counter = Counter()
    for group in found.groups:
        levels.update(group.levels)
        machines.update(group.machines)
        examples.update(group.examples)
    ordered = [t for t, _ in sorted(examples.items(), key=lambda item: (-item[1], item[0]))]
    return Template(text, dict(sorted(levels.items())), sum(g.lines for g in found.groups),
                    sorted(machines), ordered[:MAX_EXAMPLES])


class _Tree:
    def __init__(self) -> None:
        self.root: dict[int, dict] = {}
        self.clusters: list[_Cluster] = []

    def add(self, group: _Group) -> None:
        tokens = group.masked.split()
        leaf = self._leaf(tokens)
        best, best_score = None, -1.0
        for candidate in leaf:
            score = _similarity(candidate.tokens, tokens)
            if score > best_score:
                best, best_score = candidate, score
        if best is not None and best_score >= SIMILARITY:
            best.tokens = [a if a == b else WILDCARD for a, b in zip(best.tokens, tokens, strict=True)]
            best.groups.append(group)
            return
        created = _Cluster(tokens, [group])
        leaf.append(created)
        self.clusters.append(created)

    def _leaf(self, tokens: list[str]) -> list[_Cluster]:
        node = self.root.setdefault(len(tokens), {})
        for token in tokens[:PREFIX_TOKENS]:
            key = WILDCARD if _variable(token) else token
            if key not in node and len(node) >= MAX_CHILDREN:
                key = WILDCARD
            node = node.setdefault(key, {})
        return node.setdefault(None, [])


def _variable(token: str) -> bool:
    """A token that stands for a value: a mask placeholder, or anything with a digit in it."""
    return (token.startswith("<") and token.endswith(">")) or any(c.isdigit() for c in token)


def _similarity(template: list[str], tokens: list[str]) -> float:
    if not tokens:
        return 1.0
    same = sum(1 for a, b in zip(template, tokens, strict=True) if a == b and a != WILDCARD)
    return same / len(tokens)
