"""Every sample bundle under samples/ gets the diagnosis its expected.json records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.analysis import analyze
from tests.expectations import check_expected
from tests.shared import knowledge

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_DIRS = sorted(p.parent for p in SAMPLES.glob("*/expected.json") if (p.parent / "bundle").is_dir())


def test_the_corpus_holds_at_least_14_real_samples():
    real = [p.name for p in SAMPLE_DIRS if json.loads((p / "expected.json").read_text(encoding="utf-8")).get("real")]
    assert len(real) >= 14, real


@pytest.mark.parametrize("sample", SAMPLE_DIRS, ids=[p.name for p in SAMPLE_DIRS])
def test_sample_diagnosis(sample: Path):
    expected = json.loads((sample / "expected.json").read_text(encoding="utf-8"))
    report = analyze([str(sample / "bundle")], knowledge()).report
    problems = check_expected(report, expected)
    assert not problems, f"{sample.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("sample", SAMPLE_DIRS, ids=[p.name for p in SAMPLE_DIRS])
def test_sample_artifacts_are_all_recognised(sample: Path):
    expected = json.loads((sample / "expected.json").read_text(encoding="utf-8"))
    if expected["status"] == "nothing-recognised":
        pytest.skip("a bundle of files that are not build artifacts, on purpose")
    report = analyze([str(sample / "bundle")], knowledge()).report
    unknown = [a["path"] for a in report["artifacts"] if a["kind"] in ("unknown", "unreadable")]
    assert not unknown, f"{sample.name}: files no parser claimed: {unknown}"
