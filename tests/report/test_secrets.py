"""No secret planted in a bundle reaches any output format; `--no-redact` proves the check can fail."""

from __future__ import annotations

import pytest

from analyzer.analysis import analyze
from analyzer.redact import MASK
from analyzer.report import render_json
from tests.report.support import (
    HOSTILE_SECRETS,
    SAMPLE_BUNDLES,
    SAMPLE_NAMES,
    hostile_bundle,
    planted_secrets,
    render_all,
    report,
)
from tests.shared import knowledge


def test_some_samples_plant_secrets():
    assert any(planted_secrets(b) for b in SAMPLE_BUNDLES), "no sample plants a secret to look for"


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_no_planted_secret_in_any_format(sample: str):
    secrets = planted_secrets(next(b for b in SAMPLE_BUNDLES if b.parent.name == sample))
    for fmt, text in render_all(report(sample)).items():
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{sample} --format {fmt} shows secret(s) {leaked}"


def test_hostile_bundle_secrets_redacted_in_every_format(tmp_path):
    rep = analyze([str(hostile_bundle(tmp_path / "b"))], knowledge()).report
    for fmt, text in render_all(rep).items():
        leaked = [s for s in HOSTILE_SECRETS if s in text]
        assert not leaked, f"--format {fmt} shows {leaked}"
    assert rep["redactions"]["count"] >= 3
    assert {"url-credentials", "secret-variable"} <= set(rep["redactions"]["kinds"])


def test_no_redact_keeps_the_secrets_in_json(tmp_path):
    """The leak check above can fail: without redaction the same report carries the secrets."""
    rep = analyze([str(hostile_bundle(tmp_path / "b"))], knowledge(), redact=False).report
    raw = render_json.render(rep).decode("utf-8")
    assert [s for s in HOSTILE_SECRETS if s in raw], "the hostile bundle's secrets never reach the report"
    assert MASK not in raw
    assert rep["redactions"] == {"count": 0, "kinds": []}
