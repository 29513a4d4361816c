"""The one file the collector writes: a zip, built in a new temporary file beside the target
and renamed at the end (analyzer/outfile.py), so a collection cut short never leaves a bundle
that looks complete, and nothing is written through a link."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

from analyzer.outfile import AtomicFile


class ZipOutput:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._target = AtomicFile(path)
        self._zip = zipfile.ZipFile(self._target.file, "w", compression=zipfile.ZIP_DEFLATED)

    def add(self, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, data)

    def close(self) -> int:
        """Finish the zip, put it in place, return its size in bytes."""
        self._zip.close()
        self._target.commit()
        return self.path.stat().st_size

    def abort(self) -> None:
        try:
            self._zip.close()
        finally:
            self._target.discard()
