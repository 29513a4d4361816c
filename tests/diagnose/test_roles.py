"""Unit tests for analyzer/diagnose/roles.py: ranking, explained symptoms, promotion, healthy builds."""

from __future__ import annotations

from types import SimpleNamespace

from analyzer.diagnose import roles
from analyzer.diagnose.model import Finding
from tests.shared import knowledge


def assign(*findings: Finding, build_succeeded: bool = False):
    ctx = SimpleNamespace(findings={f.id: f for f in findings}, ruled_out={}, missing=[], facts={},
                          knowledge=knowledge(), build_succeeded=build_succeeded)
    return roles.assign(ctx)


def by_id(diagnosis) -> dict[str, Finding]:
    return {f.id: f for f in diagnosis.findings}


def test_highest_confidence_is_the_verdict():
    result = assign(Finding("remote-unreachable", "root-cause", "moderate"),
                    Finding("server-port-in-use", "root-cause", "strong"))
    assert result.root_cause == "server-port-in-use"
    assert result.layer == "environment"
    assert [f.id for f in result.root_causes] == ["server-port-in-use", "remote-unreachable"]


def test_equal_confidence_goes_to_the_deeper_cause():
    # [causality] depth: aws-imds-credentials 9 > remote-credentials-missing 8 > storage-check-failed 3
    result = assign(Finding("storage-check-failed", "root-cause", "moderate"),
                    Finding("remote-credentials-missing", "root-cause", "moderate"),
                    Finding("aws-imds-credentials", "root-cause", "moderate"))
    assert result.root_cause == "aws-imds-credentials"
    assert result.layer == "cache-backend"


def test_candidates_the_verdict_explains_become_symptoms():
    result = assign(Finding("remote-access-denied", "root-cause", "moderate"),
                    Finding("storage-check-failed", "root-cause", "moderate"),
                    Finding("server-startup-failed", "symptom", "moderate"))
    found = by_id(result)
    assert result.root_cause == "remote-access-denied"
    assert found["storage-check-failed"].role == "symptom"
    assert found["server-startup-failed"].role == "symptom"


def test_unexplained_candidate_stays_a_root_cause():
    result = assign(Finding("server-port-in-use", "root-cause", "strong"),
                    Finding("remote-unreachable", "root-cause", "moderate"))
    assert by_id(result)["remote-unreachable"].role == "root-cause"


def test_fixed_role_is_not_demoted():
    fixed = Finding("storage-check-failed", "root-cause", "weak", role_fixed=True)
    result = assign(Finding("remote-access-denied", "root-cause", "moderate"), fixed)
    assert by_id(result)["storage-check-failed"].role == "root-cause"


def test_symptom_ids_are_never_the_verdict_while_a_cause_is_known():
    result = assign(Finding("server-startup-timeout", "root-cause", "strong"),
                    Finding("storage-check-slow", "root-cause", "moderate"))
    assert result.root_cause == "storage-check-slow"
    assert by_id(result)["server-startup-timeout"].role == "symptom"


def test_condition_ids_are_never_the_verdict():
    result = assign(Finding("proxy-in-path", "root-cause", "strong"),
                    Finding("server-startup-timeout", "symptom", "moderate"))
    assert by_id(result)["proxy-in-path"].role == "contributing"
    assert result.root_cause == "server-startup-timeout"


def test_best_symptom_is_promoted_with_reduced_confidence():
    result = assign(Finding("server-startup-timeout", "symptom", "moderate"),
                    Finding("daemon-not-listening", "symptom", "strong"))
    top = by_id(result)["daemon-not-listening"]
    assert result.root_cause == "daemon-not-listening"
    assert top.role == "root-cause"
    assert top.confidence == "moderate"  # one level below its own strong
    assert "no deeper cause" in top.reason
    assert by_id(result)["server-startup-timeout"].role == "symptom"


def test_promotion_prefers_the_deeper_symptom_on_a_tie():
    result = assign(Finding("rustc-probe-failed", "symptom", "moderate"),
                    Finding("server-startup-timeout", "symptom", "moderate"))
    assert result.root_cause == "server-startup-timeout"


def test_proxy_is_contributing_when_something_failed():
    result = assign(Finding("proxy-in-path", "benign", "weak"),
                    Finding("storage-check-slow", "root-cause", "strong"))
    assert by_id(result)["proxy-in-path"].role == "contributing"


def test_healthy_build_has_layer_none_and_benign_conditions():
    result = assign(Finding("proxy-in-path", "contributing", "weak"),
                    Finding("low-cache-hit-rate", "benign", "moderate"))
    assert result.root_cause is None
    assert result.layer == "none"
    assert {f.role for f in result.findings} == {"benign"}
    assert "healthy" in result.summary


def test_nothing_at_all_is_healthy():
    result = assign()
    assert (result.root_cause, result.layer, result.findings) == (None, "none", [])


def test_findings_are_ordered_by_role_then_rank():
    result = assign(Finding("proxy-in-path", "contributing", "weak"),
                    Finding("server-startup-timeout", "symptom", "moderate"),
                    Finding("storage-check-slow", "root-cause", "strong"))
    assert [f.role for f in result.findings] == ["root-cause", "contributing", "symptom"]


def test_a_finished_build_has_no_root_cause():
    result = assign(Finding("local-disk-cache-problem", "root-cause", "moderate"),
                    Finding("server-exited-midbuild", "root-cause", "moderate"),
                    Finding("ipc-broken", "symptom", "moderate"), build_succeeded=True)
    found = by_id(result)
    assert (result.root_cause, result.layer) == (None, "none")
    assert found["local-disk-cache-problem"].role in ("contributing", "benign")
    assert found["server-exited-midbuild"].role == "benign"
    assert found["ipc-broken"].role == "benign"
