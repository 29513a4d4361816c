"""What an earlier run into the same OUTDIR did: `OUTDIR/index.json`.

For each bundle id: its content hash, its row and masked unexplained lines, and whether the
result is final. A re-run hands each bundle's recorded hash to the worker, which hashes the
bundle again and skips the analysis when nothing changed. Results are reused only when the
analysis itself is unchanged: the index records a fingerprint of the tool (its version and
source), the pattern files and the settings, and a different fingerprint redoes every bundle.
Timeouts and crashes are not final: the next run tries them again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson

import analyzer
from analyzer.outfile import write_atomic
from analyzer.patterns import builtin_dir

INDEX = "index.json"
FORMAT = 2  # 2: an unexplained line is (level, masked, text)
SOURCE_SUFFIXES = (".py", ".toml", ".json", ".j2")


def fingerprint(pattern_dirs: tuple[str, ...], redact: bool) -> str:
    """Changes whenever the same bundle could be analyzed differently."""
    digest = hashlib.sha256(f"{analyzer.__version__}\0redact={redact}\0".encode())
    package = Path(analyzer.__file__).resolve().parent
    for root in (package, builtin_dir(), *map(Path, pattern_dirs)):
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in SOURCE_SUFFIXES
                           and "__pycache__" not in p.parts):
            digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def load(outdir: Path, expected: str) -> dict[str, dict[str, Any]]:
    """The reusable entries of the index, by bundle id ({} when absent, damaged or from another analysis)."""
    try:
        data = orjson.loads((outdir / INDEX).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("fingerprint") != expected:
        return {}
    bundles = data.get("bundles")
    return bundles if isinstance(bundles, dict) else {}


def reusable(entry: dict[str, Any] | None, outdir: Path) -> str | None:
    """The hash to hand the worker for skipping, or None when the bundle must be analyzed."""
    if not entry or not entry.get("final") or not entry.get("hash"):
        return None
    row = entry.get("row") or {}
    if row.get("report") and not (outdir / row["report"]).is_file():
        return None
    return entry["hash"]


def save(outdir: Path, expected: str, entries: dict[str, dict[str, Any]]) -> None:
    data = {"format": FORMAT, "fingerprint": expected, "bundles": dict(sorted(entries.items()))}
    write_atomic(outdir / INDEX, orjson.dumps(data))
