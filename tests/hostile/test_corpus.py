"""Every case of the bad-input corpus through the real command line, in its own process.

For each case: no traceback; exit 0 with a JSON report whose problems name what was wrong,
or exit 2 with a one-line reason; within the case's wall-time and peak-memory bounds; the
input folder byte-identical afterwards and nothing new beside it but the report; no network.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile.corpus import CASES, Case
from tests.hostile.harness import (
    assert_clean_exit,
    assert_wrote_only,
    remove_tree,
    report_problems,
    run_cli,
    snapshot,
)

MEASURED: dict[str, tuple[int, float, float]] = {}  # case -> (exit, seconds, peak MB), for the summary


def params() -> list:
    return [pytest.param(case, id=case.name, marks=[pytest.mark.slow] if case.slow else [])
            for case in CASES]


@pytest.mark.parametrize("case", params())
def test_hostile_input(case: Case, tmp_path: Path):
    try:
        check_case(case, tmp_path)
    finally:
        remove_tree(tmp_path / "work")


def check_case(case: Case, tmp_path: Path) -> None:
    work, scratch = tmp_path / "work", tmp_path / "scratch"
    work.mkdir()
    inputs = case.build(work)
    report = work / "report.json"
    before = snapshot(tmp_path / "work")
    stdin = work / case.stdin if case.stdin else None
    run = run_cli(["analyze", *inputs, "--format", "json", "-o", str(report)], cwd=work, scratch=scratch,
                  timeout=max(60.0, 3 * case.seconds), env=case.env, stdin=stdin)
    MEASURED[case.name] = (run.returncode, run.seconds, run.peak_mb)

    assert_clean_exit(run)
    assert run.returncode == case.exit, run.describe()
    after = snapshot(work)
    added = {k: after[k] for k in after.keys() - before.keys()}
    assert {k: v for k, v in before.items()} == {k: after[k] for k in before if k in after}, "input changed"
    if case.exit == 0:
        assert list(added) == ["report.json"], f"unexpected new entries: {sorted(added)}"
        # 20 000 members make a 2.7 MB inventory; nothing else comes near
        assert report.stat().st_size < 8 * 1024 * 1024, f"report of {report.stat().st_size} bytes"
        body = json.loads(report.read_bytes())
        problems = "\n".join(report_problems(body)).lower()
        for expected in case.expect:
            assert expected.lower() in problems, f"{expected!r} not among the problems:\n{problems}"
    else:
        assert added == {}, f"exit 2 but wrote {sorted(added)}"
        for expected in case.expect:
            assert expected.lower() in run.stderr.lower(), run.describe()
    assert_wrote_only(run, {report}, scratch / "tmp")
    assert run.network() == [], run.network()
    assert run.seconds < case.seconds, f"took {run.seconds:.1f} s, bound {case.seconds} s"
    assert run.peak_mb < case.memory_mb, f"peak {run.peak_mb:.0f} MB, bound {case.memory_mb} MB"


def test_corpus_covers_the_issue_list():
    """The shapes the corpus must hold, by case name (a renamed case must keep its shape covered)."""
    names = {c.name for c in CASES}
    required = {"truncated-log", "truncated-json", "binary-files", "long-line-50mb", "nul-bytes", "invalid-utf8",
                "odd-length-utf16", "mixed-encodings", "zip-traversal-names", "tar-traversal-names",
                "tar-links-out", "folder-links-out", "symlink-loops", "zip-bomb", "zip-nested-30-deep",
                "thousands-of-tiny-files", "empty-folder", "injection", "timestamps-out-of-order"}
    assert required <= names, sorted(required - names)
