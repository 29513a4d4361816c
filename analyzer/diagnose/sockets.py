"""Socket table and process list against the server port: who listens, who knocks."""

from __future__ import annotations

from analyzer.diagnose.context import Context
from analyzer.diagnose.model import Evidence
from analyzer.diagnose.registry import rule
from analyzer.records import Record
from analyzer.textnum import parse_uint

LOOPBACK = ("127.0.0.1", "::1", "localhost", "[::1]")


def _port(record: Record, name: str) -> int | None:
    return parse_uint(record.get(name))


def is_sccache(name: str | None) -> bool:
    return name is not None and name.lower().removesuffix(".exe").rsplit("/", 1)[-1].rsplit("\\", 1)[-1] == "sccache"


def process_names(ctx: Context) -> dict[str, str]:
    """pid -> executable name, from the process list and the sockets' own process column."""
    names: dict[str, str] = {}
    for record in ctx.records("processes"):
        pid, name = record.get("pid"), record.get("name")
        if pid and name:
            names.setdefault(pid, name)
    for record in ctx.records("sockets"):
        pid, name = record.get("pid"), record.get("process")
        if pid and name:
            names.setdefault(pid, name)
    return names


def listeners(ctx: Context, port: int) -> list[Record]:
    return [r for r in ctx.records("sockets")
            if r.get("state") == "LISTEN" and _port(r, "local_port") == port]


def knocking(ctx: Context, port: int) -> list[Record]:
    return [r for r in ctx.records("sockets")
            if r.get("state") == "SYN_SENT" and _port(r, "remote_port") == port
            and (r.get("remote_addr") or "").strip("[]") in ("127.0.0.1", "::1", "localhost")]


@rule("server-port-listener", emits=("daemon-not-listening", "server-port-in-use"), needs=("sockets",))
def server_port(ctx: Context) -> None:
    """What it detects: clients connecting to the server port with nobody listening, or a
    listener on the port that is not sccache.

    Why builds fail: with no listener the client is waiting for a server that has not bound
    its port (still in its start-up storage check, or dead); a foreign listener answers the
    client with bytes it cannot decode (`failed to fill whole buffer`).
    """
    if not ctx.has("sockets"):
        return
    port = ctx.facts["server_port"]
    names = process_names(ctx)
    listen = listeners(ctx, port)
    syn = knocking(ctx, port)
    if listen:
        foreign = [r for r in listen if r.get("pid") and r.get("pid") != "0"
                   and not is_sccache(r.get("process") or names.get(r.get("pid") or ""))
                   and (r.get("process") or names.get(r.get("pid") or ""))]
        if foreign:
            owner = foreign[0].get("process") or names.get(foreign[0].get("pid") or "", "?")
            ctx.add("server-port-in-use", confidence="strong",
                    reason=f"port {port} is held by {owner} (pid {foreign[0].get('pid')})",
                    summary=(f"The sccache server port {port} is held by another program, {owner} "
                             f"(pid {foreign[0].get('pid')}); sccache clients talk to it and fail."),
                    evidence=[Evidence.of(r) for r in foreign[:3]])
            ctx.rule_out("daemon-not-listening", f"port {port} has a listener ({owner}), just not sccache",
                         [Evidence.of(r) for r in foreign[:2]])
        else:
            ctx.rule_out("daemon-not-listening", f"a listener on port {port} was captured",
                         [Evidence.of(r) for r in listen[:2]])
        return
    starting = server_connections_out(ctx, port, names)
    if syn or starting:
        summary = f"Nothing listened on the sccache server port {port} when the socket table was captured"
        if syn:
            summary += f", while {len(syn)} connection attempt(s) to it were in SYN_SENT"
        if starting:
            summary += "; an sccache process was connected outwards (to the backend or a proxy)"
        ctx.add("daemon-not-listening", confidence="strong",
                reason=f"{len(syn)} SYN_SENT to {port}, no LISTEN on {port}",
                summary=summary + ".", evidence=[Evidence.of(r) for r in (syn + starting)[:4]])


def server_connections_out(ctx: Context, port: int, names: dict[str, str]) -> list[Record]:
    """sccache processes with established outward connections but no listener: a server in start-up."""
    found = []
    for record in ctx.records("sockets"):
        pid = record.get("pid") or ""
        owner = record.get("process") or names.get(pid)
        if not is_sccache(owner) or record.get("state") not in ("ESTABLISHED", "SYN_SENT"):
            continue
        if _port(record, "remote_port") == port or _port(record, "local_port") == port:
            continue
        found.append(record)
    return found


@rule("port-reserved", emits=("server-port-reserved", "server-port-in-use"), reads=("server-port-reserved",))
def port_reserved(ctx: Context) -> None:
    """What it detects: Windows refusing the bind (os error 10013) on a port no process owns.

    Why builds fail: Hyper-V / WinNAT reserve port ranges (`netsh int ipv4 show excludedportrange
    protocol=tcp`); binding inside one fails with an access error although netstat shows no owner.
    """
    matches = ctx.matched("server-port-reserved")
    if not matches:
        return
    port = ctx.facts["server_port"]
    owners = listeners(ctx, port)
    if ctx.has("sockets") and not owners:
        ctx.add("server-port-reserved", confidence="strong",
                reason=f"bind refused with os error 10013 and no process owns port {port}",
                summary=(f"Windows refused the server's bind on port {port} (os error 10013) and the socket "
                         "table shows no owner: the port lies in an excluded (reserved) range."))
    elif owners:
        ctx.add("server-port-in-use", confidence="moderate", reason=f"port {port} has an owner in the socket table",
                evidence=[Evidence.of(r) for r in owners[:2]])
