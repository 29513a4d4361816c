"""The same log content in every shape a bundle arrives in, made from one generated UTF-8 log.

Each shape is a bundle folder (or archive) holding the content of the plain log, so its time
compares with the plain log's in the same run:

* utf16: UTF-16LE with a BOM and CRLF line ends, as Windows PowerShell 5.1's `>` writes it;
* crlf: UTF-8 with CRLF line ends;
* files: the log cut at line ends into files of `SMALL_FILE_BYTES` (a fleet's per-job logs);
* cargo: cargo output of the same size, made from a real lab cargo capture repeated, with
  real compile errors injected as often as errors are in the log;
* gz / zip / tar.gz: the plain log compressed (fast compression level: the shape, not the
  compressor, is measured).

Shapes are written streaming, next to the plain log, and reused while the plain log is
unchanged (same size and mtime, recorded in `<shape>.stamp`).

    python benchmarks/shapes.py /tmp/sccache-forensics-bench/logs/100M
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import sys
import tarfile
import zipfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
SAMPLES = BENCH_DIR.parent / "samples"
SMALL_FILE_BYTES = 500 * 1024
READ = 4 * 1024 * 1024
CARGO_BASE = SAMPLES / "compile-error-healthy-cache" / "bundle" / "cargo-build.txt"
SHAPES = ("utf16", "crlf", "files", "cargo", "gz", "zip", "tar.gz")


def _lines_chunks(path: Path):
    """The file in reads that end at a line end."""
    carry = b""
    with open(path, "rb") as stream:
        while data := stream.read(READ):
            data = carry + data
            cut = data.rfind(b"\n") + 1
            carry = data[cut:]
            if cut:
                yield data[:cut]
    if carry:
        yield carry


def _stamp_of(log: Path) -> str:
    info = log.stat()
    return json.dumps({"bytes": info.st_size, "mtime_ns": info.st_mtime_ns, "version": 1})


def _write_utf16(log: Path, out: Path) -> None:
    with open(out, "wb") as stream:
        stream.write(b"\xff\xfe")
        for chunk in _lines_chunks(log):
            stream.write(chunk.replace(b"\n", b"\r\n").decode("utf-8", "replace").encode("utf-16-le"))


def _write_crlf(log: Path, out: Path) -> None:
    with open(out, "wb") as stream:
        for chunk in _lines_chunks(log):
            stream.write(chunk.replace(b"\n", b"\r\n"))


def _write_files(log: Path, folder: Path) -> None:
    folder.mkdir()
    index, stream, size = 0, None, 0
    for chunk in _lines_chunks(log):
        view = memoryview(chunk)
        while view:
            if stream is None or size >= SMALL_FILE_BYTES:
                if stream is not None:
                    stream.close()
                index += 1
                stream, size = open(folder / f"job-{index:05d}-sccache.log", "wb"), 0
            room = SMALL_FILE_BYTES - size
            piece = bytes(view[:room])
            if len(view) > room:
                cut = piece.rfind(b"\n") + 1 or len(piece)
                piece = piece[:cut]
            stream.write(piece)
            view = view[len(piece):]
            size = SMALL_FILE_BYTES if view else size + len(piece)  # cut: the rest starts a new file
    if stream is not None:
        stream.close()


def _write_cargo(log: Path, out: Path) -> None:
    """Cargo output as big as the log: the real capture's progress lines repeated, with one of
    its real error blocks after every ~1000 lines."""
    base = CARGO_BASE.read_text(encoding="utf-8").splitlines(keepends=True)
    progress = [line for line in base if line.startswith("   Compiling ")] or base[:1]
    start = next((i for i, line in enumerate(base) if line.startswith("error")), len(base))
    error_block = "".join(base[start:start + 12]) if start < len(base) else ""
    target = log.stat().st_size
    written, n = 0, 0
    with open(out, "w", encoding="utf-8", newline="\n") as stream:
        while written < target:
            parts = []
            for i in range(1000):
                line = progress[(n + i) % len(progress)]
                parts.append(line.replace(" v", f" v{(n + i) % 97}.", 1))
            n += 1000
            parts.append(error_block)
            text = "".join(parts)
            stream.write(text)
            written += len(text)


def _write_gz(log: Path, out: Path) -> None:
    with open(log, "rb") as src, gzip.open(out, "wb", compresslevel=1) as dst:
        shutil.copyfileobj(src, dst, READ)


def _write_zip(log: Path, out: Path) -> None:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.write(log, log.name)


def _write_tar_gz(log: Path, out: Path) -> None:
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1) as packed, \
            tarfile.open(fileobj=packed, mode="w") as archive:
        archive.add(log, log.name)


WRITERS = {
    "utf16": ("utf16", "sccache-server.log", _write_utf16),
    "crlf": ("crlf", "sccache-server.log", _write_crlf),
    "files": ("files", None, _write_files),
    "cargo": ("cargo", "cargo-build.txt", _write_cargo),
    "gz": ("gz", "sccache-server.log.gz", _write_gz),
    "zip": (None, "bundle.zip", _write_zip),
    "tar.gz": (None, "bundle.tar.gz", _write_tar_gz),
}


def shape_input(bundle: Path, shape: str) -> Path:
    """Where `ensure_shape` puts `shape` of the plain log in `bundle` (what `analyze` is given)."""
    folder, name, _ = WRITERS[shape]
    root = bundle.parent / f"{bundle.name}-{shape}"
    if folder is None:
        return root / name
    return root


def ensure_shape(bundle: Path, log: Path, shape: str, say=print) -> Path:
    """Make (or reuse) `shape` of `log`; returns the path to hand to `analyze`."""
    folder, name, write = WRITERS[shape]
    root = bundle.parent / f"{bundle.name}-{shape}"
    stamp = root.with_name(root.name + ".stamp")
    target = shape_input(bundle, shape)
    expected = _stamp_of(log)
    if target.exists() and stamp.is_file() and stamp.read_text(encoding="utf-8") == expected:
        return target
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    say(f"  making the {shape} shape of {log.name} in {root}")
    if shape == "files":
        write(log, root / "logs")
        shutil.move(str(root / "logs"), str(root.with_name(root.name + ".tmp")))
        shutil.rmtree(root)
        os.replace(root.with_name(root.name + ".tmp"), root)
    else:
        write(log, root / name)
    stamp.write_text(expected, encoding="utf-8")
    return target


def remove_shapes(bundle: Path) -> None:
    for shape in SHAPES:
        root = bundle.parent / f"{bundle.name}-{shape}"
        shutil.rmtree(root, ignore_errors=True)
        root.with_name(root.name + ".stamp").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    bundle = Path(args[0])
    log = bundle / "sccache-server.log"
    for shape in args[1:] or SHAPES:
        print(ensure_shape(bundle, log, shape))
    return 0


if __name__ == "__main__":
    io.DEFAULT_BUFFER_SIZE = READ
    sys.exit(main())
