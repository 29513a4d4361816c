"""The one redaction rule set (`analyzer/data/redaction.toml`), compiled for Python.

The same file is written into collect.sh and collect.ps1 (`analyzer/collect/generate.py`), so
every collector and every report hides the same things. The regexes are written in the subset
Python, .NET and POSIX awk agree on; here they are compiled with `re` as they stand.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

RULES_FILE = Path(__file__).parent / "data" / "redaction.toml"
NAME_START = r"(?<![A-Za-z0-9_$])"


@dataclass(frozen=True)
class Rule:
    """A span found anywhere: its head and tail stay, its middle is masked."""

    kind: str
    find: re.Pattern[str]
    keep_head: re.Pattern[str] | None
    keep_tail: re.Pattern[str] | None
    only_if: re.Pattern[str] | None
    min: int


@dataclass(frozen=True)
class RuleSet:
    mask: str
    secret_name: re.Pattern[str]
    benign_name: re.Pattern[str]
    weak_name: re.Pattern[str]
    weak_value: re.Pattern[str]
    weak_value_min: int
    name: re.Pattern[str]
    separator: re.Pattern[str]
    value_stop: re.Pattern[str]
    whole_line_name: re.Pattern[str]
    placeholder: re.Pattern[str]
    pem_begin: re.Pattern[str]
    pem_end: re.Pattern[str]
    list_name: re.Pattern[str]
    list_value: re.Pattern[str]
    continuation: re.Pattern[str]
    rules: tuple[Rule, ...]


def raw() -> dict:
    """The rule file as data (the script generator writes it out as it stands)."""
    with RULES_FILE.open("rb") as handle:
        return tomllib.load(handle)


def _compile(text: str | None, icase: bool = False) -> re.Pattern[str] | None:
    if not text:
        return None
    return re.compile(text, re.IGNORECASE if icase else 0)


@cache
def rules() -> RuleSet:
    data = raw()
    plain = ("secret_name", "benign_name", "weak_name", "weak_value", "separator", "value_stop", "whole_line_name",
             "placeholder",
             "pem_begin", "pem_end", "list_name", "list_value", "continuation")
    compiled = {name: re.compile(data[name]) for name in plain}
    # Python backtracks: a name is taken whole (possessive) and starts only where no name
    # character precedes it, so a megabyte of letters is one attempt, not a million, each
    # walking back through every separator (awk, which does not backtrack, needs no such help).
    compiled["name"] = re.compile(NAME_START + data["name"] + "+")
    return RuleSet(
        mask=data["mask"], weak_value_min=int(data["weak_value_min"]), **compiled,
        rules=tuple(Rule(r["kind"], re.compile(r["find"], re.IGNORECASE if r.get("icase", False) else 0),
                         _compile(r.get("keep_head"), r.get("icase", False)),
                         _compile(r.get("keep_tail"), r.get("icase", False)),
                         _compile(r.get("only_if")), int(r.get("min", 1)))
                    for r in data["rule"]))
