"""Regenerate the real sample bundles: `python samples/lab/run.py [SCENARIO...] [--list]`.

Each module in scenarios/ exposes SCENARIOS = {sample-name: function}; a function builds one
sample folder under samples/ by causing the failure for real with sccache and cargo."""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import labkit  # noqa: E402

MODULES = [m for m in [
    "storage_stall", "storage_errors", "port_taken", "server_killed", "wrapper",
    "rustc_info_replay", "healthy", "unwritable_cache", "old_server", "idle_timeout",
] if (Path(__file__).resolve().parent / "scenarios" / f"{m}.py").exists()]


def registry() -> dict:
    found = {}
    for mod in MODULES:
        m = importlib.import_module(f"scenarios.{mod}")
        found.update(m.SCENARIOS)
    return found


def main(argv: list[str]) -> int:
    scen = registry()
    if "--list" in argv:
        for name, fn in scen.items():
            print(f"{name:34} {(fn.__doc__ or '').strip().splitlines()[0]}")
        return 0
    wanted = [a for a in argv if not a.startswith("-")] or list(scen)
    unknown = [w for w in wanted if w not in scen]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)}; see --list", file=sys.stderr)
        return 2
    labkit.sccache_bin("0.16.0")
    failed, t0 = [], time.time()
    for name in wanted:
        t = time.time()
        labkit.log(f"=== {name}")
        try:
            scen[name]()
        except Exception:  # one broken scenario must not stop the others
            traceback.print_exc()
            failed.append(name)
        labkit.log(f"=== {name} done in {time.time() - t:.0f}s")
    labkit.log(f"{len(wanted) - len(failed)}/{len(wanted)} scenarios in {time.time() - t0:.0f}s"
               + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
