"""The comparison as a plain dict (the JSON contract `compare --format json` prints, and what
every compare renderer reads), redacted like a report."""

from __future__ import annotations

from analyzer import TOOL_NAME, __version__
from analyzer.compare.differences import find_differences
from analyzer.compare.explain import explain
from analyzer.compare.sides import read_side
from analyzer.redact import Redactor

SCHEMA = "compare-1"
MAX_LISTED = 200


def compare(baseline_inputs: list[str], candidate_inputs: list[str], knowledge=None, redact: bool = True) -> dict:
    """Analyze both bundles and compare them."""
    from analyzer.analysis import analyze, load_knowledge

    knowledge = knowledge or load_knowledge()
    base_analysis = analyze(baseline_inputs, knowledge, redact=False)
    cand_analysis = analyze(candidate_inputs, knowledge, redact=False)
    return build(read_side("baseline", baseline_inputs, base_analysis),
                 read_side("candidate", candidate_inputs, cand_analysis),
                 readable=(base_analysis.bundle.readable, cand_analysis.bundle.readable), redact=redact)


def build(base, cand, readable=(True, True), redact: bool = True) -> dict:
    differences, notes = find_differences(base, cand)
    outcome = explain(base, cand, differences, notes)
    missed = [key for key, row in cand.rows().items() if row.missed]
    explained = sorted({key for d in outcome.explanations for key in d.explains})
    doc = {
        "schema": SCHEMA,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "verdict": _verdict(outcome, missed, explained, cand),
        "baseline": base.summary(),
        "candidate": cand.summary(),
        "misses": {"candidate": len(missed), "explained": len(explained),
                   "unexplained": len(outcome.unexplained), "not_regressions": len(outcome.not_regressions)},
        "explanations": [_difference(d) for d in outcome.explanations],
        "unexplained": outcome.unexplained[:MAX_LISTED],
        "not_regressions": outcome.not_regressions[:MAX_LISTED],
        "unrelated_differences": [_difference(d) for d in outcome.unrelated],
        "notes": outcome.notes + [f"nothing readable in the {label}" for label, ok in
                                  zip(("baseline", "candidate"), readable, strict=True) if not ok],
        "redactions": {"count": 0, "kinds": []},
    }
    if not redact:
        return doc
    redactor = Redactor()
    clean = redactor.walk({k: v for k, v in doc.items() if k != "redactions"})
    clean["redactions"] = {"count": sum(redactor.counts.values()), "kinds": sorted(redactor.counts)}
    return clean


def _difference(d) -> dict:
    return {"id": d.id, "title": d.title, "scope": d.scope, "baseline": d.baseline, "candidate": d.candidate,
            "explains": sorted(d.explains), "count": len(d.explains), "fix": d.fix, "evidence": d.evidence}


def _verdict(outcome, missed: list[str], explained: list[str], cand) -> str:
    if not cand.debug_log:
        return "The candidate has no debug log: its misses are not known; settings compared only."
    if not missed:
        return "Nothing missed in the candidate" + (
            "." if not outcome.unrelated else "; the differences found explain nothing.")
    regressions = len(missed) - len(outcome.not_regressions)
    if not regressions:
        return (f"No miss to explain: the {len(missed)} compile(s) the candidate did not serve from the cache "
                "fared the same in the baseline.")
    if not outcome.explanations:
        return f"{regressions} miss(es) in the candidate that the baseline did not have; no difference found explains them."
    top = outcome.explanations[0]
    text = (f"{len(explained)} of {regressions} miss(es) explained; the main cause: {top.title} "
            f"({len(top.explains)} compile(s): {', '.join(sorted(top.explains)[:6])}"
            f"{', …' if len(top.explains) > 6 else ''}).")
    if outcome.unexplained:
        text += f" {len(outcome.unexplained)} miss(es) unexplained."
    return text
