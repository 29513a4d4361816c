"""A server from an older sccache install (0.8.2) still owns the port when the 0.16 client
arrives: there is no version handshake, so only some requests notice."""

import subprocess
import time

from labkit import Lab, sccache_bin


def old_server_new_client():
    """sccache 0.8.2 server started first on the port, then cargo with the 0.16 client."""
    old = sccache_bin("0.8.2")
    lab = Lab("old-server-new-client", 4436)
    env = None
    try:
        lab.copy_crate()
        env = lab.env(CARGO_INCREMENTAL="0")
        old_env = dict(env, SCCACHE_LOG="debug", SCCACHE_ERROR_LOG=str(lab.home / "sccache-server.log"))
        started = lab.run([old, "--start-server"], old_env, timeout=30)
        time.sleep(1)
        res = lab.cargo(env)
        lab.write("ps.txt", lab.capture_ps())
        lab.write("ss.txt", lab.capture_ss())
        lab.write_cargo(res, cmd="cargo build")
        ver_new = lab.run([lab.sccache, "--version"], env)
        ver_old = lab.run([old, "--version"], env)
        stats = lab.show_stats(env)
        lab.write("terminal.txt",
                  "$ /usr/local/bin/sccache --start-server   # earlier, from an old install\n"
                  f"{started.stdout}{started.stderr}"
                  f"$ sccache --version\n{ver_new.stdout}"
                  f"$ /usr/local/bin/sccache --version\n{ver_old.stdout}"
                  "$ cargo build\n(see cargo-build.txt)\n"
                  f"$ sccache --show-stats\n{stats.stdout}{stats.stderr}")
        lab.write_env(env)
        lab.copy_rustc_info()
        lab.copy_file(lab.home / "sccache-server.log", "sccache-server.log")
        ok = res.rc == 0
        lab.expected(
            "Real sccache 0.8.2 server (--start-server, debug log) then cargo 1.95 with the 0.16.0 "
            f"client on the same port, CARGO_INCREMENTAL=0; cargo exited {res.rc}; "
            f"sccache --show-stats exited {stats.rc}.",
            "server-version-mismatch", "cache-wrapper",
            ["server-version-mismatch"],
            roles={"server-version-mismatch": "root-cause"},
            status="cache-ineffective" if ok else "build-failed",
            wrong=["source-compile-error", "toolchain-broken", "storage-check-slow",
                   "server-port-in-use"],
            notes="The build itself passed; only --show-stats shows the mismatch. A server of another "
            "version answers the build's compiles, but its settings and stats are not the client's: the "
            "cache question gets the verdict (cache-ineffective), not a failed build." if ok else None)
    finally:
        lab.close(env)
        lab.stop_server(env)
        try:
            subprocess.run([str(old), "--stop-server"], env=dict(env or {}, SCCACHE_SERVER_PORT=str(lab.port)),
                           capture_output=True, timeout=15)
        except subprocess.TimeoutExpired:
            pass
        lab.kill_leftovers()


SCENARIOS = {"old-server-new-client": old_server_new_client}
