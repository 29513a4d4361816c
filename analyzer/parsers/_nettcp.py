"""PowerShell `Get-NetTCPConnection` as people paste it: the default table or `Format-List`.

Table (columns cut at fixed widths, `OwningProcess` absent on older Windows):
    LocalAddress                        LocalPort RemoteAddress                       RemotePort State       AppliedSetting OwningProcess
    ------------                        --------- -------------                       ---------- -----       -------------- -------------
    127.0.0.1                           52188     127.0.0.1                           4226       SynSent     Internet       9876
Format-List: `Key : value` lines, one block per connection, blank lines between blocks.
States are the enum names (`Listen`, `SynSent`, `TimeWait`, …), normalised like netstat's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from analyzer.records import Fact, Problem, Record, fields

KIND = "sockets"
TABLE_HEADER = re.compile(r"^\s*LocalAddress\s+LocalPort\s+RemoteAddress\s+RemotePort\s+State\b")
LIST_LINE = re.compile(r"^(?P<key>[A-Za-z]+)\s*:\s?(?P<value>.*)$")
RULER = re.compile(r"^[-\s]+$")
# enum name -> the state names the other socket formats use
STATES = {"listen": "LISTEN", "synsent": "SYN_SENT", "synreceived": "SYN_RECV", "established": "ESTABLISHED",
          "finwait1": "FIN_WAIT1", "finwait2": "FIN_WAIT2", "closewait": "CLOSE_WAIT", "closing": "CLOSING",
          "lastack": "LAST_ACK", "timewait": "TIME_WAIT", "closed": "CLOSED", "deletetcb": "DELETE_TCB",
          "bound": "BOUND"}
LIST_KEYS = {"localaddress": "local_addr", "localport": "local_port", "remoteaddress": "remote_addr",
             "remoteport": "remote_port", "state": "state", "owningprocess": "pid"}
GIVE_UP_AFTER = 20


def sniff(lines: list[str]) -> float:
    if any(TABLE_HEADER.match(line) for line in lines):
        return 0.85
    keys = {m["key"].lower() for line in lines if (m := LIST_LINE.match(line))}
    if {"localaddress", "localport", "remoteaddress", "state"} <= keys:
        return 0.85
    return 0.0


def starts(line: str) -> bool:
    """Does this first non-blank line open a Get-NetTCPConnection capture?"""
    match = LIST_LINE.match(line)
    return bool(TABLE_HEADER.match(line) or (match and match["key"].lower() == "localaddress"))


def parse(first: tuple[int, str], rest: Iterable[tuple[int, str]], source: str) -> Iterator:
    number, line = first
    yield Fact("os", "windows", source, number)
    if TABLE_HEADER.match(line):
        yield from _table(line, rest, source)
    else:
        yield from _blocks(first, rest, source)


def _row(values: dict[str, str]) -> dict[str, str | None] | None:
    state = STATES.get(values.get("state", "").strip().lower())
    if state is None or not values.get("local_port", "").isdigit():
        return None
    return {"proto": "tcp", "local_addr": values.get("local_addr"), "local_port": values.get("local_port"),
            "remote_addr": values.get("remote_addr"), "remote_port": values.get("remote_port"), "state": state,
            "pid": values.get("pid") if (values.get("pid") or "").isdigit() else None}


def _table(header: str, rest: Iterable[tuple[int, str]], source: str) -> Iterator:
    names = ("local_addr", "local_port", "remote_addr", "remote_port", "state")
    has_pid = "OwningProcess" in header
    misses = 0
    for number, line in rest:
        if not line.strip() or RULER.match(line):
            continue
        tokens = line.split()
        values = dict(zip(names, tokens[:5], strict=False))
        if has_pid and len(tokens) >= 6 and tokens[-1].isdigit():
            values["pid"] = tokens[-1]  # AppliedSetting may be blank: the PID is the last column
        row = _row(values) if len(tokens) >= 5 else None
        if row is None:
            misses += 1
            if misses >= GIVE_UP_AFTER:
                yield Problem(source, number, f"gave up after {GIVE_UP_AFTER} lines that are not connections")
                return
            continue
        misses = 0
        yield Record(source, KIND, number, line, fields=fields(**row))


def _blocks(first: tuple[int, str], rest: Iterable[tuple[int, str]], source: str) -> Iterator:
    block: dict[str, str] = {}
    raw: list[str] = []
    start = first[0]

    def emit() -> Iterator:
        if block:
            row = _row(block)
            if row is None:
                yield Problem(source, start, "connection block without a port and a state")
            else:
                yield Record(source, KIND, start, "\n".join(raw), end_line=start + len(raw) - 1, fields=fields(**row))

    for number, line in [first, *rest]:
        if not line.strip():
            yield from emit()
            block, raw = {}, []
            continue
        if not raw:
            start = number
        raw.append(line)
        match = LIST_LINE.match(line)
        key = LIST_KEYS.get(match["key"].lower()) if match else None
        if key and match:
            block[key] = match["value"].strip()
    yield from emit()
