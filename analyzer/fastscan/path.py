"""When to take the fast path, and running it for one member."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from analyzer.decode import CHUNK_BYTES, HEAD_BYTES, MAX_LINE, DecodedStream

if TYPE_CHECKING:  # select imports numpy: only a member that takes the fast path pays for it
    from analyzer.fastscan.select import Selection

MIN_BYTES = 8 * 1024 * 1024  # below this the full parse costs well under a second
HELPER_BYTES = 4 * 1024 * 1024  # from this size a member's reading and scanning get a helper thread
# line_blocks needs reads no longer than the line cap (then only a block's first line can be too long).
assert CHUNK_BYTES <= MAX_LINE


def available() -> bool:
    """hyperscan ships wheels for Linux and macOS; elsewhere every member takes the full path."""
    return importlib.util.find_spec("hyperscan") is not None


class FastPath:
    """The fast path for one analysis: matchers per kind, built on first use."""

    def __init__(self, library, budget, min_bytes: int = MIN_BYTES, bundle_bytes: int = 0) -> None:
        """`bundle_bytes`: the size of the whole input (`input_bytes`); from `min_bytes` on, every
        member of a kind that has a fast path takes it, whatever its own size, so 2,000 small
        logs cost what one log of their size does."""
        self.library = library
        self.budget = budget  # has spent(source, owner) -> bool; the Scan
        self.min_bytes = min_bytes
        self.bundle_bytes = bundle_bytes
        self._matchers: dict[str, object] = {}

    def accepts(self, parser, stream: DecodedStream, size: int | None) -> bool:
        if not hasattr(parser, "parse_numbered") or stream.encoding == "binary":
            return False
        if size is None:  # standard input: only a full head says it may be big
            size = self.min_bytes if len(stream.head_bytes) >= HEAD_BYTES else len(stream.head_bytes)
        if max(size, self.bundle_bytes) < self.min_bytes:
            return False
        if b"\n" not in stream.head_bytes:
            return False
        return self._matcher(parser) is not None

    def parse(self, parser, stream: DecodedStream, source: str,
              size: int | None = None) -> tuple[Iterator, Selection]:
        """The parser's items for the records around candidate lines, and the selection that
        picks them; once the items are exhausted, `selection.lines_read` is the line count
        (the artifact's record count on this path)."""
        from analyzer.fastscan.chunks import line_blocks
        from analyzer.fastscan.select import Selection

        selection = Selection(
            self._matcher(parser),
            spent=lambda owner: self.budget.spent(source, owner),
            decode=stream.decode_line,
            is_head=parser.is_head,
            note_truncated=stream.note_long_line,
            helper=size is None or size >= HELPER_BYTES,
        )
        lines = selection.lines(line_blocks(stream.utf8_chunks(), MAX_LINE))
        return parser.parse_numbered(lines, source), selection

    def _matcher(self, parser):
        kind = parser.kind
        if kind not in self._matchers:
            self._matchers[kind] = _build_matcher(self.library, parser)
        return self._matchers[kind]


def _build_matcher(library, parser):
    """The signatures' preferred expressions where hyperscan takes them, else their
    fallbacks; None when some block has neither (its lines could be missed)."""
    from analyzer.fastscan.engine import Matcher, compiled
    from analyzer.fastscan.expressions import hint_expressions, signature_expressions

    pairs = signature_expressions(library, parser.kind)
    hints = hint_expressions(parser.scan_hints())
    chosen = [preferred for preferred, _ in pairs]
    database = compiled(chosen + hints)
    if database is None:  # find the ones hyperscan refuses (user patterns, rarely)
        chosen = []
        for preferred, fallback in pairs:
            if compiled([preferred]) is not None:
                chosen.append(preferred)
            elif fallback is not None and compiled([fallback]) is not None:
                chosen.append(fallback)
            else:
                return None
        database = compiled(chosen + hints)
    return Matcher(chosen + hints, database) if database is not None else None


def input_bytes(inputs: Iterable, enough: int) -> int:
    """Bytes in the files of `inputs` (walking folders, not following links), counted up to
    `enough`: the bundle's size decides the fast path, so the walk stops once it is big enough.
    An object-store bundle counts by its listing's sizes (nothing is read to learn them)."""
    total, pending = 0, []
    for path in inputs:
        if hasattr(path, "listing"):  # batch's RemoteBundle
            try:
                total += sum(int(info.get("size") or 0) for info in path.listing())
            except Exception:  # noqa: BLE001 - the read that follows reports what is wrong with the store
                pass
        elif path != "-":
            pending.append(path)
    while pending and total < enough:
        path = pending.pop()
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                with os.scandir(path) as entries:
                    for entry in entries:
                        if entry.is_dir(follow_symlinks=False):
                            pending.append(entry.path)
                        elif entry.is_file(follow_symlinks=False):
                            total += entry.stat(follow_symlinks=False).st_size
            else:
                total += os.stat(path).st_size
        except OSError:
            continue
    return total
