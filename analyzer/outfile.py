"""The one way this tool writes a file: into a new temporary file beside the target, renamed
over it only when complete.

A new file (never an existing one, never through a link at the target), with the umask's
permissions, and nothing left behind when writing fails or is interrupted: a report or a
bundle cut short must not look complete.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


class AtomicFile:
    """`file` is open for writing (and seeking, as zipfile wants); `commit()` puts it in place,
    `discard()` removes it. Creating one raises OSError when the folder is not writable."""

    def __init__(self, path: Path) -> None:
        self.path = path
        handle, self._name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.file = os.fdopen(handle, "w+b")

    def commit(self) -> None:
        try:
            self.file.close()
            os.chmod(self._name, 0o666 & ~_umask())
            os.replace(self._name, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.file.close()
        with contextlib.suppress(OSError):
            os.unlink(self._name)


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A file to write `path`'s new content into: put in place when the block ends, removed
    when it raises."""
    target = AtomicFile(path)
    try:
        yield target.file
    except BaseException:
        target.discard()
        raise
    target.commit()


def write_atomic(path: Path, data: bytes) -> None:
    with replacing(path) as file:
        file.write(data)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
