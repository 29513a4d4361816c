"""`manifest.json`: what was captured, by which command, how it went, and when.

The shape is the one `analyzer/parsers/manifest.py` reads. The capture time is UTC and the
local UTC offset is recorded beside it, so local times in other captures (a `ps` start time,
a transcript) can be put on the same clock as sccache's UTC log. Optional entry keys:
`origin` (the file a copy came from), `note`, and `bytes` (null when nothing was written).
"""

from __future__ import annotations

import json
import socket
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from analyzer import TOOL_NAME, __version__
from analyzer.timefmt import format_utc


@dataclass
class Entry:
    path: str
    command: str | None
    exit_status: int | None
    duration_ms: int
    error: str | None = None
    origin: str | None = None
    note: str | None = None
    bytes: int | None = None

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("origin", "note"):
            if data[key] is None:
                del data[key]
        return data


def system() -> str:
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


def clock() -> tuple[str, int]:
    """(capture time in UTC, local offset from UTC in minutes, east positive)."""
    now = datetime.now(UTC)
    offset = now.astimezone().utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    return format_utc(now), minutes


def document(*, host: str, os_name: str, label: str | None, captured_at: str, utc_offset_minutes: int,
             entries: list[Entry], redactions: dict | None) -> dict:
    return {
        "tool": {"name": TOOL_NAME, "version": __version__},
        "collector": "python",
        "host": host,
        "os": os_name,
        "label": label,
        "captured_at": captured_at,
        "utc_offset_minutes": utc_offset_minutes,
        "files": [entry.to_json() for entry in entries],
        "redactions": redactions,
    }


def encode(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def hostname() -> str:
    return socket.gethostname() or "unknown-host"
