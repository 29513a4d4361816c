"""Start-up timing: how long the server's storage check took against the client's patience.

The server runs its start-up storage check (`.sccache_check` read and write on the cache
backend) *before* it binds its port. The client waits `server_startup_timeout_ms`
(10 s by default) for the server's start-up notification and then gives up with
`Timed out waiting for server startup`. Comparing the two clocks is the whole diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analyzer.diagnose.context import Context
from analyzer.diagnose.model import Evidence
from analyzer.diagnose.registry import rule
from analyzer.records import Record
from analyzer.textnum import parse_uint
from analyzer.timefmt import clock, seconds_between

CLIENT_GAVE_UP = ("server-startup-timeout", "rustc-probe-failed", "daemon-not-listening")


@dataclass
class StartupSegment:
    """One server start in a (possibly appended-to) server log."""

    source: str
    start: Record | None = None
    init: Record | None = None
    listening: Record | None = None
    failed: Record | None = None

    @property
    def began(self) -> Record | None:
        return self.init or self.start

    @property
    def ended(self) -> Record | None:
        return self.listening or self.failed


def startup_segments(ctx: Context) -> list[StartupSegment]:
    segments: list[StartupSegment] = []
    by_source: dict[str, StartupSegment] = {}
    for record in ctx.records("sccache-log"):
        event = record.event
        current = by_source.get(record.source)
        if event == "server-start" or (event == "storage-init" and (current is None or current.init is not None)):
            current = StartupSegment(record.source)
            by_source[record.source] = current
            segments.append(current)
        if current is None:
            continue
        if event == "server-start" and current.start is None:
            current.start = record
        elif event == "storage-init" and current.init is None:
            current.init = record
        elif event == "server-listening" and current.listening is None:
            current.listening = record
        elif event in ("storage-check-failed", "storage-init-failed", "server-start-failed") and current.failed is None:
            current.failed = record
    return [s for s in segments if s.began is not None and s.began.time]


def _timeout_words(ctx: Context) -> str:
    seconds = ctx.facts["startup_timeout_ms"] / 1000
    source = ctx.fact_sources.get("startup_timeout_ms", "default")
    if source == "default":
        return f"{seconds:g} s (sccache's default: no `server_startup_timeout_ms` in a config file in the bundle)"
    return f"{seconds:g} s (`server_startup_timeout_ms` from {source})"



# A start-up storage check lasts seconds to minutes; a longer or negative span between
# two log times means the clock jumped (NTP, a VM resumed), not a day-long check.
MAX_PLAUSIBLE_CHECK_S = 24 * 3600

@rule("startup-timing", emits=("storage-check-slow",), reads=CLIENT_GAVE_UP, needs=("sccache-log", "sockets"))
def storage_check_timing(ctx: Context) -> None:
    """What it detects: a start-up storage check that outlasted the client's start-up timeout.

    Why builds fail: the client (cargo's `sccache rustc -vV` probe, say) gives up after the
    timeout while the server is still talking to the remote cache, so the build stops before
    any code is compiled.
    """
    timeout_s = ctx.facts["startup_timeout_ms"] / 1000
    client_gave_up = any(ctx.has_finding(i) or ctx.matched(i) for i in CLIENT_GAVE_UP)
    measured: list[tuple[float, StartupSegment, Record, Record | None, str | None]] = []
    for segment in startup_segments(ctx):
        began = segment.began
        if began is None:
            continue
        end_record = segment.ended
        crash = None if end_record else _crash_after(ctx, began)
        if crash is not None:  # the panic ended the log, not a check that was still running
            ctx.rule_out("storage-check-slow", "the log ends with the server's crash "
                         f"(`{crash.headline(120)}`), not with a storage check still running", [Evidence.of(crash)])
            continue
        end_time = end_record.time if end_record else ctx.scan.last_time.get(segment.source)
        duration = seconds_between(began.time, end_time)
        if duration is not None and 0 <= duration <= MAX_PLAUSIBLE_CHECK_S:  # else the clock jumped
            measured.append((duration, segment, began, end_record, end_time))
    if not measured:
        if client_gave_up and not ctx.has("sccache-log"):
            _infer_from_sockets(ctx)
        return
    duration, segment, began, end_record, end_time = max(measured, key=lambda item: item[0])
    ctx.facts["storage_check_s"] = round(duration, 3)
    ctx.fact_sources["storage_check_s"] = f"{segment.source}:{began.line}"
    backend = ctx.facts.get("backend", "remote")
    how_ended = _how_ended(end_record, end_time)
    evidence = [Evidence.of(r) for r in (segment.start, segment.init, end_record) if r is not None]
    if end_record is None and client_gave_up and duration <= timeout_s:
        summary = (f"The server's start-up storage check against the {backend} cache began at "
                   f"{clock(began.time)} (`{began.headline(90)}`) and had not finished when the "
                   f"log ends at {clock(end_time)}; the server binds its port only after the check, and the "
                   f"client gave up after its start-up timeout of {_timeout_words(ctx)}.")
        stalled = proxy_stalled(ctx)
        ctx.add("storage-check-slow", confidence="strong", layer="network" if stalled else None,
                reason=f"storage check unfinished at the end of the log; client timed out after {timeout_s:g} s",
                summary=summary + (f" {stalled[0]}" if stalled else ""), evidence=evidence + stalled[1:])
    elif duration > timeout_s:
        summary = (f"The server's start-up storage check against the {backend} cache took {duration:.1f} s "
                   f"(`{began.headline(90)}` at {clock(began.time)} → {how_ended}), longer than "
                   f"the client's start-up timeout of {_timeout_words(ctx)}.")
        if client_gave_up:
            summary += " The client gave up before the server listened; the build never reached the compiler."
        stalled = proxy_stalled(ctx)
        ctx.add("storage-check-slow", confidence="strong" if client_gave_up else "moderate",
                layer="network" if stalled else None,
                reason=f"storage check {duration:.1f} s > start-up timeout {timeout_s:g} s",
                summary=summary + (f" {stalled[0]}" if stalled else ""), evidence=evidence + stalled[1:])
    elif client_gave_up:
        ctx.rule_out("storage-check-slow",
                     f"the storage check took {duration:.1f} s, within the {timeout_s:g} s start-up timeout",
                     evidence)


CRASH = ("panicked at", "encountered fatal error", "fatal runtime error")


def _crash_after(ctx: Context, began: Record) -> Record | None:
    """A panic or fatal error later in the same log as the check's start."""
    for match in ctx.matched("server-exited-midbuild"):
        record = match.record
        if record.source == began.source and record.line > began.line and any(c in record.text for c in CRASH):
            return record
    return None


def _infer_from_sockets(ctx: Context) -> None:
    """No server log: a server connected outwards with nobody on its port is still in its check."""
    from analyzer.diagnose.sockets import listeners, process_names, server_connections_out

    port = ctx.facts["server_port"]
    if listeners(ctx, port):
        return
    outward = server_connections_out(ctx, port, process_names(ctx))
    if not outward:
        return
    stalled = proxy_stalled(ctx)
    backend = ctx.facts.get("backend", "remote")
    summary = (f"The client gave up after its start-up timeout of {_timeout_words(ctx)} while an sccache process "
               f"was connected to the {backend} backend or its proxy and nothing listened on port {port}: the "
               "server was still in its start-up storage check (it binds its port only after the check). "
               "A server log (SCCACHE_LOG=debug, SCCACHE_ERROR_LOG) would show how long the check took.")
    ctx.add("storage-check-slow", confidence="moderate", layer="network" if stalled else None,
            reason="no listener; the server's only connection goes to the backend or proxy; client timed out",
            summary=summary + (f" {stalled[0]}" if stalled else ""),
            evidence=[Evidence.of(r) for r in outward[:2]] + stalled[1:])


def proxy_stalled(ctx: Context) -> list[Any]:
    """[sentence, evidence...] when the socket table shows the proxy sitting on unread bytes from sccache.

    e.g. `ESTAB 1574 0 127.0.0.1:4401 127.0.0.1:38648` on the proxy's side: the proxy took the
    request and is not forwarding it, so the slowness lives in the network path, not the backend.
    """
    proxy = str(ctx.facts.get("proxy") or "")
    port = proxy.rstrip("/").rsplit(":", 1)[-1]
    if parse_uint(port) is None:
        return []
    for record in ctx.records("sockets"):
        queued = record.get("recv_q") or "0"
        if (record.get("local_port") == port and record.get("state") == "ESTABLISHED"
                and (parse_uint(queued) or 0) > 0):
            sentence = (f"The socket table shows the proxy {proxy} holding {queued} unread bytes from the "
                        "server's connection: the proxy accepted the request and is not forwarding it.")
            return [sentence, Evidence.of(record)]
    return []


def _how_ended(record: Record | None, end_time: str | None) -> str:
    if record is None:
        return f"still running when the log ends at {clock(end_time)}"
    return f"`{record.headline(90)}` at {clock(record.time)}"



@rule("idle-timeout", emits=("server-idle-timeout",), reads=("ipc-broken", "server-exited-midbuild"),
      needs=("sccache-log",))
def idle_shutdown(ctx: Context) -> None:
    """What it detects: the server shut itself down after `SCCACHE_IDLE_TIMEOUT` seconds without a request.

    Why builds fail: during one very long compile or link no request reaches the server; when
    the idle timer fires, the server exits and clients still using it lose their channel.
    After a finished build an idle shutdown is normal and reported as benign.
    """
    idle_s = ctx.facts["idle_timeout_s"]
    channel_lost = any(ctx.matched(i) for i in ("ipc-broken", "server-exited-midbuild"))
    # A lost channel only makes the idle shutdown the cause when the build did not survive it
    # (clients fall back to compiling locally, so a finished build is a benign shutdown).
    failure_after = channel_lost and not ctx.build_succeeded
    for record in ctx.events("server-shutdown", "sccache-log"):
        if "idle" not in record.text:
            continue
        previous = ctx.scan.previous.get((record.source, record.line))
        if previous is not None and "shutdown" in previous.text and "handle_client" in previous.text:
            continue  # an explicit --stop-server request, not the idle timer
        gap = seconds_between(previous.time, record.time) if previous else None
        if gap is not None and gap < 0:
            gap = None  # the clock went backwards: no gap can be measured
        if gap is not None and gap + 1 < idle_s:
            continue
        gap_words = f"{gap:.0f} s after the last request" if gap is not None else "after a quiet period"
        summary = (f"The server shut down for idleness {gap_words} (idle timeout {idle_s} s, "
                   f"{ctx.fact_sources.get('idle_timeout_s', 'default')}).")
        # The signature's default role is benign (idle shutdowns after a build are normal);
        # a channel failure in the same bundle makes the shutdown the cause.
        ctx.add("server-idle-timeout", confidence="strong" if failure_after else "weak",
                role="root-cause" if failure_after else "benign",
                reason=f"idle shutdown at {clock(record.time)}", summary=summary,
                evidence=[Evidence.of(record)])
        return
