"""What to collect next, as the commands that produce each missing artifact on the bundle's OS.

A reader told "would help: sockets, processes" still has to know which commands those are; this
table names them, PowerShell on Windows and sh elsewhere, each writing a file the analyzer reads.
"""

from __future__ import annotations

COMMANDS: dict[str, dict[str, str]] = {
    "sccache-log": {
        "sh": "sccache --stop-server; SCCACHE_LOG=debug SCCACHE_ERROR_LOG=$PWD/sccache-server.log sccache --start-server",
        "powershell": "sccache --stop-server; $env:SCCACHE_LOG='debug'; "
                      "$env:SCCACHE_ERROR_LOG=\"$PWD\\sccache-server.log\"; sccache --start-server",
    },
    "sockets": {"sh": "ss -tanp > sockets.txt", "powershell": "netstat -ano > sockets.txt"},
    "processes": {"sh": "ps -eo pid,ppid,lstart,args > processes.txt",
                  "powershell": "tasklist /v > processes.txt"},
    "rustc-info": {"sh": "cp target/.rustc_info.json .", "powershell": "Copy-Item target\\.rustc_info.json ."},
    "version-info": {"sh": "{ rustc -vV; cargo -V; sccache --version; } > versions.txt 2>&1",
                     "powershell": "& { rustc -vV; cargo -V; sccache --version } *> versions.txt"},
    "env": {"sh": "env | grep -E '^(SCCACHE_|RUSTC_WRAPPER|CARGO_|RUSTFLAGS|CC|CXX|AWS_REGION|.*_PROXY)' > env.txt",
            "powershell": "Get-ChildItem env: | Where-Object Name -Match '^(SCCACHE_|RUSTC_WRAPPER|CARGO_|"
                          "RUSTFLAGS|CC|CXX|AWS_REGION|.*_PROXY)' | Format-Table -AutoSize | Out-File env.txt"},
    "sccache-stats": {"sh": "sccache --show-stats --stats-format json > stats.json",
                      "powershell": "sccache --show-stats --stats-format json > stats.json"},
    "cargo-output": {"sh": "cargo build -vv > cargo-output.txt 2>&1",
                     "powershell": "cargo build -vv *> cargo-output.txt"},
}


def shell_for(report: dict) -> str:
    """PowerShell for a bundle from Windows, sh otherwise."""
    return "powershell" if str(report.get("facts", {}).get("os", "")).lower().startswith("windows") else "sh"


def commands(report: dict) -> list[tuple[str, str]]:
    """(artifact, command) for each missing artifact, in the bundle's shell; the label when unknown."""
    shell = shell_for(report)
    out = []
    for item in report.get("missing", []):
        known = COMMANDS.get(item["artifact"])
        out.append((item["artifact"], known[shell] if known else (item.get("collect") or "")))
    return out
