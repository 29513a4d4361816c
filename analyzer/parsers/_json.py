"""What the JSON parsers (rustc-info, manifest) share: locating errors and recovering entries.

A truncated `.rustc_info.json` or manifest is still worth reading: the parsers scan for
complete objects with `object_end` and report where the JSON broke.
"""

from __future__ import annotations

import re

from analyzer.records import Problem

# orjson: "unexpected end of data: line 1 column 301 (char 300)"
JSON_POSITION = re.compile(r"line (?P<line>\d+) column \d+")


def invalid_json(error: Exception, source: str, text: str | None = None) -> Problem:
    """The Problem for a document that did not parse; an empty one names no line (it has none)."""
    if text is not None and not text.strip():
        return Problem(source, None, "empty: no JSON document")
    where = JSON_POSITION.search(str(error))
    return Problem(source, int(where["line"]) if where else None,
                   f"invalid JSON: {error}; complete entries recovered")


def line_at(text: str, offset: int) -> int:
    """1-based line number of a character offset (a failed `find`, -1, counts as line 1)."""
    return text.count("\n", 0, max(offset, 0)) + 1


def object_end(text: str, start: int) -> int | None:
    """Index just past the `}` matching the `{` at `start`, honouring strings; None if cut."""
    depth = 0
    in_string = escaped = False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return index + 1
    return None
