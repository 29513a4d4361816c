"""Generate a large sccache server debug log from a real lab log, streaming.

The base log (by default the largest lab server log, `samples/healthy-second-run`) is split
into its prologue (everything before the first `handle_client:` line: server start, cache
init, listening) and its body (compile traffic). The prologue is written once; the body is
repeated with its timestamps shifted forward on every pass, so time keeps increasing,
until the file reaches the requested size. About one line in a thousand (`RATE`) is a real
error line taken from the sample bundles: server `ERROR`/`WARN` records (re-stamped with
the time of the line they precede), client lines (`sccache: error: Timed out waiting for
server startup…`) and cargo compile errors (`error[E0425]: …`), chosen by a seeded RNG.

The file is written in chunks and never held in memory. Next to each generated bundle
folder, `<label>.meta.json` records what was made; a later run reuses the log when the
size, the base log, the error pool and `GENERATOR_VERSION` are unchanged.

    python benchmarks/genlog.py 100M /tmp/sccache-forensics-bench/logs
"""

from __future__ import annotations

import argparse
import calendar
import hashlib
import json
import os
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

GENERATOR_VERSION = 1
RATE = 0.001  # share of injected real error lines
SEED = 9
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DEFAULT_BASE = SAMPLES / "healthy-second-run" / "bundle" / "sccache-server.log"
LOG_NAME = "sccache-server.log"

_STAMP = re.compile(r"^\[(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})")
_SERVER_PROBLEM = re.compile(r"^\[\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z? +(?:ERROR|WARN) ")
_CLIENT_PROBLEM = re.compile(r"^sccache: (?:error|warning|caused by): ")
_COMPILE_ERROR = re.compile(r"^error(?:\[E\d{4}\])?: \S")
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def parse_size(text: str) -> int:
    """`10M` -> 10 MiB; units K, M, G are powers of 1024; a bare number is bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?)i?B?\s*", text.upper())
    if not match:
        raise ValueError(f"bad size {text!r} (use e.g. 10M, 100M, 1G)")
    return int(float(match.group(1)) * _UNITS[match.group(2)])


def size_label(size: int) -> str:
    for unit in ("G", "M", "K"):
        if size >= _UNITS[unit] and size % _UNITS[unit] == 0:
            return f"{size // _UNITS[unit]}{unit}"
    return f"{size}B"


@dataclass(frozen=True)
class Line:
    """A log line cut at its timestamp: `[` + stamp(epoch + offset) + tail, or raw text."""

    offset: int | None  # seconds after the log's first timestamp; None when the line has none
    tail: str  # the text after the seconds field (or the whole line when offset is None)


def _epoch(stamp: str) -> int:
    return calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%S"))


def _stamp(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch))


def split_lines(text: str, start: int | None = None) -> tuple[list[Line], int]:
    """Cut lines at their timestamps, as offsets from `start` (default: the first timestamp)."""
    lines: list[Line] = []
    for raw in text.splitlines():
        match = _STAMP.match(raw)
        if match is None:
            lines.append(Line(None, raw))
            continue
        epoch = _epoch(match.group(1))
        if start is None:
            start = epoch
        lines.append(Line(epoch - start, raw[match.end():]))
    return lines, start if start is not None else 0


def error_pool(samples: Path = SAMPLES) -> list[str]:
    """Real error lines from the sample bundles, deduplicated, in a stable order."""
    found: dict[str, None] = {}
    for path in sorted(samples.glob("*/bundle/*")):
        if not path.is_file() or path.stat().st_size > 4 * 1024**2:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # UTF-16 / GBK captures of the Windows sample: not log lines anyway
        for raw in text.splitlines():
            line = raw.rstrip()
            if _SERVER_PROBLEM.match(line) or _CLIENT_PROBLEM.match(line) or _COMPILE_ERROR.match(line):
                found[line] = None
    return list(found)


def _pool_lines(pool: list[str]) -> list[Line]:
    out = []
    for raw in pool:
        match = _STAMP.match(raw)
        out.append(Line(0, raw[match.end():]) if match else Line(None, raw))
    return out


def _digest(*parts: str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8"))
        hasher.update(b"\0")
    return hasher.hexdigest()[:16]


def generate(target: int, out_path: Path, base: Path = DEFAULT_BASE, pool: list[str] | None = None,
             rate: float = RATE, seed: int = SEED) -> dict:
    """Write about `target` bytes of log to `out_path` (whole lines); return what was written."""
    text = base.read_text(encoding="utf-8")
    pool = error_pool() if pool is None else pool
    if not pool:
        raise ValueError("no error lines found to inject")
    lines, start = split_lines(text)
    first_body = next((i for i, line in enumerate(lines) if "handle_client:" in line.tail), 0)
    prologue, body = lines[:first_body], lines[first_body:]
    timed = [line.offset for line in body if line.offset is not None]
    if not body or not timed:
        raise ValueError(f"{base}: no timestamped body to repeat")
    period = max(timed) - min(timed) + 1
    inject = _pool_lines(pool)
    rng = random.Random(seed)
    mean_gap = max(1, round(1 / rate))
    gap = rng.randint(1, 2 * mean_gap - 1)
    written = lines_out = injected = 0
    last_stamp = ""
    tmp = out_path.with_name(out_path.name + ".part")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(tmp, "wb") as stream:
        shift, passes, block = 0, 0, prologue
        while written < target:
            stamps: dict[int, str] = {}
            chunk: list[str] = []
            marks: list[int] = []  # indices of the injected lines in `chunk`
            current = ""
            for line in block:
                if line.offset is not None:
                    current = stamps.get(line.offset) or stamps.setdefault(line.offset, _stamp(start + shift + line.offset))
                    if block is body:
                        gap -= 1
                        if gap == 0:
                            extra = rng.choice(inject)
                            marks.append(len(chunk))
                            chunk.append(f"[{current}{extra.tail}\n" if extra.offset is not None else extra.tail + "\n")
                            gap = rng.randint(1, 2 * mean_gap - 1)
                    chunk.append(f"[{current}{line.tail}\n")
                else:
                    chunk.append(line.tail + "\n")
            data = "".join(chunk).encode("utf-8")
            if written + len(data) > target:
                data = data[: data.rfind(b"\n", 0, max(1, target - written)) + 1] or data[: data.find(b"\n") + 1]
            stream.write(data)
            written += len(data)
            kept = data.count(b"\n")
            lines_out += kept
            injected += sum(1 for mark in marks if mark < kept)
            last_stamp = current or last_stamp
            if block is body:
                shift += period
                passes += 1
            block = body
    os.replace(tmp, out_path)
    return {"bytes": written, "lines": lines_out, "injected_lines": injected, "body_passes": passes,
            "first_time": _stamp(start), "last_time_approx": last_stamp}


def ensure_log(size: int, logs_dir: Path, base: Path = DEFAULT_BASE, log=print) -> Path:
    """The bundle folder holding a generated log of `size` bytes; generated unless reusable."""
    label = size_label(size)
    bundle = logs_dir / label
    log_path = bundle / LOG_NAME
    meta_path = logs_dir / f"{label}.meta.json"
    pool = error_pool()
    key = {"generator": GENERATOR_VERSION, "target_bytes": size, "rate": RATE, "seed": SEED,
           "base": str(base), "base_digest": _digest(base.read_text(encoding="utf-8")),
           "pool_digest": _digest(*pool)}
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    if (meta.get("key") == key and log_path.is_file() and log_path.stat().st_size == meta.get("bytes")
            and sorted(p.name for p in bundle.iterdir()) == [LOG_NAME]):
        log(f"  reusing {log_path} ({meta['bytes']:,} bytes, generator v{GENERATOR_VERSION})")
        return bundle
    if bundle.exists():
        for stale in bundle.iterdir():
            stale.unlink()
    log(f"  generating {log_path} ({label}) from {base.relative_to(ROOT) if base.is_relative_to(ROOT) else base}")
    began = time.perf_counter()
    facts = generate(size, log_path, base, pool)
    facts["seconds"] = round(time.perf_counter() - began, 1)
    meta_path.write_text(json.dumps({"key": key, **facts}, indent=2) + "\n", encoding="utf-8")
    log(f"  wrote {facts['bytes']:,} bytes, {facts['lines']:,} lines in {facts['seconds']} s")
    return bundle


def read_meta(logs_dir: Path, size: int) -> dict:
    try:
        return json.loads((logs_dir / f"{size_label(size)}.meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", help="e.g. 10M, 100M, 1G (powers of 1024)")
    parser.add_argument("logs_dir", type=Path, help="folder for <size>/sccache-server.log")
    parser.add_argument("--base", type=Path, default=DEFAULT_BASE, help="real lab log to repeat")
    args = parser.parse_args(argv)
    bundle = ensure_log(parse_size(args.size), args.logs_dir, args.base)
    print(bundle / LOG_NAME)
    return 0


if __name__ == "__main__":
    sys.exit(main())
