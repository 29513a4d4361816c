"""The whole pipeline for one set of inputs: read, match, diagnose, build the (redacted) report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analyzer.diagnose import diagnose
from analyzer.ingest import Bundle, read_bundle
from analyzer.knowledge import Knowledge
from analyzer.patterns import load_library
from analyzer.redact import redact_report
from analyzer.report.model import build_report
from analyzer.scan import Scan
from analyzer.timeline import build_timeline


class PatternLibraryError(Exception):
    """User pattern files did not validate; the message lists every problem."""


@dataclass
class Analysis:
    bundle: Bundle
    report: dict


def load_knowledge(pattern_dirs: tuple[str, ...] = ()) -> Knowledge:
    library = load_library([Path(d) for d in pattern_dirs])
    if library.errors:
        raise PatternLibraryError("\n".join(str(e) for e in library.errors))
    return Knowledge(library)


def analyze(inputs: list[str], knowledge: Knowledge | None = None, redact: bool = True) -> Analysis:
    knowledge = knowledge or load_knowledge()
    scan = Scan(knowledge)
    bundle = read_bundle(inputs, keep=scan.keep)
    diagnosis = diagnose(bundle, scan.matches, knowledge, scan)
    timeline = build_timeline(bundle, scan.matches, knowledge)
    report = build_report(bundle, diagnosis, knowledge, timeline)
    return Analysis(bundle, redact_report(report) if redact else report)
