"""The one file the collector writes: a zip, built under a temporary name and renamed at
the end, so a collection cut short never leaves a bundle that looks complete."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path


class ZipOutput:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self._zip = zipfile.ZipFile(self.partial, "w", compression=zipfile.ZIP_DEFLATED)
        self.names: list[str] = []

    def add(self, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, data)
        self.names.append(name)

    def close(self) -> int:
        """Finish the zip, put it in place, return its size in bytes."""
        self._zip.close()
        os.replace(self.partial, self.path)
        return self.path.stat().st_size

    def abort(self) -> None:
        try:
            self._zip.close()
        finally:
            self.partial.unlink(missing_ok=True)
