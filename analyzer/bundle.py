"""Open whatever the user hands over — folders, archives, loose files, stdin — safely.

A bundle is walked as a stream of `Member`s; each member's bytes are read in place
(zip and tar members are never extracted to disk; only a zip nested in another archive
is spooled, because zip needs to seek). Safety rules, each reported as a `Problem`
and never raised:

* member names that are absolute (`/etc/passwd`, `C:\\x`) or climb out with `..` are skipped;
* links (folder symlinks leading out, tar symlinks and hardlinks, zip symlink entries)
  are never followed out of the bundle; directory links are never followed at all (loops);
* decompressed bytes per member and in total, entries and archive nesting depth are
  bounded by `Limits`, enforced on the bytes actually read, not on what headers declare.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import re
import stat
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from analyzer.records import Problem

HEAD = 512  # enough to recognise every container format below
COMPRESSED = {"gzip": lambda f: gzip.GzipFile(fileobj=f), "bz2": bz2.BZ2File, "xz": lzma.LZMAFile}
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz")


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile bundle from exhausting the machine."""

    max_member_bytes: int = 4 * 1024**3
    max_total_bytes: int = 16 * 1024**3
    max_members: int = 20_000
    max_depth: int = 4
    max_nested_archive_bytes: int = 512 * 1024**2


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
    entries: int = 0
    stopped: bool = False

    def problem(self, source: str, reason: str) -> None:
        self.problems.append(Problem(source, None, reason))

    def admit(self, source: str) -> bool:
        """Count one entry of the bundle; False (once with a problem) past the limit."""
        if self.stopped:
            return False
        self.entries += 1
        if self.entries > self.limits.max_members:
            self.stop(source, f"more than {self.limits.max_members} members (member count limit); the rest is not read")
            return False
        return True

    def stop(self, source: str, reason: str) -> None:
        if not self.stopped:
            self.stopped = True
            self.problem(source, reason)


class BoundedReader(io.RawIOBase):
    """Counts the bytes of one member into the bundle total and stops at the member's share."""

    def __init__(self, raw: BinaryIO, member: Member, state: WalkState, declared: int | None = None,
                 owns: bool = False):
        self._raw, self._member, self._state, self._owns = raw, member, state, owns
        limits = state.limits
        self._total_binds = limits.max_total_bytes - state.total_bytes < limits.max_member_bytes
        self._left = max(0, min(limits.max_member_bytes, limits.max_total_bytes - state.total_bytes))
        self._limit, self._declared, self._done = self._left, declared, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._left <= 0:
            self._check_truncated()
            return 0
        data = self._raw.read(min(len(buffer), self._left))
        n = len(data)
        buffer[:n] = data
        self._left -= n
        self._state.total_bytes += n
        return n

    def _check_truncated(self) -> None:
        if self._done:
            return
        self._done = True
        if not self._raw.read(1):
            return
        if self._total_binds:
            self._member.problems.append(Problem(self._member.path, None, f"truncated at {self._limit} bytes"))
            self._state.stop(self._member.path, f"the bundle reached the total limit of "
                                                f"{self._state.limits.max_total_bytes} decompressed bytes; "
                                                "the rest is not read")
            return
        declared = f"; the archive declares {self._declared}" if self._declared else ""
        self._member.problems.append(Problem(self._member.path, None, f"truncated at {self._limit} bytes "
                                             f"(per-member limit{declared})"))

    def close(self) -> None:
        if self._owns and not self.closed:
            self._raw.close()
        super().close()


class _Prepended:
    """A stream whose first bytes were already read to sniff it, put back in front."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head, self._rest = head, rest

    def read(self, n: int = -1) -> bytes:
        if not self._head:
            return self._rest.read(n)
        if n is None or n < 0:
            data, self._head = self._head + self._rest.read(), b""
        else:
            data, self._head = self._head[:n], self._head[n:]
        return data

    def close(self) -> None:
        """The underlying stream belongs to whoever opened it."""


def sniff_archive(head: bytes) -> str | None:
    """Name the container format from magic bytes: zip, tar, gzip, bz2, xz, or None."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if len(head) > 262 and head[257:262] == b"ustar":
        return "tar"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh") and head[3:4].isdigit():
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    return None


def safe_member_name(name: str) -> str | None:
    """Normalise an archive member name; None when it is absolute or escapes the bundle."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)


def printable(name: str) -> str:
    """A member name fit for one line of a report: control characters become `?`."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", "?", name)


def iter_bundle(inputs: list[str], limits: Limits = DEFAULT_LIMITS,
                problems: list[Problem] | None = None) -> Iterator[Member]:
    """Yield every member of every input. Problems are appended to `problems`."""
    state = WalkState(limits, problems if problems is not None else [])
    several = len(inputs) > 1
    for given in inputs:
        if state.stopped:
            return
        if given == "-":
            yield from _walk_stream(sys.stdin.buffer, "stdin", state)
            continue
        path = Path(given)
        try:
            mode = path.stat().st_mode
        except OSError as error:
            state.problem(given, f"cannot open: {error.strerror or error}")
            continue
        if stat.S_ISDIR(mode):
            yield from _walk_dir(path, f"{path.name}/" if several else "", state)
        elif stat.S_ISREG(mode):
            yield from _walk_file(path, path.name, state, top_level=not several)
        elif stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):  # `<(command)` process substitution
            with open(path, "rb") as handle:
                yield from _walk_stream(handle, path.name, state)
        else:
            state.problem(given, "not a regular file or directory")


def _walk_stream(stream: BinaryIO, label: str, state: WalkState) -> Iterator[Member]:
    """Standard input or a pipe: a plain text stream, or an archive of any kind."""
    yield from _member_or_nested(label, None, lambda: stream, state, depth=0, inner_prefix="")


def _walk_dir(root: Path, prefix: str, state: WalkState) -> Iterator[Member]:
    root_real = root.resolve()

    def unreadable(error: OSError) -> None:
        where = Path(error.filename).relative_to(root).as_posix() if error.filename else root.name
        state.problem(prefix + printable(where), f"cannot read folder: {error.strerror or error}")

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=False):
        dirnames.sort()
        for dirname in list(dirnames):
            if (Path(dirpath) / dirname).is_symlink():
                rel = (Path(dirpath) / dirname).relative_to(root).as_posix()
                state.problem(prefix + printable(rel), "directory link not followed")
                dirnames.remove(dirname)
        for filename in sorted(filenames):
            if state.stopped:
                return
            full = Path(dirpath) / filename
            rel = prefix + printable(full.relative_to(root).as_posix())
            if full.is_symlink():
                target = full.resolve()
                if not target.is_relative_to(root_real) or not target.is_file():
                    state.problem(rel, "link points outside the bundle (or nowhere); not followed")
                    continue
            if not full.is_file():
                state.problem(rel, "not a regular file; skipped")
                continue
            yield from _walk_file(full, rel, state, top_level=False)


def _walk_file(path: Path, rel: str, state: WalkState, top_level: bool) -> Iterator[Member]:
    """A file on disk. The members of an archive given alone are named without its name
    in front (`top_level`); otherwise as `name.zip!/member`."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD)
            kind = sniff_archive(head)
            if kind is not None:
                handle.seek(0)
                prefix = "" if top_level else rel + "!/"
                yield from _walk_archive(handle, kind, prefix, rel, state, depth=1)
                return
    except OSError as error:
        state.problem(rel, f"cannot read: {error.strerror or error}")
        return
    if not state.admit(rel):
        return
    member = Member(rel, path.stat().st_size, lambda: open(path, "rb"))
    member.open = _bounded(member, state, member.open, owns=True)
    yield member


def _bounded(member: Member, state: WalkState, opener: Callable[[], BinaryIO], declared: int | None = None,
             owns: bool = False) -> Callable[[], BinaryIO]:
    def open_bounded() -> BinaryIO:
        return io.BufferedReader(BoundedReader(opener(), member, state, declared, owns), 1 << 20)
    return open_bounded


def _walk_archive(handle: BinaryIO, kind: str, prefix: str, label: str, state: WalkState,
                  depth: int) -> Iterator[Member]:
    """Members of one archive; a corrupt archive costs itself, with a problem naming it."""
    if depth > state.limits.max_depth:
        state.problem(label, f"archive nested deeper than {state.limits.max_depth} levels (depth limit); not opened")
        return
    try:
        if kind == "zip":
            yield from _walk_zip(handle, prefix, state, depth)
        elif kind == "tar":
            yield from _walk_tar(handle, prefix, state, depth, compressed=False)
        else:
            yield from _walk_compressed(handle, kind, prefix, label, state, depth)
    except Exception as error:  # zipfile, tarfile, zlib, lzma and bz2 each raise their own kinds
        state.problem(label, f"corrupt or unreadable {kind} archive: {type(error).__name__}: {error}")


def _walk_zip(handle: BinaryIO, prefix: str, state: WalkState, depth: int) -> Iterator[Member]:
    with zipfile.ZipFile(handle) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = safe_member_name(info.filename)
            shown = prefix + printable(name or info.filename)
            if not state.admit(shown):
                return
            if name is None:
                state.problem(shown, "absolute or parent-relative member name; skipped")
            elif info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
                state.problem(shown, "link member not followed")
            elif info.flag_bits & 0x1:
                state.problem(shown, "encrypted member; skipped")
            else:
                yield from _member_or_nested(shown, info.file_size, lambda i=info: archive.open(i), state, depth)


def _walk_tar(handle: BinaryIO, prefix: str, state: WalkState, depth: int, compressed: bool) -> Iterator[Member]:
    with tarfile.open(fileobj=handle, mode="r|") as archive:
        for info in archive:
            if info.isdir():
                continue
            name = safe_member_name(info.name)
            shown = prefix + printable(name or info.name)
            if not state.admit(shown):
                return
            if name is None:
                state.problem(shown, "absolute or parent-relative member name; skipped")
            elif info.issym() or info.islnk():
                state.problem(shown, f"link member (to {printable(info.linkname)}) not followed")
            elif not info.isfile():
                state.problem(shown, "special file member; skipped")
            else:
                yield from _member_or_nested(shown, info.size, lambda i=info: archive.extractfile(i), state, depth)
                if compressed and info.size > state.limits.max_member_bytes:
                    # stepping over the rest would decompress it all: stop here
                    state.problem(shown, f"declares {info.size} bytes, over the per-member limit; "
                                         "the rest of the archive is not read")
                    return


def _walk_compressed(handle: BinaryIO, kind: str, prefix: str, label: str, state: WalkState,
                     depth: int) -> Iterator[Member]:
    """`.tar.gz`, `.tgz`, `.tar.bz2`, `.tar.xz`, or one compressed file such as `server.log.gz`."""
    stream = COMPRESSED[kind](handle)
    head = _read_head(stream)
    if sniff_archive(head) == "tar":
        yield from _walk_tar(_Prepended(head, stream), prefix, state, depth, compressed=True)  # type: ignore[arg-type]
        return
    name = PurePosixPath(label).name
    for suffix in COMPRESSED_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    yield from _member_or_nested(prefix + name, None, lambda: _Prepended(head, stream), state, depth)  # type: ignore[arg-type]


def _member_or_nested(shown: str, size: int | None, opener: Callable[[], BinaryIO], state: WalkState,
                      depth: int, inner_prefix: str | None = None) -> Iterator[Member]:
    """Yield a plain member, or walk it as an archive when its first bytes say it is one."""
    try:
        probe = opener()
        head = _read_head(probe)
    except Exception as error:  # encrypted, unsupported compression, bad local header
        state.problem(shown, f"cannot open member: {type(error).__name__}: {error}")
        return
    kind = sniff_archive(head)
    stream = _Prepended(head, probe)
    if kind is None:
        member = Member(shown, size, lambda: stream)  # type: ignore[arg-type,return-value]
        member.open = _bounded(member, state, member.open, declared=size)
        yield member
        return
    prefix = shown + "!/" if inner_prefix is None else inner_prefix
    if depth + 1 > state.limits.max_depth:
        state.problem(shown, f"archive nested deeper than {state.limits.max_depth} levels (depth limit); not opened")
    elif kind != "zip":
        yield from _walk_archive(stream, kind, prefix, shown, state, depth + 1)  # type: ignore[arg-type]
    else:
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024**2) as spool:
            if _spool(stream, spool, shown, state):  # type: ignore[arg-type]
                yield from _walk_archive(spool, kind, prefix, shown, state, depth + 1)  # type: ignore[arg-type]


def _spool(stream: BinaryIO, spool: BinaryIO, shown: str, state: WalkState) -> bool:
    """Copy a nested zip aside (zip needs to seek), within the nested and total limits."""
    copied, limits = 0, state.limits
    try:
        while chunk := stream.read(1 << 20):
            copied += len(chunk)
            state.total_bytes += len(chunk)
            if copied > limits.max_nested_archive_bytes:
                state.problem(shown, f"nested archive larger than {limits.max_nested_archive_bytes} bytes "
                                     "(nested archive limit); not opened")
                return False
            if state.total_bytes > limits.max_total_bytes:
                state.stop(shown, f"the bundle reached the total limit of {limits.max_total_bytes} "
                                  "decompressed bytes; the rest is not read")
                return False
            spool.write(chunk)
    except Exception as error:
        state.problem(shown, f"cannot read nested archive: {type(error).__name__}: {error}")
        return False
    spool.seek(0)
    return True


def _read_head(stream: BinaryIO) -> bytes:
    parts, left = [], HEAD
    while left > 0 and (data := stream.read(left)):
        parts.append(data)
        left -= len(data)
    return b"".join(parts)
