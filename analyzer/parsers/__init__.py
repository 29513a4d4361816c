"""The parser registry: one parser per artifact kind, chosen by content.

Every parser module defines a class with `kind`, `sniff(head, name) -> float` and
`parse(lines, source) -> Iterator[Record | Fact | Problem]`, decorated with `@register`.
Registering the same kind twice is an error, so two modules cannot silently compete.
`sniff` sees the decoded head of a member (about 60 lines) and the member's file name
(a hint only) and returns a score in 0..1; the best score at or above `SNIFF_THRESHOLD`
wins, otherwise the member is `unknown`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator
from typing import Protocol

from analyzer.records import Fact, Problem, Record

SNIFF_THRESHOLD = 0.3
UNKNOWN = "unknown"

Item = Record | Fact | Problem


class Parser(Protocol):
    kind: str

    def sniff(self, head: str, name: str) -> float: ...

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]: ...


PARSERS: dict[str, Parser] = {}
_loaded = False


def register(cls: type[Parser]) -> type[Parser]:
    """Class decorator: add one instance of the parser to the registry."""
    kind = cls.kind
    if kind in PARSERS:
        raise ValueError(f"parser kind {kind!r} registered twice ({cls.__module__} and {type(PARSERS[kind]).__module__})")
    PARSERS[kind] = cls()
    return cls


def load_all() -> dict[str, Parser]:
    """Import every module of this package once so their @register calls run.

    Tracked by a flag, not by an empty registry: a test that imports one parser module
    directly must not leave the others unloaded.
    """
    global _loaded
    if not _loaded:
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            if not info.name.startswith("_"):
                importlib.import_module(f"{__name__}.{info.name}")
        _loaded = True
    return PARSERS


def choose(head: str, name: str) -> tuple[str, float]:
    """Return (kind, score) of the best-scoring parser for a member head."""
    best_kind, best_score = UNKNOWN, 0.0
    for kind, parser in sorted(load_all().items()):
        if kind == UNKNOWN:
            continue
        try:
            score = float(parser.sniff(head, name))
        except Exception:  # a sniffer bug must not lose the member
            score = 0.0
        if score > best_score:
            best_kind, best_score = kind, score
    if best_score < SNIFF_THRESHOLD:
        return UNKNOWN, best_score
    return best_kind, best_score


def get(kind: str) -> Parser:
    return load_all()[kind]
