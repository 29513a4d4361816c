"""Bundles in object storage: `s3://`, `gs://`, `az://` URLs read through fsspec.

    sccache-forensics batch s3://ci-bundles/2026-12/ -o fleet-report/

A URL INPUT is a prefix listed like a folder of bundles (each archive object directly under it,
and each sub-prefix holding loose files, is one bundle) or one archive object. Nothing is copied
to disk first: an archive is read through a file object that fetches byte ranges as the reader
asks — a `.tar.gz` streams from start to end, a `.zip` reads its directory and then its members —
and a folder bundle's objects are opened one by one.

Credentials and endpoints come from each store's usual variables, read where the bundle is read
(on a Dask worker, that worker's environment): `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/
`AWS_PROFILE` and `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_S3`) for S3 and S3-compatible stores,
`GOOGLE_APPLICATION_CREDENTIALS` for GCS, `AZURE_STORAGE_ACCOUNT_NAME` with a key, SAS token or
connection string for Azure. The stores' packages are optional extras: `pip install
'sccache-forensics[s3]'` (or `[gcs]`, `[azure]`).

What "unchanged since the last run" means for an object is its ETag and size as the listing
gives them (no download): `etag:<sha256 of the sorted name, size, ETag list>`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

SCHEMES = {"s3": "s3", "s3a": "s3", "gs": "gcs", "gcs": "gcs", "az": "abfs", "abfs": "abfs", "abfss": "abfs"}
EXTRAS = {"s3": ("s3fs", "s3"), "gcs": ("gcsfs", "gcs"), "abfs": ("adlfs", "azure")}  # package, extra
BLOCK = 4 * 1024 * 1024  # bytes fetched per range request


class RemoteError(Exception):
    """A URL that cannot be listed or read (no such bucket, no credentials, package missing)."""


def is_url(text: str) -> bool:
    scheme, sep, _ = str(text).partition("://")
    return bool(sep) and scheme.lower() in SCHEMES


def filesystem(url: str):
    """(fsspec filesystem, path inside it) for a URL, configured from the environment."""
    scheme = url.partition("://")[0].lower()
    protocol = SCHEMES[scheme]
    package, extra = EXTRAS[protocol]
    needs = f"{url}: reading {scheme}:// needs {package}: pip install 'sccache-forensics[{extra}]'"
    try:
        import fsspec
    except ImportError as error:
        raise RemoteError(needs) from error
    try:
        fs = fsspec.filesystem(protocol, **_options(protocol))
    except ImportError as error:
        raise RemoteError(needs) from error
    return fs, fs._strip_protocol(url)


def _options(protocol: str) -> dict[str, Any]:
    """What the store's own library does not take from the environment by itself."""
    if protocol == "s3":
        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        return {"client_kwargs": {"endpoint_url": endpoint}} if endpoint else {}
    return {}


def url_of(fs, path: str) -> str:
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return f"{protocol}://{path}"


@dataclass(frozen=True)
class Listed:
    """One bundle found under a prefix: an archive object or a sub-prefix of loose objects."""

    name: str
    url: str
    folder: bool


def list_bundles(url: str, is_archive: Callable[[str], bool]) -> tuple[list[Listed], list[str]]:
    """The bundles under a URL (a prefix, or one archive object), and the objects left out."""
    fs, path = filesystem(url)
    try:
        if not url.endswith("/") and fs.isfile(path):
            name = path.rstrip("/").rsplit("/", 1)[-1]
            return [Listed(name, url_of(fs, path), False)], []
        entries = fs.ls(path.rstrip("/"), detail=True, refresh=True)
    except Exception as error:  # FileNotFoundError, PermissionError, NoCredentialsError, a refused connection
        raise RemoteError(f"{url}: cannot list: {_reason(error)}") from error
    found, ignored = [], []
    for entry in sorted(entries, key=lambda e: e["name"]):
        name = entry["name"].rstrip("/").rsplit("/", 1)[-1]
        if not name or name.startswith("."):
            continue
        if entry.get("type") == "directory":
            found.append(Listed(name, url_of(fs, entry["name"].rstrip("/")) + "/", True))
        elif is_archive(name):
            found.append(Listed(name, url_of(fs, entry["name"]), False))
        else:
            ignored.append(url_of(fs, entry["name"]))
    return found, ignored


class RemoteBundle:
    """One bundle in object storage, as `bundle.iter_bundle` walks it: `label`, `single`, and
    `objects()` — (name inside the bundle, size, opener) for each object, read lazily."""

    def __init__(self, url: str):
        self.url = url
        self.single = not url.endswith("/")
        self.label = url.rstrip("/").rsplit("/", 1)[-1]
        self._fs, self._path = filesystem(url)
        self._listing: list[dict[str, Any]] | None = None

    def listing(self) -> list[dict[str, Any]]:
        if self._listing is None:
            try:
                if self.single:
                    self._listing = [self._fs.info(self._path)]
                else:
                    root = self._path.rstrip("/")
                    found = self._fs.find(root, detail=True)
                    self._listing = [dict(info, name=name) for name, info in sorted(found.items())
                                     if info.get("type") != "directory"]
            except Exception as error:  # whatever the store's library raises: this bundle's row, not a crash
                raise RemoteError(f"cannot read {self.url}: {_reason(error)}") from error
        return self._listing

    def objects(self) -> Iterator[tuple[str, int | None, Callable[[], BinaryIO]]]:
        root = self._path.rstrip("/") + "/"
        for info in self.listing():
            name = self.label if self.single else info["name"][len(root):] if info["name"].startswith(root) else \
                info["name"]
            yield name, info.get("size"), self._opener(info["name"])

    def _opener(self, path: str) -> Callable[[], BinaryIO]:
        return lambda: self._fs.open(path, "rb", block_size=BLOCK, cache_type="readahead")

    def head(self, size: int) -> bytes:
        """The first bytes of a single-object bundle (to check it is the archive its name says)."""
        with self._fs.open(self._path, "rb", block_size=max(size, 1024)) as handle:
            return handle.read(size)

    def fingerprint(self) -> str:
        """`etag:…` from the listing: names, sizes and ETags (or content hashes) of every object."""
        digest = hashlib.sha256(b"remote\0")
        root = self._path.rstrip("/") + "/"
        for info in self.listing():
            name = info["name"][len(root):] if info["name"].startswith(root) else "."
            digest.update(f"{name}\0{info.get('size')}\0{object_version(info)}\0".encode())
        return f"etag:{digest.hexdigest()}"


def _reason(error: Exception) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def object_version(info: dict[str, Any]) -> str:
    """What changes when an object's content changes: its ETag, else a content hash, else its mtime."""
    for key in ("ETag", "etag", "md5Hash", "crc32c", "content_md5", "LastModified", "mtime", "last_modified"):
        value = info.get(key)
        if value:
            return f"{key}={str(value).strip(chr(34))}"
    settings = info.get("content_settings")
    if isinstance(settings, dict) and settings.get("content_md5"):
        return f"content_md5={settings['content_md5']}"
    return ""
