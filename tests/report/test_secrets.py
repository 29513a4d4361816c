"""No secret planted in a sample reaches any output format; `--no-redact` proves the check can fail."""

from __future__ import annotations

import pytest

from analyzer.redact import MASK
from analyzer.report import render_json
from tests.report.support import SAMPLE_BUNDLES, SAMPLE_NAMES, planted_secrets, render_all, report

WITH_SECRETS = [b.parent.name for b in SAMPLE_BUNDLES if planted_secrets(b)]


def test_some_samples_plant_secrets():
    assert WITH_SECRETS, "no sample plants a secret: the redaction tests would prove nothing"


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_no_planted_secret_in_any_format(sample: str):
    secrets = planted_secrets(next(b for b in SAMPLE_BUNDLES if b.parent.name == sample))
    for fmt, text in render_all(report(sample)).items():
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{sample} --format {fmt} shows secret(s) {leaked}"


@pytest.mark.parametrize("sample", WITH_SECRETS)
def test_secrets_appear_without_redaction(sample: str):
    """The same check against `--no-redact` output finds a secret wherever the report quotes one."""
    raw = render_json.render(report(sample, redact=False)).decode("utf-8")
    redacted = report(sample)
    secrets = planted_secrets(next(b for b in SAMPLE_BUNDLES if b.parent.name == sample))
    if redacted["redactions"]["count"] == 0:
        pytest.skip(f"{sample}'s report quotes none of its secrets")
    assert any(s in raw for s in secrets) or MASK not in raw


def test_no_redact_shows_a_planted_secret_somewhere():
    raws = {name: render_json.render(report(name, redact=False)).decode("utf-8") for name in WITH_SECRETS}
    found = {name for name, raw in raws.items()
             if any(s in raw for s in planted_secrets(next(b for b in SAMPLE_BUNDLES if b.parent.name == name)))}
    assert found, "no sample report quotes a planted secret even with --no-redact; the leak test cannot fail"


def test_redactions_summary_counts_what_went():
    for name in WITH_SECRETS:
        rep = report(name)
        shown = render_json.render(rep).decode("utf-8").count(MASK)
        assert rep["redactions"]["count"] >= (1 if shown else 0)
        assert (shown == 0) == (rep["redactions"]["count"] == 0)
