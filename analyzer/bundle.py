"""Open whatever the user hands over — folders, archives, loose files, stdin — safely.

A bundle is walked as a stream of `Member`s; each member's bytes are read in place
(zip and tar members are never extracted to disk). Safety rules, each reported as a
`Problem` and never raised:

* member names that are absolute or climb out with `..` are skipped;
* links (symlinks, hardlinks, zip symlink entries) are never followed out of the bundle;
* total decompressed bytes, bytes per member, member count and archive nesting depth are bounded.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
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
    """One file of a bundle. `open()` is valid while the bundle iterator sits on it."""

    path: str
    size: int | None
    open: Callable[[], BinaryIO]


@dataclass
class WalkState:
    limits: Limits
    problems: list[Problem] = field(default_factory=list)
    total_bytes: int = 0
    members: int = 0

    def problem(self, source: str, reason: str) -> None:
        self.problems.append(Problem(source, None, reason))


class BoundedReader(io.RawIOBase):
    """Reads at most `limit` bytes from `raw`, then reports truncation once."""

    def __init__(self, raw: BinaryIO, limit: int, on_truncate: Callable[[], None]):
        self._raw = raw
        self._left = limit
        self._on_truncate = on_truncate
        self._truncated = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._left <= 0:
            if not self._truncated and self._raw.read(1):
                self._truncated = True
                self._on_truncate()
            return 0
        data = self._raw.read(min(len(buffer), self._left))
        n = len(data)
        buffer[:n] = data
        self._left -= n
        return n


def sniff_archive(head: bytes) -> str | None:
    """Name the container format from magic bytes: zip, tar, gzip, bz2, xz, or None."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if len(head) > 262 and head[257:262] == b"ustar":
        return "tar"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
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


def iter_bundle(inputs: list[str], limits: Limits = DEFAULT_LIMITS,
                problems: list[Problem] | None = None) -> Iterator[Member]:
    """Yield every member of every input. Problems are appended to `problems`."""
    state = WalkState(limits, problems if problems is not None else [])
    several = len(inputs) > 1
    for given in inputs:
        if given == "-":
            yield from _walk_stdin(state)
            continue
        path = Path(given)
        prefix = f"{path.name}/" if several else ""
        if not path.exists() and not path.is_symlink():
            state.problem(given, "no such file or directory")
        elif path.is_dir():
            yield from _walk_dir(path, prefix, state)
        elif path.is_file():
            yield from _walk_file(path, path.name, state, depth=0, top_level=True)
        else:
            state.problem(given, "not a regular file or directory")


def _counted(state: WalkState, member: Member) -> Member | None:
    state.members += 1
    if state.members > state.limits.max_members:
        if state.members == state.limits.max_members + 1:
            state.problem(member.path, f"more than {state.limits.max_members} members; the rest is skipped")
        return None
    return member


def _bounded_open(state: WalkState, path: str, opener: Callable[[], BinaryIO]) -> Callable[[], BinaryIO]:
    def open_bounded() -> BinaryIO:
        left = state.limits.max_total_bytes - state.total_bytes
        limit = min(state.limits.max_member_bytes, max(left, 0))
        reader = _CountingReader(opener(), state)
        return io.BufferedReader(BoundedReader(reader, limit, lambda: state.problem(
            path, f"truncated at {limit} bytes (size limit)")), 1 << 20)
    return open_bounded


class _CountingReader:
    def __init__(self, raw: BinaryIO, state: WalkState):
        self._raw = raw
        self._state = state

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        self._state.total_bytes += len(data)
        return data


def _walk_dir(root: Path, prefix: str, state: WalkState) -> Iterator[Member]:
    root_real = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for dirname in list(dirnames):
            if (Path(dirpath) / dirname).is_symlink():
                rel = (Path(dirpath) / dirname).relative_to(root).as_posix()
                state.problem(prefix + rel, "directory link not followed")
                dirnames.remove(dirname)
        for filename in sorted(filenames):
            full = Path(dirpath) / filename
            rel = prefix + full.relative_to(root).as_posix()
            if full.is_symlink():
                target = full.resolve()
                if not target.is_relative_to(root_real) or not target.is_file():
                    state.problem(rel, "link points outside the bundle (or nowhere); not followed")
                    continue
            if not full.is_file():
                state.problem(rel, "not a regular file; skipped")
                continue
            yield from _walk_file(full, rel, state, depth=0, top_level=False)


def _walk_file(path: Path, rel: str, state: WalkState, depth: int, top_level: bool) -> Iterator[Member]:
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
    except OSError as error:
        state.problem(rel, f"cannot read: {error.strerror or error}")
        return
    kind = sniff_archive(head)
    if kind is None:
        member = _counted(state, Member(rel, path.stat().st_size, _bounded_open(state, rel, lambda: open(path, "rb"))))
        if member:
            yield member
        return
    archive_prefix = "" if top_level else rel + "!/"
    try:
        with open(path, "rb") as handle:
            yield from _walk_archive(handle, kind, archive_prefix, rel, state, depth + 1)
    except OSError as error:
        state.problem(rel, f"cannot read: {error.strerror or error}")


def _walk_stdin(state: WalkState) -> Iterator[Member]:
    data = sys.stdin.buffer.read(state.limits.max_nested_archive_bytes + 1)
    if len(data) > state.limits.max_nested_archive_bytes:
        state.problem("stdin", "standard input larger than the limit for in-memory input; truncated")
        data = data[: state.limits.max_nested_archive_bytes]
    kind = sniff_archive(data[:512])
    if kind is None:
        member = _counted(state, Member("stdin", len(data), lambda: io.BytesIO(data)))
        if member:
            yield member
        return
    yield from _walk_archive(io.BytesIO(data), kind, "", "stdin", state, 1)


def _walk_archive(handle: BinaryIO, kind: str, prefix: str, label: str, state: WalkState,
                  depth: int) -> Iterator[Member]:
    if depth > state.limits.max_depth:
        state.problem(label, f"archive nested deeper than {state.limits.max_depth} levels; not opened")
        return
    try:
        if kind == "zip":
            yield from _walk_zip(handle, prefix, label, state, depth)
        elif kind in ("tar", "gzip", "bz2", "xz"):
            yield from _walk_tar_or_stream(handle, kind, prefix, label, state, depth)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, lzma.LZMAError, ValueError) as error:
        state.problem(label, f"corrupt or unreadable {kind} archive: {error}")


def _walk_zip(handle: BinaryIO, prefix: str, label: str, state: WalkState, depth: int) -> Iterator[Member]:
    with zipfile.ZipFile(handle) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = safe_member_name(info.filename)
            shown = prefix + (name or info.filename)
            if name is None:
                state.problem(shown, "absolute or parent-relative member name; skipped")
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                state.problem(shown, "link member not followed")
                continue
            if info.file_size > state.limits.max_member_bytes:
                state.problem(shown, f"declares {info.file_size} bytes, over the member limit; skipped")
                continue
            opener = _zip_opener(archive, info)
            yield from _member_or_nested(shown, info.file_size, opener, state, depth)


def _zip_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], BinaryIO]:
    return lambda: archive.open(info)


def _walk_tar_or_stream(handle: BinaryIO, kind: str, prefix: str, label: str, state: WalkState,
                        depth: int) -> Iterator[Member]:
    if kind != "tar":
        decompressed = {"gzip": gzip.GzipFile, "bz2": bz2.BZ2File, "xz": lzma.LZMAFile}[kind](fileobj=handle)
        head = decompressed.peek(512)[:512] if hasattr(decompressed, "peek") else b""
        if sniff_archive(head) != "tar":
            # a single compressed file such as server.log.gz
            name = label[:-3] if label.endswith((".gz", ".xz")) else label + ".decompressed"
            member = _counted(state, Member(prefix + PurePosixPath(name).name if prefix else PurePosixPath(name).name,
                                            None, _bounded_open(state, name, lambda: decompressed)))
            if member:
                yield member
            return
        handle = decompressed  # type: ignore[assignment]
    with tarfile.open(fileobj=handle, mode="r|") as archive:
        for info in archive:
            name = safe_member_name(info.name)
            shown = prefix + (name or info.name)
            if info.isdir():
                continue
            if name is None:
                state.problem(shown, "absolute or parent-relative member name; skipped")
                continue
            if info.issym() or info.islnk():
                state.problem(shown, f"link member ({info.linkname}) not followed")
                continue
            if not info.isfile():
                state.problem(shown, "special file member; skipped")
                continue
            if info.size > state.limits.max_member_bytes:
                state.problem(shown, f"declares {info.size} bytes, over the member limit; skipped")
                continue
            fileobj = archive.extractfile(info)
            if fileobj is None:
                continue
            yield from _member_or_nested(shown, info.size, lambda f=fileobj: f, state, depth)


def _member_or_nested(shown: str, size: int | None, opener: Callable[[], BinaryIO], state: WalkState,
                      depth: int) -> Iterator[Member]:
    probe = opener()
    head = probe.read(512)
    kind = sniff_archive(head)
    if kind is None:
        reopen = _reopener(opener, probe, head)
        member = _counted(state, Member(shown, size, _bounded_open(state, shown, reopen)))
        if member:
            yield member
        return
    if size is not None and size > state.limits.max_nested_archive_bytes:
        state.problem(shown, "nested archive larger than the in-memory limit; not opened")
        return
    with tempfile.SpooledTemporaryFile(max_size=64 * 1024**2) as spool:
        spool.write(head)
        copied = len(head)
        while chunk := probe.read(1 << 20):
            copied += len(chunk)
            if copied > state.limits.max_nested_archive_bytes:
                state.problem(shown, "nested archive larger than the in-memory limit; not opened")
                return
            spool.write(chunk)
        spool.seek(0)
        yield from _walk_archive(spool, kind, shown + "!/", shown, state, depth + 1)  # type: ignore[arg-type]


def _reopener(opener: Callable[[], BinaryIO], probe: BinaryIO, head: bytes) -> Callable[[], BinaryIO]:
    """Give back a stream that starts at byte 0 even if the source cannot seek."""
    def reopen() -> BinaryIO:
        try:
            probe.seek(0)
            return probe
        except (OSError, io.UnsupportedOperation, AttributeError):
            return _Prepended(head, probe)  # type: ignore[return-value]
    return reopen


class _Prepended:
    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = head
        self._rest = rest

    def read(self, n: int = -1) -> bytes:
        if self._head:
            if n < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:n], self._head[n:]
            return data
        return self._rest.read(n)
