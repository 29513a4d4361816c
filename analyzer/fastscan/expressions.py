"""What the fast scan searches for, as hyperscan expressions with an owner each.

Owners say why a line is wanted and when it stops being wanted: `pattern:ID` (a
signature; spent when the scan has kept enough matches of it), `event:NAME` (a timeline
anchor; likewise), `level` (error and warning heads; spent when the scan holds enough
unexplained lines), `fact:NAME` (spent after `select.HINT_CAP` lines), `client` (client and
stderr heads; never spent).

A signature is searched by its literal when that is specific (`SPECIFIC_LITERAL` chars
or more): one hit per occurrence, the cheapest scan. A short literal (`status: `, `os
error `) would make every HTTP or I/O line a candidate, so then the block's own regex is
used, in hyperscan's prefilter mode (it may report more lines than the regex matches,
never fewer). Python-only syntax is rewritten first: named groups become plain groups,
`\\A`/`\\Z` line anchors; and a trailing `[^\\n]+`-like repeat is cut to one character,
since hyperscan reports every end offset of a match and `reason: [^\\n]+` would call back
once per character of the line. A block with neither a usable regex nor a literal would
have to see every line, so then the kind gets no fast path at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import regex

# Python-only group syntax: (?P<name>  (?<name>  — not (?<= or (?<! lookbehinds.
_NAMED_GROUP = regex.compile(r"(?<!\\)((?:\\\\)*)\(\?P?<(?![=!])\w+>")
_BUFFER_ANCHOR = regex.compile(r"(?<!\\)((?:\\\\)*)\\([AZz])")
# A trailing single-class repeat, bare or in its own group: [^\n]+  (?:[^,)]+)  \S*?  .*
_TRAILING_REPEAT = regex.compile(r"(?:\(\?:)?(?P<cls>\[(?:\\.|[^\]\\])+\]|\\[SsWwDd]|\.)(?P<q>[*+])\??\)?$")
SPECIFIC_LITERAL = 12


@dataclass(frozen=True, slots=True)
class Expression:
    owner: str
    pattern: bytes
    caseless: bool = False
    dotall: bool = False
    literal: bool = False  # a plain substring, escaped before compiling
    # The signature's own regex (compiled for bytes), to confirm a literal's hit on its line
    # before the line is parsed: set where the regex has a lookaround hyperscan cannot run, so
    # the literal alone would select every line it occurs in (`CannotCache(` on every normal reason).
    verify: Any = field(default=None, compare=False)


def to_hyperscan(pattern: str) -> str:
    """Rewrite Python regex syntax hyperscan does not take; which lines match is kept or widened."""
    pattern = _NAMED_GROUP.sub(r"\1(?:", pattern)
    pattern = _BUFFER_ANCHOR.sub(lambda m: m[1] + ("^" if m[2] == "A" else "$"), pattern)
    return trim_trailing_repeat(pattern)


def trim_trailing_repeat(pattern: str) -> str:
    """`reason: [^\\n]+` -> `reason: [^\\n]`; `x\\s*` -> `x`: the same lines match."""
    match = _TRAILING_REPEAT.search(pattern)
    if match is None or (match[0].endswith(")") != match[0].startswith("(?:")):
        return pattern
    head = pattern[:match.start()]
    if not head or head.endswith(("|", "(")) or _escaped_end(head):
        return pattern
    return head + (match["cls"] if match["q"] == "+" else "")


def _escaped_end(text: str) -> bool:
    """Whether `text` ends inside an escape (an odd run of backslashes)."""
    return (len(text) - len(text.rstrip("\\"))) % 2 == 1


def signature_expressions(library, kind: str) -> list[tuple[Expression, Expression | None]]:
    """(expression, fallback) per block of every signature for `kind`: the specific
    literal or else the regex first, the other as the fallback if hyperscan refuses it."""
    found: list[tuple[Expression, Expression | None]] = []
    for pattern in library.patterns:
        if kind not in pattern.applies_to:
            continue
        owner = f"pattern:{pattern.id}"
        for block in pattern.blocks:
            flags = block.regex.flags
            literal = Expression(owner, block.prefilter.encode(), literal=True) if block.prefilter else None
            compiled = Expression(owner, to_hyperscan(block.regex.pattern).encode(),
                                  caseless=bool(flags & regex.IGNORECASE), dotall=bool(flags & regex.DOTALL))
            if literal is not None and len(block.prefilter) >= SPECIFIC_LITERAL:
                if _line_checkable(block.regex):
                    literal = Expression(owner, literal.pattern, literal=True, verify=_for_bytes(block.regex))
                found.append((literal, compiled))
            else:
                found.append((compiled, literal))
    return found


_LOOKAROUND = regex.compile(r"(?<!\\)\(\?<?[=!]")


def _line_checkable(pattern) -> bool:
    """A regex with a lookaround whose match lies within one line and does not depend on where
    the parser's message starts: no anchors, no newlines, no dot that crosses lines."""
    source, flags = pattern.pattern, pattern.flags
    return (source.isascii() and bool(_LOOKAROUND.search(source)) and not flags & regex.DOTALL and "\\n" not in source
            and "^" not in source.replace("[^", "") and "\\A" not in source and "$" not in source)


def _for_bytes(pattern):
    """The regex for searching block bytes in place: with `re` where it reads the syntax (its
    calls cost about half of `regex`'s, and there is one per literal hit), else with `regex`."""
    source = pattern.pattern.encode()
    try:
        return re.compile(source, re.IGNORECASE if pattern.flags & regex.IGNORECASE else 0)
    except re.error:
        return regex.compile(source, pattern.flags & ~regex.UNICODE)


def hint_expressions(hints) -> list[Expression]:
    """A parser's (owner, Python regex) needs, rewritten like the signatures' regexes."""
    return [Expression(owner, to_hyperscan(pattern).encode()) for owner, pattern in hints]
