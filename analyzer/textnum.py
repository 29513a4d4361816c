"""Whole numbers read from untrusted text.

`str.isdigit()` is true for '²' and '٣', which `int()` refuses or reads differently, and
`int()` refuses strings of more than 4,300 digits; both once stopped a whole analysis.
Only ASCII digits, and few enough of them, count as a number here.
"""

from __future__ import annotations

MAX_DIGITS = 18


def parse_uint(text: str | None, max_digits: int = MAX_DIGITS) -> int | None:
    """`text` as a non-negative int, or None when it is not 1..max_digits ASCII digits."""
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
