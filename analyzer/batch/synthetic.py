"""A made-up fleet built from the sample bundles, for tests, benchmarks and trying `batch` out.

    python -m analyzer.batch.synthetic samples/ /tmp/fleet 300
    sccache-forensics batch /tmp/fleet -o /tmp/fleet-report

Machine i gets sample i mod n (sorted by name) with a collector `manifest.json` naming its host
(`host-0042`) and capture time, as a folder, a `.zip` or a `.tar.gz` in turn. Every seventh
machine also gets an `extra.log` of sccache log lines no signature explains, differing only in
paths, numbers and addresses, so the unexplained-line templates have something to group.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
import tarfile
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

FORMATS = ("folder", "zip", "tar.gz")
START = datetime(2026, 11, 1, tzinfo=UTC)
EXTRA_EVERY = 7


def sample_bundles(samples: Path) -> list[Path]:
    return sorted(p for p in Path(samples).glob("*/bundle") if p.is_dir())


def build_fleet(samples: Path, dest: Path, count: int) -> list[Path]:
    """Write `count` bundles into `dest` (created); return their paths in order."""
    sources = sample_bundles(samples)
    if not sources:
        raise ValueError(f"no sample bundles (*/bundle) under {samples}")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    return [_machine(i, sources[i % len(sources)], dest) for i in range(count)]


def _machine(index: int, source: Path, dest: Path) -> Path:
    host = f"host-{index:04d}"
    files = {p.relative_to(source).as_posix(): p.read_bytes() for p in sorted(source.rglob("*")) if p.is_file()}
    when = START + timedelta(hours=index)
    if index % EXTRA_EVERY == 0:
        files["extra.log"] = _extra_log(index, when)
    files["manifest.json"] = json.dumps({
        "tool": {"name": "sccache-forensics", "version": "0.1.0"}, "host": host,
        "captured_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "label": source.parent.name,
        "files": [{"path": name, "command": None, "exit_status": None, "error": None} for name in sorted(files)],
    }, indent=1).encode("utf-8")
    form = FORMATS[index % len(FORMATS)]
    if form == "folder":
        target = dest / host
        if target.exists():
            shutil.rmtree(target)
        for name, data in files.items():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(data)
    elif form == "zip":
        target = dest / f"{host}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 1, 0, 0, 0)), data)
    else:
        target = dest / f"{host}.tar.gz"
        with tarfile.open(target, "w:gz") as archive:
            for name, data in files.items():
                info = tarfile.TarInfo(name)
                info.size, info.mtime = len(data), 1_793_491_200
                archive.addfile(info, io.BytesIO(data))
    return target


def _extra_log(index: int, when: datetime) -> bytes:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        f"[{stamp} INFO  sccache::server] start_server: 127.0.0.1:{4226 + index % 3}",
        f"[{stamp} ERROR sccache::cache::disk] frobnicate failed for /home/ci{index}/target/debug/deps/"
        f"libfoo-{index:016x}.rlib after {index % 13}.{index % 10} s",
        f"[{stamp} WARN  sccache::dist] scheduler 10.0.{index % 250}.{(index * 7) % 250}:10600 answered "
        f"status {500 + index % 4} for job {index * 31}",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m analyzer.batch.synthetic SAMPLES_DIR DEST COUNT", file=sys.stderr)
        return 2
    made = build_fleet(Path(argv[0]), Path(argv[1]), int(argv[2]))
    print(f"{len(made)} bundles in {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
