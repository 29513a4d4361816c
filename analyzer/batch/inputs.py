"""INPUT arguments -> the bundles of a batch, each with a stable id.

An INPUT is one of:

* a folder of bundles: each subfolder and each archive file (`.zip`, `.tar`, `.tar.gz`, `.tgz`,
  `.tar.bz2`, `.tar.xz`) directly inside it is one bundle; hidden entries, symbolic links and
  other files are left out (and counted);
* an archive file: one bundle;
* a URL in object storage (`s3://bucket/prefix/`, `gs://…`, `az://…`): listed like a folder,
  or one archive object (remote.py);
* a manifest: a text file listing one bundle path per line (relative paths are taken from the
  manifest's folder; blank lines and lines starting with `#` are ignored). A listed path that
  does not exist still gets a row, with the reason in `error`.

A bundle's id is its name (`host-17`, `host-17.zip`) or, in a manifest, the path as listed
(`site-a/host-17.zip`). When two bundles would share an id, each gets its parent folder's name
in front; any clash left gets `#2`, `#3`, … in input order. Ids are the table's sort key and name
the per-bundle report files.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from analyzer.batch import remote

# Archive name endings and the container each promises (as `bundle.sniff_archive` names it).
ARCHIVE_KINDS = {".zip": "zip", ".tar": "tar", ".tar.gz": "gzip", ".tgz": "gzip", ".tar.bz2": "bz2",
                 ".tbz2": "bz2", ".tar.xz": "xz", ".txz": "xz"}
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


class InputError(Exception):
    """An INPUT that is neither a folder, an archive nor a readable manifest."""


@dataclass(frozen=True, slots=True)
class BundleRef:
    id: str
    path: str  # as the worker opens it: absolute, or a URL
    report_name: str  # file name under OUTDIR/bundles/


@dataclass
class Expanded:
    bundles: list[BundleRef] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # entries of INPUT folders that are not bundles


def is_archive_name(name: str) -> bool:
    return promised_kind(name) is not None


def promised_kind(name: str) -> str | None:
    """The container a file name promises (`host.tar.gz` -> `gzip`), or None for a name that is no archive's."""
    name = name.lower()
    return next((kind for suffix, kind in ARCHIVE_KINDS.items() if name.endswith(suffix)), None)


def report_name(bundle_id: str) -> str:
    """A file name for the bundle's report: the id when it is safe, else a safe form plus a short hash."""
    safe = SAFE_NAME.sub("_", bundle_id).strip(".") or "bundle"
    if safe != bundle_id:
        safe = f"{safe[:80]}~{hashlib.sha1(bundle_id.encode('utf-8')).hexdigest()[:8]}"
    return f"{safe}.json"


def expand(inputs: list[str], exclude: Path | None = None) -> Expanded:
    """Every bundle named by the INPUTs, in a stable order with unique ids.

    `exclude` (the output folder) is never taken as a bundle, even when it sits in an INPUT folder.
    """
    found: list[tuple[str, Path | str, str]] = []  # (plain id, path or URL, parent name)
    ignored: list[str] = []
    excluded = _resolved(exclude) if exclude is not None else None
    for given in inputs:
        if remote.is_url(given):
            found.extend(_remote(given, ignored))
            continue
        path = Path(given)
        if path.is_dir():
            folder = _resolved(path)
            with os.scandir(folder) as entries:
                children = sorted(entries, key=lambda e: e.name)
            for entry in children:
                child = folder / entry.name
                if entry.name.startswith(".") or child == excluded:
                    continue
                if entry.is_symlink():
                    ignored.append(str(child))
                elif entry.is_dir() or (entry.is_file() and is_archive_name(entry.name)):
                    found.append((entry.name, child, folder.name))
                else:
                    ignored.append(str(child))
        elif path.is_file() and is_archive_name(path.name):
            found.append((path.name, path, path.resolve().parent.name))
        elif path.is_file():
            found.extend(_manifest(path))
        else:
            raise InputError(f"{given}: no such folder, archive or manifest")
    return Expanded(_unique(found), ignored)


def _remote(url: str, ignored: list[str]) -> list[tuple[str, str, str]]:
    """A prefix (or one archive object) in object storage; ids as for a local folder."""
    try:
        listed, left_out = remote.list_bundles(url, is_archive_name)
    except remote.RemoteError as error:
        raise InputError(str(error)) from error
    ignored.extend(left_out)
    parent = url.rstrip("/").rsplit("/", 2)[-2] if url.rstrip("/").count("/") > 2 else ""
    return [(item.name, item.url, parent) for item in listed]


def _manifest(path: Path) -> list[tuple[str, Path, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the manifest: {error}") from error
    if "\x00" in text:
        raise InputError(f"{path}: not a manifest (binary data); give a folder of bundles, an archive "
                         "or a text file listing bundle paths")
    base = path.resolve().parent
    listed = []
    for line in text.splitlines():
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        target = Path(entry) if os.path.isabs(entry) else base / entry
        shown = PurePosixPath(entry.replace("\\", "/")).as_posix()
        shown = shown[2:] if shown.startswith("./") else shown
        listed.append((shown, target, target.parent.name))
    return listed


def _unique(found: list[tuple[str, Path | str, str]]) -> list[BundleRef]:
    seen_paths: set[Path | str] = set()
    entries = []
    for plain, path, parent in found:
        key: Path | str
        if isinstance(path, str):  # a URL
            key = path
        else:
            key = path if path.is_absolute() and ".." not in path.parts else _resolved(path)
        if key in seen_paths:
            continue
        seen_paths.add(key)
        entries.append((plain, key, parent))
    counts = Counter(plain for plain, _, _ in entries)
    named = [(f"{parent}/{plain}" if counts[plain] > 1 and parent else plain, path) for plain, path, parent in entries]
    taken: Counter[str] = Counter()
    refs = []
    for bundle_id, path in named:
        taken[bundle_id] += 1
        if taken[bundle_id] > 1:
            bundle_id = f"{bundle_id}#{taken[bundle_id]}"
        refs.append(BundleRef(bundle_id, str(path), report_name(bundle_id)))
    return sorted(refs, key=lambda r: r.id)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()
