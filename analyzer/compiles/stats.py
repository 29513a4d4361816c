"""sccache's own counters, from `stats after compile result: ServerStats { ... }`.

    compile_requests: 5, requests_not_cacheable: 4, cache_hits: PerLanguageCount { counts:
    {"Rust": 1}, adv_counts: {...} }, cache_misses: PerLanguageCount { ... }, ...,
    not_cached: {"missing input": 2, "crate-type": 1}, ...

The last such line of a log is the server's tally at its last miss: a check on the table's
counts (it does not see hits after that miss).
"""

from __future__ import annotations

import re

from analyzer.textnum import parse_uint

_SCALAR = re.compile(r"\b(?P<name>[a-z_]+): (?P<value>\d{1,18})(?=[,\s}])")
_PER_LANGUAGE = re.compile(r"\b(?P<name>[a-z_]+): PerLanguageCount \{ counts: \{(?P<body>[^}]*)\}")
_MAP = re.compile(r"\b(?P<name>not_cached|dist_compiles): \{(?P<body>[^}]*)\}")
_ENTRY = re.compile(r'"(?P<key>(?:[^"\\]|\\.)*)": (?P<value>\d{1,18})')
SCALARS = ("compile_requests", "requests_unsupported_compiler", "requests_not_compile",
           "requests_not_cacheable", "requests_executed", "cache_timeouts", "cache_read_errors",
           "non_cacheable_compilations", "forced_recaches", "cache_write_errors", "cache_writes",
           "compilations", "compile_fails", "dist_errors")


def parse_server_stats(body: str) -> dict:
    """The counters a reader needs, in a fixed order; what is absent stays out."""
    out: dict = {}
    nested = _PER_LANGUAGE.sub("", _MAP.sub("", body))
    scalars = {m["name"]: parse_uint(m["value"]) for m in _SCALAR.finditer(nested)}
    for name in SCALARS:
        if scalars.get(name) is not None:
            out[name] = scalars[name]
    for match in _PER_LANGUAGE.finditer(body):
        if match["name"] in ("cache_hits", "cache_misses", "cache_errors"):
            out[match["name"]] = _entries(match["body"])
    for match in _MAP.finditer(body):
        if match["name"] == "not_cached":
            out["not_cached"] = _entries(match["body"])
    return out


def _entries(body: str) -> dict[str, int]:
    return {m["key"]: parse_uint(m["value"]) or 0 for m in _ENTRY.finditer(body)}
