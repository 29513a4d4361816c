"""cargo's rustc probe cache, `target/.rustc_info.json`.

    {"rustc_fingerprint":15745918312908927908,"outputs":{"5943945236582902497":{"success":false,
     "status":"exit status: 2","code":2,"stdout":"","stderr":"sccache: error: Timed out ..."}},"successes":{}}

cargo replays a stored `"success": false` probe without running the wrapper again, so a
failed entry here explains an error that persists after the wrapper was fixed. The file is
small: it is read whole; when it is cut or damaged, every complete `"<key>": {...}` entry is
still recovered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from analyzer.parsers import Item, register
from analyzer.parsers._json import invalid_json, line_at, object_end
from analyzer.records import Fact, Problem, Record, fields
from analyzer.textnum import parse_uint

KIND = "rustc-info"
MAX_CHARS = 16 * 1024 * 1024

# "5943945236582902497":{   (an outputs entry: a u64 key and an object)
ENTRY_START = re.compile(r'"(?P<key>\d+)"\s*:\s*\{')
# "rustc_fingerprint":15745918312908927908
FINGERPRINT = re.compile(r'"rustc_fingerprint"\s*:\s*(?P<value>\d+)')

# `release: 1.95.0`, `host: x86_64-unknown-linux-gnu` in a `rustc -vV` stdout
VERSION_LINE = re.compile(r"^(?P<name>release|host): (?P<value>\S+)\s*$", re.M)


@register
class RustcInfoParser:
    kind = KIND

    def sniff(self, head: str, name: str) -> float:
        start = head.lstrip()
        if not start.startswith("{"):
            return 0.0
        if '"rustc_fingerprint"' in head:
            return 0.95
        if '"outputs"' in head and '"success"' in head and '"stderr"' in head:
            return 0.75
        return 0.2 if name == ".rustc_info.json" else 0.0

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]:
        text = _read(lines)
        if len(text) > MAX_CHARS:
            yield Problem(source, None, f"rustc info file larger than {MAX_CHARS} characters: only its head was read")
            text = text[:MAX_CHARS]
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError as error:
            yield invalid_json(error, source, text)
            yield from _recover(text, source)
            return
        if not isinstance(data, dict) or not isinstance(data.get("outputs"), dict):
            yield Problem(source, 1, "not a rustc info cache: no `outputs` object")
            return
        fingerprint = _u64(data.get("rustc_fingerprint"))
        if fingerprint is not None:
            yield Fact("rustc_fingerprint", fingerprint, source, _line_of(text, "rustc_fingerprint"))
        for key, entry in data["outputs"].items():
            if isinstance(entry, dict):
                yield from _entry(text, source, str(key), entry)
            else:
                yield Problem(source, _line_of(text, str(key)), f"outputs entry {key} is not an object")


def _u64(value) -> int | None:
    """A fingerprint as rustc writes it (a u64), else None: a damaged file may hold any digits."""
    if isinstance(value, str):
        value = parse_uint(value, max_digits=20)  # 2**64 has 20 digits
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value < 2**64 else None


def _read(lines: Iterable[str]) -> str:
    """Join lines up to the size cap (one past it, so the caller can tell)."""
    parts: list[str] = []
    size = 0
    for line in lines:
        parts.append(line)
        size += len(line) + 1
        if size > MAX_CHARS:
            break
    return "\n".join(parts)


def _recover(text: str, source: str) -> Iterator[Item]:
    """Yield the facts and entries that are complete in a damaged file."""
    found = FINGERPRINT.search(text)
    fingerprint = _u64(found["value"]) if found else None
    if found is not None and fingerprint is not None:
        yield Fact("rustc_fingerprint", fingerprint, source, line_at(text, found.start()))
    for match in ENTRY_START.finditer(text):
        end = object_end(text, match.end() - 1)
        if end is None:
            continue
        try:
            entry = orjson.loads(text[match.end() - 1:end])
        except orjson.JSONDecodeError:
            continue
        if isinstance(entry, dict) and "success" in entry:
            yield from _entry(text, source, match["key"], entry)


def _entry(text: str, source: str, key: str, entry: dict[str, Any]) -> Iterator[Item]:
    success = entry.get("success") is True
    status = _str(entry.get("status"))
    stdout, stderr = _str(entry.get("stdout")), _str(entry.get("stderr"))
    probe = _probe_kind(stdout)
    summary = f"cached rustc probe {key}" + (f" ({probe})" if probe else "")
    summary += ": success" if success else f": failure ({status or 'no status'})"
    body = "\n".join(part for part in (summary, stderr.rstrip("\n")) if part)
    line, end_line = _span(text, key)
    yield Record(source, KIND, line, body, level=None if success else "ERROR", end_line=end_line,
                 event=None if success else "probe-cached-failure",
                 fields=fields(key=key, success="true" if success else "false", status=status,
                               code=entry.get("code"), stdout=stdout, stderr=stderr, probe=probe))
    if success and probe == "version":
        for found in VERSION_LINE.finditer(stdout):
            name = "rustc_version" if found["name"] == "release" else "rustc_host"
            yield Fact(name, found["value"], source, line)


def _probe_kind(stdout: str) -> str | None:
    """Which probe produced an output: `rustc -vV` or the target-info `--print` probe."""
    if stdout.startswith("rustc ") and "\nrelease: " in stdout:
        return "version"
    if stdout.startswith("___\n") or "\n___\n" in stdout:
        return "target-info"
    return None


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _span(text: str, key: str) -> tuple[int, int]:
    """First and last line of the `"key": {...}` entry in the file."""
    match = re.search(rf'"{re.escape(key)}"\s*:\s*\{{', text)
    if match is None:
        return 1, 1
    end = object_end(text, match.end() - 1) or len(text)
    return line_at(text, match.start()), line_at(text, end - 1)


def _line_of(text: str, key: str) -> int | None:
    at = text.find(f'"{key}"')
    return line_at(text, at) if at >= 0 else None
