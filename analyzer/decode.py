"""Turn the bytes of a bundle member into clean text lines, whatever wrote them.

Handles what Windows and CI machines produce: UTF-8 with or without BOM, UTF-16LE/BE
(PowerShell 5.1 `>` writes `FF FE` + UTF-16LE), GBK/CP936 consoles, CRLF and lone CR,
ANSI colour and other terminal escape sequences. The encoding is decided once from the
head of the stream, then lines are decoded as a stream so memory stays flat.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

HEAD_BYTES = 64 * 1024

# CSI (ESC [ ... final), OSC (ESC ] ... BEL|ST), other two-byte ESC sequences, and stray C0/C1
# control characters except tab. e.g. "\x1b[1m\x1b[31merror\x1b[0m" -> "error"
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|[\x00-\x08\x0b-\x1f\x7f\x9b]"
)


def strip_terminal_escapes(text: str) -> str:
    """Remove colour codes, OSC titles, clear-screen sequences and other control bytes."""
    if "\x1b" not in text and not _has_controls(text):
        return text
    return _ANSI.sub("", text)


def _has_controls(text: str) -> bool:
    return any(ord(c) < 32 and c != "\t" for c in text) or "\x7f" in text or "\x9b" in text


def detect_encoding(head: bytes) -> str:
    """Name the encoding of a member from its first bytes.

    Returns a Python codec name: `utf-8-sig`, `utf-16-le`/`utf-16-be` (BOM or NUL pattern),
    `utf-8`, `gbk`, or `latin-1` as the never-failing fallback.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16"  # the utf-16 codec consumes the BOM
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if len(head) >= 4:
        sample = head[:4096]
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        half = len(sample) / 2
        if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
            return "utf-16-le"
        if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
            return "utf-16-be"
    if _decodes(head, "utf-8"):
        return "utf-8"
    if _decodes(head, "gbk"):
        return "gbk"
    return "latin-1"


def _decodes(head: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        decoder.decode(head, final=False)  # a multi-byte char cut at the end is fine
    except UnicodeDecodeError:
        return False
    return True


def display_name(encoding: str, head: bytes) -> str:
    """The encoding as reported to users: with BOM information where it matters."""
    if encoding == "utf-16":
        return "utf-16-le-bom" if head.startswith(codecs.BOM_UTF16_LE) else "utf-16-be-bom"
    if encoding == "utf-8-sig":
        return "utf-8-bom"
    return encoding


class DecodedStream:
    """A binary stream opened as text lines, with the encoding found and CR/LF normalised."""

    def __init__(self, raw: BinaryIO):
        buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(_Readable(raw), HEAD_BYTES)
        head = buffered.peek(HEAD_BYTES)[:HEAD_BYTES]
        self.head_bytes = head
        self.codec = detect_encoding(head)
        self.encoding = display_name(self.codec, head)
        self._text = io.TextIOWrapper(buffered, encoding=self.codec, errors="replace", newline=None)

    def lines(self) -> Iterator[str]:
        """Yield lines without their line ending, terminal escapes removed."""
        for raw_line in self._text:
            yield strip_terminal_escapes(raw_line.rstrip("\n"))

    def head_text(self, max_lines: int = 60) -> str:
        """Decode the head only (for sniffing) without consuming the stream."""
        text = self.head_bytes.decode(self.codec, errors="replace")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return "\n".join(strip_terminal_escapes(line) for line in text.split("\n")[:max_lines])


class _Readable(io.RawIOBase):
    """Adapter so any object with read() can sit under io.BufferedReader."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        return n
