"""Process lists: was an sccache server running, or only clients waiting for one?

One record per process, fields `name` (executable base name: `sccache.exe`, `sccache`),
`pid`, `ppid`, `cmdline`, `user`, `started`, `memory`. Formats, told apart by their header:

* `tasklist` table, English or Chinese, with or without `/V`:
  `sccache.exe                  15320 Console                    1      6,512 K`
* `tasklist /FO CSV` (with header or `/NH`): `"sccache.exe","15320","Console","1","6,512 K"`
* `tasklist /FO LIST` and `Get-CimInstance Win32_Process | Format-List` blocks:
  `Image Name:   sccache.exe` / `ProcessId       : 15320` (wrapped values joined)
* PowerShell `Get-Process`: `    227      14     3276      11824       0.05  15320   1 sccache`
* `wmic process get CommandLine,ParentProcessId,ProcessId` (fixed width, sliced by the header)
* `ps -ef`, `ps aux`, `ps -eo pid,ppid,lstart,args`: `dev   812     1  0 05:51 ?   00:00:00 sccache`
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from typing import Any

from analyzer.parsers import Item, register
from analyzer.parsers._badrun import BadRun
from analyzer.records import Fact, Problem, Record, fields

KIND = "processes"
Numbered = Iterator[tuple[int, str]]

# `Image Name                     PID Session Name        Session#    Mem Usage` / `映像名称  PID 会话名  会话#  内存使用`
TASKLIST_HEADER = re.compile(r"^\s*(Image Name|映像名称)\s+PID\s+(Session Name|会话名)")
# `========================= ======== ================ =========== ============`
RULER = re.compile(r"^[=\s]+$")
# `System Idle Process              0 Services                   0          8 K`
TASKLIST_ROW = re.compile(
    r"^(?P<name>\S.*?)\s+(?P<pid>\d+)\s+(?P<session>\S*)\s+(?P<session_no>\d+)\s+(?P<memory>[\d,.\s]*\d\s*K)"
    # /V: `Running         NT AUTHORITY\SYSTEM                                     0:00:12 N/A`
    r"(?:\s+(?P<status>\S+)\s+(?P<user>.+?)\s+(?P<cpu>\d+:\d\d:\d\d)(?:\s+(?P<title>.*?))?)?\s*$"
)
# `Handles  NPM(K)    PM(K)      WS(K)     CPU(s)     Id  SI ProcessName`
GET_PROCESS_HEADER = re.compile(r"^\s*Handles\s+NPM\(\w\)\s+PM\(\w\)\s+WS\(\w\)\s+CPU\(s\)\s+Id\s+SI\s+ProcessName")
# `    227      14     3276      11824       0.05  15320   1 sccache` (CPU(s) may be blank)
GET_PROCESS_ROW = re.compile(
    r"^\s*(?P<handles>\d+)\s+(?P<npm>[\d.]+)\s+(?P<pm>[\d.]+)\s+(?P<ws>[\d.]+)\s+(?:(?P<cpu>[\d.]+)\s+)?"
    r"(?P<pid>\d+)\s+(?P<si>\d+)\s+(?P<name>\S.*?)\s*$"
)
# `ProcessId       : 15320`, `Image Name:   sccache.exe`, `映像名称:     sccache.exe`, wmic /format:list `ProcessId=15320`
BLOCK_LINE = re.compile(r"^(?P<key>[A-Za-z\u4e00-\u9fff][\w\u4e00-\u9fff #()]*?)\s*(?::|=)\s?(?P<value>.*)$")
# `CommandLine    ParentProcessId  ProcessId` (wmic headers are property names, nothing else)
WMIC_HEADER = re.compile(r"^(?:(?:Caption|CommandLine|CreationDate|ExecutablePath|Name|ParentProcessId|ProcessId|WorkingSetSize)\s*)+$")
WMIC_COLUMN = re.compile(r"\S+")
# `UID          PID    PPID  C STIME TTY          TIME CMD` / `  PID  PPID                  STARTED COMMAND`
PS_HEADER = re.compile(r"^\s*(?:\S+\s+)*PID\b.*\b(CMD|COMMAND|ARGS)\s*$")
# `Sat Nov 21 05:51:13 2026` (ps lstart)
LSTART = re.compile(r"^\w{3} (\w{3}) +(\d{1,2}) (\d\d:\d\d:\d\d) (\d{4})$")
# `20260511100210.123456+480` (WMI CreationDate)
WMI_DATE = re.compile(r"^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\.\d+)?([+-]\d+)?$")
MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}

BLOCK_KEYS = {
    "image name": "name", "映像名称": "name", "name": "name", "processname": "name", "caption": "name",
    "pid": "pid", "processid": "pid", "id": "pid", "parentprocessid": "ppid",
    "commandline": "cmdline", "user name": "user", "用户名": "user", "username": "user",
    "mem usage": "memory", "内存使用": "memory", "workingsetsize": "memory",
    "creationdate": "started", "starttime": "started", "executablepath": "path",
}
CHINESE_MARKS = ("映像名称", "会话名", "内存使用")
PS_COLUMNS = {"PID": "pid", "PPID": "ppid", "UID": "user", "USER": "user", "RSS": "memory",
              "STIME": "started", "START": "started", "STARTED": "started", "LSTART": "started",
              "CMD": "cmdline", "COMMAND": "cmdline", "ARGS": "cmdline"}


def exe_name(command: str) -> str:
    """`"C:\\x\\sccache.exe" --show-stats` -> `sccache.exe`; `/usr/bin/sccache -s` -> `sccache`."""
    command = command.strip()
    if command.startswith('"'):
        first = command[1:].split('"', 1)[0]
    else:
        first = command.split(" ", 1)[0] if command else ""
    return re.split(r"[\\/]", first)[-1]


def iso_start(value: str) -> str:
    """Put `lstart` and WMI dates in ISO form (local time, as the tool printed it); else as is."""
    match = LSTART.match(" ".join(value.split()))
    if match and match.group(1) in MONTHS:
        mon, day, clock, year = match.groups()
        return f"{year}-{MONTHS[mon]:02d}-{int(day):02d}T{clock}"
    match = WMI_DATE.match(value)
    if match:
        y, mo, d, h, mi, s, frac, offset = match.groups()
        text = f"{y}-{mo}-{d}T{h}:{mi}:{s}{frac or ''}"
        if offset:
            minutes = int(offset)
            sign = "+" if minutes >= 0 else "-"
            text += f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        return text
    return value


@register
class ProcessesParser:
    kind = KIND

    def sniff(self, head: str, name: str) -> float:
        lines = [ln for ln in head.splitlines() if ln.strip()]
        score = 0.0
        for line in lines[:10]:
            if TASKLIST_HEADER.match(line) or GET_PROCESS_HEADER.match(line) or _csv_header(line):
                score = 0.8
            elif PS_HEADER.match(line) and re.search(r"\bPPID\b|\bUSER\b|\bUID\b|\bTTY\b|\bSTARTED\b", line):
                score = max(score, 0.7)
            elif WMIC_HEADER.match(line.strip()) and ("ProcessId" in line or "CommandLine" in line):
                score = max(score, 0.7)
        keys = [BLOCK_KEYS.get(m.group("key").strip().lower()) for ln in lines if (m := BLOCK_LINE.match(ln))]
        if {"name", "pid"} <= set(keys) and ("Image Name" in head or "映像名称" in head or "ProcessId" in head):
            score = max(score, 0.7)
        # Get-CimInstance Win32_Process | Select-Object ProcessId,ParentProcessId,CommandLine | Format-List
        if "ProcessId" in head and "pid" in keys and ({"ppid", "cmdline"} & set(keys)):
            score = max(score, 0.7)
        if _csv_row(lines[0] if lines else ""):
            score = max(score, 0.6)
        if score and re.search(r"tasklist|process|\bps\b|wmic", name, re.I):
            score += 0.05
        return min(1.0, score)

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]:
        numbered: Numbered = ((n, ln) for n, ln in enumerate(lines, 1))
        bad = BadRun(source, "a process row", "process rows")
        for number, line in numbered:
            if not line.strip():
                continue
            reader = _reader_for(line)
            if reader is None:
                gave_up = bad.add(number, line)
                if gave_up:
                    yield gave_up
                    return
                continue
            yield from bad.flush()
            yield from _header_facts(line, source, number)
            yield from reader(number, line, numbered, source, bad)
            break
        yield from bad.flush()


def _header_facts(line: str, source: str, number: int) -> Iterator[Fact]:
    if not PS_HEADER.match(line):  # every other format here is a Windows tool's
        yield Fact("os", "windows", source, number)
    if any(mark in line for mark in CHINESE_MARKS):
        yield Fact("locale", "zh-CN", source, number)


def _reader_for(line: str):
    if TASKLIST_HEADER.match(line):
        return _read_tasklist
    if GET_PROCESS_HEADER.match(line):
        return _read_get_process
    if _csv_header(line) or _csv_row(line):
        return _read_csv
    if WMIC_HEADER.match(line.strip()):
        return _read_wmic
    if PS_HEADER.match(line):
        return _read_ps
    match = BLOCK_LINE.match(line)
    if match and match.group("key").strip().lower() in BLOCK_KEYS:
        return _read_blocks
    return None


def _row_loop(numbered: Numbered, bad: BadRun, parse_row) -> Iterator[Item]:
    """Shared table loop: blank lines and rulers skipped, bad runs reported, rows yielded."""
    for number, line in numbered:
        if not line.strip() or RULER.match(line) or re.match(r"^\s*-[-\s]*$", line):
            continue
        record = parse_row(number, line)
        if record is None:
            gave_up = bad.add(number, line)
            if gave_up:
                yield gave_up
                return
            continue
        yield from bad.flush()
        yield record


def _record(source: str, number: int, line: str, end: int | None = None, **values: Any) -> Record:
    if not values.get("name") and values.get("cmdline"):
        values["name"] = exe_name(values["cmdline"] or "")
    return Record(source, KIND, number, line, end_line=end, fields=fields(**values))


def _read_tasklist(number: int, header: str, numbered: Numbered, source: str, bad: BadRun) -> Iterator[Item]:
    def row(n: int, line: str) -> Record | None:
        m = TASKLIST_ROW.match(line)
        if not m:
            return None
        return _record(source, n, line, name=m.group("name").strip(), pid=m.group("pid"),
                       memory=" ".join(m.group("memory").split()), user=m.group("user"))
    yield from _row_loop(numbered, bad, row)


def _read_get_process(number: int, header: str, numbered: Numbered, source: str, bad: BadRun) -> Iterator[Item]:
    found_unit = re.search(r"WS\((\w)\)", header)
    unit = found_unit.group(1) if found_unit else "K"

    def row(n: int, line: str) -> Record | None:
        m = GET_PROCESS_ROW.match(line)
        if not m:
            return None
        return _record(source, n, line, name=m.group("name"), pid=m.group("pid"), memory=f"{m.group('ws')} {unit}")
    yield from _row_loop(numbered, bad, row)


def _csv_fields(line: str) -> list[str] | None:
    if not line.startswith('"'):
        return None
    try:
        return next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return None


def _csv_header(line: str) -> bool:
    cells = _csv_fields(line)
    return bool(cells and len(cells) >= 2 and cells[0].strip() in ("Image Name", "映像名称") and cells[1] == "PID")


def _csv_row(line: str) -> bool:
    cells = _csv_fields(line)
    return bool(cells and len(cells) in (5, 9) and cells[1].isdigit() and cells[4].endswith("K"))


def _read_csv(number: int, first: str, numbered: Numbered, source: str, bad: BadRun) -> Iterator[Item]:
    def row(n: int, line: str) -> Record | None:
        cells = _csv_fields(line)
        if not cells or len(cells) not in (5, 9) or not cells[1].isdigit() or not line.rstrip().endswith('"'):
            return None
        user = cells[6] if len(cells) == 9 else None
        return _record(source, n, line, name=cells[0], pid=cells[1], memory=cells[4], user=user)
    if not _csv_header(first):
        record = row(number, first)
        if record:
            yield record
    yield from _row_loop(numbered, bad, row)


def _read_wmic(number: int, header: str, numbered: Numbered, source: str, bad: BadRun) -> Iterator[Item]:
    columns = [(m.start(), m.group()) for m in WMIC_COLUMN.finditer(header)]
    names = {"Caption": "name", "Name": "name", "CommandLine": "cmdline", "ParentProcessId": "ppid",
             "ProcessId": "pid", "CreationDate": "started", "WorkingSetSize": "memory", "ExecutablePath": "path"}

    def row(n: int, line: str) -> Record | None:
        values: dict[str, Any] = {}
        for i, (start, title) in enumerate(columns):
            end = columns[i + 1][0] if i + 1 < len(columns) else None
            values[names[title]] = line[start:end].strip() or None
        if not (values.get("pid") or "").isdigit() or ("ppid" in values and not (values["ppid"] or "0").isdigit()):
            return None
        if values.get("started"):
            values["started"] = iso_start(values["started"] or "")
        values.pop("path", None)
        return _record(source, n, line, **values)
    yield from _row_loop(numbered, bad, row)


def _read_ps(number: int, header: str, numbered: Numbered, source: str, bad: BadRun) -> Iterator[Item]:
    titles = header.split()
    widths = [5 if t in ("STARTED", "LSTART") else 1 for t in titles]

    def row(n: int, line: str) -> Record | None:
        tokens = line.split()
        values: dict[str, Any] = {}
        at = 0
        for title, width in zip(titles, widths, strict=True):
            if title in ("CMD", "COMMAND", "ARGS") and title == titles[-1]:
                chunk = line.split(None, at)[-1] if at else line.strip()
            else:
                chunk = " ".join(tokens[at:at + width])
            at += width
            if title in PS_COLUMNS:
                values[PS_COLUMNS[title]] = chunk
        if not (values.get("pid") or "").isdigit() or at > len(tokens) + 1:
            return None
        if values.get("started"):
            values["started"] = iso_start(values["started"] or "")
        return _record(source, n, line, **values)
    yield from _row_loop(numbered, bad, row)


def _read_blocks(number: int, first: str, numbered: Numbered, source: str, bad: BadRun) -> Iterator[Item]:
    """`Key : value` blocks separated by blank lines; indented lines continue the last value."""
    block: dict[str, str] = {}
    raw: list[str] = []
    start = end = number
    last_key: str | None = None

    def take(line: str) -> bool:
        nonlocal last_key
        if line[:1].isspace() and last_key is not None:
            if last_key in block:
                block[last_key] += line.strip()  # Format-List cuts values at the console width
            return True
        m = BLOCK_LINE.match(line)
        if not m:
            return False
        last_key = BLOCK_KEYS.get(m.group("key").strip().lower(), "")
        if last_key and last_key not in block:
            block[last_key] = m.group("value").strip()
        return True

    def emit() -> Iterator[Item]:
        if block.get("pid", "").isdigit():
            values: dict[str, str | None] = dict(block)
            path = values.pop("path", None)
            if values.get("started"):
                values["started"] = iso_start(values["started"] or "")
            if not values.get("name") and path:
                values["name"] = exe_name(path)
            yield _record(source, start, "\n".join(raw), end, **values)
        elif block:
            yield Problem(source, start, "process block without a numeric PID")

    take(first)
    raw.append(first)
    for number, line in numbered:
        if not line.strip():
            yield from emit()
            block, raw, last_key = {}, [], None
            continue
        if not raw:
            start = number
        if take(line):
            yield from bad.flush()
            raw.append(line)
            end = number
        else:
            gave_up = bad.add(number, line)
            if gave_up:
                yield gave_up
                return
    yield from emit()
