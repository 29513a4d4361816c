"""What `--show-stats` says beyond hits and misses: a multi-level cache whose second level serves
what the first lost (0.15+), and C compiles sccache cannot cache for reasons the build can change.
Both run gcc through sccache directly, the way a launcher does."""

import shutil
import sys
from pathlib import Path

import labkit
from labkit import Lab

SOURCES = {f"f{i}.c": f"int f{i}(int x) {{ return x * {i}; }}\n" for i in (1, 2, 3)}
SOURCES["main.c"] = '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n'
WEBDAV = Path(__file__).resolve().parent.parent / "webdav_fake.py"


def _sources(lab: Lab) -> None:
    lab.project.mkdir(parents=True, exist_ok=True)
    for name, text in SOURCES.items():
        (lab.project / name).write_text(text)


def _compile_all(lab: Lab, env: dict) -> None:
    for name in SOURCES:
        lab.run([lab.sccache, "gcc", "-c", name, "-o", f"{name}.o"], env)


def _stats(lab: Lab, env: dict) -> None:
    """The three forms people paste: the table, its JSON and the per-compiler table."""
    lab.show_stats(env)
    quiet = {k: v for k, v in env.items() if k not in ("SCCACHE_LOG", "SCCACHE_ERROR_LOG")}
    for args, name in ((["--show-stats", "--stats-format=json"], "show-stats.json"),
                       (["--show-adv-stats"], "show-adv-stats.txt")):
        res = lab.run([lab.sccache, *args], quiet)
        lab.write(name, res.stdout + res.stderr)


def multi_level_backfill():
    """disk,webdav: both levels filled, the disk level wiped, the server restarted; L1 serves."""
    lab = Lab("multi-level-backfill", 4439)
    env = None
    try:
        _sources(lab)
        dav_port = labkit.port(4409)
        lab.extra_ports.add(dav_port)
        dav = lab.spawn([sys.executable, WEBDAV, dav_port], lab.env(wrapper=False))
        if not dav.stdout.readline().startswith("listening"):
            raise RuntimeError("the WebDAV fake did not start")
        env = lab.env(wrapper=False, SCCACHE_MULTILEVEL_CHAIN="disk,webdav",
                      SCCACHE_WEBDAV_ENDPOINT=f"http://127.0.0.1:{dav_port}/sc/")
        lab.run([lab.sccache, "--start-server"], env)
        _compile_all(lab, env)                       # misses: written to both levels
        lab.stop_server(env)
        disk = Path(env["SCCACHE_DIR"])
        if disk.exists():
            shutil.rmtree(disk)                      # the local level is gone, the remote one is not
        lab.run([lab.sccache, "--start-server"], env)
        _compile_all(lab, env)                       # hits from L1, backfilled into L0
        _stats(lab, env)
        lab.write_env(env)
        lab.expected(
            "Real sccache 0.16 with SCCACHE_MULTILEVEL_CHAIN=disk,webdav (a WebDAV store on "
            "127.0.0.1): C files compiled through `sccache gcc` into both levels, the disk level "
            "wiped, the server restarted and the files compiled again: every hit comes from "
            "L1 (webdav) and is backfilled to L0 (disk). Stats as text, JSON and --show-adv-stats.",
            None, "none", [], wrong=["cache-read-errors", "cache-write-errors", "low-cache-hit-rate"],
            notes="A second level that serves what the first one lost is the multi-level cache "
                  "doing its job.")
    finally:
        lab.close(env)


def non_cacheable_limitation_c():
    """Two sources in one call and -fprofile-use: reasons the build can change."""
    lab = Lab("non-cacheable-limitation-c", 4439)
    env = None
    try:
        _sources(lab)
        env = lab.env(wrapper=False)
        lab.run([lab.sccache, "--start-server"], env)
        lab.run([lab.sccache, "gcc", "-c", "f1.c", "f2.c"], env)
        lab.run([lab.sccache, "gcc", "-x", "c", "-c", "f3.c", "-o", "f3.o"], env)
        lab.run([lab.sccache, "gcc", "-c", "f1.c", "-o", "f1.o"], env)
        lab.run([lab.sccache, "gcc", "-fprofile-use", "-c", "f2.c", "-o", "p.o"], env)
        lab.run([lab.sccache, "gcc", "-c", "main.c", "-o", "main.o"], env)
        _stats(lab, env)
        lab.write_env(env)
        lab.expected(
            "Real sccache 0.16 with a local disk cache wrapping gcc: single-file compiles are "
            "cached, `gcc -c f1.c f2.c` (two sources in one call) and `gcc -fprofile-use -c f2.c` "
            "are not: stats list `multiple input files` and `-fprofile-use` as non-cacheable reasons.",
            None, "none", ["non-cacheable-limitation"], wrong=["cache-write-errors"],
            notes="Both reasons can be fixed by changing how the build calls the compiler, unlike "
                  "crate-type or cargo's probes.")
    finally:
        lab.close(env)


SCENARIOS = {
    "multi-level-backfill": multi_level_backfill,
    "non-cacheable-limitation-c": non_cacheable_limitation_c,
}
