"""Bundle -> artifacts: decode each member, sniff its kind, stream it through its parser.

Records are handed to a `keep` callback as they stream by (the pattern matcher in
`analyze`); only the ones it keeps stay in memory, so a 1 GB log costs its matches,
not its size. A big log may take the fast path (analyzer/fastscan): only the records
around candidate lines are parsed. A parser that fails on a member costs that member,
never the bundle.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from analyzer import parsers
from analyzer.bundle import DEFAULT_LIMITS, Limits, Member, iter_bundle
from analyzer.decode import DecodedStream
from analyzer.records import Artifact, Fact, Problem, Record

# Kinds whose every record is structural (a table row, a variable, a setting): always kept.
STRUCTURED_KINDS = frozenset({
    "rustc-info", "sockets", "processes", "env", "sccache-stats", "sccache-config",
    "cargo-config", "version-info", "manifest", "dist-status",
})

MAX_CONSECUTIVE_PARSER_ERRORS = 20

KeepFn = Callable[[Record], bool]


@dataclass
class Bundle:
    """Everything read from the inputs, in member order."""

    inputs: list[str]
    artifacts: list[Artifact] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return any(a.record_count or a.facts for a in self.artifacts)


def keep_all(record: Record) -> bool:
    return True


def default_keep(record: Record) -> bool:
    """Keep structural records and timeline anchors; logs are otherwise only counted."""
    return record.kind in STRUCTURED_KINDS or record.event is not None


def read_bundle(inputs: list[str], keep: KeepFn = default_keep, limits: Limits = DEFAULT_LIMITS,
                fast=None) -> Bundle:
    """`fast`: an `analyzer.fastscan.FastPath`, or None to parse every line of every member."""
    bundle = Bundle(list(inputs))
    for member in iter_bundle(list(inputs), limits, bundle.problems):
        bundle.artifacts.append(read_member(member, keep, fast))
    return bundle


def read_member(member: Member, keep: KeepFn, fast=None) -> Artifact:
    """Decode, sniff and parse one member; whatever goes wrong lands in its problems."""
    try:
        raw = member.open()
    except Exception as error:  # unreadable member: report, go on with the next
        artifact = Artifact(member.path, parsers.UNKNOWN, "unknown", member.size or 0)
        artifact.problems.append(Problem(member.path, None, f"cannot open: {error}"))
        return artifact
    with closing(raw):
        stream = DecodedStream(raw, member.path)
        kind, _score = parsers.choose(stream.head_text(), PurePosixPath(member.path).name)
        artifact = Artifact(member.path, kind, stream.encoding, member.size or 0)
        parser = parsers.get(kind)
        if fast is not None and fast.accepts(parser, stream, member.size):
            items, selection = fast.parse(parser, stream, member.path, member.size)
            _parse_into(artifact, items, keep)
            artifact.record_count = selection.lines_read
        else:
            _parse_into(artifact, parser.parse(stream.lines(), artifact.path), keep)
    artifact.problems.extend(stream.problems)
    artifact.problems.extend(member.problems)
    return artifact


def _parse_into(artifact: Artifact, items, keep: KeepFn) -> None:
    try:
        for item in items:
            if isinstance(item, Record):
                artifact.record_count += 1
                if keep(item):
                    artifact.records.append(item)
            elif isinstance(item, Fact):
                artifact.facts.append(item)
            else:
                artifact.problems.append(item)
    except Exception as error:  # a parser bug or a broken stream: keep what was read
        where = artifact.records[-1].line if artifact.records else None
        artifact.problems.append(Problem(artifact.path, where, f"{artifact.kind} parser stopped: {type(error).__name__}: {error}"))
