"""The loaded pattern library, kept on disk between runs, with its regexes compiled on first use.

Loading the library reads ~45 TOML files, validates each and compiles ~115 regexes with the
`regex` module (whose parser is Python): about half of `analyze`'s fixed cost on a small
bundle. The loaded patterns are pickled once under the user's cache folder and read back by the
next run; on the way out every compiled `regex` pattern becomes a `LazyRegex` (its source and
flags), compiled only when something searches with it, so a run compiles only the regexes whose
prefilter literal occurs.

The cache is keyed by a hash of everything the result depends on: the content and names of
every file in the pattern folders, the source of `analyzer/patterns/`, this module's format and
the Python and `regex` versions; a changed file is a new key, never a stale library. It is
only written for a library that loaded without errors, only read from a folder owned by this
user and writable by nobody else, and any problem reading it means loading afresh.
`SCCACHE_FORENSICS_CACHE=off` turns it off; `SCCACHE_FORENSICS_CACHE=<dir>` moves it.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import regex

FORMAT = 1
ENV = "SCCACHE_FORENSICS_CACHE"
_REGEX_TYPE = type(regex.compile(""))


class LazyRegex:
    """A `regex` pattern compiled on first use; `pattern` and `flags` are there before that."""

    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled = None

    def compiled(self):
        if self._compiled is None:
            self._compiled = regex.compile(self.pattern, self.flags)
        return self._compiled

    def __getattr__(self, name: str):  # search, match, sub, finditer, groupindex, ...
        return getattr(self.compiled(), name)

    def __reduce__(self):
        return (LazyRegex, (self.pattern, self.flags))

    def __repr__(self) -> str:
        return f"LazyRegex({self.pattern!r}, {self.flags})"


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, _REGEX_TYPE):
            return (LazyRegex, (obj.pattern, obj.flags))
        return NotImplemented


def cache_dir() -> Path | None:
    setting = os.environ.get(ENV, "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sccache-forensics"


def key(folders: Iterable[Path]) -> str:
    """Hash of every input the loaded library depends on."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{regex.__version__}\0".encode())
    code = Path(__file__).resolve().parent / "patterns"
    for folder in (code, *folders):
        digest.update(f"\0folder\0{folder}\0".encode())
        for path in sorted(_files(Path(folder))):
            digest.update(f"{path.relative_to(folder)}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]


def load(folders: Iterable[Path], build: Callable[[], Any], ok: Callable[[Any], bool]) -> Any:
    """The library `build()` makes from `folders`: from the cache when its key is there and
    `ok(found)` holds, else built, and stored when `ok(library)` (a library with errors is never
    stored)."""
    where = cache_dir()
    folders = [Path(f) for f in folders]
    place = hashlib.sha256("\0".join(str(f.resolve()) for f in folders).encode()).hexdigest()[:12]
    try:
        path = where / f"patterns-{place}-{key(folders)}.pickle" if where else None
    except OSError:
        path = None
    if path is not None:
        found = _read(path)
        if found is not None and ok(found):  # what an older build of the tool stored is not trusted
            return found
    library = build()
    if path is not None and ok(library):
        _write(path, library)
    return library


def _safe_folder(folder: Path) -> bool:
    """Ours and not writable by others: nobody else can put a pickle there."""
    try:
        info = folder.stat()
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISDIR(info.st_mode) and owner_ok and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: Path):
    if not _safe_folder(path.parent):
        return None
    try:
        with open(path, "rb") as stream:
            return pickle.load(stream)
    except Exception:  # missing, truncated, from another version: build afresh
        return None


def _write(path: Path, library) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _safe_folder(path.parent):
            return
        buffer = io.BytesIO()
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(library)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".patterns-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(buffer.getvalue())
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
        stem = path.name.rsplit("-", 1)[0]  # earlier versions of the same folders' library
        for stale in path.parent.glob(f"{stem}-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except Exception:  # a read-only home, a full disk, an unpicklable finder: no cache, same result
        return


def read_blob(name: str) -> bytes | None:
    """Bytes stored under `name` by `write_blob` (other compiled things: hyperscan databases),
    with the same folder checks as the library."""
    where = cache_dir()
    if where is None or not _safe_folder(where):
        return None
    try:
        return (where / name).read_bytes()
    except OSError:
        return None


def write_blob(name: str, data: bytes, keep: int = 64) -> None:
    """Store `data` under `name` atomically; of the files sharing its prefix (up to the first
    `-`) only the newest `keep` stay."""
    where = cache_dir()
    if where is None:
        return
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _safe_folder(where):
            return
        fd, temp = tempfile.mkstemp(dir=where, prefix=".blob-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
            os.replace(temp, where / name)
        except BaseException:
            os.unlink(temp)
            raise
        siblings = sorted(where.glob(name.split("-", 1)[0] + "-*"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in siblings[keep:]:
            stale.unlink(missing_ok=True)
    except OSError:
        return
