"""Timestamps out of order, far in the future and past, in several zones and impossible:
all read as UTC or reported, the timeline still in order, no duration below zero."""

from __future__ import annotations

import re
from functools import cache

import pytest

from analyzer.analysis import analyze
from tests.hostile.corpus import timestamps_out_of_order
from tests.shared import knowledge

ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$")


@cache
def report(folder) -> dict:
    inputs = timestamps_out_of_order(folder)
    return analyze([str(folder / i) for i in inputs], knowledge()).report


@pytest.fixture(scope="module")
def rep(tmp_path_factory) -> dict:
    return report(tmp_path_factory.mktemp("timestamps"))


def test_every_time_is_utc_and_the_timeline_is_sorted(rep):
    times = [e["time"] for e in rep["timeline"] if e["time"] is not None]
    assert times, "the timed events reached the timeline"
    assert all(ISO_UTC.match(t) for t in times), times
    assert times == sorted(times)
    assert "2026-11-21T05:23:30Z" in times  # 13:23:30+08:00 converted
    assert "2099-12-31T23:59:59Z" in times  # the future is kept, not dropped


def test_impossible_timestamps_are_reported_not_guessed(rep):
    problems = [p["reason"] for a in rep["artifacts"] for p in a["problems"]]
    assert any("2026-13-45T99:99:99Z" in p for p in problems), problems
    assert any("+99:99" in p for p in problems), problems
