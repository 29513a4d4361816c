"""Another program already listens on SCCACHE_SERVER_PORT: the client talks to it as if it were
the sccache server and fails on the reply; nothing says `Address already in use`."""

from labkit import Lab


def port_taken():
    """A foreign loopback program owns SCCACHE_SERVER_PORT: client fails with `failed to fill whole buffer`."""
    lab = Lab("port-taken", 4414)
    env = None
    try:
        lab.copy_crate()
        (lab.project / "target").mkdir()
        lab.listen(lab.port, "eof")
        env = lab.env()
        during = lab.capture_during(0.5)
        res = lab.cargo(env)
        during.join()  # ps/ss while the foreign program still owns the port, before anything else
        lab.write_cargo(res, cmd="cargo build")
        lab.write_env(env)
        lab.copy_rustc_info()
        lab.show_stats(env)
        stop = lab.run([lab.sccache, "--stop-server"], env, timeout=15)
        lab.write("stop-server.txt", "$ sccache --stop-server\n" + stop.stdout + stop.stderr
                  + ("[no answer after 15 s; interrupted]\n" if stop.timed_out else ""))
        lab.write("ss.txt", lab.capture_ss())
        lab.expected(
            "Real sccache 0.16 + cargo 1.95: a Python program listening on SCCACHE_SERVER_PORT "
            "(reads the request and hangs up); cargo's `sccache rustc -vV` probe fails.",
            "server-port-in-use", "environment",
            ["server-port-in-use", "rustc-probe-failed", "ipc-broken"],
            roles={"server-port-in-use": "root-cause"},
            wrong=["source-compile-error", "toolchain-broken", "storage-check-slow"])
    finally:
        lab.close()


SCENARIOS = {"port-taken": port_taken}
