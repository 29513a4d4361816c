"""The sccache server is killed while a long compile is in flight: alone (clients fall back to
local compiles) or together with its clients (cargo sees the wrapper die by SIGKILL)."""

import os
import re
import signal
import time

from labkit import Lab, add_slow_member, find_pids, wait_for


def killed(name: str, port: int, clients: bool) -> Lab:
    lab = Lab(name, port)
    env = None
    try:
        lab.copy_crate()
        add_slow_member(lab.project, 600)
        env = lab.env(SCCACHE_LOG="debug", SCCACHE_ERROR_LOG=lab.home / "sccache-server.log",
                      CARGO_INCREMENTAL="0")
        t0 = time.time()
        proc = lab.spawn(["cargo", "build"], env)
        slow = r"rustc .*--crate-name slow "
        if not wait_for(lambda: find_pids(re.escape(str(lab.tmp))) and find_pids(slow), 60):
            raise RuntimeError("the slow crate never started compiling")
        time.sleep(2)
        lab.write("ss.txt", lab.capture_ss())
        lab.write("ps.txt", lab.capture_ps())
        servers = lab.server_pids()
        for pid in servers:
            os.kill(pid, signal.SIGKILL)
        shown = f"$ kill -9 {' '.join(map(str, servers))}\n"
        if clients:
            # The clients get a moment to see the server's EOF (they warn and start compiling
            # locally) before they die too; killed in the same instant, some never print it.
            time.sleep(0.5)
            rest = [pid for pid in lab.sccache_pids() if pid not in servers]
            for pid in rest:
                os.kill(pid, signal.SIGKILL)
            shown += f"$ sleep 0.5; kill -9 {' '.join(map(str, rest))}\n"
        killed_at = time.time() - t0
        out, err = proc.communicate(timeout=240)
        lab.log_cargo = (proc.returncode, time.time() - t0)
        lab.write("cargo-build.txt", f"$ cargo build\n{out}{err}")
        lab.write("terminal.txt",
                  "$ cargo build   # in another terminal\n"
                  f"$ ps -eo pid,args | grep sccache\n{shown}")
        lab.write("ps-after.txt", lab.capture_ps())
        lab.write_env(env)
        lab.copy_rustc_info()
        lab.copy_file(lab.home / "sccache-server.log", "sccache-server.log")
        lab.show_stats(env)
        lab.timings = (killed_at, proc.returncode)
    finally:
        lab.close(env)
    return lab



def server_killed_midbuild():
    """Only the sccache server is SIGKILLed during a long compile: clients compile locally, build passes."""
    lab = killed("server-killed-midbuild", 4416, clients=False)
    ok = lab.timings[1] == 0
    lab.expected(
        "Real sccache 0.16 + cargo 1.95: cargo build of a workspace with a slow generated crate "
        "(CARGO_INCREMENTAL=0); kill -9 of the sccache server only, about 2 s into that crate's "
        f"compile; cargo exited {lab.timings[1]}.",
        None if ok else "server-exited-midbuild", "none" if ok else "cache-wrapper",
        ["server-exited-midbuild"],
        roles={"server-exited-midbuild": "benign" if ok else "root-cause"},
        wrong=["source-compile-error", "toolchain-broken", "storage-check-slow"],
        notes="The build survived: the client printed `The server looks like it shut down "
        "unexpectedly, compiling locally instead` and compiled itself." if ok else None)


def server_and_clients_killed():
    """The server and every sccache client are SIGKILLed mid-compile: cargo reports signal 9."""
    lab = killed("server-and-clients-killed", 4418, clients=True)
    lab.expected(
        "Real sccache 0.16 + cargo 1.95: cargo build of a workspace with a slow generated crate "
        "(CARGO_INCREMENTAL=0); kill -9 of the sccache server about 2 s into that crate's compile "
        f"and of all sccache client processes 0.5 s later; cargo exited {lab.timings[1]}.",
        "compile-interrupted-by-kill", "environment",
        ["compile-interrupted-by-kill", "server-exited-midbuild"],
        roles={"compile-interrupted-by-kill": "root-cause"},
        wrong=["source-compile-error", "toolchain-broken", "storage-check-slow",
               "server-startup-timeout"])


SCENARIOS = {
    "server-killed-midbuild": server_killed_midbuild,
    "server-and-clients-killed": server_and_clients_killed,
}
