"""What the scanner's prefilter looks for, exported for tools outside the package.

`scan_literals(library)` is the list behind `sccache-forensics patterns literals`: the plain
strings a line must contain before any regex is tried. The benchmarks hand it to
`grep -c -F -f` so grep and `analyze` look for the same things.
"""

from __future__ import annotations

from analyzer.patterns.library import Library


def scan_literals(library: Library, kind: str | None = None) -> list[str]:
    """The prefilter literals of `library` (of the signatures that apply to `kind`, if given):
    sorted, unique, none empty. Scanning a sccache log only looks for the sccache-log ones."""
    if kind is None:
        return sorted({literal for literal in library.literals() if literal})
    return sorted({block.prefilter for pattern in library.patterns if kind in pattern.applies_to
                   for block in pattern.blocks if block.prefilter})
