"""The content hash of a bundle: what "already done" is keyed by.

A file hashes its bytes; a folder hashes, in sorted order, each regular file's relative path,
size and bytes (a member it cannot read, its path and the error), so renaming, moving or editing any member changes the hash and touching
timestamps does not. Files are streamed in 1 MiB blocks; symbolic links are hashed as the
link text (the bundle reader does not follow them either).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

BLOCK = 1 << 20


def content_hash(path: str | Path) -> str:
    """`sha256:<hex>` of a bundle file or folder. Raises OSError when it cannot be read."""
    path = Path(path)
    digest = hashlib.sha256()
    if path.is_dir():
        digest.update(b"folder\0")
        for relative, full in _walk(path):
            if full.is_symlink():
                digest.update(f"link\0{relative}\0{os.readlink(full)}\0".encode("utf-8", "surrogateescape"))
                continue
            if not full.is_file():
                digest.update(f"special\0{relative}\0".encode("utf-8", "surrogateescape"))
                continue
            try:  # one unreadable member is the analysis's problem to report, not a failed bundle
                digest.update(f"file\0{relative}\0{full.stat().st_size}\0".encode("utf-8", "surrogateescape"))
                _feed(digest, full)
            except OSError as error:
                digest.update(f"unreadable\0{relative}\0{error.errno}\0".encode("utf-8", "surrogateescape"))
    elif path.is_file():
        digest.update(b"file\0")
        _feed(digest, path)
    elif path.exists():
        raise OSError(f"not a regular file or folder: {path}")
    else:
        raise FileNotFoundError(f"no such file or folder: {path}")
    return f"sha256:{digest.hexdigest()}"


def _walk(root: Path):
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        base = Path(folder)
        # linked folders are listed in dirs but not entered: hash them as links
        names = sorted(files + [d for d in dirs if (base / d).is_symlink()])
        for name in names:
            full = base / name
            yield full.relative_to(root).as_posix(), full


def _feed(digest, path: Path) -> None:
    with open(path, "rb") as stream:
        while block := stream.read(BLOCK):
            digest.update(block)
