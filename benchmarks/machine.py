"""Facts about the machine a benchmark ran on: CPU, cores, memory, load, tools, file system."""

from __future__ import annotations

import datetime
import os
import platform
import shutil
import subprocess
from pathlib import Path


def _first_line(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unavailable ({error})"
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else f"exit {done.returncode}"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except (OSError, ValueError):
        pass
    return None


def filesystem(path: Path) -> str:
    """The type of the file system holding `path` (tmpfs, ext4, overlay, ...), from /proc/mounts."""
    best, kind = "", "unknown"
    target = str(path.resolve())
    try:
        for line in Path("/proc/mounts").read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 3 and (target == parts[1] or target.startswith(parts[1].rstrip("/") + "/")):
                if len(parts[1]) > len(best):
                    best, kind = parts[1], parts[2]
    except OSError:
        pass
    return kind


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unavailable"


def facts(tool: list[str], python: str, workdir: Path) -> dict:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    rg = shutil.which("rg")
    return {
        "date_utc": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "memory_gib": memory_gib(),
        "os": platform.platform(),
        "python": _first_line([python, "-c", "import platform; print(platform.python_version())"]),
        "python_executable": python,
        "tool": _first_line([*tool, "--version"]),
        "tool_command": " ".join(tool),
        "grep": _first_line(["grep", "--version"]),
        "rg": _first_line([rg, "--version"]) if rg else "not installed",
        "workdir": str(workdir),
        "workdir_filesystem": filesystem(workdir),
        "load_average_start": load_average(),
    }
