"""Derive a prefilter literal from a regex: its longest run of plain text that every match contains.

`Timed out waiting for server (?P<x>startup)s?` gives `Timed out waiting for server `.
Only text outside groups counts, and nothing at all when the regex has a top-level `|`
or case-insensitive / verbose flags, so the literal is always a true substring of a match.
"""

from __future__ import annotations

MIN_LITERAL = 4
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t"}
_QUANTIFIERS_DROP = "?*{"  # the preceding character becomes optional
_BREAKERS = ".^$"
# Inline flags that change what plain text means (case-insensitive, verbose, fuzzy/full-case).
_TEXT_CHANGING_FLAGS = ("(?i", "(?x", "(?f", "(?e", "(?b")


def derive_literal(pattern: str) -> str | None:
    """The longest mandatory plain-text run of `pattern` (at least MIN_LITERAL chars), or None."""
    if any(flag in pattern for flag in _TEXT_CHANGING_FLAGS):
        return None
    runs = _top_level_runs(pattern)
    if runs is None:
        return None
    best = max(runs, key=len, default="")
    return best if len(best) >= MIN_LITERAL else None


def _top_level_runs(pattern: str) -> list[str] | None:
    runs: list[str] = []
    current: list[str] = []
    depth = 0
    i = 0

    def close() -> None:
        if current:
            runs.append("".join(current))
            current.clear()

    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            nxt = pattern[i + 1 : i + 2]
            if depth == 0 and nxt and not nxt.isalnum():
                current.append(nxt)
            elif depth == 0 and nxt in _SIMPLE_ESCAPES:
                current.append(_SIMPLE_ESCAPES[nxt])
            else:
                close()
                i = _skip_escape(pattern, i)
                continue
            i += 2
            continue
        if char == "[":
            close()
            i = _skip_class(pattern, i)
            continue
        if char == "(":
            close()
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|":
            if depth == 0:
                return None
        elif char in _QUANTIFIERS_DROP or char == "+":
            if depth == 0 and current and char != "+":
                current.pop()  # `s?`: the s is optional
            close()
            if char == "{":
                i = pattern.find("}", i) + 1 or len(pattern)
                continue
        elif char in _BREAKERS:
            close()
        elif depth == 0:
            current.append(char)
        i += 1
    close()
    return runs


def _skip_escape(pattern: str, i: int) -> int:
    """Index after an escape such as `\\d`, `\\x41`, `\\p{L}`."""
    nxt = pattern[i + 1 : i + 2]
    if nxt in ("p", "P", "N") and pattern[i + 2 : i + 3] == "{":
        end = pattern.find("}", i)
        return end + 1 if end >= 0 else len(pattern)
    if nxt == "x":
        return i + 4
    if nxt == "u":
        return i + 6
    return i + 2


def _skip_class(pattern: str, i: int) -> int:
    """Index after a character class, honouring escapes and a leading `]`."""
    j = i + 1
    if pattern[j : j + 1] == "^":
        j += 1
    if pattern[j : j + 1] == "]":
        j += 1
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
            continue
        if pattern[j] == "]":
            return j + 1
        j += 1
    return len(pattern)
