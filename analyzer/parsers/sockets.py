"""Socket tables: who listened on, or was connecting to, the sccache port (4226 by default).

Formats, one record per socket row:

* Windows `netstat -ano` / `netstat -an` (English or Chinese headers, states stay English):
  `  TCP    127.0.0.1:52144        127.0.0.1:4226         SYN_SENT        15320`
* Linux `netstat -tanp`:
  `tcp        0      0 127.0.0.1:4226          0.0.0.0:*               LISTEN      812/sccache`
* Linux `ss -tanp` (optionally with a `Netid` column):
  `LISTEN 0      128    127.0.0.1:4226    0.0.0.0:*    users:(("sccache",pid=812,fd=9))`
* macOS `netstat -an` (dotted ports): `tcp4       0      0  127.0.0.1.4226         *.*     LISTEN`

States are normalised (`LISTENING`/`LISTEN` -> `LISTEN`, `ESTAB` -> `ESTABLISHED`,
`SYN-SENT` -> `SYN_SENT`, ...); UDP rows have an empty state. `proto` is `tcp` or `udp`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator

from analyzer.parsers import Item, _nettcp, register
from analyzer.parsers._badrun import BadRun
from analyzer.records import Fact, Record, fields

KIND = "sockets"

# `Active Connections` / `活动连接` (Windows), `Active Internet connections (servers and established)`
TITLE = re.compile(r"^\s*(Active Connections|活动连接|Active Internet connections)", re.I)
# `Active UNIX domain sockets (servers and established)` / macOS `Active LOCAL (UNIX) domain sockets`
UNIX_SECTION = re.compile(r"^\s*Active (LOCAL \(UNIX\)|UNIX|Multipath|kernel|Bluetooth)", re.I)
# `  Proto  Local Address          Foreign Address        State           PID`
WIN_HEADER = re.compile(r"^\s*Proto\s+Local Address\s+Foreign Address\s+State(?P<pid>\s+PID)?\s*$", re.I)
# `  协议  本地地址          外部地址        状态           PID`
ZH_HEADER = re.compile(r"^\s*协议\s+本地地址\s+外部地址\s+状态(?P<pid>\s+PID)?\s*$")
# `Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name`
UNIX_NETSTAT_HEADER = re.compile(r"^\s*Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address", re.I)
# `State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess` (ss; `Netid` first with -u/-x)
SS_HEADER = re.compile(r"^\s*(?P<netid>Netid\s+)?State\s+Recv-Q\s+Send-Q\s+Local Address:Port\s+Peer\s+Address:Port", re.I)
# ss process column: `users:(("sccache",pid=812,fd=9),("sccache",pid=813,fd=9))`
SS_USERS = re.compile(r'users:\(\("(?P<name>[^"]*)",pid=(?P<pid>\d+)')
# Windows `netstat -b` owner lines: `[sccache.exe]`, `无法获取所有权信息` / `Can not obtain ownership information`
WIN_OWNER = re.compile(r"^\s*\[(?P<name>[^\]]+)\]\s*$")
WIN_NO_OWNER = re.compile(r"^\s*(Can not obtain ownership information|无法获取所有权信息)\s*$", re.I)
# ss/netstat noise: `(Not all processes could be identified, non-owned process info`
NOISE = re.compile(r"^\s*(\(Not all processes|will not be shown, you would have to be root|\(No info could be read)")
# An address ending in a port: `127.0.0.1:4226`, `[::1]:4226`, `*:*`, `127.0.0.1.4226`, `*.*`
PORT_COLON = re.compile(r"^(?P<addr>.*):(?P<port>\d+|\*)$")
PORT_DOT = re.compile(r"^(?P<addr>.*)\.(?P<port>\d+|\*)$")

STATES = {
    "LISTENING": "LISTEN", "LISTEN": "LISTEN",
    "ESTAB": "ESTABLISHED", "ESTABLISHED": "ESTABLISHED",
    "SYN_SENT": "SYN_SENT", "SYN-SENT": "SYN_SENT",
    "SYN_RECV": "SYN_RECV", "SYN-RECV": "SYN_RECV", "SYN_RECEIVED": "SYN_RECV", "SYN_RCVD": "SYN_RECV",
    "TIME_WAIT": "TIME_WAIT", "TIME-WAIT": "TIME_WAIT",
    "CLOSE_WAIT": "CLOSE_WAIT", "CLOSE-WAIT": "CLOSE_WAIT",
    "FIN_WAIT1": "FIN_WAIT1", "FIN_WAIT_1": "FIN_WAIT1", "FIN-WAIT-1": "FIN_WAIT1",
    "FIN_WAIT2": "FIN_WAIT2", "FIN_WAIT_2": "FIN_WAIT2", "FIN-WAIT-2": "FIN_WAIT2",
    "LAST_ACK": "LAST_ACK", "LAST-ACK": "LAST_ACK", "CLOSING": "CLOSING",
    "CLOSED": "CLOSED", "CLOSE": "CLOSED", "BOUND": "BOUND", "DELETE_TCB": "DELETE_TCB",
    "UNCONN": "",
}
WIN_PROTOS = {"TCP", "UDP", "TCPV6", "UDPV6"}
LINUX_PROTOS = {"tcp", "tcp6", "udp", "udp6", "raw", "raw6", "udpl", "udpl6"}
MAC_PROTOS = {"tcp4", "tcp6", "tcp46", "udp4", "udp6", "udp46"}


def split_address(text: str) -> tuple[str, str] | None:
    """`[::1]:4226` -> (`::1`, `4226`); `127.0.0.1.4226` (macOS) -> (`127.0.0.1`, `4226`)."""
    match = PORT_COLON.match(text) or PORT_DOT.match(text)
    if not match or not match.group("addr"):
        return None
    addr = match.group("addr")
    if addr.startswith("[") and addr.endswith("]"):
        addr = addr[1:-1]
    return addr, match.group("port")


def normalise_state(token: str) -> str | None:
    return STATES.get(token.upper())


def base_proto(token: str) -> str:
    return "udp" if token.lower().startswith("udp") else "tcp"


class _Layout:
    """What the headers seen so far say about the rows that follow."""

    def __init__(self) -> None:
        self.win_pid: bool | None = None
        self.ss_netid = False
        self.in_unix_section = False


@register
class SocketsParser:
    kind = KIND

    def sniff(self, head: str, name: str) -> float:
        lines = head.splitlines()
        score = _nettcp.sniff(lines)
        if any(WIN_HEADER.match(ln) or ZH_HEADER.match(ln) or SS_HEADER.match(ln)
               or UNIX_NETSTAT_HEADER.match(ln) for ln in lines):
            score += 0.6
        if any(TITLE.match(ln) for ln in lines):
            score += 0.2
        rows = sum(1 for ln in lines if _parse_row(ln, _Layout()) is not None)
        score += min(0.5, 0.1 * rows)
        lowered = name.lower()
        if score and any(word in lowered for word in ("netstat", "ss", "socket", "port")):
            score += 0.05
        return min(1.0, score)

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]:
        numbered = enumerate(lines, 1)
        for number, line in numbered:
            if line.strip():
                first = (number, line)
                break
        else:
            return
        if _nettcp.starts(first[1]):
            yield from _nettcp.parse(first, numbered, source)
            return
        yield from self._netstat_ss(itertools.chain([first], numbered), source)

    def _netstat_ss(self, numbered: Iterable[tuple[int, str]], source: str) -> Iterator[Item]:
        layout = _Layout()
        pending: tuple[int, str, dict[str, str | None]] | None = None
        bad = BadRun(source, "a socket row", "socket rows")
        facts_done: set[str] = set()
        for number, line in numbered:
            if not line.strip():
                continue
            yield from _facts_for_line(line, source, number, facts_done)
            if _is_header(line, layout) or TITLE.match(line) or NOISE.match(line):
                bad.clear()
                continue
            if UNIX_SECTION.match(line):
                layout.in_unix_section = True
                continue
            if layout.in_unix_section:
                continue
            owner = WIN_OWNER.match(line)
            if owner and pending:
                pending[2]["process"] = owner.group("name")
                continue
            if WIN_NO_OWNER.match(line) or (pending and layout.win_pid is not None and len(line.split()) == 1):
                continue  # netstat -b: service name or "no owner" line under a row
            row = _parse_row(line, layout)
            if row is None:
                gave_up = bad.add(number, line)
                if gave_up:
                    yield gave_up
                    return
                continue
            yield from bad.flush()
            if pending:
                yield _record(source, *pending)
            pending = (number, line, row)
        if pending:
            yield _record(source, *pending)
        yield from bad.flush()


def _record(source: str, number: int, line: str, row: dict[str, str | None]) -> Record:
    return Record(source, KIND, number, line, fields=fields(**row))


def _facts_for_line(line: str, source: str, number: int, done: set[str]) -> Iterator[Fact]:
    found: dict[str, str] = {}
    if ZH_HEADER.match(line) or line.strip() == "活动连接":
        found.update(os="windows", locale="zh-CN")
    elif WIN_HEADER.match(line) or line.strip() == "Active Connections":
        found["os"] = "windows"
    elif SS_HEADER.match(line) or "PID/Program name" in line or line.split()[:1] in (["tcp"], ["udp"]):
        found["os"] = "linux"
    elif "(state)" in line or line.split()[:1] in (["tcp4"], ["tcp46"], ["udp4"], ["udp46"]):
        found["os"] = "macos"
    for name, value in found.items():
        if name not in done:
            done.add(name)
            yield Fact(name, value, source, number)


def _is_header(line: str, layout: _Layout) -> bool:
    match = WIN_HEADER.match(line) or ZH_HEADER.match(line)
    if match:
        layout.win_pid = bool(match.group("pid"))
        layout.in_unix_section = False
        return True
    match = SS_HEADER.match(line)
    if match:
        layout.ss_netid = bool(match.group("netid"))
        return True
    if UNIX_NETSTAT_HEADER.match(line):
        layout.in_unix_section = False
        return True
    return False


def _parse_row(line: str, layout: _Layout) -> dict[str, str | None] | None:
    tokens = line.split()
    if len(tokens) < 3:
        return None
    first = tokens[0]
    if first.upper() in WIN_PROTOS and first.isupper():
        return _windows_row(tokens, layout)
    if first in LINUX_PROTOS or first in MAC_PROTOS:
        return _unix_netstat_row(tokens)
    return _ss_row(tokens, layout)


def _endpoints(row: dict[str, str | None], local: str, remote: str) -> dict[str, str | None] | None:
    here, there = split_address(local), split_address(remote)
    if here is None or there is None:
        return None
    row.update(local_addr=here[0], local_port=here[1], remote_addr=there[0], remote_port=there[1])
    return row


def _windows_row(tokens: list[str], layout: _Layout) -> dict[str, str | None] | None:
    proto = base_proto(tokens[0])
    rest = tokens[3:]
    state = ""
    if proto == "tcp":
        if not rest or normalise_state(rest[0]) is None:
            return None
        state, rest = normalise_state(rest[0]) or "", rest[1:]
    pid = None
    if rest:
        if len(rest) != 1 or not rest[0].isdigit():
            return None
        pid = rest[0]
    elif layout.win_pid:
        return None  # the header promised a PID column: the row is cut
    return _endpoints({"proto": proto, "state": state, "pid": pid}, tokens[1], tokens[2])


def _unix_netstat_row(tokens: list[str]) -> dict[str, str | None] | None:
    if len(tokens) < 5 or not (tokens[1].isdigit() and tokens[2].isdigit()):
        return None
    proto = base_proto(tokens[0])
    rest = tokens[5:]
    state = ""
    if rest and normalise_state(rest[0]) is not None:
        state, rest = normalise_state(rest[0]) or "", rest[1:]
    elif proto == "tcp" and tokens[0] in LINUX_PROTOS:
        return None
    row: dict[str, str | None] = {"proto": proto, "state": state, "recv_q": tokens[1], "send_q": tokens[2]}
    if rest and rest[0] != "-":
        pid, _, program = " ".join(rest).partition("/")
        if pid.isdigit():
            row.update(pid=pid, process=program or None)
    return _endpoints(row, tokens[3], tokens[4])


def _ss_row(tokens: list[str], layout: _Layout) -> dict[str, str | None] | None:
    netid = None
    if layout.ss_netid or (tokens[0] in ("tcp", "udp", "raw") and len(tokens) >= 6):
        netid, tokens = tokens[0], tokens[1:]
    if len(tokens) < 5:
        return None
    state = normalise_state(tokens[0])
    if state is None or not (tokens[1].isdigit() and tokens[2].isdigit()):
        return None
    proto = base_proto(netid) if netid else ("udp" if tokens[0].upper() == "UNCONN" else "tcp")
    row: dict[str, str | None] = {"proto": proto, "state": state, "recv_q": tokens[1], "send_q": tokens[2]}
    users = SS_USERS.search(" ".join(tokens[5:]))
    if users:
        row.update(pid=users.group("pid"), process=users.group("name"))
    return _endpoints(row, tokens[3], tokens[4])
