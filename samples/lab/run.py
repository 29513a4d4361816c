"""Regenerate the real sample bundles.

    python samples/lab/run.py [SCENARIO...] [--list] [--out DIR] [--work DIR] [--port-offset N]

Each module in scenarios/ exposes SCENARIOS = {sample-name: function}; a function builds one
sample folder by causing the failure for real with sccache and cargo. Without --out the samples
are written to samples/<name>/ (the checked-in corpus) and sccache is installed once into
samples/lab/work/; with --out DIR they go to DIR/<name>/ and, unless --work is given, sccache is
installed into a temporary directory that is removed at the end. --port-offset moves every port
the scenarios use (4400-4449) up by N, so two runs can share the machine (N <= 50)."""

from __future__ import annotations

import argparse
import importlib
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import labkit  # noqa: E402

MODULES = [m for m in [
    "storage_stall", "storage_errors", "port_taken", "server_killed", "wrapper",
    "rustc_info_replay", "healthy", "unwritable_cache", "old_server", "idle_timeout", "cache_effectiveness",
    "make_wrapper", "cc_builds", "dist", "backends", "versions", "stats_levels",
] if (Path(__file__).resolve().parent / "scenarios" / f"{m}.py").exists()]


def registry() -> dict:
    found = {}
    for mod in MODULES:
        m = importlib.import_module(f"scenarios.{mod}")
        found.update(m.SCENARIOS)
    found.update(importlib.import_module("pairs").SCENARIOS)  # pairs for compare (pairs.py)
    return found


def parse(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="run.py", description="Reproduce sccache failures for real.")
    ap.add_argument("scenarios", nargs="*", metavar="SCENARIO", help="only these (default: all)")
    ap.add_argument("--list", action="store_true", help="list the scenarios and exit")
    ap.add_argument("--out", type=Path, help="write samples into DIR/<name>/ instead of samples/<name>/")
    ap.add_argument("--work", type=Path,
                    help="where the private sccache venvs live (default: samples/lab/work/, or a "
                    "temporary directory with --out)")
    ap.add_argument("--port-offset", type=int, default=0, metavar="N",
                    help="add N (0-50) to every port, e.g. 50 to use 4450-4499")
    return ap.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    scen = registry()
    if args.list:
        for name, fn in scen.items():
            print(f"{name:34} {(fn.__doc__ or '').strip().splitlines()[0]}")
        return 0
    wanted = args.scenarios or list(scen)
    unknown = [w for w in wanted if w not in scen]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)}; see --list", file=sys.stderr)
        return 2
    try:
        labkit.configure(port_offset=args.port_offset)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    temp_work = None
    if args.out is not None and args.work is None:
        temp_work = Path(tempfile.mkdtemp(prefix="sccache-lab-work-"))
    labkit.configure(out=args.out, work=args.work or temp_work)
    labkit.log(f"samples -> {labkit.OUT}; sccache venvs in {labkit.WORK}; ports "
               f"{labkit.port(4400)}-{labkit.port(4449)}")
    failed, t0 = [], time.time()
    try:
        try:
            labkit.check_tools()
            labkit.sccache_bin("0.16.0")
        except (labkit.LabSetupError, OSError) as exc:
            print(f"lab: cannot run here: {exc}", file=sys.stderr)
            return 3
        for name in wanted:
            t = time.time()
            labkit.log(f"=== {name}")
            try:
                scen[name]()
            except Exception:  # one broken scenario must not stop the others
                traceback.print_exc()
                failed.append(name)
            finally:
                labkit.close_all()  # whatever the scenario left open
            labkit.log(f"=== {name} done in {time.time() - t:.0f}s")
    finally:
        labkit.close_all()
        if temp_work is not None:
            shutil.rmtree(temp_work, ignore_errors=True)
    labkit.log(f"{len(wanted) - len(failed)}/{len(wanted)} scenarios in {time.time() - t0:.0f}s"
               + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def _terminate(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through every scenario's clean-up


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(main(sys.argv[1:]))
