"""The whole pipeline for one set of inputs: read, match, diagnose, build the (redacted) report."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from pathlib import Path

from analyzer.compiles import CompileLog
from analyzer.diagnose import DiagnosisInput, diagnose, sanity
from analyzer.ingest import Bundle, read_bundle
from analyzer.knowledge import Knowledge
from analyzer.patterns import Library, builtin_dir, load_library
from analyzer.patterns.model import Definition
from analyzer.redact import redact_report, redact_text
from analyzer.report.model import build_report
from analyzer.scan import Scan, Unexplained
from analyzer.timeline import build_timeline


class PatternLibraryError(Exception):
    """User pattern files did not validate; the message lists every problem."""


@dataclass
class Analysis:
    bundle: Bundle
    report: dict
    # Error and warning lines no signature explained (redacted like the report), for batch.
    unexplained: list[Unexplained] = field(default_factory=list)
    # The debug log's compile requests (unredacted; `compare` matches them across bundles).
    compiles: CompileLog | None = None


def load_knowledge(pattern_dirs: tuple[str, ...] = ()) -> Knowledge:
    library = _cached_library([Path(d) for d in pattern_dirs])
    if library.errors:
        raise PatternLibraryError("\n".join(str(e) for e in library.errors))
    return Knowledge(library)


def _cached_library(extra_dirs: list[Path]) -> Library:
    """The library as `load_library` makes it; the built-in one is read from the on-disk cache
    when unchanged (user folders are loaded afresh: they come and go)."""
    from analyzer import library_cache

    if extra_dirs:
        return load_library(extra_dirs)

    def build():
        library = load_library(extra_dirs)
        return tuple(library.definitions.values()), library.errors

    def ok(built) -> bool:
        return (isinstance(built, tuple) and len(built) == 2 and not built[1]
                and all(isinstance(d, Definition) for d in built[0]))

    definitions, errors = library_cache.load([builtin_dir(), *extra_dirs], build, ok=ok)
    return Library(definitions, errors)


def _fast_path(inputs: list[str], knowledge: Knowledge, scan: Scan, min_bytes: int | None):
    from analyzer import fastscan

    if not fastscan.available():
        return None
    min_bytes = fastscan.MIN_BYTES if min_bytes is None else min_bytes
    return fastscan.FastPath(knowledge.library, scan, min_bytes, fastscan.input_bytes(inputs, min_bytes))


def analyze(inputs: list[str], knowledge: Knowledge | None = None, redact: bool = True,
            fast_min_bytes: int | None = None, rule_shuffle: random.Random | None = None) -> Analysis:
    """`fast_min_bytes`: logs from this size on take the fast path (default
    `fastscan.MIN_BYTES`; tests use 0 to run every sample through it). `rule_shuffle` runs
    the diagnosis rules in another valid order (tests prove it changes nothing)."""
    knowledge = knowledge or load_knowledge()
    scan = Scan(knowledge)
    bundle = read_bundle(inputs, keep=scan.keep, fast=_fast_path(inputs, knowledge, scan, fast_min_bytes))
    scan.compiles.close()  # every request has its result before rules read the counts
    diagnosis = diagnose(DiagnosisInput.of(bundle, scan.matches, scan.summary()), knowledge, rule_shuffle)
    diagnosis = sanity.apply(bundle, diagnosis)
    timeline = build_timeline(bundle, scan.matches, knowledge)
    report = build_report(bundle, diagnosis, knowledge, timeline, scan.compiles)
    unexplained = scan.unexplained
    if redact:
        report = redact_report(report)
        unexplained = [replace(u, text=redact_text(u.text)) for u in unexplained]
    return Analysis(bundle, report, unexplained, scan.compiles)


def unreadable_reason(bundle, shown: int = 3, limit: int = 400) -> str:
    """Why nothing could be read, on one line fit for a terminal: the first problems, each
    with where it is (bundle-level first, then the members'), or what was found instead."""
    from analyzer.report.render_text import one_line

    problems = list(bundle.problems) + [p for a in bundle.artifacts for p in a.problems]
    if problems:
        text = "; ".join(f"{p.source}: {p.reason}" for p in problems[:shown])
        if len(problems) > shown:
            text += f"; and {len(problems) - shown} more problem(s)"
    elif bundle.artifacts:
        text = f"{len(bundle.artifacts)} file(s), none with a line of text"
    else:
        text = "no files"
    return one_line(text, limit)
