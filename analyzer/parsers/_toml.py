"""Shared reading of TOML settings files (sccache config, `.cargo/config.toml`).

    [cache.s3]
    bucket = "ci-cache"          ->  Record(key="cache.s3.bucket", value="ci-cache", text='cache.s3.bucket = "ci-cache"')

Each leaf key becomes one record, numbered by the line that defines it. The file is parsed
with tomllib; a line scanner finds the defining lines and, when the file is not valid TOML,
still yields every `key = value` it can read, under the table it belongs to.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from analyzer.parsers import Item
from analyzer.records import Problem, Record, fields

MAX_CHARS = 4 * 1024 * 1024
# tomllib takes time quadratic in the parts of a dotted key (`a.b.c…`): 1 MiB of `0.0.0.` costs
# two minutes. No real settings line holds this many dots; such a file is read line by line.
MAX_DOTS = 256

# `[cache.s3]`, `[[bin]]`, `[target.'cfg(windows)']`
TABLE = re.compile(r"^\s*\[\[?\s*(?P<name>[^\[\]#]+?)\s*\]\]?\s*(?:#.*)?$")
# `rustc-wrapper = "sccache"`, `"quoted.key" = 1`, `cache.disk.dir = "/x"`
ASSIGNMENT = re.compile(r"""^\s*(?P<key>(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=\s*(?P<value>.*)$""")
# tomllib: "Expected '=' after a key in a key/value pair (at line 3, column 7)"
TOML_POSITION = re.compile(r"\(at line (?P<line>\d+), column \d+\)")
# one dotted-key part: bare, "double" or 'single' quoted
KEY_PART = re.compile(r"""\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[A-Za-z0-9_-]+))\s*""")


@dataclass(frozen=True)
class Assignment:
    """A `key = value` as written: full dotted path, raw value text, and its lines."""

    path: tuple[str, ...]
    raw: str
    line: int
    end_line: int


def read_text(lines: Iterable[str]) -> tuple[list[str], bool]:
    """Collect the lines of a settings file up to the size cap; True when cut."""
    kept: list[str] = []
    size = 0
    for line in lines:
        size += len(line) + 1
        if size > MAX_CHARS:
            return kept, True
        kept.append(line)
    return kept, False


def split_key(key: str) -> tuple[str, ...]:
    parts = []
    for piece in re.finditer(r"""(?:"[^"]*"|'[^']*'|[^.])+""", key):
        part = KEY_PART.fullmatch(piece.group(0))
        if part is None:
            parts.append(piece.group(0).strip())
        else:
            parts.append(next(v for v in (part["dq"], part["sq"], part["bare"]) if v is not None))
    return tuple(parts)


def scan(lines: list[str]) -> list[Assignment]:
    """Find every `key = value` line with the table it sits in (multi-line values included)."""
    found: list[Assignment] = []
    table: tuple[str, ...] = ()
    index = 0
    while index < len(lines):
        line = lines[index]
        header = TABLE.match(line)
        equals = line.find("=")
        if header or line.count(".", 0, equals if equals >= 0 else len(line)) > MAX_DOTS:
            assignment = None  # (a key of that many parts is nobody's: `re` would keep a frame per part)
        else:
            assignment = ASSIGNMENT.match(line)
        if header:
            table = split_key(header["name"])
        elif assignment:
            raw, last = _value_extent(lines, index, assignment["value"])
            found.append(Assignment(table + split_key(assignment["key"]), raw, index + 1, last + 1))
            index = last
        index += 1
    return found


def _value_extent(lines: list[str], index: int, value: str) -> tuple[str, int]:
    """The raw value, continued over following lines while a string, array or table is open.
    Each line is looked at once: an array left open for a million lines costs a million steps."""
    extent = _Extent()
    extent.add(value)
    pieces, last = [value], index
    while last + 1 < len(lines) and extent.open():
        last += 1
        pieces.append(lines[last])
        extent.add(lines[last])
    return "\n".join(pieces).strip(), last


# a "basic" or 'literal' string on one line, whose brackets and `#` are not syntax
STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'[^\']*\'')


class _Extent:
    """What is still open at the end of the lines added so far: a multi-line string, or
    brackets (comments and one-line strings left out, line by line)."""

    def __init__(self) -> None:
        self.basic = self.literal = 0  # `"""` and `'''` seen
        self.square = self.curly = 0

    def add(self, line: str) -> None:
        self.basic += line.count('"""')
        self.literal += line.count("'''")
        if self.basic % 2 or self.literal % 2:
            return  # inside a multi-line string: its text is not syntax
        text = STRING.sub("", line).split("#", 1)[0]
        self.square += text.count("[") - text.count("]")
        self.curly += text.count("{") - text.count("}")

    def open(self) -> bool:
        return bool(self.basic % 2 or self.literal % 2) or self.square > 0 or self.curly > 0


def flatten(data: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Leaf values of a parsed document; arrays of tables are indexed (`bin.0.name`)."""
    if isinstance(data, dict):
        if not data and prefix:
            yield prefix, {}
        for key, value in data.items():
            yield from flatten(value, prefix + (str(key),))
    elif isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        for number, item in enumerate(data):
            yield from flatten(item, prefix + (str(number),))
    else:
        yield prefix, data


def show(value: Any) -> str:
    """The `value` field: strings as they are, everything else JSON-ish."""
    if isinstance(value, str):
        return value
    return json.dumps(value, default=_plain, ensure_ascii=False)


def _plain(value: Any) -> str:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


def dotted(path: tuple[str, ...]) -> str:
    return ".".join(path)


def settings(lines: Iterable[str], source: str, kind: str) -> Iterator[Item | tuple[str, Any]]:
    """Yield one Record per leaf key, Problems, and `(dotted key, value)` pairs for facts."""
    kept, cut = read_text(lines)
    if cut:
        yield Problem(source, len(kept), f"settings file larger than {MAX_CHARS} characters: only its head was read")
    assignments = scan(kept)
    dotty = next((n for n, line in enumerate(kept, 1) if line.count(".") > MAX_DOTS), None)
    if dotty is not None:
        yield Problem(source, dotty, f"more than {MAX_DOTS} dots on one line: not TOML a parser should spend "
                                     "time on; read line by line")
        yield from _fallback(assignments, source, kind)
        return
    try:
        document = tomllib.loads("\n".join(kept))
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        position = TOML_POSITION.search(str(error))
        reason = str(error) if isinstance(error, tomllib.TOMLDecodeError) else "nested too deep"
        yield Problem(source, int(position["line"]) if position else None, f"invalid TOML: {reason}; read line by line")
        yield from _fallback(assignments, source, kind)
        return
    lines_of = {a.path: a for a in assignments}
    for path, value in flatten(document):
        key = dotted(path)
        where = _defining(path, lines_of)
        line, end = (where.line, where.end_line) if where else (1, 1)
        yield _record(source, kind, key, value, line, end)
        yield key, value


def _defining(path: tuple[str, ...], lines_of: dict[tuple[str, ...], Assignment]) -> Assignment | None:
    """The assignment that defines a key, or the inline table / array that contains it."""
    for size in range(len(path), 0, -1):
        if path[:size] in lines_of:
            return lines_of[path[:size]]
    return None


def _fallback(assignments: list[Assignment], source: str, kind: str) -> Iterator[Item | tuple[str, Any]]:
    for assignment in assignments:
        value = _value_of(assignment.raw)
        key = dotted(assignment.path)
        yield _record(source, kind, key, value, assignment.line, assignment.end_line)
        yield key, value


def _value_of(raw: str) -> Any:
    """A raw value parsed on its own when it can be, else its text."""
    try:
        if raw.count(".") <= MAX_DOTS:
            return tomllib.loads(f"v = {raw}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        pass
    return raw.split(" #", 1)[0].strip().strip("\"'")


def _record(source: str, kind: str, key: str, value: Any, line: int, end_line: int) -> Record:
    text_value = json.dumps(value, default=_plain, ensure_ascii=False)
    return Record(source, kind, line, f"{key} = {text_value}", end_line=end_line,
                  fields=fields(key=key, value=show(value)))


def toml_shape(head: str) -> bool:
    """True when the head reads like TOML: table headers or `key = value` lines, nothing else."""
    meaningful = [line for line in head.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not meaningful:
        return False
    shaped = sum(1 for line in meaningful if TABLE.match(line) or ASSIGNMENT.match(line))
    return shaped / len(meaningful) >= 0.6
