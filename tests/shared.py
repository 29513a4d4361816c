"""Helpers shared by tests: the built-in knowledge loaded once per test run."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from analyzer.analysis import load_knowledge
from analyzer.knowledge import Knowledge

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@cache
def knowledge() -> Knowledge:
    return load_knowledge()
