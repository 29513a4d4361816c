"""`--format json`: the report dict as stable, indented JSON (keys in contract order)."""

from __future__ import annotations

import orjson


def render(report: dict) -> bytes:
    return orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n"
