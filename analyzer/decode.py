"""Turn the bytes of a bundle member into clean text lines, whatever wrote them.

Handles what Windows and CI machines produce: UTF-8 with or without BOM, UTF-16LE/BE
(PowerShell 5.1 `>` writes `FF FE` + UTF-16LE), GBK/CP936 consoles, CRLF and lone CR,
ANSI colour and other terminal escape sequences. The encoding is decided once from the
head of the stream; lines are then cut from fixed-size chunks, so memory stays flat and
a 50 MB line costs linear time (it is cut at `MAX_LINE` and reported, not kept whole).
Whatever cannot be decoded becomes a `Problem` in `DecodedStream.problems`, never an error.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from analyzer.records import Problem

HEAD_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024
MAX_LINE = 1024 * 1024  # bytes (chars for UTF-16) kept of one physical line
MAX_PROBLEMS = 20  # per stream; one summary after that

# CSI "\x1b[1;31m", OSC "\x1b]0;title\x07", DCS/SOS/PM/APC strings, any other escape
# ("\x1b(B", "\x1bc" reset, "\x1b7" save cursor), then stray C0/C1 controls except tab.
# e.g. "\x1b[1m\x1b[31merror\x1b[0m" -> "error"
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[ -/]*[0-~]"
    r"|[\x00-\x08\x0b-\x1f\x7f\x9b]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")
# C0 controls no text holds (NUL, tab, line ends, VT, FF and ESC left out: NUL padding after
# a crash, terminal escapes). Executables, images and compressed data have about 10 % of
# them; text from every sample and fixture none. Over `BINARY_SHARE` of the head: binary.
_BINARY_BYTES = bytes([*range(0x01, 0x09), *range(0x0e, 0x1b), *range(0x1c, 0x20), 0x7f])
BINARY_SHARE = 0.03

# label users see -> (Python codec, BOM length)
ENCODINGS = {
    "utf-8-bom": ("utf-8", 3),
    "utf-16-le-bom": ("utf-16-le", 2),
    "utf-16-be-bom": ("utf-16-be", 2),
    "utf-16-le": ("utf-16-le", 0),
    "utf-16-be": ("utf-16-be", 0),
    "utf-8": ("utf-8", 0),
    "gbk": ("gbk", 0),
    "latin-1": ("latin-1", 0),
    "binary": ("latin-1", 0),  # not read: no lines, one Problem
}


def strip_terminal_escapes(text: str) -> str:
    """Remove colour codes, OSC titles, clear-screen sequences and other control bytes."""
    if not _CONTROL.search(text):
        return text
    return _ANSI.sub("", text)


def detect_encoding(head: bytes) -> str:
    """Name the encoding of a member from its first bytes (a key of `ENCODINGS`).

    BOMs first; then the NUL pattern of BOM-less UTF-16 (from the first bytes on: a UTF-8 log
    with a UTF-16 part appended stays UTF-8, whose NULs are dropped); then strict UTF-8; then
    UTF-8 again when any complete non-ASCII line of the head is UTF-8 (a file with mixed
    encodings: each odd line is read as GBK or with bad bytes replaced, and reported); then
    GBK, and `latin-1` as the fallback that never fails. `binary` when the head is not text.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-bom"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le-bom"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be-bom"
    if len(head) >= 4:
        for encoding, high in (("utf-16-le", 1), ("utf-16-be", 0)):
            if _utf16_nuls(head[:4096], high) and _utf16_nuls(head[:64], high):
                return encoding
    if len(head) - len(head.translate(None, _BINARY_BYTES)) > BINARY_SHARE * len(head):
        return "binary"
    if _decodes(head, "utf-8") or _some_utf8(head):
        return "utf-8"
    if _decodes(head, "gbk"):
        return "gbk"
    return "latin-1"


def _utf16_nuls(sample: bytes, high: int) -> bool:
    """Whether the bytes at offset `high` of each pair are mostly NUL and the others almost never:
    ASCII text in UTF-16 (`high` 1 for little-endian, 0 for big-endian)."""
    half = len(sample) / 2
    return sample[high::2].count(0) > 0.3 * half and sample[1 - high::2].count(0) < 0.05 * half


def _some_utf8(head: bytes) -> bool:
    """Whether a complete non-ASCII line of the head is UTF-8. GBK text almost never is (its
    common lead bytes B0-F7 are UTF-8 continuation bytes), Latin-1 text only when it spells
    mojibake: such a line means UTF-8 was written here, and the other lines are the odd ones."""
    for line in head.split(b"\n")[:-1]:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        return True
    return False


def _decodes(head: bytes, codec: str) -> bool:
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    try:
        decoder.decode(head, final=False)  # a multi-byte char cut at the end is fine
    except UnicodeDecodeError:
        return False
    return True


class DecodedStream:
    """A binary stream read as text lines, with the encoding found and CR/LF normalised.

    `lines()` can be iterated once; `head_text()` any time. `problems` fills as lines are read.
    """

    def __init__(self, raw: BinaryIO, source: str = ""):
        self._raw: BinaryIO | _Empty = raw
        self.source = source
        self._line = 0
        self._listed: list[Problem] = []
        self._unlisted = 0
        self._repeated: dict[str, list[Any]] = {}  # reason -> [first line, count]
        self._transcoded = False  # `utf8_chunks` was used: lines cut from it are UTF-8
        self.head_bytes = self._read(HEAD_BYTES)
        self.encoding = detect_encoding(self.head_bytes)
        self.codec, bom = ENCODINGS[self.encoding]
        self.head_bytes = self.head_bytes[bom:]
        if self.encoding == "binary":  # an executable, an image, a core dump: nothing to read
            self._listed.append(Problem(source, None, "binary data, not text; not read"))
            self.head_bytes, self._raw = b"", _Empty()

    @property
    def problems(self) -> list[Problem]:
        """What could not be decoded so far: each kind once, with its first line and a count."""
        found = list(self._listed)
        for reason, (first, count) in self._repeated.items():
            more = f" ({count} lines in all)" if count > 1 else ""
            found.append(Problem(self.source, first, f"{reason}{more}"))
        if self._unlisted:
            found.append(Problem(self.source, None, f"{self._unlisted} more long lines truncated"))
        return sorted(found, key=lambda p: (p.line is None, p.line or 0))

    def head_text(self, max_lines: int = 60) -> str:
        """Decode the head only (for sniffing) without consuming the stream."""
        text = codecs.getincrementaldecoder(self.codec)("replace").decode(self.head_bytes)
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[:max_lines]
        return "\n".join(strip_terminal_escapes(line) for line in lines)

    def lines(self) -> Iterator[str]:
        """Yield lines without their line ending, terminal escapes removed."""
        if self.codec.startswith("utf-16"):
            pieces, unit = _split(self._text_chunks(), "\n", "\r", MAX_LINE), "characters"
        else:
            pieces, unit = _split(self.byte_chunks(), b"\n", b"\r", MAX_LINE), "bytes"
        for number, (piece, truncated) in enumerate(pieces, 1):
            self._line = number
            line = piece if unit == "characters" else self._decode_line(piece, number, truncated)
            if truncated:
                self._note_truncated(number, f"longer than {MAX_LINE} {unit}; truncated")
            if "\x00" in line:  # a crash's zero-filled blocks, or a UTF-16 part in 8-bit text
                self._note(number, "NUL bytes dropped")
            yield strip_terminal_escapes(line)

    def decode_line(self, data: bytes, number: int, truncated: bool = False) -> str:
        """One line cut elsewhere, decoded and cleaned exactly as `lines()` would."""
        return strip_terminal_escapes(self._decode_line(data, number, truncated))

    def note_long_line(self, number: int) -> None:
        """A line someone else cut at `MAX_LINE`, reported as `lines()` reports its own."""
        self._note_truncated(number, f"longer than {MAX_LINE} bytes; truncated")

    def _note_truncated(self, line: int, reason: str) -> None:
        if len(self._listed) < MAX_PROBLEMS:
            self._listed.append(Problem(self.source, line, reason))
        else:
            self._unlisted += 1

    def _note(self, line: int | None, reason: str) -> None:
        seen = self._repeated.setdefault(reason, [line, 0])
        seen[1] += 1

    def _decode_line(self, data: bytes, number: int, truncated: bool) -> str:
        if self._transcoded:  # valid UTF-8 made by the transcoder; only a cut can split a character
            if truncated:
                return codecs.getincrementaldecoder("utf-8")("replace").decode(data, final=False)
            return data.decode("utf-8", errors="replace")
        try:
            return data.decode(self.codec)
        except UnicodeDecodeError:
            pass
        if truncated:  # the cut may split a character: drop the partial tail quietly
            text = codecs.getincrementaldecoder(self.codec)("replace").decode(data, final=False)
            if "\ufffd" not in text:
                return text
        if self.codec == "utf-8" and _decodes_final(data, "gbk"):
            self._note(number, "not valid UTF-8; read as GBK")
            return data.decode("gbk")
        self._note(number, f"not valid {self.encoding}; bad bytes replaced")
        return data.decode(self.codec, errors="replace")

    def _read(self, size: int) -> bytes:
        """Read up to `size` bytes (fewer only at the end); a read error ends the stream."""
        parts, left = [], size
        while left > 0:
            try:
                data = self._raw.read(left)
            except Exception as error:  # corrupt archive member, CRC error, I/O error
                self._note(self._line or None, f"read failed, rest of member lost: {type(error).__name__}: {error}")
                self._raw = _Empty()
                break
            if not data:
                break
            parts.append(data)
            left -= len(data)
        return b"".join(parts)

    def byte_chunks(self) -> Iterator[bytes]:
        """The raw bytes after any BOM, in reads of at most `CHUNK_BYTES` (`lines()` cuts them;
        so does the fast scan, which decodes only the few lines it needs with `decode_line`)."""
        yield self.head_bytes
        while chunk := self._read(CHUNK_BYTES):
            yield chunk

    def utf8_chunks(self) -> Iterator[bytes]:
        """The text as UTF-8 bytes in reads of at most `CHUNK_BYTES`, for the fast scan: UTF-8 as
        read, any other encoding transcoded in bulk; `decode_line` then reads lines cut from it."""
        if self.codec == "utf-8":
            return self.byte_chunks()
        from analyzer.fastscan.transcode import to_utf8

        self._transcoded = True
        return to_utf8(self.byte_chunks(), self.codec, CHUNK_BYTES, self._note, self.encoding)

    def _text_chunks(self) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(self.codec)("replace")
        for chunk in self.byte_chunks():
            yield decoder.decode(chunk)
        tail = decoder.decode(b"", final=True)
        if tail:
            self._note(self._line + 1, "odd number of bytes in UTF-16 text; last byte replaced")
            yield tail


def _decodes_final(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _split(chunks, nl, cr, max_line: int):
    """Cut chunks (bytes or str) at LF, CRLF and lone CR. Yields (line, truncated).

    A line longer than `max_line` is yielded cut and the rest of it is skipped, so no
    line ever holds more than `max_line` plus one chunk in memory.
    """
    carry, skipping = nl[:0], False
    for chunk in chunks:
        buf = carry + chunk
        end = len(buf) - 1 if buf[-1:] == cr else len(buf)  # a final CR may be half of a CRLF
        cut = max(buf.rfind(nl, 0, end), buf.rfind(cr, 0, end))
        if cut >= 0:
            body, carry = buf[:cut + 1], buf[cut + 1:]
            for line in body.replace(cr + nl, nl).replace(cr, nl).split(nl)[:-1]:
                if skipping:
                    skipping = False
                elif len(line) > max_line:
                    yield line[:max_line], True
                else:
                    yield line, False
        else:
            carry = buf
        if len(carry) > max_line:
            if not skipping:
                yield carry[:max_line], True
                skipping = True
            carry = cr if carry[-1:] == cr else carry[:0]
    if carry and not skipping:
        yield (carry[:-1] if carry[-1:] == cr else carry), False


class _Empty:
    def read(self, n: int = -1) -> bytes:
        return b""
