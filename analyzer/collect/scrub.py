"""Secrets out at the source: nothing the collector writes has been seen unredacted.

A bundle ends up attached to tickets, so the collector redacts before writing, with the
same rules the reports use (`analyzer.redact`). Bytes are decoded the way the analyzer
decodes them (BOM, UTF-16, UTF-8, GBK), redacted line by line (a private key block whole)
and written as UTF-8 with their line endings kept.
"""

from __future__ import annotations

from analyzer.decode import ENCODINGS, detect_encoding
from analyzer.redact import MASK, RULES, Redactor, secret_value

# The one rule that spans lines: -----BEGIN … PRIVATE KEY----- … -----END … PRIVATE KEY-----
PRIVATE_KEY = dict(RULES)["private-key"]


class Scrubber:
    """One per collection, so the manifest can say how many values went."""

    def __init__(self) -> None:
        self.redactor = Redactor()

    def text(self, text: str) -> str:
        """Line by line, so no rule reaches from one line into the next; a PEM private key,
        which only its line-spanning rule recognises, goes whole."""
        out, last = [], 0
        for block in PRIVATE_KEY.finditer(text):
            out.append(self._lines(text[last:block.start()]))
            out.append(self.redactor.text(block.group(0)))
            last = block.end()
        out.append(self._lines(text[last:]))
        return "".join(out)

    def _lines(self, text: str) -> str:
        return "".join(self.redactor.text(line) for line in text.splitlines(keepends=True))

    def data(self, data: bytes) -> bytes:
        """Decode whatever a tool or a file holds, redact it, return UTF-8."""
        return self.text(decode(data)).encode("utf-8")

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
