"""The version matrix: what each sccache release really printed (samples/versions/<version>/<scenario>/)
gets the diagnosis its expected.json records, so every signature a scenario relies on is checked
against the wording of every version, and a healthy run of every version stays healthy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.analysis import analyze
from tests.expectations import check_expected
from tests.shared import knowledge

MATRIX = Path(__file__).resolve().parent.parent / "samples" / "versions"
CASES = sorted(p.parent for p in MATRIX.glob("*/*/expected.json") if (p.parent / "bundle").is_dir())
REQUIRED = ("0.3.3", "0.4.2", "0.5", "0.7.7", "0.8.2", "0.10.0", "0.14.0", "0.15.0", "0.16.0")
MAX_FILE_BYTES = 2 * 1024 * 1024


def _versions() -> dict[str, dict]:
    return {p.parent.name: json.loads(p.read_text(encoding="utf-8")) for p in MATRIX.glob("*/status.json")}


def test_the_matrix_covers_the_required_versions():
    ran = _versions()
    for wanted in REQUIRED:
        assert any(v == wanted or v.startswith(wanted + ".") for v in ran), f"no run of sccache {wanted}"


def test_every_version_ran_every_scenario_or_says_why_not():
    for version, status in _versions().items():
        scenarios = {p.parent.name for p in (MATRIX / version).glob("*/expected.json")}
        assert len(status["ran"]) == len(scenarios), (version, status["ran"], sorted(scenarios))
        for name, reason in status["could_not_run"].items():
            assert reason.strip(), f"{version}: {name} could not run, with no reason recorded"


def test_matrix_files_stay_small():
    big = [str(p) for p in MATRIX.rglob("*") if p.is_file() and p.stat().st_size >= MAX_FILE_BYTES]
    assert not big


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_version_case(case: Path):
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    report = analyze([str(case / "bundle")], knowledge()).report
    problems = check_expected(report, expected)
    assert not problems, f"{case.parent.name}/{case.name}:\n  " + "\n  ".join(problems)
    version = report["facts"].get("sccache_version")
    assert version in (None, expected["version"]), f"read version {version}, ran {expected['version']}"
