"""Remote backends that work badly without failing the build: an S3 endpoint that throttles every
object request (503 SlowDown) after passing the start-up check, and a GitHub Actions cache that
was meant to be used but never switched on, so sccache quietly caches on the local disk."""

from __future__ import annotations

import subprocess
import sys

from cclab import cc_env, copy_cproject, expected, sh, show_stats_json, transcript, trim_log, write_env
from labkit import LAB, Lab, wait_for

MAKE = 'make CC="{s} gcc" CXX="{s} g++"'
SHOWN = 'make CC="sccache gcc" CXX="sccache g++"'


def _fake_s3(lab: Lab, port: int, mode: str) -> None:
    proc = subprocess.Popen([sys.executable, str(LAB / "fake_s3.py"), str(port), mode], cwd=lab.home,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    lab.spawned.append(proc)
    lab.extra_ports.add(port)
    if not proc.stdout.readline().startswith("listening"):
        raise RuntimeError("fake S3 did not start")


def _run(lab: Lab, server_env: dict) -> tuple[dict, list]:
    started = sh(lab, f"{lab.sccache} --start-server", server_env, timeout=60)
    client = {k: v for k, v in server_env.items() if k not in ("SCCACHE_LOG", "SCCACHE_ERROR_LOG")}
    build = sh(lab, MAKE.format(s=lab.sccache), client)
    return client, [("sccache --start-server", started), (SHOWN, build)]


def rate_limited():
    """S3 answers 503 SlowDown to every cache read and write (the start-up check passes)."""
    lab = Lab("cc-backend-rate-limited", 4412)
    env = None
    try:
        copy_cproject(lab)
        endpoint = lab.port + 1
        _fake_s3(lab, endpoint, "slowdown")
        server_env = cc_env(lab, SCCACHE_BUCKET="acme-sccache", SCCACHE_REGION="us-east-1",
                            SCCACHE_ENDPOINT=f"http://127.0.0.1:{endpoint}", SCCACHE_S3_USE_SSL="false",
                            AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
                            AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                            SCCACHE_LOG="debug", SCCACHE_ERROR_LOG=lab.home / "sccache-server.log")
        env, steps = _run(lab, server_env)
        wait_for(lambda: False, 1.0)  # let the background cache writes finish
        transcript(lab, steps)
        write_env(lab, server_env)
        lab.show_stats(env)
        show_stats_json(lab, env)
        trim_log(lab, lab.home / "sccache-server.log", "sccache-server.log")
        expected(lab, "Real sccache 0.16, gcc 12: S3 on a loopback endpoint that passes the start-up "
                 "check and answers every object read and write with 503 SlowDown; the build "
                 "passes, every cache read misses and every write fails (`RateLimited (temporary)`).",
                 "backend-rate-limited", "cache-backend", ["backend-rate-limited"], "cache-ineffective",
                 wrong=["remote-unreachable", "remote-access-denied", "source-compile-error"])
    finally:
        lab.close(env)


def not_in_use():
    """The GitHub Actions cache variables are there, SCCACHE_GHA_ENABLED is not: local disk."""
    lab = Lab("cc-backend-not-in-use", 4410)
    env = None
    try:
        copy_cproject(lab)
        server_env = cc_env(lab, ACTIONS_CACHE_URL="https://acghubeus1.actions.githubusercontent.com/FAKEcache/",
                            ACTIONS_RESULTS_URL="https://results-receiver.actions.githubusercontent.com/",
                            ACTIONS_RUNTIME_TOKEN="eyJ0eXAiOiJKV1QiFAKE.eyJsYWIiOnRydWV9.FAKEsignature",
                            SCCACHE_LOG="debug", SCCACHE_ERROR_LOG=lab.home / "sccache-server.log")
        env, steps = _run(lab, server_env)
        transcript(lab, steps)
        keep = {k: v for k, v in server_env.items()}
        write_env(lab, keep)
        lab.write("env.txt", (lab.bundle / "env.txt").read_text() + "".join(
            f"{k}={v}\n" for k, v in sorted(server_env.items()) if k.startswith("ACTIONS_")))
        lab.show_stats(env)
        trim_log(lab, lab.home / "sccache-server.log", "sccache-server.log")
        expected(lab, "Real sccache 0.16, gcc 12: the GitHub Actions cache variables (ACTIONS_CACHE_URL, "
                 "ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN) are set but SCCACHE_GHA_ENABLED is not, so "
                 "the server initialises the local disk cache; the build passes with nothing cached "
                 "where the CI expected.", "backend-not-in-use", "environment", ["backend-not-in-use"],
                 "cache-ineffective", wrong=["remote-credentials-missing", "source-compile-error"])
    finally:
        lab.close(env)


SCENARIOS = {
    "cc-backend-rate-limited": rate_limited,
    "cc-backend-not-in-use": not_in_use,
}
