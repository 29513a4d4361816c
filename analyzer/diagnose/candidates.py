"""When the bundle shows only the symptom: which causes fit it, what tells them apart, and the
commands that collect the missing evidence on the bundle's OS.

A symptom such as `failed to fill whole buffer` or a server that died says what broke, not
why. Crowning it would send the reader after the wrong thing, so the verdict names no root
cause and lists these candidates instead, most likely first.
"""

from __future__ import annotations

from dataclasses import dataclass

# Shell commands: `{port}` is the server port (the bundle's, or sccache's default 4226).
SERVER_LOG_SH = ("sccache --stop-server; SCCACHE_LOG=debug SCCACHE_ERROR_LOG=\"$PWD/sccache-server.log\" "
                 "sccache --start-server")
SERVER_LOG_PS = ("sccache --stop-server; $env:SCCACHE_LOG = 'debug'; "
                 "$env:SCCACHE_ERROR_LOG = \"$PWD\\sccache-server.log\"; sccache --start-server")
PORT_OWNER_SH = "ss -ltnp 'sport = :{port}'"
PORT_OWNER_PS = "Get-NetTCPConnection -LocalPort {port} -State Listen | Select-Object OwningProcess; tasklist"
VERSIONS_SH = "sccache --version; ps -o pid,lstart,args -C sccache"
VERSIONS_PS = "sccache --version; Get-Process sccache | Select-Object Id, StartTime, Path"
STATS_SH = "sccache --show-stats"
STATS_PS = "sccache --show-stats"
EXCLUDED_PS = "netsh interface ipv4 show excludedportrange protocol=tcp"
JOURNAL_SH = "dmesg | grep -i -E 'sccache|oom' | tail -20"


@dataclass(frozen=True)
class Candidate:
    id: str
    why: str          # why it fits the symptom
    tells_apart: str  # the evidence that would confirm it
    sh: str = ""
    powershell: str = ""


SERVER_DIED = (
    Candidate("server-exited-midbuild", "a server that panics or crashes drops every open client connection",
              "a `panicked at` or `fatal error` line in the server log (SCCACHE_ERROR_LOG)", SERVER_LOG_SH, SERVER_LOG_PS),
    Candidate("server-idle-timeout", "the server shuts itself down after SCCACHE_IDLE_TIMEOUT without requests",
              "`shutting down due to being idle` in the server log; the gap before the failure", SERVER_LOG_SH,
              SERVER_LOG_PS),
    Candidate("server-port-in-use", "another program on the server port answers sccache's clients",
              "a listener on the port that is not sccache", PORT_OWNER_SH, PORT_OWNER_PS),
    Candidate("server-version-mismatch", "a server of another sccache version speaks another protocol",
              "`sccache --version` differs from the running server's binary", VERSIONS_SH, VERSIONS_PS),
    Candidate("remote-credentials-missing", "a backend that refuses the server can end its start-up",
              "`storage check failed` or a credentials error in the server log", SERVER_LOG_SH, SERVER_LOG_PS),
)

STARTUP = (
    Candidate("storage-check-slow", "the server checks the cache backend before it listens; a slow backend or "
              "proxy outlasts the client's wait", "the time from `Init … cache` to `server started, listening` in "
              "the server log", SERVER_LOG_SH, SERVER_LOG_PS),
    Candidate("remote-unreachable", "a backend or proxy that does not answer holds the storage check",
              "connection errors or a stalled connection to the endpoint or proxy", "ss -tanp | grep sccache",
              "Get-NetTCPConnection | Where-Object OwningProcess -in (Get-Process sccache).Id"),
    Candidate("server-port-in-use", "the server cannot listen on a taken port",
              "a listener on the port that is not sccache", PORT_OWNER_SH, PORT_OWNER_PS),
    Candidate("server-port-reserved", "Windows can reserve the port, so binding fails with no owner",
              "the port inside an excluded port range", "", EXCLUDED_PS),
)

BY_SYMPTOM: dict[str, tuple[Candidate, ...]] = {
    "ipc-broken": SERVER_DIED[:1] + (SERVER_DIED[2], SERVER_DIED[3], SERVER_DIED[1]),
    "server-exited-midbuild": (
        Candidate("local-disk-cache-problem", "a panic while the server manages its disk cache (eviction, a full or "
                  "damaged cache directory) ends the server", "the panic's location in the server log; free space "
                  "and errors under SCCACHE_DIR", "df -h \"${{SCCACHE_DIR:-$HOME/.cache/sccache}}\"; " + SERVER_LOG_SH,
                  "Get-PSDrive; " + SERVER_LOG_PS),
        Candidate("sccache-known-defect", "the sccache version may carry a fixed crash",
                  "the version against the upstream changelog", VERSIONS_SH, VERSIONS_PS),
        SERVER_DIED[1],
        Candidate("compile-interrupted-by-kill", "a killed server looks the same from the client",
                  "a kill in the shell history or the system log", JOURNAL_SH, "Get-History"),
    ),
    "server-startup-timeout": STARTUP,
    "daemon-not-listening": STARTUP,
    "server-not-running": STARTUP,
    "server-startup-failed": (
        Candidate("storage-check-failed", "the server's start-up check of the backend failed",
                  "`storage check failed` and its cause in the server log", SERVER_LOG_SH, SERVER_LOG_PS),
    ) + STARTUP[2:],
    "storage-check-failed": (SERVER_DIED[4],) + STARTUP[1:2],
    "stop-server-failed": SERVER_DIED[2:4],
    "rustc-probe-failed": STARTUP,
}
GENERIC = SERVER_DIED


def for_symptom(symptom_id: str | None) -> tuple[Candidate, ...]:
    return BY_SYMPTOM.get(symptom_id or "", GENERIC)


def to_json(candidates: tuple[Candidate, ...], port: str, windows: bool) -> list[dict]:
    items = []
    for rank, c in enumerate(candidates, 1):
        commands = [(shell, text.format(port=port)) for shell, text in (("powershell", c.powershell), ("sh", c.sh))
                    if text]
        if not windows:
            commands.reverse()
        items.append({"rank": rank, "id": c.id, "why": c.why, "tells_apart": c.tells_apart,
                      "collect": [{"shell": shell, "command": text} for shell, text in commands]})
    return items
