"""Flat, typed values that flow between the stages of the pipeline.

Parsers yield `Record`, `Fact` and `Problem` values; nothing else crosses a stage
boundary. All fields are scalars (or tuples of scalar pairs) so a list of records
turns into a pandas frame without any plumbing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Fields = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Record:
    """One logical entry of an artifact: a log record, a table row, a variable.

    `text` holds the message with its continuation lines joined by "\\n";
    `line` is the 1-based number of its first physical line, `end_line` of its last.
    `time` is ISO 8601 UTC (`2026-11-21T05:23:31Z`, or with `.123Z`) or None.
    `event` names a timeline anchor the parser recognised (e.g. `server-listening`).
    `fields` carries extracted values (column values of a table row, env name/value, ...).
    """

    source: str
    kind: str
    line: int
    text: str
    time: str | None = None
    level: str | None = None
    target: str | None = None
    end_line: int | None = None
    event: str | None = None
    fields: Fields = ()

    def get(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.fields:
            if key == name:
                return value
        return default

    @property
    def field_map(self) -> dict[str, str]:
        return dict(self.fields)

    def headline(self, limit: int = 400) -> str:
        """The first line of the text, cut at `limit` characters with an ellipsis. The cut falls
        between words where one is near: it happens before the report is redacted, and half a
        token (a JWT, a key, `user:pass` without its `@`) is something no rule recognises."""
        line = self.text.split("\n", 1)[0]
        if len(line) <= limit:
            return line
        cut = line[: limit - 1]
        space = max(cut.rfind(" "), cut.rfind("\t"))
        if space >= limit // 2:
            cut = cut[:space + 1]
        return cut + "…"


@dataclass(frozen=True, slots=True)
class Fact:
    """A typed statement about the machine or the build, e.g. `server_port = 4226`."""

    name: str
    value: Any
    source: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Previous:
    """The record just before a kept one in the same file (its time and first 300 characters)."""

    time: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the input could not be read as expected. Never an exception."""

    source: str
    line: int | None
    reason: str


@dataclass(slots=True)
class Artifact:
    """One member of a bundle after sniffing and parsing.

    `records` keeps only the records the later stages need (see ingest.keep_record);
    `record_count` counts all of them, so memory does not grow with log size.
    """

    path: str
    kind: str
    encoding: str
    size: int
    record_count: int = 0
    records: list[Record] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "encoding": self.encoding,
            "records": self.record_count,
            "problems": [
                {"line": p.line, "reason": p.reason} for p in self.problems
            ],
        }


def fields(**values: Any) -> Fields:
    """Build a `Fields` tuple from keyword values, dropping None and stringifying the rest."""
    return tuple((k, str(v)) for k, v in values.items() if v is not None)
