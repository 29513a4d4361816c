"""Diagnosis cases: tiny bundles in real formats, one per taxonomy ID and per role decision.

Each case is `cases/<name>/bundle/` plus `cases/<name>/expected.json` (the same contract as
`samples/*/expected.json`, checked by `tests.expectations.check_expected`).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from analyzer import taxonomy
from analyzer.analysis import analyze
from analyzer.diagnose import load_rules
from tests.expectations import check_expected
from tests.shared import SAMPLES, knowledge

CASES = Path(__file__).resolve().parent / "cases"
CASE_DIRS = sorted(p.parent for p in CASES.glob("*/expected.json") if (p.parent / "bundle").is_dir())
SAMPLE_BUNDLES = sorted(p for p in SAMPLES.glob("*/bundle") if p.is_dir())
PATTERNS = Path(__file__).resolve().parent.parent.parent / "patterns"

# Cases that wait for something outside the diagnosis rules (a signature or a parser).
# The reason names what is missing; non-strict, so a case passes as soon as the gap is closed.
KNOWN_GAPS: dict[str, str] = {}


@cache
def report_of(bundle: Path) -> dict:
    return analyze([str(bundle)], knowledge()).report


def _param(case: Path, gaps: bool = True):
    marks = []
    if gaps and case.name in KNOWN_GAPS:
        marks.append(pytest.mark.xfail(reason=KNOWN_GAPS[case.name], strict=False))
    return pytest.param(case, id=case.name, marks=marks)


def test_there_are_cases():
    assert len(CASE_DIRS) >= 20


@pytest.mark.parametrize("case", [_param(c) for c in CASE_DIRS])
def test_case_diagnosis(case: Path):
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert expected.get("real") is False, "diagnosis cases are hand-written: `real` must be false"
    report = report_of(case / "bundle")
    problems = check_expected(report, expected)
    assert not problems, f"{case.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("case", [_param(c, gaps=False) for c in CASE_DIRS])
def test_case_artifacts_are_all_recognised(case: Path):
    report = report_of(case / "bundle")
    unknown = [a["path"] for a in report["artifacts"] if a["kind"] in ("unknown", "unreadable")]
    assert not unknown, f"{case.name}: files no parser claimed: {unknown}"


def _ids_seen() -> set[str]:
    seen: set[str] = set()
    for bundle in [c / "bundle" for c in CASE_DIRS] + SAMPLE_BUNDLES:
        report = report_of(bundle)
        seen.update(f["id"] for f in report["findings"])
        seen.update(r["id"] for r in report["ruled_out"])
    return seen


def _ids_with_a_source() -> set[str]:
    """IDs that a signature file or a diagnosis rule can produce today."""
    ids = {p.stem for p in PATTERNS.glob("[!_]*.toml")}
    for item in load_rules().values():
        ids.update(item.emits)
    return ids


def test_every_taxonomy_id_fires():
    """Over all cases and samples, every taxonomy ID is reported as a finding or ruled out."""
    missing = sorted(set(taxonomy.load().ids) - _ids_seen())
    if not missing:
        return
    unsourced = [i for i in missing if i not in _ids_with_a_source()]
    if unsourced and len(unsourced) == len(missing):
        pytest.xfail(f"no signature in patterns/ yet for: {', '.join(unsourced)}")
    assert not missing, ("taxonomy IDs that no case or sample produces: " + ", ".join(missing)
                         + (f" (of which without any signature or rule yet: {', '.join(unsourced)})"
                            if unsourced else ""))
