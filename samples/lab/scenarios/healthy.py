"""Builds where the cache works: a real compile error, a warm second run with hits, and a dev
build dominated by non-cacheable calls (incremental workspace crates, bin, proc-macro)."""

import shutil

from labkit import Lab

BROKEN = "pub fn broken() -> u32 {\n    undefined_total + 1\n}\n"


def compile_error_healthy_cache():
    """A real error[E0425] in a path dependency with a healthy local disk cache."""
    lab = Lab("compile-error-healthy-cache", 4428)
    env = None
    try:
        lab.copy_crate()
        lib = lab.project / "util" / "src" / "lib.rs"
        lib.write_text(lib.read_text() + "\n" + BROKEN)
        env = lab.env(CARGO_INCREMENTAL="0", SCCACHE_LOG="info",
                      SCCACHE_ERROR_LOG=lab.home / "sccache-server.log")
        res = lab.cargo(env)
        lab.write_cargo(res, cmd="cargo build")
        lab.write_env(env)
        lab.copy_rustc_info()
        lab.show_stats(env)
        lab.copy_file(lab.home / "sccache-server.log", "sccache-server.log")
        lab.expected(
            "Real sccache 0.16 + cargo 1.95: a use of an undefined name in the util crate, local "
            "disk cache, server log at info level; cargo build fails with error[E0425].",
            "source-compile-error", "source-code", ["source-compile-error"],
            roles={"source-compile-error": "root-cause"},
            wrong=["server-startup-timeout", "storage-check-slow", "toolchain-broken",
                   "cache-served-bad-artifact", "compile-interrupted-by-kill"])
    finally:
        lab.close(env)


def healthy_second_run():
    """Two clean builds with CARGO_INCREMENTAL=0: the second one is served from the disk cache."""
    lab = Lab("healthy-second-run", 4430)
    env = None
    try:
        lab.copy_crate()
        env = lab.env(CARGO_INCREMENTAL="0", SCCACHE_LOG="debug",
                      SCCACHE_ERROR_LOG=lab.home / "sccache-server.log")
        first = lab.cargo(env)
        lab.write_cargo(first, "cargo-build-first.txt", cmd="cargo build")
        shutil.rmtree(lab.project / "target")
        second = lab.cargo(env)
        lab.write_cargo(second, cmd="cargo clean && cargo build")
        lab.write_env(env)
        lab.copy_rustc_info()
        lab.show_stats(env)
        lab.copy_file(lab.home / "sccache-server.log", "sccache-server.log")
        lab.expected(
            "Real sccache 0.16 + cargo 1.95: cargo build, rm -rf target, cargo build again with "
            "CARGO_INCREMENTAL=0 and a local disk cache; the second build hits for the lib crate.",
            None, "none", [], wrong=["source-compile-error", "server-startup-timeout",
                                     "storage-check-slow", "toolchain-broken"])
    finally:
        lab.close(env)


def non_cacheable_dominated():
    """Default dev profile (incremental) twice from clean: every call is non-cacheable, build succeeds."""
    lab = Lab("non-cacheable-dominated", 4432)
    env = None
    try:
        lab.copy_crate()
        env = lab.env()
        lab.cargo(env)
        shutil.rmtree(lab.project / "target")
        res = lab.cargo(env)
        lab.write_cargo(res, cmd="cargo clean && cargo build")
        lab.write_env(env)
        lab.copy_rustc_info()
        lab.show_stats(env)
        lab.expected(
            "Real sccache 0.16 + cargo 1.95: default dev profile (incremental on) built twice from a "
            "clean target/ with a local disk cache; build succeeds, stats show 0 hits and only "
            "non-cacheable calls (incremental, crate-type bin/proc-macro, cargo's probes).",
            None, "none", ["non-cacheable-calls", "low-cache-hit-rate"],
            wrong=["source-compile-error", "server-startup-timeout", "storage-check-slow",
                   "cache-write-errors"],
            notes="Healthy build: the cache findings explain why sccache saves nothing, "
            "not why anything failed, so there is no root cause.")
    finally:
        lab.close(env)


SCENARIOS = {
    "compile-error-healthy-cache": compile_error_healthy_cache,
    "healthy-second-run": healthy_second_run,
    "non-cacheable-dominated": non_cacheable_dominated,
}
