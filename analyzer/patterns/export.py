"""What the scanner's prefilter looks for, exported for tools outside the package.

`scan_literals(library)` is the list behind `sccache-forensics patterns literals`: the plain
strings a line must contain before any regex is tried. The benchmarks hand it to
`grep -c -F -f` so grep and `analyze` look for the same things.
"""

from __future__ import annotations

from analyzer.patterns.library import Library


def scan_literals(library: Library) -> list[str]:
    """The prefilter literals of `library`: sorted, unique, none empty."""
    return sorted({literal for literal in library.literals() if literal})
