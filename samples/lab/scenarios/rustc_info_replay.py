"""Cargo replays a failed `rustc -vV` probe from target/.rustc_info.json after the cause is gone:
the second build fails with the first build's sccache error without running sccache at all."""

import time

from labkit import Lab

from scenarios.storage_stall import BACKENDS


def rustc_info_replay():
    """First build times out (OSS behind a stalling proxy); fixed env + healthy server; cargo replays."""
    lab = Lab("rustc-info-replay", 4426)
    env2 = None
    try:
        lab.copy_crate()
        (lab.project / "target").mkdir()
        proxy = lab.port + 1
        lab.listen(proxy, "connect-stall")
        env1 = lab.env(**BACKENDS["oss"], HTTPS_PROXY=f"http://127.0.0.1:{proxy}", SCCACHE_DIR=None)
        first = lab.cargo(env1)
        lab.write_cargo(first, "cargo-build-first.txt", cmd="cargo build")
        lab.kill_leftovers()  # the stuck server from the first attempt
        # the fix: local disk cache, no proxy; start a healthy server, then build again
        env2 = lab.env(SCCACHE_LOG="debug", SCCACHE_ERROR_LOG=lab.home / "sccache-server.log")
        start = lab.run([lab.sccache, "--start-server"], env2, timeout=30)
        time.sleep(0.5)
        second = lab.cargo(env2)
        lab.write_cargo(second, cmd="cargo build")
        lab.write("terminal.txt",
                  "$ cargo build\n(failed: Timed out waiting for server startup; see cargo-build-first.txt)\n"
                  "$ unset SCCACHE_OSS_BUCKET SCCACHE_OSS_ENDPOINT SCCACHE_OSS_KEY_PREFIX HTTPS_PROXY\n"
                  "$ export SCCACHE_LOG=debug SCCACHE_ERROR_LOG=/home/dev/sccache-server.log\n"
                  f"$ sccache --start-server\n{start.stdout}{start.stderr}"
                  "$ cargo build\n(failed again, same message; see cargo-build.txt)\n")
        lab.write_env(env2)
        lab.copy_rustc_info()
        lab.show_stats(env2)
        lab.copy_file(lab.home / "sccache-server.log", "sccache-server.log")
        lab.expected(
            "Real sccache 0.16 + cargo 1.95: first cargo build timed out in the rustc -vV probe (OSS "
            "behind a stalling loopback proxy, target/ existed); then the OSS/proxy env was removed, "
            "a healthy local-disk server started, and the next cargo build failed with the same "
            "stored error without sending sccache any request (stats: 0 compile requests).",
            "rustc-info-cached-failure", "cache-wrapper",
            ["rustc-info-cached-failure", "rustc-probe-failed", "server-startup-timeout"],
            roles={"rustc-info-cached-failure": "root-cause"},
            wrong=["source-compile-error", "toolchain-broken", "storage-check-slow", "server-port-in-use"],
            notes=f"second build: rc={second.rc} in {second.seconds:.1f}s")
    finally:
        lab.close(env2)


SCENARIOS = {"rustc-info-replay": rustc_info_replay}
