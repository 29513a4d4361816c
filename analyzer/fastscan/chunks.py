"""Cut a byte stream into blocks of whole lines, with the full parse's line rules.

Lines end at LF (a CR before it is dropped later, with the line); a block holding a lone
CR has it turned into LF, as the full parse does. A line longer than `max_line` bytes is cut
there and its rest skipped, so no block holds more than two reads and a 50 MB line costs
linear time, not memory. Reads must be at most `max_line` bytes, which makes the first line
of a block the only one that can be too long.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy


def line_blocks(reads: Iterable[bytes], max_line: int) -> Iterator[tuple[bytes, bool]]:
    """Yield (block, first_line_truncated); every block ends with LF."""
    carry, skipping = b"", False
    for data in reads:
        if not data:
            continue
        buf = carry + data if carry else data
        if b"\r" in buf:
            buf = _lone_cr_to_lf(buf)
        if skipping:
            end = buf.find(b"\n")
            if end < 0:
                carry = b"\r" if buf.endswith(b"\r") else b""
                continue
            buf, skipping = buf[end + 1:], False
        first = buf.find(b"\n")
        if first < 0:
            if len(buf) > max_line:
                yield buf[:max_line] + b"\n", True
                carry, skipping = (b"\r" if buf.endswith(b"\r") else b""), True  # a CR may end it
            else:
                carry = buf
            continue
        if first - (buf[first - 1:first] == b"\r") > max_line:  # a CRLF's CR is not text
            yield buf[:max_line] + b"\n", True
            buf = buf[first + 1:]
        cut = buf.rfind(b"\n")
        if cut < 0:
            carry = buf
            continue
        yield buf[:cut + 1], False
        carry = buf[cut + 1:]
    if carry and not skipping:
        yield carry + b"\n", False


def _lone_cr_to_lf(buf: bytes) -> bytes:
    """CR not followed by LF ends a line; a CR last in the buffer may be half a CRLF, kept.
    A CRLF log has a CR on every line: one vectorised pass finds the CRs and looks at the
    byte after each (CRLF stays, its CR is dropped with the line later)."""
    data = numpy.frombuffer(buf, numpy.uint8)
    after = numpy.flatnonzero(data[:-1] == 13) + 1
    if not len(after) or bool((data[after] == 10).all()):
        return buf
    tail = b"\r" if buf.endswith(b"\r") else b""
    body = buf[:-1] if tail else buf
    return body.replace(b"\r\n", b"\n").replace(b"\r", b"\n") + tail
