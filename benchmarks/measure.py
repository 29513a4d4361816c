"""Run commands as black boxes: wall time, CPU time and peak RSS of each run, medians over runs.

Wall and CPU time come from `os.wait4` on the child. Peak RSS does not: Linux carries the
spawning process's own high-water mark into the `ru_maxrss` of a child it forks or vforks
(measured: `true` started from a 300 MB Python reports 319 MB), so a command measured
for RSS runs under `/usr/bin/time -f %M`, whose small child reports its own peak. The
wrapper adds about 1 ms, so only the commands whose RSS matters use it (`rss=True`).
Without GNU time, `ru_maxrss` is reported and flagged as an upper bound.

Commands that are compared run interleaved, round after round, with the order rotated
every round, so a burst of load on a shared machine hits them alike.
"""

from __future__ import annotations

import os
import shlex
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

GNU_TIME = "/usr/bin/time"


def _gnu_time_works() -> bool:
    if not os.access(GNU_TIME, os.X_OK):
        return False
    with tempfile.NamedTemporaryFile("r") as report:
        done = subprocess.run([GNU_TIME, "-f", "%M", "-o", report.name, "true"], capture_output=True)
        try:
            return done.returncode == 0 and int(report.read().split()[-1]) > 0
        except (ValueError, IndexError):
            return False


USE_GNU_TIME = _gnu_time_works()
RSS_METHOD = ("/usr/bin/time -f %M (the command's own peak)" if USE_GNU_TIME
              else "wait4 ru_maxrss (upper bound: includes the harness's RSS at spawn)")


@dataclass(frozen=True)
class Command:
    """One thing to time. `stdout` is a file path, or None for /dev/null."""

    name: str
    argv: tuple[str, ...]
    stdout: Path | None = None
    env: dict[str, str] | None = None  # extra variables on top of the current environment
    ok_codes: tuple[int, ...] = (0,)
    rss: bool = False  # measure peak RSS (under /usr/bin/time when available)

    def shell(self) -> str:
        """The command as one would type it (for the results' list of exact commands)."""
        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in (self.env or {}).items())
        text = shlex.join(self.argv)
        if self.rss and USE_GNU_TIME:
            text = f"{GNU_TIME} -f %M -o peak-rss-kb.txt {text}"
        target = str(self.stdout) if self.stdout else "/dev/null"
        return f"{env + ' ' if env else ''}{text} > {shlex.quote(target)}"


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds
    maxrss_kb: int | None  # None when not measured
    returncode: int


@dataclass
class Series:
    command: Command
    runs: list[Run] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # failed attempts that were retried

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def maxrss_kb(self) -> int | None:
        values = [r.maxrss_kb for r in self.runs if r.maxrss_kb is not None]
        return int(statistics.median(values)) if values else None

    def to_json(self) -> dict:
        return {
            "command": self.command.shell(),
            "runs": len(self.runs),
            "median_wall_s": round(self.wall, 4),
            "median_cpu_s": round(self.cpu, 4),
            "median_maxrss_kb": self.maxrss_kb,
            "wall_s": [round(r.wall, 4) for r in self.runs],
            "cpu_s": [round(r.cpu, 4) for r in self.runs],
            "maxrss_kb": [r.maxrss_kb for r in self.runs],
            "retried_failures": self.failures,
        }


def child_environment() -> dict[str, str]:
    """The caller's environment, minus PYTHONDONTWRITEBYTECODE: an installed package runs
    from cached bytecode, and timing source compilation would measure the wrong thing."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


class CommandFailed(RuntimeError):
    pass


def run_once(command: Command) -> Run:
    """Run `command` once and measure it; raise CommandFailed on an unexpected exit code."""
    env = {**child_environment(), **(command.env or {})}
    wrap = command.rss and USE_GNU_TIME
    with tempfile.TemporaryFile() as errors, tempfile.NamedTemporaryFile("r") as rss_report:
        argv = [GNU_TIME, "-f", "%M", "-o", rss_report.name, *command.argv] if wrap else list(command.argv)
        out = open(command.stdout, "wb") if command.stdout else open(os.devnull, "wb")
        with out:
            began = time.perf_counter()
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=errors, env=env)
            _pid, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - began
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in command.ok_codes:
            errors.seek(0)
            tail = errors.read()[-2000:].decode("utf-8", "replace").strip()
            raise CommandFailed(f"{command.shell()}: exit {proc.returncode}\n{tail}")
        maxrss: int | None = None
        if wrap:
            maxrss = int(rss_report.read().split()[-1])
        elif command.rss:
            maxrss = usage.ru_maxrss
    return Run(wall, usage.ru_utime + usage.ru_stime, maxrss, proc.returncode)


def run_paired(commands: Sequence[Command], rounds: int, progress: Callable[[str], None] | None = None,
               warmup: bool = False, retries: int = 1) -> dict[str, Series]:
    """`rounds` runs of every command, interleaved, the order rotated each round.

    A failed run is retried up to `retries` times in all (and recorded in `Series.failures`),
    so one transient failure does not lose the whole measurement; more raise CommandFailed.
    """
    series = {c.name: Series(c) for c in commands}
    if warmup:
        for command in commands:
            run_once(command)
    for index in range(rounds):
        shift = index % len(commands)
        for command in list(commands[shift:]) + list(commands[:shift]):
            while True:
                try:
                    run = run_once(command)
                    break
                except CommandFailed as error:
                    failed = series[command.name].failures
                    failed.append(str(error))
                    if sum(len(s.failures) for s in series.values()) > retries:
                        raise
                    if progress:
                        progress(f"    round {index + 1}/{rounds} {command.name}: failed, retrying: "
                                 f"{str(error).splitlines()[-1]}")
            series[command.name].runs.append(run)
            if progress:
                rss = "" if run.maxrss_kb is None else f", {run.maxrss_kb / 1024:.1f} MiB"
                progress(f"    round {index + 1}/{rounds} {command.name}: {run.wall:.3f} s{rss}")
    return series
