"""A one-line progress bar on a terminal's standard error; silent anywhere else."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 28
EVERY = 0.1  # seconds between redraws


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool | None = None):
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = _is_tty(self.stream) if enabled is None else enabled
        self.done = 0
        self.errors = 0
        self.started = time.monotonic()
        self._drawn = 0.0

    def update(self, error: bool = False) -> None:
        self.done += 1
        self.errors += bool(error)
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._drawn >= EVERY or self.done == self.total:
            self._drawn = now
            self._draw(now)

    def close(self) -> None:
        if self.enabled and self.total:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-6)
        share = self.done / self.total if self.total else 1.0
        filled = int(WIDTH * share)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        errors = f", {self.errors} errors" if self.errors else ""
        self.stream.write(f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {self.done}/{self.total} bundles"
                          f"{errors}  {rate:.0f}/s  ETA {left:.0f} s   ")
        self.stream.flush()


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
