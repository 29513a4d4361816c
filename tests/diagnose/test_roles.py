"""Unit tests for analyzer/diagnose/roles.py: ranking, explained symptoms, promotion, healthy builds."""

from __future__ import annotations

from types import SimpleNamespace

from analyzer.diagnose import roles
from analyzer.diagnose.model import Finding
from tests.shared import knowledge


def assign(*findings: Finding, build_succeeded: bool = False):
    ctx = SimpleNamespace(findings={f.id: f for f in findings}, ruled_out={}, missing=[], facts={},
                          library=knowledge(), build_succeeded=build_succeeded)
    return roles.assign(ctx)


def by_id(diagnosis) -> dict[str, Finding]:
    return {f.id: f for f in diagnosis.findings}


def test_highest_confidence_is_the_verdict():
    result = assign(Finding("remote-unreachable", "root-cause", 0.6),
                    Finding("server-port-in-use", "root-cause", 0.85))
    assert result.root_cause == "server-port-in-use"
    assert result.layer == "environment"
    assert [f.id for f in result.root_causes] == ["server-port-in-use", "remote-unreachable"]


def test_equal_confidence_goes_to_the_deeper_cause():
    # DEPTH: aws-imds-credentials 9 > remote-credentials-missing 8 > storage-check-failed 3
    result = assign(Finding("storage-check-failed", "root-cause", 0.6),
                    Finding("remote-credentials-missing", "root-cause", 0.6),
                    Finding("aws-imds-credentials", "root-cause", 0.6))
    assert result.root_cause == "aws-imds-credentials"
    assert result.layer == "cache-backend"


def test_candidates_the_verdict_explains_become_symptoms():
    result = assign(Finding("remote-access-denied", "root-cause", 0.6),
                    Finding("storage-check-failed", "root-cause", 0.6),
                    Finding("server-startup-failed", "symptom", 0.6))
    found = by_id(result)
    assert result.root_cause == "remote-access-denied"
    assert found["storage-check-failed"].role == "symptom"
    assert found["server-startup-failed"].role == "symptom"


def test_unexplained_candidate_stays_a_root_cause():
    result = assign(Finding("server-port-in-use", "root-cause", 0.85),
                    Finding("remote-unreachable", "root-cause", 0.6))
    assert by_id(result)["remote-unreachable"].role == "root-cause"


def test_fixed_role_is_not_demoted():
    fixed = Finding("storage-check-failed", "root-cause", 0.5, role_fixed=True)
    result = assign(Finding("remote-access-denied", "root-cause", 0.6), fixed)
    assert by_id(result)["storage-check-failed"].role == "root-cause"


def test_symptom_ids_are_never_the_verdict_while_a_cause_is_known():
    result = assign(Finding("server-startup-timeout", "root-cause", 0.9),
                    Finding("storage-check-slow", "root-cause", 0.7))
    assert result.root_cause == "storage-check-slow"
    assert by_id(result)["server-startup-timeout"].role == "symptom"


def test_condition_ids_are_never_the_verdict():
    result = assign(Finding("proxy-in-path", "root-cause", 0.9),
                    Finding("server-startup-timeout", "symptom", 0.6))
    assert by_id(result)["proxy-in-path"].role == "contributing"
    assert result.root_cause == "server-startup-timeout"


def test_best_symptom_is_promoted_with_reduced_confidence():
    result = assign(Finding("server-startup-timeout", "symptom", 0.6),
                    Finding("daemon-not-listening", "symptom", 0.8))
    top = by_id(result)["daemon-not-listening"]
    assert result.root_cause == "daemon-not-listening"
    assert top.role == "root-cause"
    assert top.confidence == round(0.8 * roles.PROMOTED_CONFIDENCE_FACTOR, 3)
    assert "no deeper cause" in top.reason
    assert by_id(result)["server-startup-timeout"].role == "symptom"


def test_promotion_prefers_the_deeper_symptom_on_a_tie():
    result = assign(Finding("rustc-probe-failed", "symptom", 0.6),
                    Finding("server-startup-timeout", "symptom", 0.6))
    assert result.root_cause == "server-startup-timeout"


def test_proxy_is_contributing_when_something_failed():
    result = assign(Finding("proxy-in-path", "benign", 0.5),
                    Finding("storage-check-slow", "root-cause", 0.9))
    assert by_id(result)["proxy-in-path"].role == "contributing"


def test_healthy_build_has_layer_none_and_benign_conditions():
    result = assign(Finding("proxy-in-path", "contributing", 0.5),
                    Finding("low-cache-hit-rate", "benign", 0.6))
    assert result.root_cause is None
    assert result.layer == "none"
    assert {f.role for f in result.findings} == {"benign"}
    assert "healthy" in result.summary


def test_nothing_at_all_is_healthy():
    result = assign()
    assert (result.root_cause, result.layer, result.findings) == (None, "none", [])


def test_findings_are_ordered_by_role_then_rank():
    result = assign(Finding("proxy-in-path", "contributing", 0.5),
                    Finding("server-startup-timeout", "symptom", 0.6),
                    Finding("storage-check-slow", "root-cause", 0.92))
    assert [f.role for f in result.findings] == ["root-cause", "contributing", "symptom"]


def test_a_finished_build_has_no_root_cause():
    if not hasattr(roles, "STILL_COSTLY"):
        import pytest
        pytest.skip("roles.assign does not weigh a finished build yet")
    result = assign(Finding("local-disk-cache-problem", "root-cause", 0.6),
                    Finding("server-exited-midbuild", "root-cause", 0.6),
                    Finding("ipc-broken", "symptom", 0.6), build_succeeded=True)
    found = by_id(result)
    assert (result.root_cause, result.layer) == (None, "none")
    assert found["local-disk-cache-problem"].role in ("contributing", "benign")
    assert found["server-exited-midbuild"].role == "benign"
    assert found["ipc-broken"].role == "benign"
