"""Shared fixtures: walk a bundle and see what came out."""

from __future__ import annotations

import pytest

from analyzer.bundle import DEFAULT_LIMITS, Limits, iter_bundle


def walk_bundle(inputs: list, limits: Limits = DEFAULT_LIMITS) -> tuple[dict[str, bytes], list[str]]:
    """Read every member in full; return {path: bytes} and the problems as `source: reason`."""
    problems: list = []
    contents: dict[str, bytes] = {}
    for member in iter_bundle([str(i) for i in inputs], limits, problems):
        with member.open() as stream:
            contents[member.path] = stream.read()
        problems.extend(member.problems)
    return contents, [f"{p.source}: {p.reason}" for p in problems]


@pytest.fixture
def walk():
    return walk_bundle


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite golden files under tests/report/golden/ from the current output.")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture
def whole_compile_table(monkeypatch):
    """The compile table's own cap (`SCAN_CAP`, tested in tests/compiles/test_fast_path.py)
    lifted, so the fast and the full parse are compared on everything else."""
    from analyzer.compiles import table

    monkeypatch.setattr(table, "SCAN_CAP", 1 << 30)
