"""One collection, step by step: state first, then probes, then the reproduction.

Order matters. The socket table and the process list are taken first, while the machine is
as the failure left it; files are copied next; `sccache --show-stats` (which an older sccache
answers by starting a server) comes after; the `--run` reproduction last. Every step is
bounded in time; a step that fails or finds its tool missing becomes a manifest entry with
its error, and the next step runs. Nothing is killed, stopped or restarted except a command
of ours that overran its deadline, and the only file written is the bundle.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.collect import commands, layout, manifest, runner, sources
from analyzer.collect.manifest import Entry
from analyzer.collect.output import ZipOutput
from analyzer.collect.scrub import Scrubber

MAX_COPY = 32 * 1024 * 1024  # bytes kept of one copied file (the end of a long log)
# Both `--show-stats` calls share this many seconds: a port held by a foreign listener (or a hung
# server) makes every stats call wait, and a collector that waits twice is closed by impatient users.
STATS_DEADLINE = 10.0


@dataclass
class Options:
    output: str | None = None
    project: str = "."
    logs: list[str] = field(default_factory=list)
    run: str | None = None
    label: str | None = None
    timeout: float = 30.0
    run_timeout: float = 1800.0
    stats_deadline: float = STATS_DEADLINE


@dataclass
class Result:
    path: Path
    manifest: dict
    seconds: float
    size: int


class CollectError(Exception):
    """A collection that cannot even start (bad project folder, unwritable output)."""


SKIPPED_DIST_STATUS = "skipped: no sccache server listens on its port, and --dist-status would start one"
DEFAULT_SERVER_PORT = 4226


def server_listening(env: dict[str, str], timeout: float = 1.0) -> bool:
    """Whether an sccache server (or anything) listens on the port the client would use."""
    try:
        port = int(env.get("SCCACHE_SERVER_PORT", "").strip() or DEFAULT_SERVER_PORT)
    except ValueError:
        return False
    if not 0 < port < 65536:
        return False
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def default_output(host: str, captured_at: str) -> str:
    stamp = captured_at.replace("-", "").replace(":", "")
    return f"sccache-bundle-{re.sub(r'[^A-Za-z0-9._-]', '_', host)}-{stamp}.zip"


def collect(options: Options, environ: dict[str, str] | None = None, os_name: str | None = None) -> Result:
    env = dict(os.environ if environ is None else environ)
    os_name = os_name or manifest.system()
    project = Path(options.project).resolve()
    if not project.is_dir():
        raise CollectError(f"--project {options.project}: not a folder")
    started = time.monotonic()
    captured_at, offset = manifest.clock()
    host = manifest.hostname()
    out_path = Path(options.output or default_output(host, captured_at)).resolve()
    if not out_path.parent.is_dir():
        raise CollectError(f"cannot write {out_path}: no such folder {out_path.parent}")
    try:
        out = ZipOutput(out_path)
    except OSError as error:
        raise CollectError(f"cannot write {out_path}: {error.strerror or error}") from error
    try:
        work = _Collection(out, env, project, os_name, options)
        work.run_all()
        doc = work.scrub.fields(manifest.document(host=host, os_name=os_name, label=options.label,
                                                  captured_at=captured_at, utc_offset_minutes=offset,
                                                  entries=work.entries, redactions=None))
        doc["redactions"] = work.scrub.summary()
        out.add(layout.FILES["manifest"], manifest.encode(doc))
        size = out.close()
    except BaseException:
        out.abort()
        raise
    return Result(out_path, doc, time.monotonic() - started, size)


class _Collection:
    def __init__(self, out: ZipOutput, env: dict[str, str], project: Path, os_name: str, options: Options):
        self.out, self.env, self.project, self.os_name, self.options = out, env, project, os_name, options
        self.scrub = Scrubber()
        self.entries: list[Entry] = []
        self.copied: set[str] = set()
        self.sccache = sources.sccache_program(env)

    def run_all(self) -> None:
        self.environment()
        self.command("sockets", commands.sockets(self.os_name))
        self.command("processes", commands.processes(self.os_name))
        for key, cmd in commands.versions(self.sccache).items():
            self.command(key, [cmd])
        for source in sources.sccache_configs(self.env, self.os_name):
            self.copy(source)
        for source in sources.cargo_configs(self.project, self.env):
            self.copy(source)
        self.copy(sources.rustc_info(self.project, self.env))
        for source in sources.logs(self.env, self.options.logs):
            self.copy(source)
        self.server_queries(running=server_listening(self.env))
        if self.options.run:
            self.reproduce(self.options.run)

    # ---- steps ---------------------------------------------------------------------------

    def environment(self) -> None:
        started = time.monotonic()
        lines = []
        for name in sorted(self.env, key=str.upper):
            if layout.RELEVANT_ENV_RE.match(name):
                value = escaped(self.env[name]).replace("\r", "\\r").replace("\n", "\\n")
                lines.append(f"{escaped(name)}={self.scrub.variable(name, value)}\n")
        data = "".join(lines).encode("utf-8")
        self.write(Entry(layout.FILES["env"], None, None, runner.elapsed_ms(started),
                         note="relevant variables only"), data)

    def server_queries(self, running: bool) -> None:
        """The two stats calls and `--dist-status` within one deadline (a foreign listener on the
        port leaves each waiting); once one goes unanswered, the next is not tried.
        `--dist-status` is asked of a running server only: it would start one."""
        quiet = {k: v for k, v in self.env.items() if k != "SCCACHE_LOG"}  # no client debug lines in tables
        deadline = time.monotonic() + self.options.stats_deadline
        unanswered = None
        calls = list(commands.stats(self.sccache).items())
        if running:
            calls.append(("dist_status", commands.dist_status(self.sccache)))
        for key, cmd in calls:
            left = deadline - time.monotonic()
            if unanswered or left < 0.5:
                why = unanswered or f"the {self.options.stats_deadline:g} s stats deadline was spent"
                self.write(Entry(layout.FILES[key], cmd.shown, None, 0, f"skipped: {why}"), None)
                continue
            outcome = self.command(key, [cmd], base_env=quiet, timeout=min(left, self.options.timeout))
            if outcome is not None and (outcome.error or "").startswith("timed out"):
                unanswered = f"`{cmd.shown}` got no answer within the stats deadline"
        if not running:
            cmd = commands.dist_status(self.sccache)
            self.write(Entry(layout.FILES["dist_status"], cmd.shown, None, 0, note=SKIPPED_DIST_STATUS), None)

    def command(self, key: str, alternatives: list[commands.Command], base_env: dict[str, str] | None = None,
                timeout: float | None = None) -> runner.Outcome | None:
        outcome = None
        for cmd in alternatives:
            env = {**(base_env or self.env), **cmd.env}
            outcome = runner.run(cmd.argv, env=env, cwd=str(self.project), timeout=timeout or self.options.timeout,
                                 shown=cmd.shown)
            if not (outcome.error or "").startswith("not found"):
                break
        if outcome is None:  # no way to run it on this machine
            return None
        entry = Entry(layout.FILES[key], outcome.command, outcome.exit_status, outcome.duration_ms,
                      outcome.error, note=outcome.note)
        self.write(entry, self.scrub.data(outcome.output) if outcome.output else None)
        return outcome

    def copy(self, source: sources.Source) -> None:
        path = sources.absolute(source.path)
        if path in self.copied:
            return
        self.copied.add(path)
        name = layout.copy_path(path, windows=self.os_name == "windows")
        started = time.monotonic()
        if not os.path.isfile(path):
            if source.report_absent:
                self.write(Entry(name, None, None, runner.elapsed_ms(started), origin=path,
                                 note=f"not present ({source.why})"), None)
            return
        data, error, note = _bounded_read(path, self.options.timeout)
        entry = Entry(name, None, None, runner.elapsed_ms(started), error, origin=path, note=note or source.why)
        self.write(entry, self.scrub.data(data, cut=note is not None) if data is not None else None)

    def reproduce(self, command: str) -> None:
        scratch = tempfile.mkdtemp(prefix="sccache-forensics-")
        log = Path(scratch) / "sccache-error.log"
        env = {**self.env, "SCCACHE_LOG": "debug", "SCCACHE_ERROR_LOG": str(log)}
        try:
            outcome = runner.run(command, env=env, cwd=str(self.project), timeout=self.options.run_timeout,
                                 shell=True)
            note = outcome.note or "run with SCCACHE_LOG=debug and a fresh SCCACHE_ERROR_LOG"
            self.write(Entry(layout.FILES["run_output"], command, outcome.exit_status,
                             outcome.duration_ms, outcome.error, note=note),
                       self.scrub.data(outcome.output))
            data, error, _ = _bounded_read(str(log), self.options.timeout) if log.is_file() else (b"", None, None)
            note = "the fresh SCCACHE_ERROR_LOG of the run"
            if not data and not error:
                note = "empty: the run started no new sccache server (one already running keeps its own log)"
            self.write(Entry(layout.FILES["run_log"], None, None, 0, error, note=note),
                       self.scrub.data(data) if data else None)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def write(self, entry: Entry, data: bytes | None) -> None:
        if data is not None:
            self.out.add(entry.path, data)
            entry.bytes = len(data)
        self.entries.append(entry)


def escaped(text: str) -> str:
    """An environment string as text: bytes that were not UTF-8 (kept by Python as lone
    surrogates) shown as `\\xff`, so one odd value never stops the bundle."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _bounded_read(path: str, timeout: float) -> tuple[bytes | None, str | None, str | None]:
    """(data, error, note): the file's bytes (its end when long), read within `timeout`."""
    box: dict = {}

    def read() -> None:
        try:
            with open(path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size > MAX_COPY:
                    start = size - MAX_COPY
                    handle.seek(start - start % 2)  # even: a UTF-16 log stays aligned
                    box["note"] = f"kept the last {MAX_COPY // 2**20} MiB of {size / 2**20:.0f} MiB"
                box["data"] = handle.read(MAX_COPY)
        except OSError as error:
            box["error"] = f"cannot read: {error.strerror or error}"

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        return None, f"timed out after {int(timeout * 1000)} ms", None
    return box.get("data"), box.get("error"), box.get("note")
