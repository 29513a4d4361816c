"""The commands behind each capture, per OS, in formats the analyzer's parsers read.

Each capture lists alternatives, tried in order until one exists: `ss` may be missing on a
slim Linux image, `Get-CimInstance` on an old Windows. Unix tools run with `LC_ALL=C` so
`ps`'s start times keep English month names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Windows: one record per process with its command line, start time in ISO form, no wrapping.
CIM_PROCESSES = (
    "Get-CimInstance Win32_Process | Select-Object ProcessId,ParentProcessId,Name,"
    "@{n='CreationDate';e={if ($_.CreationDate) { $_.CreationDate.ToString('yyyy-MM-ddTHH:mm:ss') }}},CommandLine"
    " | Format-List | Out-String -Width 4096"
)


@dataclass(frozen=True)
class Command:
    argv: list[str]
    shown: str
    env: dict[str, str] = field(default_factory=dict)


def sockets(system: str) -> list[Command]:
    if system == "windows":
        return [Command(["netstat", "-ano"], "netstat -ano")]
    if system == "macos":
        return [Command(["netstat", "-anv", "-p", "tcp"], "netstat -anv -p tcp", {"LC_ALL": "C"})]
    return [Command(["ss", "-tanp"], "ss -tanp", {"LC_ALL": "C"}),
            Command(["netstat", "-tanp"], "netstat -tanp", {"LC_ALL": "C"})]


def processes(system: str) -> list[Command]:
    if system == "windows":
        return [Command(["powershell", "-NoProfile", "-NonInteractive", "-Command", CIM_PROCESSES], CIM_PROCESSES),
                Command(["tasklist", "/v"], "tasklist /v")]
    # -A, not -e: on macOS `ps -e` adds every process's environment, secrets included.
    return [Command(["ps", "-A", "-ww", "-o", "pid,ppid,lstart,args"], "ps -A -ww -o pid,ppid,lstart,args",
                    {"LC_ALL": "C"})]


def versions(sccache: str) -> dict[str, Command]:
    """layout key -> command."""
    return {
        "rustc_version": Command(["rustc", "-vV"], "rustc -vV"),
        "cargo_version": Command(["cargo", "-V"], "cargo -V"),
        "sccache_version": Command([sccache, "--version"], f"{sccache} --version"),
    }


def stats(sccache: str) -> dict[str, Command]:
    return {
        "stats_json": Command([sccache, "--show-stats", "--stats-format=json"],
                              f"{sccache} --show-stats --stats-format=json"),
        "stats_text": Command([sccache, "--show-stats"], f"{sccache} --show-stats"),
    }


def dist_status(sccache: str) -> Command:
    """Asked only of a server that is already running: `--dist-status` would start one."""
    return Command([sccache, "--dist-status"], f"{sccache} --dist-status")
