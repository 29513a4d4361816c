"""Version knowledge: the sccache in use sits in a range with a known defect matching the symptoms."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from analyzer.diagnose.context import Context
from analyzer.diagnose.registry import rule
from analyzer.textnum import MAX_DIGITS, parse_uint

DEFECTS_FILE = Path(__file__).resolve().parent.parent / "data" / "known_defects.toml"


@cache
def known_defects() -> tuple[dict, ...]:
    with open(DEFECTS_FILE, "rb") as handle:
        return tuple(tomllib.load(handle).get("defect", []))


# Every finding ID a known defect names as a symptom: the rule reads them all.
DEFECT_SYMPTOMS = tuple(sorted({s for defect in known_defects() for s in defect["symptoms"]}))


def version_tuple(text: str) -> tuple[int, ...] | None:
    parts = []
    for piece in str(text).strip().lstrip("v").split("."):
        digits = parse_uint("".join(ch for ch in piece if ch.isascii() and ch.isdigit())[:MAX_DIGITS])
        if digits is None:
            break
        parts.append(digits)
    return tuple(parts) if parts else None


@rule("known-defects", emits=("sccache-known-defect",), reads=DEFECT_SYMPTOMS)
def known_defect(ctx: Context) -> None:
    """What it detects: an sccache version inside a range with a known defect whose symptoms are present.

    Why builds fail: the configuration may be right and the version wrong.
    """
    version = version_tuple(ctx.facts.get("sccache_version", ""))
    if version is None:
        return
    for defect in known_defects():
        low, high = version_tuple(defect["affected_from"]), version_tuple(defect["affected_to"])
        if low is None or high is None or not (low <= version <= high):
            continue
        if defect.get("backend") and ctx.facts.get("backend") not in (None, defect["backend"]):
            continue
        present = [s for s in defect["symptoms"] if ctx.has_finding(s) or ctx.matched(s)]
        if not present:
            continue
        fixed = f"fixed in {defect['fixed_in']}" if defect["fixed_in"] else "no fixed release known"
        ctx.add("sccache-known-defect", confidence="moderate",
                reason=f"sccache {ctx.facts['sccache_version']} is in {defect['affected_from']}–{defect['affected_to']} ({fixed})",
                summary=f"{defect['title']} ({defect['reference']}): {defect['detail']} This bundle's sccache is "
                        f"{ctx.facts['sccache_version']}; {fixed}.")
        return
