"""SCCACHE_IDLE_TIMEOUT=2 while one crate compiles for much longer: does the server shut down
under a running compile? Recorded as it really happens."""

from labkit import Lab, add_slow_member


def idle_timeout():
    """SCCACHE_IDLE_TIMEOUT=2 with a ~10 s compile of a generated slow crate."""
    lab = Lab("idle-timeout", 4438)
    env = None
    try:
        lab.copy_crate()
        add_slow_member(lab.project, 600)
        env = lab.env(CARGO_INCREMENTAL="0", SCCACHE_IDLE_TIMEOUT="2", SCCACHE_LOG="debug",
                      SCCACHE_ERROR_LOG=lab.home / "sccache-server.log")
        lab.capture_during(6.0)
        res = lab.cargo(env)
        lab.write_cargo(res, cmd="cargo build")
        lab.write_env(env)
        lab.copy_rustc_info()
        log = lab.home / "sccache-server.log"
        lab.copy_file(log, "sccache-server.log")
        text = log.read_text() if log.exists() else ""
        idle = "shutting down due to being idle" in text
        lab.idle = idle
        lab.show_stats(env)
        lab.expected(
            "Real sccache 0.16 + cargo 1.95: SCCACHE_IDLE_TIMEOUT=2, workspace with a slow generated "
            f"crate (~10 s, CARGO_INCREMENTAL=0); cargo exited {res.rc}; idle shutdown in the log: "
            f"{'yes' if idle else 'no'}.",
            None if res.rc == 0 else "server-idle-timeout", "none" if res.rc == 0 else "cache-wrapper",
            ["server-idle-timeout"] if idle else [],
            roles={},
            notes="The idle timer counts time without new requests, so it fired 3 s in while the "
            "slow crate was still compiling inside the server; the client fell back to a local "
            "compile and the build passed, but slower." if idle and res.rc == 0 else None,
            wrong=["source-compile-error", "toolchain-broken", "storage-check-slow",
                   "server-exited-midbuild"] if res.rc == 0 else ["source-compile-error"])
    finally:
        lab.close(env)


SCENARIOS = {"idle-timeout": idle_timeout}
