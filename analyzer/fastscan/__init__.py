"""The fast path for big logs: find the lines that can matter at C speed, parse only those.

A debug server log of a large build runs to gigabytes, almost all of it one line per
compile that no signature and no rule cares about. Instead of decoding and parsing every
line, the fast path reads the member in chunks of whole lines, lets one hyperscan database
(every signature's regex, plus the parser's own needs: error/warning heads, client lines,
timeline events, facts) find candidate lines in one pass, and hands the parser only the
records around them: the candidate's whole record and the record before it (rules read
"the last activity before"), plus the member's last record (its end time). Everything else
is only counted. Once a signature or event has been seen often enough (`Scan.spent`), its
expressions leave the database, so a signature that fires on every compile stops costing.

It is taken only where it gives the same answer as the full parse: a parser that offers it
(`parse_numbered`, `scan_hints`), a text member in a bundle of `MIN_BYTES` or more (any
encoding: others are transcoded to UTF-8 in bulk), and hyperscan installed (on other
platforms every member takes the full path). Caps are the bundle's (`scan.MATCH_CAP`). `tests/test_fastscan.py`
checks that every sample gives the same report either way.
"""

from __future__ import annotations

from analyzer.fastscan.path import MIN_BYTES, FastPath, available, input_bytes

__all__ = ["MIN_BYTES", "FastPath", "available", "input_bytes"]
