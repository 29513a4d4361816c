"""The field corpus: every case well-formed, the score never below the recorded baseline, the
README table current. A case the analyzer misses does not fail a test; a case it used to get
right and no longer does, does."""

from __future__ import annotations

import json
import re
from functools import cache

import pytest

from analyzer import scoring, taxonomy
from tests.shared import SAMPLES

FIELD = SAMPLES / "field"
CASES = [c for c in scoring.load_cases(SAMPLES) if c.field]
STATUSES = ("build-failed", "cache-ineffective", "healthy", "nothing-recognised")
SOURCE = re.compile(r"^(?P<repo>[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*)#(?P<number>\d+)$")
# Rows of this round's taxonomy whose data entries land with their signatures; a case may expect
# them before the analyzer knows them (that is what the score is for).
ROUND_IDS = {
    "cold-cache", "backend-rate-limited", "backend-not-in-use", "non-cacheable-limitation",
    "launcher-not-applied", "launcher-wraps-non-compiler", "wrapper-invoked-without-compiler",
    "compiler-not-supported", "expected-output-missing", "dist-scheduler-unreachable",
    "dist-toolchain-packaging-failed", "dist-toolchain-incomplete", "dist-builder-sandbox-failed",
    "dist-client-cache-problem", "dist-fallback-local",
}
KNOWN_IDS = set(taxonomy.load().ids) | ROUND_IDS


@cache
def score() -> scoring.Score:
    return scoring.run(scoring.load_cases(SAMPLES))


def test_the_corpus_has_at_least_60_cases_from_at_least_40_threads():
    assert len(CASES) >= 60
    assert len({c.expected["source"] for c in CASES}) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_is_well_formed(case):
    expected = case.expected
    source = SOURCE.match(expected.get("source", ""))
    assert source, f"source must be owner/repo#N, not {expected.get('source')!r}"
    assert re.fullmatch(rf"https://github\.com/{re.escape(source['repo'])}/(issues|pull)/{source['number']}",
                        expected.get("url", ""), re.I), expected.get("url")
    assert expected.get("description"), "say what the thread is about"
    assert expected.get("status") in STATUSES
    assert expected.get("layer") in taxonomy.load().layers
    cause = expected.get("root_cause")
    if expected["status"] == "healthy":
        assert cause is None and expected["layer"] == "none"
    elif cause is None:  # the thread established only what failed: a symptom without its cause
        assert expected.get("symptom") in KNOWN_IDS, "a failed case names a root cause or a symptom"
    else:
        assert cause in KNOWN_IDS, f"{cause!r} is not a taxonomy ID"
    for finding in expected.get("findings", []):
        assert finding in KNOWN_IDS


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_bundle_holds_only_pasted_text(case):
    files = [p for p in case.bundle.rglob("*") if p.is_file()]
    assert files, "a case needs at least one artifact"
    for path in files:
        assert path.name != "expected.json"
        text = path.read_text(encoding="utf-8")
        assert text.strip(), f"{path.name} is empty"


def test_corpus_covers_the_areas_it_is_for():
    expected = {c.expected.get("root_cause") for c in CASES}
    statuses = {c.expected["status"] for c in CASES}
    assert {"build-failed", "cache-ineffective", "healthy"} <= statuses
    assert any(cause and cause.startswith("dist-") for cause in expected), "sccache-dist"
    assert {"launcher-not-applied", "compiler-not-supported", "expected-output-missing"} <= expected, "C/C++"
    assert sum(c.expected["status"] == "healthy" for c in CASES) >= 5, "healthy look-alikes"


def test_score_does_not_drop_below_the_baseline():
    baseline = json.loads(scoring.BASELINE.read_text(encoding="utf-8"))
    now = score().summary()
    for key in ("root_cause_right", "field_root_cause_right", "layer_right"):
        assert now[key] >= baseline[key], f"{key}: {now[key]} < baseline {baseline[key]}"
    lost = {cause: (row["tp"], now["per_id"].get(cause, {}).get("tp", 0))
            for cause, row in baseline["per_id"].items()
            if now["per_id"].get(cause, {}).get("tp", 0) < row["tp"]}
    assert not lost, f"root causes found less often than in the baseline (was, now): {lost}"


def test_readme_table_is_current():
    """docs/accuracy.md carries the table, README.md its headline: both as the analyzer scores now."""
    current = scoring.table(score())
    for path, expected in ((scoring.ACCURACY, current), (scoring.README, scoring.headline(current))):
        section = path.read_text(encoding="utf-8").split(scoring.START, 1)[1].split(scoring.END, 1)[0]
        assert section.strip() == expected.strip(), f"{path.name}: run `make score`"


def test_scoring_counts_precision_and_recall():
    """Three cases: one right, one named wrongly, one healthy look-alike reported as a failure."""
    cases = [scoring.Case(n, FIELD, {"root_cause": e, "layer": "x"}, True)
             for n, e in (("a", "remote-unreachable"), ("b", "remote-unreachable"), ("c", None))]
    reported = iter(["remote-unreachable", "server-startup-timeout", "server-startup-timeout"])
    result = scoring.run(cases, lambda bundle: {"verdict": {"root_cause": next(reported)}})
    assert result.per_id["remote-unreachable"] == {"tp": 1, "fp": 0, "fn": 1}
    assert result.per_id["server-startup-timeout"] == {"tp": 0, "fp": 2, "fn": 0}
    assert result.per_id[scoring.NONE] == {"tp": 0, "fp": 0, "fn": 1}
    assert (result.precision("remote-unreachable"), result.recall("remote-unreachable")) == (1.0, 0.5)
    assert result.precision("server-startup-timeout") == 0.0 and result.recall("server-startup-timeout") is None
    assert [o.case.name for o in result.misses()] == ["b", "c"]
    assert result.status_agreement() == (0, 0)  # no report carries a status: nothing scored


def test_status_is_scored_when_reports_carry_it():
    cases = [scoring.Case(n, FIELD, {"root_cause": None, "layer": "none", "status": "healthy"}, True)
             for n in ("a", "b")]
    statuses = iter(["healthy", "build-failed"])
    result = scoring.run(cases, lambda bundle: {"verdict": {"root_cause": None, "status": next(statuses)}})
    assert result.status_agreement() == (1, 2)
    assert "status right in 1 of 2" in scoring.table(result)
