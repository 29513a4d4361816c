"""Evidence text as a reader should see it: lines, not escapes.

sccache writes many errors through Rust's `Debug` formatting, so one log line carries a whole
multi-line message as `\\n` escapes (`reason: "… not allowed\\n\\nContext:\\n   service: s3\\n"`).
A renderer that shows the line as it is prints a wall of backslashes; these helpers give the
message's own lines, which the Markdown report puts in a fenced block and the text report prints
as indented continuation lines. Real line breaks (a multi-line record) are split the same way.
"""

from __future__ import annotations

import regex

DEBUG_BREAK = regex.compile(r"(?<!\\)(?:\\r)?\\n")  # a `\n` escape, not an escaped backslash before an `n`
MAX_LINES = 40


def display_lines(text) -> list[str]:
    """The lines of one evidence text, escapes of line breaks expanded; trailing empty lines dropped."""
    text = "" if text is None else str(text)
    lines: list[str] = []
    for physical in text.splitlines() or [""]:
        lines.extend(DEBUG_BREAK.split(physical))
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES] + [f"… {len(lines) - MAX_LINES} more lines"]
    return lines


def key(item: dict) -> tuple:
    """Two evidence items are the same line when source, line number and text agree."""
    return item.get("source"), item.get("line"), item.get("text")
