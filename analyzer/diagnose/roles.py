"""Decide each finding's role in this report, rank the root causes and write the verdict.

1. Candidates are findings whose role is `root-cause` (pattern default or a rule's word).
2. They are ranked by confidence, ties broken by causal depth (causality.DEPTH).
3. The first is the verdict; a lower candidate that the verdict explains becomes its symptom.
4. With no candidate, the strongest symptom is promoted, at reduced confidence, so the reader
   still gets the best explanation the artifacts allow — and `missing` says what would sharpen it.
5. With no failure at all (no candidate, no symptom) the build is healthy: layer `none`, and
   conditions such as a proxy are benign.
"""

from __future__ import annotations

from analyzer.diagnose.context import Context
from analyzer.diagnose.model import Diagnosis, Finding

PROMOTED_CONFIDENCE_FACTOR = 0.6
# A failure cargo replays from its cache is the verdict when nothing live fails (cargo.py sets 0.8
# only when cargo shows the stored error and a server is healthy now).
REPLAY_CONFIDENCE = 0.8
ROLE_ORDER = {"root-cause": 0, "contributing": 1, "symptom": 2, "benign": 3}


def _rank_key(finding: Finding, knowledge) -> tuple:
    return (-round(finding.confidence, 3), -knowledge.causality(finding.id).depth, finding.id)


def assign(ctx: Context) -> Diagnosis:
    knowledge = ctx.library
    causes = {f.id: knowledge.causality(f.id) for f in ctx.findings.values()}

    def rank(finding: Finding) -> tuple:
        return _rank_key(finding, knowledge)

    findings = list(ctx.findings.values())
    for finding in findings:
        if causes[finding.id].root_cause == "never" and finding.role == "root-cause":
            finding.role = "contributing"
        if causes[finding.id].root_cause == "fallback" and finding.role == "root-cause" and not finding.role_fixed:
            finding.role = "symptom"
    if ctx.build_succeeded:
        _no_failure_to_explain(findings, causes)
    candidates = sorted((f for f in findings if f.role == "root-cause"), key=rank)
    symptoms = [f for f in findings if f.role == "symptom"]
    replay = next((f for f in findings if causes[f.id].replayed_failure and f.confidence >= REPLAY_CONFIDENCE),
                  None)
    if not candidates and replay is not None:
        replay.role = "root-cause"  # nothing live fails: the stored failure is all that is left
        candidates = [replay]
    if not candidates and symptoms:
        best = sorted(symptoms, key=rank)[0]
        best.role = "root-cause"
        best.confidence = round(best.confidence * PROMOTED_CONFIDENCE_FACTOR, 3)
        best.reason = (best.reason + "; " if best.reason else "") + "no deeper cause in the artifacts"
        candidates = [best]
    if candidates:
        top = candidates[0]
        explained = causes[top.id].explains
        for other in candidates[1:]:
            if other.id in explained and not other.role_fixed:
                other.role = "symptom"
        for finding in findings:
            if finding.role == "benign" and causes[finding.id].contributing_when_failed and not finding.role_fixed:
                finding.role = "contributing"
        layer = top.layer or knowledge.layer(top.id)
        root_cause = top.id
        summary = top.summary or top.reason or knowledge.title(top.id, top.signature)
    else:
        for finding in findings:
            if finding.role == "contributing" and not finding.role_fixed:
                finding.role = "benign"
        layer, root_cause = "none", None
        summary = "The artifacts show a healthy build: no failure was found."
    findings.sort(key=lambda f: (ROLE_ORDER.get(f.role, 9), *rank(f)))
    ruled_out = [r for r in sorted(ctx.ruled_out.values(), key=lambda r: r.id) if r.id not in ctx.findings]
    return Diagnosis(findings=findings, ruled_out=ruled_out, missing=ctx.missing, facts=ctx.facts,
                     layer=layer, root_cause=root_cause, summary=_one_sentence(summary))


def _no_failure_to_explain(findings: list[Finding], causes: dict) -> None:
    """The build finished: nothing is a root cause or a symptom of a failure that did not happen;
    what still costs something (lost cache writes, slow builds) is contributing."""
    for finding in findings:
        if finding.role in ("root-cause", "symptom"):
            finding.role = "contributing" if causes[finding.id].costly_when_build_succeeds else "benign"


def _one_sentence(text: str) -> str:
    text = " ".join(text.split())
    return text
