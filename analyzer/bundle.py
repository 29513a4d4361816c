"""Open whatever the user hands over — folders, archives, loose files, stdin — safely.

A bundle is walked as a stream of `Member`s; each member's bytes are read in place
(zip and tar members are never extracted to disk; only a zip nested in another archive
is spooled, because zip needs to seek: to memory, or past 8 MiB to an unnamed temporary
file that the system deletes on close). Nothing is ever written into the bundle. Safety
rules, each reported as a `Problem` and never raised:

* member names that are absolute (`/etc/passwd`, `C:\\x`) or climb out with `..` are skipped;
* links (folder symlinks leading out, tar symlinks and hardlinks, zip symlink entries)
  are never followed out of the bundle; directory links are never followed at all (loops);
* decompressed bytes per member and in total, entries, archive nesting depth, the
  compression ratio, tar extended-header size and wall time are bounded by `Limits`
  (analyzer/budget.py), enforced on the bytes actually read, not on what headers declare.
"""

from __future__ import annotations

import bz2
import errno
import functools
import gzip
import io
import lzma
import os
import re
import select
import stat
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Protocol

from analyzer.budget import DEFAULT_LIMITS, BoundedReader, Limits, Member, Metered, WalkState
from analyzer.records import Problem

__all__ = ["DEFAULT_LIMITS", "HEAD", "Limits", "Member", "iter_bundle", "printable", "safe_member_name",
           "sniff_archive"]

HEAD = 512  # enough to recognise every container format below
COMPRESSED: dict[str, Callable[[BinaryIO], Any]] = {"gzip": lambda f: gzip.GzipFile(fileobj=f), "bz2": bz2.BZ2File, "xz": lzma.LZMAFile}
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz")
SPOOL_MEMORY = 8 * 1024**2
# A zip may declare this many times `Limits.max_members` entries; zipfile reads them all into
# memory (about 700 bytes each) before the first member, so a bigger one is not opened.
ZIP_ENTRIES_FACTOR = 5
# Tar header kinds whose whole body tarfile reads into memory (pax, GNU long names), and GNU
# sparse members, whose map tarfile reads block by block with no bound; logs are never sparse.
TAR_READ_BYTES = 1024 * 1024
TAR_EXTENDED = frozenset({tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE,
                          tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK})


class Readable(Protocol):
    """What the walk needs of a stream: archive members, decompressors and metered pipes alike."""

    def read(self, n: int = -1, /) -> bytes: ...


class _Prepended:
    """A stream whose first bytes were already read to sniff it, put back in front."""

    def __init__(self, head: bytes, rest: Readable):
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


def _unsafe_name_reason(name: str) -> str:
    if not name.strip("/."):
        return "empty member name; skipped"
    return "absolute or parent-relative member name; skipped"


def printable(name: str) -> str:
    """A member name fit for one line of a report: control characters become `?`, and the
    surrogates that stand for bytes of a file name that are not UTF-8 are shown escaped (`\\xff`)."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]", _shown, name)


def _shown(found: re.Match) -> str:
    code = ord(found.group(0))
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "?"


def iter_bundle(inputs: list[str], limits: Limits = DEFAULT_LIMITS,
                problems: list[Problem] | None = None) -> Iterator[Member]:
    """Yield every member of every input. Problems are appended to `problems`."""
    state = WalkState(limits, problems if problems is not None else [])
    several = len(inputs) > 1
    for given in inputs:
        if state.stopped:
            return
        if given == "-":
            yield from _walk_stream(_pipe(sys.stdin.buffer, state, "stdin"), "stdin", state)
            continue
        if hasattr(given, "objects"):  # a bundle in object storage (analyzer.batch.remote.RemoteBundle)
            yield from _walk_objects(given, state)
            continue
        path = Path(given)
        name = printable(path.name)
        try:
            mode = path.stat().st_mode
        except OSError as error:
            state.problem(printable(given), f"cannot open: {error.strerror or error}")
            continue
        if stat.S_ISDIR(mode):
            yield from _walk_dir(path, f"{name}/" if several else "", state)
        elif stat.S_ISREG(mode):
            yield from _walk_file(path, name, state, top_level=not several)
        elif stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):  # `<(command)` process substitution
            try:  # non-blocking: opening a FIFO nobody writes to would wait forever
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            except OSError as error:
                state.problem(printable(given), f"cannot open: {error.strerror or error}")
                continue
            with os.fdopen(fd, "rb", buffering=0) as handle:
                yield from _walk_stream(_pipe(handle, state, name), name, state)
        else:
            state.problem(printable(given), "not a regular file or directory")


def _pipe(stream: BinaryIO, state: WalkState, label: str) -> BinaryIO:
    """A pipe, FIFO or terminal read against the walk's deadline (a stalled writer cannot hold
    the analysis); any other stream as it is."""
    try:
        fd = stream.fileno()
        mode = os.fstat(fd).st_mode
    except (OSError, ValueError, io.UnsupportedOperation):
        return stream
    if os.name != "posix" or not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)):
        return stream
    return io.BufferedReader(PipeReader(fd, state, label), 1 << 20)


class PipeReader(io.RawIOBase):
    """Waits for data with select() no longer than the time left, so the time limit holds while
    nothing arrives (checking it between reads would wait for the next read first)."""

    def __init__(self, fd: int, state: WalkState, label: str):
        self._fd, self._state, self._label = fd, state, label

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while True:
            left = self._state.deadline - self._state.now()
            if self._state.stopped or left <= 0:
                self._state.over_budget(self._label)
                return 0
            ready, _, _ = select.select([self._fd], [], [], min(left, 1.0))
            if ready:
                break
        try:
            data = os.read(self._fd, len(buffer))
        except BlockingIOError:  # woken with nothing to read
            return self.readinto(buffer)
        buffer[:len(data)] = data
        return len(data)


def _walk_stream(stream: BinaryIO, label: str, state: WalkState) -> Iterator[Member]:
    """Standard input or a pipe: a plain text stream, or an archive of any kind. Its bytes
    count as input (for the compression ratio) as they arrive."""
    counted = Metered(stream, state, label, counts_input=True)
    yield from _member_or_nested(label, None, lambda: counted, state, depth=0, inner_prefix="")


def _walk_objects(source, state: WalkState) -> Iterator[Member]:
    """A bundle read through openers (objects in a store), never copied whole to disk: an
    archive object is walked through its seekable file object (a tar streams from the start, a
    zip reads its directory, then its members); a folder's objects are members, each archive
    among them walked like an archive in a folder."""
    try:
        objects = list(source.objects())
    except Exception as error:  # the store refused the listing
        state.problem(source.label, f"cannot list: {type(error).__name__}: {error}")
        return
    for name, size, opener in objects:
        if state.stopped:
            return
        shown = safe_member_name(name) if not source.single else name
        if shown is None:
            state.problem(printable(name), "unsafe member name (absolute or climbing out with ..); skipped")
            continue
        if source.single:
            yield from _walk_object(shown, size, opener, state)
        elif state.admit(shown):
            state.input_bytes += size or 0
            yield from _member_or_nested(shown, size, opener, state, depth=0)


def _walk_object(label: str, size: int | None, opener: Callable[[], BinaryIO], state: WalkState) -> Iterator[Member]:
    """One object given as the whole bundle: an archive's members without its name in front."""
    try:
        with opener() as handle:
            kind = sniff_archive(_read_head(handle))
            if kind is not None:
                state.input_bytes += size or 0
                handle.seek(0)
                yield from _walk_archive(handle, kind, "", label, state, depth=1)
                return
    except OSError as error:
        state.problem(label, f"cannot read: {error.strerror or error}")
        return
    if state.admit(label):
        state.input_bytes += size or 0
        member = Member(label, size, opener)
        member.open = _bounded(member, state, member.open, owns=True)
        yield member


def _walk_dir(root: Path, prefix: str, state: WalkState) -> Iterator[Member]:
    """Every file under `root`, each folder's files in name order before its subfolders (in name
    order). Iterative, so a folder nested thousands deep costs a list, not the call stack."""
    root_real = root.resolve()
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as error:
            where = folder.relative_to(root).as_posix() if folder != root else root.name
            state.problem(prefix + printable(where), f"cannot read folder: {error.strerror or error}")
            continue
        subfolders = []
        for entry in entries:
            if state.stopped:
                return
            full = folder / entry.name
            rel = prefix + printable(full.relative_to(root).as_posix())
            if _is_dir(entry):
                if entry.is_symlink():
                    state.problem(rel, "directory link not followed")
                else:
                    subfolders.append(full)
                continue
            target = full
            if entry.is_symlink():
                try:
                    target = full.resolve()
                except (OSError, RuntimeError):  # a link loop (RuntimeError before Python 3.13)
                    state.problem(rel, "link loop; not followed")
                    continue
                if not target.is_relative_to(root_real):
                    state.problem(rel, "link points outside the bundle (or nowhere); not followed")
                    continue
            handle, why = _open_inside(target, root_real)
            if handle is None:
                state.problem(rel, why)
                continue
            yield from _walk_file(full, rel, state, top_level=False, handle=handle)
        pending.extend(reversed(subfolders))


def _open_inside(path: Path, root_real: Path) -> tuple[BinaryIO | None, str]:
    """Open a folder entry once: never through a link in its last step (O_NOFOLLOW), never
    blocking (a FIFO), and checked on the open descriptor (a regular file, still inside the
    bundle), so a file swapped for a link between the listing and the read is never read."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return None, "link points outside the bundle (or nowhere); not followed"
        return None, f"cannot read: {error.strerror or error}"
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _Refused("not a regular file; skipped")
        where = _descriptor_path(fd)
        if where is not None and not where.is_relative_to(root_real):
            raise _Refused("link points outside the bundle (or nowhere); not followed")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), ""
    except _Refused as refused:
        os.close(fd)
        return None, str(refused)


class _Refused(Exception):
    pass


def _descriptor_path(fd: int) -> Path | None:
    """Where an open descriptor really is (Linux), or None where the system cannot say."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        return None


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link loop or an entry gone since the listing
        return False


def _walk_file(path: Path, rel: str, state: WalkState, top_level: bool,
               handle: BinaryIO | None = None) -> Iterator[Member]:
    """A file on disk, opened once (`handle`, when the folder walk opened it) and read through
    that one descriptor, never reopened by name. The members of an archive given alone are named
    without its name in front (`top_level`); otherwise as `name.zip!/member`."""
    try:
        if handle is None:
            handle = open(path, "rb")
    except OSError as error:
        state.problem(rel, f"cannot read: {error.strerror or error}")
        return
    with handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            kind = sniff_archive(handle.read(HEAD))
            handle.seek(0)
        except OSError as error:
            state.problem(rel, f"cannot read: {error.strerror or error}")
            return
        if kind is not None:
            state.input_bytes += size
            prefix = "" if top_level else rel + "!/"
            yield from _walk_archive(handle, kind, prefix, rel, state, depth=1)
            return
        if not state.admit(rel):
            return
        state.input_bytes += size
        member = Member(rel, size, lambda: _rewound(handle))
        member.open = _bounded(member, state, member.open, owns=True)
        yield member  # read by the caller before it asks for the next member; closed after


def _rewound(handle: BinaryIO) -> BinaryIO:
    handle.seek(0)
    return handle


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
            yield from _walk_zip(handle, prefix, label, state, depth)
        elif kind == "tar":
            yield from _walk_tar(handle, prefix, label, state, depth, compressed=False)
        else:
            yield from _walk_compressed(handle, kind, prefix, label, state, depth)
    except RefusedTarHeader as error:
        state.problem(label, f"{error}; the rest of the archive is not read")
    except Exception as error:  # zipfile, tarfile, zlib, lzma and bz2 each raise their own kinds
        if not state.stopped:  # a stream cut at a limit looks truncated: that problem is already told
            state.problem(label, f"corrupt or unreadable {kind} archive: {type(error).__name__}: {error}")


def _walk_zip(handle: BinaryIO, prefix: str, label: str, state: WalkState, depth: int) -> Iterator[Member]:
    declared = _zip_entries(handle)
    if declared is not None and declared > ZIP_ENTRIES_FACTOR * state.limits.max_members:
        # zipfile would hold every entry of the central directory in memory before the first is read
        state.problem(label, f"zip archive declares {declared} entries, over {ZIP_ENTRIES_FACTOR} times the member "
                      f"count limit of {state.limits.max_members}; not opened")
        return
    with zipfile.ZipFile(handle) as archive:
        for info in archive.infolist():
            if info.filename.endswith("/"):  # a folder entry (ZipInfo.is_dir fails on an empty name)
                continue
            name = safe_member_name(info.filename)
            shown = prefix + printable(name or info.filename)
            if not state.admit(shown):
                return
            if name is None:
                state.problem(shown, _unsafe_name_reason(info.filename))
            elif info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
                state.problem(shown, "link member not followed")
            elif info.flag_bits & 0x1:
                state.problem(shown, "encrypted member; skipped")
            else:
                yield from _member_or_nested(shown, info.file_size, functools.partial(archive.open, info), state, depth)
                if state.stopped:
                    return


def _zip_entries(handle: BinaryIO) -> int | None:
    """The entry count a zip's end-of-central-directory record declares (ZIP64 too), or None."""
    try:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        tail_size = min(size, 22 + 0xFFFF + 20)
        handle.seek(size - tail_size)
        tail = handle.read(tail_size)
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or at + 22 > len(tail):
            return None
        entries = int.from_bytes(tail[at + 10:at + 12], "little")
        if entries == 0xFFFF and at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":
            handle.seek(int.from_bytes(tail[at - 12:at - 4], "little"))
            record = handle.read(56)
            if record[:4] == b"PK\x06\x06" and len(record) == 56:
                entries = int.from_bytes(record[32:40], "little")
        return entries
    except (OSError, ValueError):
        return None
    finally:
        handle.seek(0)


class RefusedTarHeader(tarfile.HeaderError):
    """A tar header this reader will not process (its body would be held in memory whole)."""


def _tar_info_class(max_header_bytes: int) -> type[tarfile.TarInfo]:
    """tarfile reads a pax or GNU long-name header's whole body into memory, and a GNU sparse
    map block by block without bound: refuse both before tarfile reads them."""

    class BoundedTarInfo(tarfile.TarInfo):
        def _proc_member(self, archive):
            if self.type == tarfile.GNUTYPE_SPARSE:
                raise RefusedTarHeader(f"{printable(self.name)}: GNU sparse member refused")
            if self.type in TAR_EXTENDED and self.size > max_header_bytes:
                raise RefusedTarHeader(f"tar extended header of {self.size} bytes, over the limit of "
                                       f"{max_header_bytes} (header size limit)")
            return super()._proc_member(archive)  # type: ignore[misc]  # tarfile's hook, not in its stubs

    return BoundedTarInfo


def _walk_tar(handle: BinaryIO, prefix: str, label: str, state: WalkState, depth: int,
              compressed: bool) -> Iterator[Member]:
    metered = Metered(handle, state, label)  # tarfile steps over member data by reading it
    tar_info = _tar_info_class(state.limits.max_header_bytes)
    # 1 MiB reads: tarfile's stream mode reads 10 KiB at a time by default, 100 calls per MiB
    with tarfile.open(fileobj=metered, mode="r|", tarinfo=tar_info, bufsize=TAR_READ_BYTES) as archive:  # type: ignore[call-overload]
        for info in archive:
            if info.isdir():
                continue
            name = safe_member_name(info.name)
            shown = prefix + printable(name or info.name)
            if not state.admit(shown):
                return
            if name is None:
                state.problem(shown, _unsafe_name_reason(info.name))
            elif info.issym() or info.islnk():
                state.problem(shown, f"link member (to {printable(info.linkname)}) not followed")
            elif not info.isfile():
                state.problem(shown, "special file member; skipped")
            else:
                yield from _member_or_nested(shown, info.size, functools.partial(archive.extractfile, info), state, depth)
                if state.stopped:
                    return
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
        yield from _walk_tar(_Prepended(head, stream), prefix, label, state, depth, compressed=True)  # type: ignore[arg-type]
        return
    name = PurePosixPath(label).name
    for suffix in COMPRESSED_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    yield from _member_or_nested(prefix + name, None, lambda: _Prepended(head, stream), state, depth)


def _member_or_nested(shown: str, size: int | None, opener: Callable[[], Readable | None], state: WalkState,
                      depth: int, inner_prefix: str | None = None) -> Iterator[Member]:
    """Yield a plain member, or walk it as an archive when its first bytes say it is one."""
    try:
        probe = opener()
        if probe is None:
            raise OSError("no data")
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
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY) as spool:
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
                state.stop_at_total(shown)
                return False
            if state.over_budget(shown):
                return False
            spool.write(chunk)
    except Exception as error:
        state.problem(shown, f"cannot read nested archive: {type(error).__name__}: {error}")
        return False
    spool.seek(0)
    return True


def _read_head(stream: Readable) -> bytes:
    parts, left = [], HEAD
    while left > 0 and (data := stream.read(left)):
        parts.append(data)
        left -= len(data)
    return b"".join(parts)
