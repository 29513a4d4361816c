"""Members no parser claims: every non-blank line becomes a record, so signatures still
find error lines in files named and shaped like nothing we know (`notes.txt` pasted from
a chat, say)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from analyzer.parsers import Item, register
from analyzer.records import Record


@register
class UnknownParser:
    kind = "unknown"

    def sniff(self, head: str, name: str) -> float:
        return 0.0

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]:
        for number, line in enumerate(lines, 1):
            if line.strip():
                yield Record(source, self.kind, number, line)
