"""Walk blocks of whole lines and emit, in order, the records around candidate lines.

For each candidate line (a hit of a live expression) the parser gets the record holding
it, from its head to the line before the next head, and the record before that one; at
the end, the member's last record. Lines are numbered as the full parse numbers them, so
evidence points at the same file:line either way. A walk back that crosses into the
previous block sees its last `TAIL_BYTES`; a record that starts before that is cut there
and the parser sees it start mid-record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy

from analyzer.fastscan.background import background

TAIL_BYTES = 256 * 1024
HINT_CAP = 1000  # lines selected for a fact (facts are kept once; a few sightings suffice)

Numbered = tuple[int, str]


class Selection:
    """State of one member's walk; `lines(blocks)` yields the numbered lines to parse."""

    def __init__(self, matcher, spent: Callable[[str], bool], decode: Callable[[bytes, int, bool], str],
                 is_head: Callable[[str], bool], note_truncated: Callable[[int], None],
                 helper: bool = True) -> None:
        """`helper`: read and scan on a helper thread (worth its start only for a big member)."""
        self.matcher = matcher
        self.spent = spent
        self.decode = decode
        self.is_head = is_head
        self.note_truncated = note_truncated
        self.helper = helper
        self.lines_read = 0
        # Caps are the bundle's: what an earlier member spent is not looked for again.
        self._live = frozenset(i for i, owner in enumerate(matcher.owners) if not spent(owner))
        self._hints: dict[str, int] = {}
        self._emitted = 0      # highest line number handed to the parser
        self._open = False     # the last emitted record may go on in the next block
        self._buf = b""        # the current block; `_prepend_previous` may put a tail in front
        self._previous = b""   # the block before, for a walk back across the boundary
        self._block_start = 0  # offset in _buf where the current block starts
        self._block_first = 1  # line number of the block's first line
        self._texts: dict[int, str] = {}
        self._truncated: set[int] = set()

    # ---- driving ------------------------------------------------------------------------

    def lines(self, blocks) -> Iterator[Numbered]:
        scanned = self._scanned(blocks)
        for block, truncated, hits, newline, live in background(scanned) if self.helper else scanned:
            if truncated:
                self.note_truncated(self.lines_read + 1)
                self._truncated.add(self.lines_read + 1)
            self._previous, self._buf = self._buf, block
            self._block_start, self._block_first = 0, self.lines_read + 1
            self._texts.clear()
            if live is not self._live:  # owners spent since the helper scanned this block
                hits = [hit for hit in hits if hit[0] in self._live]
            yield from self._block(block, hits, newline)
        if self._buf:
            last = self._line_start(len(self._buf))
            if self.lines_read > self._emitted:
                yield from self._window(last, self.lines_read)

    def _scanned(self, blocks):
        """Read, cut, scan and find line ends: the C-speed half, run on the helper thread. It
        may run a block or two ahead; `lines` drops the hits of owners spent meanwhile."""
        for block, truncated in blocks:
            live = self._live
            hits = self.matcher.scan(block, live)
            yield block, truncated, hits, numpy.frombuffer(block, numpy.uint8) == 10, live

    def _block(self, block: bytes, hits, newline) -> Iterator[Numbered]:
        if self._open:
            yield from self._continue(self._block_start)
        starts, hit_owners = set(), set()
        expressions = self.matcher.expressions
        for index, end in hits:
            owner = self.matcher.owners[index]
            verify = expressions[index].verify
            if verify is not None and not self._confirmed(block, end, verify):
                continue
            if owner.startswith("fact:"):
                count = self._hints.get(owner, 0)
                if count >= HINT_CAP:
                    continue
                self._hints[owner] = count + 1
            hit_owners.add(owner)
            starts.add(block.rfind(b"\n", 0, end - 1) + 1)
        cursor, number = 0, self._block_first
        for start in sorted(starts):
            number += int(numpy.count_nonzero(newline[cursor:start]))
            cursor = start
            if number > self._emitted:
                yield from self._window(self._block_start + start, number)
        self.lines_read = number - 1 + int(numpy.count_nonzero(newline[cursor:]))
        if hit_owners:
            self._update_live(hit_owners)

    @staticmethod
    def _confirmed(block: bytes, end: int, verify) -> bool:
        """Whether the signature's regex (an ASCII one, compiled for bytes) matches the line a
        literal hit lies on, searched in place."""
        start = block.rfind(b"\n", 0, end - 1) + 1
        stop = block.find(b"\n", end)
        return verify.search(block, start, stop if stop >= 0 else len(block)) is not None

    def _update_live(self, hit_owners: set[str]) -> None:
        spent = {owner for owner in hit_owners if self._hints.get(owner, 0) >= HINT_CAP or self.spent(owner)}
        if spent:
            owners = self.matcher.owners
            self._live = frozenset(i for i in self._live if owners[i] not in spent)

    # ---- windows ------------------------------------------------------------------------

    def _window(self, start: int, number: int) -> Iterator[Numbered]:
        """Emit the record holding the line at `start`, and the record before it."""
        before = self._block_start
        first, first_number = self._record_start(start, number, records=2)
        start += self._block_start - before  # the walk back may have put a tail in front
        position, line = first, first_number
        while position < start:
            end = self._buf.index(b"\n", position)
            yield self._emit(line, self._text(position, end, line))
            position, line = end + 1, line + 1
        yield from self._rest_of_record(start, number)

    def _record_start(self, start: int, number: int, records: int) -> tuple[int, int]:
        """Walk back from a line to the head of the `records`-th record ending there,
        stopping after the last emitted line and where the kept bytes end."""
        position, line = start, number
        while True:
            if self._is_head_at(position, line):
                records -= 1
                if records == 0:
                    return position, line
            if line - 1 <= self._emitted:
                return position, line
            if position == 0:
                shift = self._prepend_previous()
                if shift == 0:
                    return position, line
                position += shift
            position, line = self._line_start(position), line - 1

    def _prepend_previous(self) -> int:
        """Put the previous block's last `TAIL_BYTES` (whole lines) in front of the buffer,
        once per block and only when a walk back needs it; returns the shift of offsets."""
        previous, self._previous = self._previous, b""
        if not previous:
            return 0
        cut = 0 if len(previous) <= TAIL_BYTES else previous.find(b"\n", len(previous) - TAIL_BYTES) + 1
        tail = previous[cut:]
        self._buf = tail + self._buf
        self._block_start += len(tail)
        return len(tail)

    def _rest_of_record(self, start: int, number: int) -> Iterator[Numbered]:
        """The line at `start` and the ones after it up to (not including) the next head."""
        buf, position, line = self._buf, start, number
        end = buf.index(b"\n", position)
        yield self._emit(line, self._text(position, end, line))
        yield from self._continue(end + 1)

    def _continue(self, position: int) -> Iterator[Numbered]:
        """Lines from `position` on that still belong to the last emitted record."""
        buf, line = self._buf, self._emitted + 1
        while position < len(buf):
            end = buf.index(b"\n", position)
            text = self._text(position, end, line)
            if self.is_head(text):
                self._open = False
                return
            yield self._emit(line, text)
            position, line = end + 1, line + 1
        self._open = True

    def _emit(self, line: int, text: str) -> Numbered:
        self._emitted = line
        return line, text

    # ---- lines --------------------------------------------------------------------------

    def _line_start(self, position: int) -> int:
        """Start of the line that ends just before `position` (which follows an LF)."""
        return self._buf.rfind(b"\n", 0, position - 1) + 1 if position > 0 else 0

    def _is_head_at(self, position: int, line: int) -> bool:
        end = self._buf.index(b"\n", position)
        return self.is_head(self._text(position, end, line))

    def _text(self, position: int, end: int, line: int) -> str:
        text = self._texts.get(line)
        if text is None:
            raw = self._buf[position:end]
            if raw.endswith(b"\r"):
                raw = raw[:-1]
            text = self._texts[line] = self.decode(raw, line, line in self._truncated)
        return text
