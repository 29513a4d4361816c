"""The stats section: every format shows the non-cacheable reasons with what they mean, the hit
rate per language and per compiler, and each level of a multi-level cache."""

from __future__ import annotations

import html
import json
from pathlib import Path

import jsonschema
import pytest

from tests.report.support import render_all, report
from tests.shared import ROOT

SCHEMA = json.loads((ROOT / "analyzer" / "schema" / "report.schema.json").read_text(encoding="utf-8"))
FORMATS = ("text", "json", "md", "html")


def rendered(name: str) -> dict[str, str]:
    out = render_all(report(name))
    out["html"] = html.unescape(out["html"])
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_non_cacheable_reasons_with_their_advice_in_every_format(fmt):
    # The real run: 12 calls, none cacheable; each reason and what to do about it is shown.
    text = rendered("non-cacheable-dominated")[fmt]
    for reason in ("crate-type", "missing input", "incremental"):
        assert reason in text, f"{fmt}: {reason}"
    assert "CARGO_INCREMENTAL=0" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_levels_of_a_multi_level_cache_in_every_format(fmt):
    text = rendered("multi-level-backfill")[fmt]
    assert "L0 (disk)" in text and "L1 (webdav)" in text
    assert "webdav" in text and "backfills" in text.replace("_", " ")


def test_json_stats_section_is_the_contract():
    rep = report("multi-level-backfill")
    jsonschema.validate(rep, SCHEMA)
    stats = rep["stats"]
    assert (stats["requests"], stats["hits"], stats["misses"], stats["hit_rate"]) == (4, 4, 0, 1.0)
    assert stats["location"] == "Multi-level (2 levels)"
    assert [(lv["name"], lv["hits"], lv["backfills_to"]) for lv in stats["levels"]] == \
        [("L0 (disk)", 0, 4), ("L1 (webdav)", 4, 0)]
    assert {g["name"] for g in stats["by_compiler"]} == {"c [gcc]"}
    assert {g["name"] for g in stats["by_language"]} == {"C/C++"}
    assert rep["facts"]["backend"] == "webdav"


def test_fixable_reasons_make_a_finding_with_their_fix():
    rep = report("non-cacheable-limitation-c")
    finding = next(f for f in rep["findings"] if f["id"] == "non-cacheable-limitation")
    assert "multiple input files" in finding["summary"] and "-fprofile-use" in finding["summary"]
    kinds = {r["reason"]: r["kind"] for r in rep["stats"]["non_cacheable_reasons"]}
    assert kinds == {"multiple input files": "limitation", "-fprofile-use": "limitation"}
    # Expected reasons alone never make that finding.
    assert "non-cacheable-limitation" not in {f["id"] for f in report("non-cacheable-dominated")["findings"]}


def test_cache_writes_tell_a_cold_cache_from_a_broken_one():
    stats = report("non-cacheable-limitation-c")["stats"]
    assert (stats["misses"], stats["writes"], stats["write_errors"]) == (3, 3, 0)


def test_a_bundle_without_stats_has_no_section(tmp_path: Path):
    rep = report("wrapper-missing")
    assert rep["stats"] is None
    out = render_all(rep)
    assert "Cache stats" not in out["text"] and "Cache statistics" not in out["md"]
    assert 'id="cache-stats"' not in out["html"]
