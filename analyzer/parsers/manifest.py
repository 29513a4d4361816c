"""The collector's `manifest.json`: what was captured, where, when, and how each capture went.

    {"tool": {"name": "sccache-forensics", "version": "0.1.0"}, "host": "ci-win-07", "os": "windows",
     "label": "nightly", "captured_at": "2026-11-21T05:23:31Z", "utc_offset_minutes": 480,
     "files": [{"path": "cargo-check.txt", "command": "cargo check", "exit_status": 101,
                "duration_ms": 12000, "error": null}]}

One record per `files` entry; facts for the host and the capture time, so local times in
other artifacts can be placed on the UTC timeline. A damaged file still yields every
complete `files` entry. Optional entry keys written by `sccache-forensics collect`: `origin`
(the file a copy came from), `note`, and `bytes` (null when nothing was written, e.g. a tool
that was not found or a config file that does not exist).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from analyzer import TOOL_NAME
from analyzer.parsers import Item, register
from analyzer.parsers._json import invalid_json, line_at, object_end
from analyzer.records import Fact, Problem, Record, fields

KIND = "manifest"

MAX_CHARS = 4 * 1024 * 1024
FACT_KEYS = ("host", "os", "captured_at", "utc_offset_minutes", "label")

# {"path": "cargo-check.txt", ...   (the start of a files entry)
FILE_ENTRY = re.compile(r'\{\s*"path"\s*:')
# "host": "ci-win-07"  /  "utc_offset_minutes": 480
TOP_VALUE = re.compile(r'"(?P<key>host|os|captured_at|label|utc_offset_minutes)"\s*:\s*(?P<value>"(?:\\.|[^"\\])*"|-?\d+)')


@register
class ManifestParser:
    kind = KIND

    def sniff(self, head: str, name: str) -> float:
        if not head.lstrip().startswith("{"):
            return 0.0
        if f'"{TOOL_NAME}"' in head and '"tool"' in head:
            return 0.95
        if '"files"' in head and '"captured_at"' in head:
            return 0.9
        return 0.2 if name == "manifest.json" else 0.0

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]:
        text = "\n".join(_capped(lines))
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError as error:
            yield invalid_json(error, source, text)
            yield from _recover(text, source)
            return
        if not isinstance(data, dict):
            yield Problem(source, 1, "manifest is not a JSON object")
            return
        for key in FACT_KEYS:
            if data.get(key) is not None:
                yield Fact(key, data[key], source, line_at(text, text.find(f'"{key}"')))
        files = data.get("files")
        if not isinstance(files, list):
            yield Problem(source, None, "manifest has no `files` list")
            return
        starts = [m.start() for m in FILE_ENTRY.finditer(text)]
        for index, entry in enumerate(files):
            offset = starts[index] if index < len(starts) else 0
            if isinstance(entry, dict):
                yield _record(text, source, entry, offset)
            else:
                yield Problem(source, line_at(text, offset), f"files entry {index} is not an object")


def _capped(lines: Iterable[str]) -> Iterator[str]:
    size = 0
    for line in lines:
        size += len(line) + 1
        if size > MAX_CHARS:
            return
        yield line


def _recover(text: str, source: str) -> Iterator[Item]:
    for match in TOP_VALUE.finditer(text):
        try:
            value = orjson.loads(match["value"])
        except orjson.JSONDecodeError:
            continue
        yield Fact(match["key"], value, source, line_at(text, match.start()))
    for match in FILE_ENTRY.finditer(text):
        end = object_end(text, match.start())
        if end is None:
            continue
        try:
            entry = orjson.loads(text[match.start():end])
        except orjson.JSONDecodeError:
            continue
        if isinstance(entry, dict):
            yield _record(text, source, entry, match.start())


def _record(text: str, source: str, entry: dict[str, Any], offset: int) -> Record:
    path = str(entry.get("path", ""))
    status, error = entry.get("exit_status"), entry.get("error")
    written = entry.get("bytes", 0) is not None  # manifests without `bytes` list written files only
    summary = f"captured {path}" if written else f"nothing captured for {path}"
    if entry.get("command"):
        summary += f" from `{entry['command']}`"
    elif entry.get("origin"):
        summary += f" from {entry['origin']}"
    if status is not None:
        summary += f" (exit status {status})"
    if error:
        summary += f": {error}"
    elif entry.get("note") and not written:
        summary += f": {entry['note']}"
    end = object_end(text, offset) if text[offset:offset + 1] == "{" else None
    return Record(source, KIND, line_at(text, offset), summary, level="ERROR" if error else None,
                  target="collector", end_line=line_at(text, (end or offset + 1) - 1),
                  fields=fields(path=path, command=entry.get("command"), exit_status=status,
                                duration_ms=entry.get("duration_ms"), error=error,
                                origin=entry.get("origin"), note=entry.get("note"),
                                bytes=entry.get("bytes")))

