"""Collect a bundle on the failing machine: `sccache-forensics collect`, `collect.sh`, `collect.ps1`.

Evidence gathered by hand comes without its clock, its exit statuses or half of its files;
the collectors take the same captures everywhere, record how each went in `manifest.json`,
and redact secrets before anything is written. `collect.sh` and `collect.ps1` ship beside
this module for machines without Python and write the same layout (`layout.py`).
"""

from __future__ import annotations

from importlib import resources

SCRIPTS = {"sh": "collect.sh", "ps1": "collect.ps1"}


def script_text(kind: str) -> str:
    """The standalone collector script `kind` (`sh` or `ps1`), as shipped in the package."""
    return resources.files(__name__).joinpath(SCRIPTS[kind]).read_text(encoding="utf-8")
