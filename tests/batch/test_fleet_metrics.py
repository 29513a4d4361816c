"""`fleet.prom`: OpenMetrics a parser reads, with counts that add up to the table; host names found."""

from __future__ import annotations

from collections import Counter

import pytest

from analyzer.batch import metrics
from analyzer.batch.worker import host_from_name


def families(text: str) -> dict[str, dict[tuple, float]]:
    parser = pytest.importorskip("prometheus_client.openmetrics.parser")
    found = {}
    for family in parser.text_string_to_metric_families(text):
        assert family.type == "gauge"
        found[family.name] = {tuple(sorted(s.labels.items())): s.value for s in family.samples}
    return found


def test_fleet_prom_parses_and_adds_up(fleet_run):
    text = (fleet_run.outdir / "fleet.prom").read_text(encoding="utf-8")
    assert text.endswith("# EOF\n")
    found = families(text)
    rows = fleet_run.rows
    good = [r for r in rows if not r["error"]]
    assert sum(found["sccache_forensics_machines"].values()) == len(rows)
    assert found["sccache_forensics_machines"][(("status", "not-analyzed"),)] == len(rows) - len(good)
    causes = Counter(r["root_cause"] or "none" for r in good)
    by_cause = Counter()
    for labels, value in found["sccache_forensics_root_cause_machines"].items():
        by_cause[dict(labels)["root_cause"]] += value
    assert by_cause == causes
    versions = Counter(r["sccache_version"] or "unknown" for r in good)
    assert {dict(k)["version"]: v for k, v in found["sccache_forensics_sccache_version_machines"].items()} == versions
    for name in ("layer_machines", "backend_machines"):
        assert sum(found[f"sccache_forensics_{name}"].values()) == len(good)


def test_label_values_are_escaped():
    rows = [{"bundle": "a", "root_cause": None, "layer": "none", "sccache_version": 'x"y\\z\nw', "backend": None,
             "error": None}]
    found = families(metrics.render(rows))
    assert found["sccache_forensics_sccache_version_machines"] == {(("version", 'x"y\\z\nw'),): 1.0}


def test_host_from_the_collectors_bundle_name():
    assert host_from_name("sccache-bundle-ci-win-07-20261203T040900Z.zip") == "ci-win-07"
    assert host_from_name("site-a/sccache-bundle-build_3-20261203T040900Z.tar.gz") == "build_3"
    assert host_from_name("host-17.zip") is None
