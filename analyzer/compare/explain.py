"""Which difference explains which miss.

A candidate compile that was not served from the cache is matched with the baseline's
compile of the same crate or object. Then:

* both not cacheable for the same reason, or both missed: not a regression, listed apart;
* the same hash key on both sides: the key was not the problem, only a difference in where
  the cache is (`cache` scope) can explain the miss;
* different keys: the options that differ in their arguments (each traced to the variable
  that set it, when one did), the project directory, versions and compilers that enter the
  key, and the cache's place explain it;
* not cacheable in the candidate only: the options that made it so (`-C incremental`).

A miss no difference explains is listed as such, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.compare.differences import RUST, Difference
from analyzer.compare.sides import Side, is_rust, match_key
from analyzer.compare.units import category, is_derived, rooted, units
from analyzer.compare.units import difference as unit_difference
from analyzer.compiles import CompileRow
from analyzer.compiles.summary import reason_text

MAX_EVIDENCE_SUBJECTS = 3
# Results that are not a cache miss: no difference between the runs is looked for.
NOT_CACHE_QUESTIONS = {
    "failed": "the compile itself failed: not a cache question",
    "unknown": "no result in the log: the server stopped (or the log was cut) before it answered",
}


@dataclass
class Outcome:
    explanations: list[Difference]
    unrelated: list[Difference]
    unexplained: list[dict]
    not_regressions: list[dict]
    notes: list[str]


def explain(base: Side, cand: Side, differences: list[Difference], notes: list[str]) -> Outcome:
    found = {d.id: d for d in differences}
    base_rows, cand_rows = base.rows(), cand.rows()
    unexplained, same = [], []
    if not cand.debug_log:
        notes.append("the candidate has no debug log (SCCACHE_LOG=debug): its compiles and misses are not "
                     "known, so only settings are compared")
    elif not base.debug_log:
        notes.append("the baseline has no debug log (SCCACHE_LOG=debug): compiler arguments and hash keys "
                     "could not be compared; misses are explained by settings alone")
    for side in (base, cand):
        if side.compiles is not None and side.compiles.truncated:
            notes.append(f"the {side.label}'s log is big: only its first {side.compiles.requests} compile requests "
                         "were read, so later compiles are not matched")
        if side.compiles is not None and side.compiles.subjects_left_out:
            notes.append(f"the {side.label} compiled more crates and objects than are kept for matching; "
                         f"{side.compiles.subjects_left_out} request(s) of the rest are not matched")
    for key, row in sorted(cand_rows.items()):
        if not row.missed:
            continue
        counterpart = base_rows.get(key)
        if row.result in NOT_CACHE_QUESTIONS:
            unexplained.append(_item(key, row, counterpart, NOT_CACHE_QUESTIONS[row.result]))
            continue
        if counterpart is not None and _same_outcome(counterpart, row):
            same.append(_item(key, row, counterpart, "not cacheable in both runs" if row.result == "not-cacheable"
                              else "missed in the baseline too"))
            continue
        reasons = _reasons(base, cand, row, counterpart, found)
        if not reasons:
            unexplained.append(_item(key, row, counterpart, _why_unexplained(base, row, counterpart)))
            continue
        for difference in reasons:
            difference.explains.append(key)
            if row.language:
                difference.explains_languages.add(row.language)
            if len(difference.explains) <= MAX_EVIDENCE_SUBJECTS and difference.id != "path:project":
                difference.evidence.extend(_row_evidence(base, cand, key, counterpart, row))
    for difference in found.values():
        if difference.id == "path:project" and difference.explains:
            difference.fix = _path_fix(difference)
            for key in difference.explains[:MAX_EVIDENCE_SUBJECTS]:
                difference.evidence.extend(_row_evidence(base, cand, key, base_rows.get(key), cand_rows[key]))
    ranked = sorted((d for d in found.values() if d.explains), key=lambda d: (-len(d.explains), d.id))
    unrelated = [d for d in found.values() if not d.explains]
    return Outcome(ranked, unrelated, unexplained, same, notes)


def _same_outcome(base: CompileRow, cand: CompileRow) -> bool:
    if base.result != cand.result:
        return False
    return base.result != "not-cacheable" or base.reason == cand.reason


def _reasons(base: Side, cand: Side, row: CompileRow, counterpart: CompileRow | None,
             found: dict[str, Difference]) -> list[Difference]:
    language = row.language
    if row.result == "not-cacheable":
        return _argument_reasons(base, cand, row, counterpart, found, only_cacheable=True)
    if row.lookup == "recache":
        return [d for d in found.values() if d.scope == "recache"]
    cache = [d for d in found.values() if d.scope == "cache"]
    if counterpart is not None and row.hash_key and counterpart.hash_key == row.hash_key:
        return cache  # same key: only where the cache is can explain it
    reasons = _argument_reasons(base, cand, row, counterpart, found) if counterpart is not None else []
    if counterpart is None:  # no arguments to compare: the settings that change keys of its language
        reasons += [d for d in found.values() if d.scope == "key" and d.id != "path:project"
                    and d.applies_to(language) and d not in reasons]
    path = found.get("path:project")
    if path is not None and (is_rust(row) or any(cand.root in a for a in row.args if cand.root)):
        reasons.append(path)
    reasons += [d for d in found.values() if d.global_key and d.applies_to(language) and d not in reasons]
    reasons += [d for d in cache if d not in reasons]
    if not reasons and counterpart is not None:
        reasons += _derived_reason(base, cand, row, counterpart, found)
    return reasons


def _argument_reasons(base: Side, cand: Side, row: CompileRow, counterpart: CompileRow | None,
                      found: dict[str, Difference], only_cacheable: bool = False) -> list[Difference]:
    """The differences behind the options that differ in this compile's arguments."""
    if counterpart is None:
        if only_cacheable:
            return [d for d in found.values() if d.scope == "cacheable" and d.applies_to(row.language)]
        return []
    rust = is_rust(row)
    left = units([rooted(a, base.root) for a in counterpart.args], rust)
    right = units([rooted(a, cand.root) for a in row.args], rust)
    only_base, only_cand = unit_difference(left, right)
    reasons: list[Difference] = []
    for side, unit in [("baseline", u) for u in only_base] + [("candidate", u) for u in only_cand]:
        if is_derived(unit):
            continue
        if only_cacheable and not unit.startswith("-C incremental"):
            continue
        origin = _origin(unit, side, row.language, found)
        if origin is None:
            ident = category(unit, rust)
            origin = found.get(ident)
            if origin is None:
                origin = found[ident] = Difference(
                    ident, f"`{unit.split(' ', 1)[0]}` differs in the compiler arguments", None, None, "key",
                    RUST if rust else None, fix="")
            _note_unit(origin, side, unit)
        if origin not in reasons:
            reasons.append(origin)
    return reasons


def _origin(unit: str, side: str, language: str | None, found: dict[str, Difference]) -> Difference | None:
    """The variable whose value added `unit` on that side."""
    index = 0 if side == "baseline" else 1
    for difference in found.values():
        if not difference.id.startswith("env:") or not difference.applies_to(language):
            continue
        if unit in difference.units[index] and unit not in difference.units[1 - index]:
            return difference
        if unit.startswith("-C incremental") and difference.scope == "cacheable":
            return difference
    return None


def _note_unit(difference: Difference, side: str, unit: str) -> None:
    """An argument-level difference keeps the options each side had, for its title and fix."""
    values = [v for v in (difference.baseline, difference.candidate)]
    index = 0 if side == "baseline" else 1
    current = values[index]
    if current is None:
        values[index] = unit
    elif unit not in current.split(" | "):
        values[index] = current + " | " + unit
    difference.baseline, difference.candidate = values
    difference.title = (f"`{difference.id.split(':', 1)[-1]}` in the compiler arguments: "
                        f"{_shown(difference.baseline)} in the baseline, {_shown(difference.candidate)} in the candidate")
    difference.fix = (f"Pass the same options in both (baseline {_shown(difference.baseline)}, "
                      f"candidate {_shown(difference.candidate)}), or find what sets them.")


def _shown(value: str | None) -> str:
    return "`" + value + "`" if value else "none"


def _derived_reason(base: Side, cand: Side, row: CompileRow, counterpart: CompileRow,
                    found: dict[str, Difference]) -> list[Difference]:
    rust = is_rust(row)
    left = units([rooted(a, base.root) for a in counterpart.args], rust)
    right = units([rooted(a, cand.root) for a in row.args], rust)
    only_base, only_cand = unit_difference(left, right)
    if not any(is_derived(u) for u in only_base + only_cand):
        return []
    ident = "cargo:metadata"
    if ident not in found:
        found[ident] = Difference(
            ident, "cargo's crate hash (`-C metadata`, `-C extra-filename`) differs", None, None, "key", RUST,
            fix="cargo derived another crate hash: the crate's dependencies, features, profile or "
                "`[build]` settings differ between the runs; compare Cargo.lock and the profiles.")
    return [found[ident]]


def _why_unexplained(base: Side, row: CompileRow, counterpart: CompileRow | None) -> str:
    if counterpart is None:
        if base.debug_log:
            return "not compiled in the baseline"
        return "no difference in settings applies to it"
    if row.hash_key and counterpart.hash_key == row.hash_key:
        return ("the same hash key in both runs, and the same cache: the entry was gone (evicted, never "
                "written, or the write failed)")
    return ("the hash keys differ, but no difference in arguments, environment, versions or cache explains it "
            "(the sources or headers themselves may have changed)")


def _item(key: str, row: CompileRow, counterpart: CompileRow | None, note: str) -> dict:
    return {"subject": key, "language": row.language, "result": row.result,
            "reason": reason_text(row.reason) if row.reason else row.result,
            "source": row.source, "line": row.line,
            "baseline": ({"result": counterpart.result, "source": counterpart.source, "line": counterpart.line}
                         if counterpart is not None else None),
            "note": note}


def _row_evidence(base: Side, cand: Side, key: str, counterpart: CompileRow | None, row: CompileRow) -> list[dict]:
    """Each side's request, with the options only that side had (after `$ROOT`, else raw)."""
    only: tuple[list[str], list[str]] = ([], [])
    if counterpart is not None:
        rust = is_rust(row)
        only = unit_difference(units([rooted(a, base.root) for a in counterpart.args], rust),
                               units([rooted(a, cand.root) for a in row.args], rust))
        if not any(only):
            only = unit_difference(units(list(counterpart.args), rust), units(list(row.args), rust))
        if any(not is_derived(u) for u in only[0] + only[1]):  # cargo's derived hashes only when alone
            only = ([u for u in only[0] if not is_derived(u)], [u for u in only[1] if not is_derived(u)])
    out = []
    if counterpart is not None:
        out.append({"side": base.label, "source": counterpart.source, "line": counterpart.line,
                     "text": _row_text(counterpart, only[0])})
    out.append({"side": cand.label, "source": row.source, "line": row.line, "text": _row_text(row, only[1])})
    return out


def _row_text(row: CompileRow, only: list[str], shown: int = 4) -> str:
    key = f", key {row.hash_key[:16]}…" if row.hash_key else ""
    text = f"[{row.subject}] {reason_text(row.reason) if row.missed and row.reason else row.result}{key}"
    if only:
        text += "; only in this run: " + " ".join(only[:shown]) + (f" (+{len(only) - shown} more)" if len(only) > shown else "")
    else:
        text += "; no option the other run lacks"
    return text


def _path_fix(difference: Difference) -> str:
    languages = difference.explains_languages
    parts = []
    if languages - {"Rust"}:
        parts.append("For C and C++: set `SCCACHE_BASEDIRS` to the project directory on both machines "
                     "(sccache 0.14 or later) so the absolute paths in the arguments and preprocessed output "
                     "stop entering the key, or build from the same directory.")
    if "Rust" in languages or not languages:
        parts.append("For Rust: build from the same absolute path on both (a fixed checkout directory): "
                     "sccache hashes the working directory and cargo's absolute paths, and "
                     "`--remap-path-prefix` does not change its key.")
    return " ".join(parts)


__all__ = ["Outcome", "explain", "match_key"]
