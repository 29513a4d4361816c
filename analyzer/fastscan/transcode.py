"""Any text encoding as UTF-8 bytes, in bulk, so one scan serves every text shape.

The fast scan searches UTF-8 bytes. A Windows log written by PowerShell 5.1's `>` is
UTF-16LE, a Chinese console's capture GBK: rather than fall back to the full parse (about
7 MB/s), their reads are transcoded a block at a time and scanned like any UTF-8 log.
ASCII-only UTF-16, which is what a build log almost always is, takes a numpy path (the
high byte of every code unit is zero: keep the low bytes); anything else goes through
Python's incremental decoder, which also carries a character cut between two reads.

Bad bytes are replaced as the full parse replaces them. GBK lines with bad bytes are
reported per line like the full parse does: the transcoder counts line ends (LF, CRLF or a
lone CR) in those reads to give the same line numbers.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator

import numpy

UTF16 = {"utf-16-le": "<u2", "utf-16-be": ">u2"}


def to_utf8(reads: Iterable[bytes], codec: str, max_read: int,
            note: Callable[[int | None, str], None], label: str) -> Iterator[bytes]:
    """UTF-8 bytes of `reads` in `codec`, in pieces of at most `max_read` bytes.
    `note(line, reason)` hears of what could not be decoded."""
    if codec in UTF16:
        pieces = _from_utf16(reads, codec, note)
    elif codec == "gbk":
        pieces = _from_lines_codec(reads, codec, note, label)
    else:
        decoder = codecs.getincrementaldecoder(codec)("replace")
        pieces = (decoder.decode(data).encode("utf-8") for data in reads)
    for piece in pieces:
        for start in range(0, len(piece), max_read):
            yield piece[start:start + max_read]


def _from_utf16(reads: Iterable[bytes], codec: str, note) -> Iterator[bytes]:
    unit = numpy.dtype(UTF16[codec])
    decoder = codecs.getincrementaldecoder(codec)("replace")
    carry = b""
    for data in reads:
        if carry:
            data, carry = carry + data, b""
        if len(data) % 2:
            data, carry = data[:-1], data[-1:]
        units = numpy.frombuffer(data, unit)
        if len(units) and not decoder.getstate()[0] and int(units.max()) < 0x80:
            yield units.astype(numpy.uint8).tobytes()
        else:
            yield decoder.decode(data).encode("utf-8")
    tail = decoder.decode(carry, final=True)
    if carry:
        note(None, "odd number of bytes in UTF-16 text; last byte replaced")
    if tail:
        yield tail.encode("utf-8")


def _from_lines_codec(reads: Iterable[bytes], codec: str, note, label: str) -> Iterator[bytes]:
    """Whole lines at a time (a multi-byte character never spans a line end), in bulk while
    they decode; a read that does not is redone line by line, each bad line reported."""
    carry, lines_before = b"", 0
    for data in reads:
        data = carry + data if carry else data
        cut = max(data.rfind(b"\n"), data.rfind(b"\r", 0, len(data) - 1)) + 1
        body, carry = data[:cut], data[cut:]
        if not body:
            continue
        try:
            yield body.decode(codec).encode("utf-8")
        except UnicodeDecodeError:
            yield _line_by_line(body, codec, note, label, lines_before)
        lines_before += _line_ends(body)
    if carry:
        try:
            yield carry.decode(codec).encode("utf-8")
        except UnicodeDecodeError:
            yield _line_by_line(carry, codec, note, label, lines_before)


def _line_ends(body: bytes) -> int:
    crlf = body.count(b"\r\n")
    return body.count(b"\n") + body.count(b"\r") - crlf


def _line_by_line(body: bytes, codec: str, note, label: str, lines_before: int) -> bytes:
    out = []
    lines = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    for number, line in enumerate(lines, lines_before + 1):
        try:
            out.append(line.decode(codec))
        except UnicodeDecodeError:
            note(number, f"not valid {label}; bad bytes replaced")
            out.append(line.decode(codec, errors="replace"))
    return "\n".join(out).encode("utf-8")
