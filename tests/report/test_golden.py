"""JSON and Markdown of every sample match their golden files byte for byte.

Golden files change only with `pytest --update-golden`, so every change to a report is a diff
someone reviews.
"""

from __future__ import annotations

import pytest

from analyzer.report import render_json, render_md
from tests.report.support import GOLDEN, SAMPLE_NAMES, report

FORMATS = {"json": lambda r: render_json.render(r), "md": lambda r: render_md.render(r).encode("utf-8")}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_matches_golden(sample: str, fmt: str, update_golden: bool):
    actual = FORMATS[fmt](report(sample))
    path = GOLDEN / f"{sample}.{fmt}"
    if update_golden:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual)
        return
    assert path.is_file(), f"no golden file {path.name}: run `pytest tests/report --update-golden` and review the diff"
    assert actual == path.read_bytes(), (
        f"{sample} {fmt} report differs from {path.name}; if the change is intended, run "
        "`pytest tests/report --update-golden` and review the diff")


def test_no_orphan_golden_files():
    names = {f"{s}.{fmt}" for s in SAMPLE_NAMES for fmt in FORMATS}
    orphans = sorted(p.name for p in GOLDEN.glob("*.*") if p.name not in names)
    assert not orphans, f"golden files for samples that no longer exist: {orphans}"


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_two_runs_are_byte_identical(sample: str):
    from analyzer.analysis import analyze
    from tests.shared import ROOT, knowledge

    bundle = str(ROOT / "samples" / sample / "bundle")
    first, second = (analyze([bundle], knowledge()).report for _ in range(2))
    assert render_json.render(first) == render_json.render(second)
    assert render_md.render(first) == render_md.render(second)
