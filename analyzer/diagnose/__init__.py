"""Diagnosis: correlation rules that turn matches and facts into ranked, explained findings.

    diagnosis = diagnose(DiagnosisInput.of(bundle, matches, scan.summary()), knowledge)

Stages: every matched indication becomes a finding (`matches.lift_matches`); the rules of
`registry.RULES` run in the order their declared reads give (`registry.ordered`), each adding
contributions, ruled-out entries and missing-artifact notes to a `Context`; `roles.assign`
then decides each finding's role and the verdict. What each finding ID means, its fix and its
causal links live in its definition file (`patterns/<id>.toml`), not here.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from analyzer.diagnose.inputs import DiagnosisInput, ScanSummary
from analyzer.diagnose.model import Diagnosis
from analyzer.diagnose.registry import RULES, Rule, RuleOrderError, load_rules, ordered, rule

if TYPE_CHECKING:
    from analyzer.knowledge import Knowledge

__all__ = ["RULES", "DiagnosisInput", "Rule", "RuleOrderError", "ScanSummary", "diagnose", "load_rules", "ordered",
           "rule"]


def diagnose(inputs: DiagnosisInput, knowledge: Knowledge, shuffle: random.Random | None = None) -> Diagnosis:
    """Run every rule over the inputs and return a `Diagnosis`. `shuffle` picks another valid
    rule order (tests prove the report does not depend on it)."""
    from analyzer.diagnose import roles, verdict
    from analyzer.diagnose.context import Context
    from analyzer.diagnose.matches import lift_matches

    ctx = Context(inputs, knowledge)
    lift_matches(ctx)
    for item in ordered(load_rules().values(), shuffle):
        if item.applies(ctx.kinds):
            ctx.rule_name = item.name
            item.func(ctx)
    return verdict.decide(ctx, roles.assign(ctx))
