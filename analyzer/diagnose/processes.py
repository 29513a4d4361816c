"""Process list: is there an sccache server at all, or only clients waiting for one?"""

from __future__ import annotations

from analyzer.diagnose.context import Context
from analyzer.diagnose.model import Evidence
from analyzer.diagnose.registry import rule
from analyzer.diagnose.sockets import is_sccache, knocking, listeners
from analyzer.records import Record

CLIENT_ARGS = ("--show-stats", "--stop-server", "--start-server", "--zero-stats", "-s", "rustc", "cc", "c++",
               "cl", "clang", "gcc", "nvcc", "--dist-status", "--show-adv-stats")


def _is_client(cmdline: str | None) -> bool | None:
    """True for a client, False for a bare server, None when the command line is unknown."""
    if not cmdline:
        return None
    words = cmdline.replace('"', " ").split()
    if len(words) <= 1:
        return False
    return True


@rule("server-process", emits=("server-not-running",), needs=("processes",))
def server_not_running(ctx: Context) -> None:
    """What it detects: sccache processes in the list, all of them clients; no server.

    Why builds fail: every client is waiting for a server that is not there (it never started,
    exited during its start-up check, or was killed).
    """
    procs = [r for r in ctx.records("processes") if is_sccache(r.get("name"))]
    if not procs:
        return
    port = ctx.facts["server_port"]
    client_pids = {r.get("pid") for r in knocking(ctx, port)}
    listener_pids = {r.get("pid") for r in listeners(ctx, port)}
    servers: list[Record] = []
    clients: list[Record] = []
    for record in procs:
        pid = record.get("pid")
        role = _is_client(record.get("cmdline"))
        if pid in listener_pids:
            role = False
        elif pid in client_pids:
            role = True
        if role is None:
            return  # cannot tell a server from a client: say nothing rather than guess
        (clients if role else servers).append(record)
    if clients and not servers:
        ctx.add("server-not-running", confidence="moderate",
                reason=f"{len(clients)} sccache client process(es), no server process",
                summary=(f"The process list shows {len(clients)} sccache process(es), all clients "
                         f"(connecting to port {port} or running a client command), and no server."),
                evidence=[Evidence.of(r) for r in clients[:3]])
