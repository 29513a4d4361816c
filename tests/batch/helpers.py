"""Shared by the batch tests: a fleet made from the samples plus broken bundles, and stand-ins
for the one-bundle pipeline that are slow, stuck or crash on bundles named so (handed to the
workers through `BatchOptions.analyze`, an importable function)."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

from analyzer.analysis import analyze
from analyzer.batch.run import BatchOptions, BatchResult, run_batch
from analyzer.batch.synthetic import build_fleet
from tests.shared import SAMPLES

# bundle id -> the words its `error` must contain
CORRUPT = {
    "broken-truncated.zip": "nothing readable in the input",
    "broken-random.tar.gz": "not a gzip archive",
    "broken-empty": "nothing readable in the input",
    "broken-binary-junk": "nothing readable in the input",
}


def make_fleet(dest: Path, count: int, corrupt: bool = True) -> Path:
    """`count` bundles from the samples, plus the four broken ones of CORRUPT."""
    made = build_fleet(SAMPLES, dest, count)
    if corrupt:
        good_zip = next(p for p in made if p.name.endswith(".zip"))
        (dest / "broken-truncated.zip").write_bytes(good_zip.read_bytes()[:700])
        (dest / "broken-random.tar.gz").write_bytes(random.Random(3).randbytes(3000))
        (dest / "broken-empty").mkdir(exist_ok=True)
        (dest / "broken-binary-junk").mkdir(exist_ok=True)
        junk = b"\x7fELF\x02\x01\x01" + bytes(9) + random.Random(7).randbytes(8000)
        (dest / "broken-binary-junk" / "core.bin").write_bytes(junk)
    return dest


def batch(inputs, outdir: Path, **options) -> BatchResult:
    options.setdefault("progress", False)
    return run_batch(BatchOptions([str(i) for i in inputs], outdir, **options))


def slow_analyze(inputs, knowledge=None, redact=True):
    """Python code that keeps running for a minute on a bundle named `slow…`."""
    if any(Path(i).name.startswith("slow") for i in inputs):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.01)
    return analyze(inputs, knowledge, redact)


def stuck_analyze(inputs, knowledge=None, redact=True):
    """A bundle named `stuck…` blocks the in-worker alarm and hangs (as native code would)."""
    if any(Path(i).name.startswith("stuck") for i in inputs):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(60)
    return analyze(inputs, knowledge, redact)


def crashing_analyze(inputs, knowledge=None, redact=True):
    """`crash…` kills its worker process outright; `raise…` raises an ordinary exception."""
    names = [Path(i).name for i in inputs]
    if any(n.startswith("crash") for n in names):
        os._exit(3)
    if any(n.startswith("raise") for n in names):
        raise RuntimeError("boom in the pipeline")
    return analyze(inputs, knowledge, redact)
