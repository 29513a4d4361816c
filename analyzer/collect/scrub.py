"""Secrets out at the source: nothing the collector writes has been seen unredacted.

A bundle ends up attached to tickets, so the collector redacts before writing, with the
same rules the reports use (`analyzer/data/redaction.toml`, applied by `analyzer.redact`).
Bytes are decoded the way the analyzer decodes them (BOM, UTF-16, UTF-8, GBK), redacted line
by line with what one line tells about the next (a private key's body, a Format-List value, a
wrapped table row) and written as UTF-8 with their line endings kept.
"""

from __future__ import annotations

from analyzer.decode import ENCODINGS, detect_encoding
from analyzer.redact import MASK, Redactor, secret_value


class Scrubber:
    """One per collection, so the manifest can say how many values went."""

    def __init__(self) -> None:
        self.redactor = Redactor()

    def text(self, text: str, cut: bool = False) -> str:
        return self.redactor.text(text, cut=cut)

    def data(self, data: bytes, cut: bool = False) -> bytes:
        """Decode whatever a tool or a file holds, redact it, return UTF-8 (`cut`: only the
        end of a longer file, which may begin inside a private key)."""
        return self.text(decode(data), cut=cut).encode("utf-8", errors="backslashreplace")

    def variable(self, name: str, value: str) -> str:
        """One environment variable's value: secret-named values go whole, the rest is scanned."""
        if secret_value(name, value):
            self.redactor.counts["secret-variable"] += 1
            return MASK
        return self.redactor.text(value)

    def fields(self, document: dict) -> dict:
        """A JSON document redacted value by value (never its encoded text: a mask must not
        swallow a quote or a backslash and leave invalid JSON)."""
        return self.redactor.walk(document)

    def summary(self) -> dict:
        counts = self.redactor.counts
        return {"count": sum(counts.values()), "kinds": sorted(counts)}


def decode(data: bytes) -> str:
    name = detect_encoding(data[:64 * 1024])
    codec, bom = ENCODINGS.get(name, ("utf-8", 0))
    return data[bom:].decode(codec, errors="replace")
