"""Confidence on a small named scale, so a reader knows what a level means.

A finding's level comes from what detected it: a rule that measured or weighed several
sources says `strong`, an error line alone is `moderate`, a warning or a hint is `weak`.
The report prints the level with its reason: how many independent sources (files) agree.
"""

from __future__ import annotations

LEVELS = ("strong", "moderate", "weak")
MEANING = {
    "strong": "shown directly: a measurement, or a rule that weighed several sources against each other",
    "moderate": "one clear sign, such as an error line or a counter, with nothing against it",
    "weak": "a hint: a warning, a condition that may or may not matter, or a cause inferred without its evidence",
}
# The JSON report keeps a number in 0..1 for sorting and fleet tables; each level is one value.
VALUES = {"strong": 0.9, "moderate": 0.6, "weak": 0.3}
BY_SEVERITY = {"error": "moderate", "warning": "weak", "info": "weak"}


def rank(level: str) -> int:
    """0 for the strongest level."""
    return LEVELS.index(level)


def strongest(levels: list[str]) -> str:
    return min(levels, key=rank)


def weaker(level: str) -> str:
    """One step down the scale (weak stays weak)."""
    return LEVELS[min(rank(level) + 1, len(LEVELS) - 1)]


def describe(level: str, sources: tuple[str, ...]) -> str:
    """`strong: 2 independent sources agree (sccache.log, netstat.txt)`."""
    if not sources:
        return f"{level}: {MEANING[level]}"
    agree = "1 source" if len(sources) == 1 else f"{len(sources)} independent sources agree"
    shown = ", ".join(sources[:4]) + (", …" if len(sources) > 4 else "")
    return f"{level}: {agree} ({shown})"
