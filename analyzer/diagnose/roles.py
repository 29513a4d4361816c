"""Decide each finding's role in this report, rank the root causes and write the verdict.

1. Candidates are findings whose role is `root-cause` (the ID's or indication's default, or a
   rule's word). An ID that can never be the root cause is contributing; one that is only a
   fallback (what the user saw) is a symptom unless a rule decided otherwise.
2. Candidates are ranked by confidence level, ties broken by causal depth, then by how many
   independent sources agree (all from the definition files and the evidence).
3. The first is the verdict; a lower candidate that the verdict explains becomes its symptom.
4. With no candidate, the strongest symptom is promoted one confidence level down, so the
   reader still gets the best explanation the artifacts allow — and `missing` says what would
   sharpen it.
5. With no failure at all (no candidate, no symptom) the build is healthy: layer `none`, and
   conditions such as a proxy are benign.

This is the only place that changes a role after the rules have spoken.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.diagnose import confidence as scale
from analyzer.diagnose.context import Context
from analyzer.diagnose.model import Diagnosis, Finding

if TYPE_CHECKING:
    from analyzer.knowledge import Knowledge
    from analyzer.patterns.model import Causality

# A failure cargo replays from its cache is the verdict when nothing live fails (the rule says
# `strong` only when cargo shows the stored error and a server is healthy now).
REPLAY_CONFIDENCE = "strong"
ROLE_ORDER = {"root-cause": 0, "contributing": 1, "symptom": 2, "benign": 3}


def rank_key(finding: Finding, knowledge: Knowledge) -> tuple[int, int, int, str]:
    return (scale.rank(finding.confidence), -knowledge.causality(finding.id).depth, -len(finding.sources),
            finding.id)


def assign(ctx: Context) -> Diagnosis:
    knowledge = ctx.knowledge
    merged = ctx.findings
    findings = list(merged.values())
    causes: dict[str, Causality] = {f.id: knowledge.causality(f.id) for f in findings}

    def rank(finding: Finding) -> tuple[int, int, int, str]:
        return rank_key(finding, knowledge)

    for finding in findings:
        if causes[finding.id].root_cause == "never" and finding.role == "root-cause":
            finding.role = "contributing"
        if causes[finding.id].root_cause == "fallback" and finding.role == "root-cause" and not finding.role_fixed:
            finding.role = "symptom"
    if ctx.build_succeeded:
        _no_failure_to_explain(findings, causes)
    candidates = sorted((f for f in findings if f.role == "root-cause"), key=rank)
    symptoms = [f for f in findings if f.role == "symptom"]
    replay = next((f for f in findings if causes[f.id].replayed_failure and f.confidence == REPLAY_CONFIDENCE),
                  None)
    if not candidates and replay is not None:
        replay.role = "root-cause"  # nothing live fails: the stored failure is all that is left
        candidates = [replay]
    if not candidates and symptoms:
        best = sorted(symptoms, key=rank)[0]
        best.role = "root-cause"
        best.confidence = scale.weaker(best.confidence)
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
        root_cause: str | None = top.id
        summary = top.summary or top.reason or knowledge.title(top.id, top.signature)
    else:
        for finding in findings:
            if finding.role == "contributing" and not finding.role_fixed:
                finding.role = "benign"
        layer, root_cause = "none", None
        summary = "The artifacts show a healthy build: no failure was found."
    findings.sort(key=lambda f: (ROLE_ORDER.get(f.role, 9), *rank(f)))
    ruled_out = [r for r in ctx.ruled_out.values() if r.id not in merged]
    return Diagnosis(findings=findings, ruled_out=ruled_out, missing=list(ctx.missing), facts=ctx.facts,
                     layer=layer, root_cause=root_cause, summary=" ".join(summary.split()),
                     stats=getattr(ctx, "stats", None))


def _no_failure_to_explain(findings: list[Finding], causes: dict[str, Causality]) -> None:
    """The build finished: nothing is a root cause or a symptom of a failure that did not happen;
    what still costs something (lost cache writes, slow builds) is contributing."""
    for finding in findings:
        if finding.role in ("root-cause", "symptom"):
            finding.role = "contributing" if causes[finding.id].costly_when_build_succeeds else "benign"
