"""SCCACHE_DIR points at a regular file: the server starts, every cache write fails, the build
still succeeds (a read-only directory cannot be staged here: the lab runs as root)."""

from labkit import Lab


def unwritable_cache_dir():
    """SCCACHE_DIR is a file: cache writes fail with `File exists`, build passes."""
    lab = Lab("unwritable-cache-dir", 4434)
    env = None
    try:
        lab.copy_crate()
        bad = lab.home / ".cache" / "sccache"
        bad.parent.mkdir(parents=True)
        bad.write_text("not a directory\n")
        env = lab.env(CARGO_INCREMENTAL="0", SCCACHE_LOG="debug",
                      SCCACHE_ERROR_LOG=lab.home / "sccache-server.log")
        res = lab.cargo(env)
        lab.write_cargo(res, cmd="cargo build")
        lab.write_env(env)
        lab.copy_rustc_info()
        lab.show_stats(env)
        lab.copy_file(lab.home / "sccache-server.log", "sccache-server.log")
        ok = res.rc == 0
        lab.expected(
            "Real sccache 0.16 + cargo 1.95: SCCACHE_DIR points at a regular file, "
            f"CARGO_INCREMENTAL=0, debug server log; cargo exited {res.rc}.",
            "local-disk-cache-problem", "environment",
            ["local-disk-cache-problem", "cache-write-errors"], status="cache-ineffective" if ok else "build-failed",
            wrong=["source-compile-error", "server-startup-timeout", "toolchain-broken"])
    finally:
        lab.close(env)


SCENARIOS = {"unwritable-cache-dir": unwritable_cache_dir}
