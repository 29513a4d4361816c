"""Builds that finish, judged on the cache question: a cold first run (healthy), and the same
workspace built from several checkout folders on one server, where every build misses again
because the path is part of the key (ineffective)."""

import shutil

from labkit import Lab

CHECKOUTS = 6


def cold_first_run():
    """One clean build with a fresh cache directory: misses, writes succeed, nothing fails."""
    lab = Lab("cold-first-run", 4440)
    env = None
    try:
        lab.copy_crate()
        env = lab.env(CARGO_INCREMENTAL="0", SCCACHE_LOG="debug",
                      SCCACHE_ERROR_LOG=lab.home / "sccache-server.log")
        res = lab.cargo(env)
        lab.write_cargo(res, cmd="cargo build")
        lab.write_env(env)
        lab.show_stats(env)
        lab.copy_file(lab.home / "sccache-server.log", "sccache-server.log")
        lab.expected(
            "Real sccache 0.16 + cargo 1.95: one clean build with a fresh SCCACHE_DIR, CARGO_INCREMENTAL=0, "
            "debug server log: misses, 0 hits, no errors.",
            None, "none", ["cold-cache"], roles={"cold-cache": "benign"}, wrong=["low-cache-hit-rate"])
    finally:
        lab.close(env)


def zero_hits_moved_checkout():
    """The same workspace built from six checkout folders, one server: the lib misses every time."""
    lab = Lab("zero-hits-moved-checkout", 4442)
    env = None
    try:
        lab.copy_crate()
        env = lab.env(CARGO_INCREMENTAL="0", SCCACHE_LOG="debug",
                      SCCACHE_ERROR_LOG=lab.home / "sccache-server.log")
        transcript = []
        for n in range(1, CHECKOUTS + 1):
            checkout = lab.home / f"ci-job-{n}"
            shutil.copytree(lab.project, checkout, ignore=shutil.ignore_patterns("target"))
            own_target = dict(env, CARGO_TARGET_DIR=str(checkout / "target"))  # a fresh job: its own target
            res = lab.run(["cargo", "build"], own_target, 180, cwd=checkout)
            transcript.append(f"$ cd {checkout} && cargo build\n{res.stdout}{res.stderr}exit status {res.rc}\n")
        lab.write("cargo-output.txt", "".join(transcript))
        lab.write_env(env)
        lab.show_stats(env)
        lab.copy_file(lab.home / "sccache-server.log", "sccache-server.log")
        lab.expected(
            f"Real sccache 0.16 + cargo 1.95, one server, the same workspace built from {CHECKOUTS} checkout "
            "folders (ci-job-1 …) as CI jobs do, CARGO_INCREMENTAL=0, local disk cache: 0 hits, and the server "
            "log shows the util crate missing on every build.",
            "low-cache-hit-rate", "environment", ["low-cache-hit-rate"], roles={"low-cache-hit-rate": "root-cause"},
            wrong=["source-compile-error", "cold-cache"], status="cache-ineffective",
            notes="Zero hits alone would be a cold cache; the same crate missing again after it was stored is "
                  "what makes it ineffective (the checkout path is part of the key).")
    finally:
        lab.close(env)


SCENARIOS = {"cold-first-run": cold_first_run, "zero-hits-moved-checkout": zero_hits_moved_checkout}
