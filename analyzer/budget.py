"""What one walk over a bundle may spend: bytes, entries, nesting, compression ratio and time.

Every limit is enforced on what is actually read, never on what an archive header declares,
and every one that bites becomes a `Problem` (the member is cut, or the rest of the bundle is
not read), never an exception. `analyzer/bundle.py` walks; this module keeps the accounts.

The time limit comes from `Limits.max_seconds`, else from the environment variable
`SCCACHE_FORENSICS_TIME_LIMIT` (seconds), else `DEFAULT_SECONDS`. It is the one limit whose
effect depends on the machine's speed, so it is set far above what real bundles need.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from time import monotonic
from typing import BinaryIO

from analyzer.records import Problem

TIME_LIMIT_ENV = "SCCACHE_FORENSICS_TIME_LIMIT"
DEFAULT_SECONDS = 600.0


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile bundle from exhausting the machine.

    `max_ratio`: decompressed bytes read may not exceed this many times the input's own bytes
    (files on disk, bytes from standard input) once `ratio_free_bytes` have been read; this is
    what stops a zip bomb long before the byte limits, whatever sizes its headers declare.
    `max_header_bytes`: a tar extended header (pax, GNU long name) larger than this is refused
    instead of being held in memory.
    """

    max_member_bytes: int = 4 * 1024**3
    max_total_bytes: int = 16 * 1024**3
    max_members: int = 20_000
    max_depth: int = 4
    max_nested_archive_bytes: int = 512 * 1024**2
    max_ratio: int = 200
    ratio_free_bytes: int = 128 * 1024**2
    max_header_bytes: int = 1024**2
    max_seconds: float | None = None

    def seconds(self) -> float:
        """The time limit in force: `max_seconds`, else $SCCACHE_FORENSICS_TIME_LIMIT, else the default."""
        if self.max_seconds is not None:
            return self.max_seconds
        try:
            value = float(os.environ.get(TIME_LIMIT_ENV, ""))
        except ValueError:
            return DEFAULT_SECONDS
        return value if value > 0 else DEFAULT_SECONDS


DEFAULT_LIMITS = Limits()


@dataclass
class Member:
    """One file of a bundle. Call `open()` once, while the bundle iterator sits on it.

    `problems` collects what went wrong while its bytes were read (truncation at a limit).
    """

    path: str
    size: int | None
    open: Callable[[], BinaryIO]
    problems: list[Problem] = field(default_factory=list)


@dataclass
class WalkState:
    limits: Limits
    problems: list[Problem] = field(default_factory=list)
    total_bytes: int = 0
    input_bytes: int = 0
    entries: int = 0
    stopped: bool = False
    clock: Callable[[], float] | None = None  # monotonic seconds; tests pass their own
    deadline: float = 0.0

    def __post_init__(self) -> None:
        self.deadline = self.now() + self.limits.seconds()

    def now(self) -> float:
        return (self.clock or monotonic)()

    def problem(self, source: str, reason: str) -> None:
        self.problems.append(Problem(source, None, reason))

    def admit(self, source: str) -> bool:
        """Count one entry of the bundle; False (once with a problem) past a limit."""
        if self.over_budget(source):
            return False
        self.entries += 1
        if self.entries > self.limits.max_members:
            self.stop(source, f"more than {self.limits.max_members} members (member count limit); the rest is not read")
            return False
        return True

    def over_budget(self, source: str) -> str | None:
        """The name of the time or ratio limit just passed (and stop the walk), else None."""
        if self.stopped:
            return "stopped"
        limits = self.limits
        if self.now() > self.deadline:
            self.stop(source, f"the analysis reached its time limit of {limits.seconds():g} s "
                              f"(${TIME_LIMIT_ENV}); the rest is not read")
            return "time limit"
        if self.total_bytes > limits.ratio_free_bytes and self.total_bytes > limits.max_ratio * self.input_bytes:
            self.stop(source, f"the bundle decompresses to more than {limits.max_ratio} times its "
                              f"{self.input_bytes} input bytes (compression ratio limit); the rest is not read")
            return "compression ratio limit"
        return None

    def stop(self, source: str, reason: str) -> None:
        if not self.stopped:
            self.stopped = True
            self.problem(source, reason)

    def stop_at_total(self, source: str) -> None:
        """The decompressed bytes of the whole bundle reached `max_total_bytes`."""
        self.stop(source, f"the bundle reached the total limit of {self.limits.max_total_bytes} "
                          "decompressed bytes; the rest is not read")


class BoundedReader(io.RawIOBase):
    """Counts the bytes of one member into the bundle total and stops at the member's share,
    or as soon as the walk's time or compression ratio budget is spent."""

    def __init__(self, raw: BinaryIO, member: Member, state: WalkState, declared: int | None = None,
                 owns: bool = False):
        self._raw, self._member, self._state, self._owns = raw, member, state, owns
        # Read straight into the caller's buffer where the stream can (files, tar members);
        # else one read and one copy (zip members, decompressed streams).
        self._readinto = getattr(raw, "readinto", None)
        limits = state.limits
        self._total_binds = limits.max_total_bytes - state.total_bytes < limits.max_member_bytes
        self._left = max(0, min(limits.max_member_bytes, limits.max_total_bytes - state.total_bytes))
        self._limit, self._declared, self._done = self._left, declared, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._done:
            return 0
        if self._left <= 0:
            self._check_truncated()
            return 0
        spent = self._state.over_budget(self._member.path)
        if spent is not None:
            self._cut(spent)
            return 0
        with memoryview(buffer) as view, view.cast("B") as flat:
            want = min(len(flat), self._left)
            if self._readinto is not None:
                n = self._readinto(flat[:want]) or 0
            else:
                data = self._raw.read(want)
                n = len(data)
                flat[:n] = data
        self._left -= n
        self._state.total_bytes += n
        return n

    def _cut(self, why: str) -> None:
        self._done = True
        if why != "stopped" and self._raw.read(1):
            read = self._limit - self._left
            self._member.problems.append(Problem(self._member.path, None, f"truncated at {read} bytes ({why})"))

    def _check_truncated(self) -> None:
        self._done = True
        if not self._raw.read(1):
            return
        if self._total_binds:
            self._member.problems.append(Problem(self._member.path, None, f"truncated at {self._limit} bytes"))
            self._state.stop_at_total(self._member.path)
            return
        declared = f"; the archive declares {self._declared}" if self._declared else ""
        self._member.problems.append(Problem(self._member.path, None, f"truncated at {self._limit} bytes "
                                             f"(per-member limit{declared})"))

    def close(self) -> None:
        if self._owns and not self.closed:
            self._raw.close()
        super().close()


class Metered:
    """A stream between a decompressor and an archive reader (tarfile reads headers itself):
    each read is charged to the walk's time and ratio budget; past it the stream ends early."""

    def __init__(self, raw: BinaryIO, state: WalkState, label: str, counts_input: bool = False):
        self._raw, self._state, self._label, self._counts_input = raw, state, label, counts_input

    def read(self, n: int = -1) -> bytes:
        if self._state.over_budget(self._label):
            return b""
        data = self._raw.read(n)
        if self._counts_input:
            self._state.input_bytes += len(data)
        return data

    def close(self) -> None:
        """The underlying stream belongs to whoever opened it."""
