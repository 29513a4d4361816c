"""Shell transcripts: what the user ran, in which order, and what came back.

Command lines become records with fields `command` and `prompt` and event `command`
(`kill` for taskkill / Stop-Process / kill -9 / pkill, `stop-server` for
`sccache --stop-server`); every other non-blank line is an output record, because cargo
and sccache errors live there. Formats:

* PowerShell `Start-Transcript` files: a `**********************` header with
  `Windows PowerShell transcript start` / `Start time: 20260511100157`, then
  `PS C:\\proj\\Genarrative\\server-rs> cargo check -p api-server`
* terminal captures: `$ cargo build`, `dev@box:~/proj$ cargo build`, `PS C:\\> sccache -s`,
  `C:\\proj>sccache --stop-server`
* history files (`ConsoleHost_history.txt`, `.bash_history`): every line is a command

PowerShell 5.1 prints a native program's stderr as `cargo : error: ...`; that prefix is
stripped from the record text (original kept in field `raw`); the ErrorRecord decoration
around it is left to the cargo-output signatures. taskkill's success lines, English or
Chinese, give field `pid`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from analyzer.parsers import Item, register
from analyzer.records import Fact, Problem, Record, fields

KIND = "shell-transcript"

# `**********************`
STARS = re.compile(r"^\*{10,}\s*$")
# `Windows PowerShell transcript start` / `PowerShell transcript start`
TRANSCRIPT_START = re.compile(r"^(Windows )?PowerShell transcript (start|end)\s*$")
# `Start time: 20260511100157`
START_TIME = re.compile(r"^Start time: (\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)\s*$")
# `Username: DESKTOP-7Q2M4KD\DSK`, `Machine: DESKTOP-7Q2M4KD (Microsoft Windows NT 10.0.22631.0)`
HEADER_FIELD = re.compile(r"^(Username|RunAs User|Configuration Name|Machine|Host Application|Process ID|"
                          r"PS\w*Version|PSEdition|BuildVersion|CLRVersion|WSManStackVersion|"
                          r"SerializationVersion|End time):")
# `PS C:\proj\Genarrative\server-rs> cargo check -p api-server`
PS_PROMPT = re.compile(r"^(?P<prompt>PS(?: [^>]*)?>)\s?(?P<command>.*)$")
# `C:\proj\Genarrative\server-rs>sccache --stop-server`
CMD_PROMPT = re.compile(r"^(?P<prompt>[A-Za-z]:\\[^<>|\"]*>)(?P<command>.*)$")
# `dev@box:~/proj$ cargo build`, `root@box:/# ps -ef`
UNIX_PROMPT = re.compile(r"^(?P<prompt>[\w.-]+@[\w.-]+(?::| )[^$#\s]*\s?[$#])\s(?P<command>.*)$")
# `$ cargo build`, `# ss -tanp`
BARE_PROMPT = re.compile(r"^(?P<prompt>[$#%])\s(?P<command>\S.*)$")
# `cargo : error: ...` / `sccache.exe : sccache: error: ...` (PowerShell 5.1 native stderr)
NATIVE_PREFIX = re.compile(r"^(?:sccache|cargo|rustc)(?:\.exe)? : ")
# `SUCCESS: The process "sccache.exe" with PID 1234 has been terminated.`
KILLED_EN = re.compile(r'^SUCCESS: The process (?:"(?P<name>[^"]+)" )?with PID (?P<pid>\d+)')
# `成功: 已终止进程 "sccache.exe"，其 PID 为 1234。` / `成功: 已终止 PID 为 1234 (属于 PID 5678 子进程)的进程。`
KILLED_ZH = re.compile(r'^成功: 已终止(?:进程 "(?P<name>[^"]+)"，其)? ?PID 为 (?P<pid>\d+)')
# `taskkill /F /IM sccache.exe /T`, `Stop-Process -Name sccache`, `kill -9 812`, `pkill sccache`
KILL_COMMAND = re.compile(r"^\s*(?:taskkill(?:\.exe)?\b|Stop-Process\b|spps\b|kill\s+-(?:9|KILL|s\s+KILL)\b|pkill\b|killall\b)", re.I)
# `sccache --stop-server`, `& "C:\...\sccache.exe" --stop-server`
STOP_SERVER = re.compile(r"sccache(?:\.exe)?\"?\s+--stop-server\b", re.I)
# zsh extended history: `: 1700000000:0;cargo build`
ZSH_HISTORY = re.compile(r"^: \d+:\d+;")
HISTORY_NAMES = re.compile(r"(ConsoleHost_history\.txt|\.?(bash|zsh|sh)_history)$", re.I)
LOOKS_LIKE_LOG = re.compile(r"^\[\d{4}-\d\d-\d\dT")


def prompt_match(line: str) -> re.Match[str] | None:
    if LOOKS_LIKE_LOG.match(line):
        return None
    for pattern in (PS_PROMPT, CMD_PROMPT, UNIX_PROMPT, BARE_PROMPT):
        match = pattern.match(line)
        if match:
            return match
    return None


def command_event(command: str) -> str:
    if STOP_SERVER.search(command):
        return "stop-server"
    if KILL_COMMAND.match(command):
        return "kill"
    return "command"


def os_of_prompt(prompt: str) -> str | None:
    if prompt.startswith("PS") or re.match(r"^[A-Za-z]:\\", prompt):
        return "windows"
    if "/home/" in prompt:
        return "linux"
    if "/Users/" in prompt:
        return "macos"
    return None


@register
class ShellTranscriptParser:
    kind = KIND

    def sniff(self, head: str, name: str) -> float:
        lines = head.splitlines()
        if any(TRANSCRIPT_START.match(ln) for ln in lines[:5]):
            return 0.99  # Start-Transcript's header is unambiguous, even around cargo output
        # A pasted session scores below the content parsers (cargo, rustc -vV), which know better
        prompts = sum(1 for ln in lines if (m := prompt_match(ln)) and m.group("command").strip())
        if HISTORY_NAMES.search(name):
            return 0.7
        if not prompts:
            return 0.0
        return min(0.85, 0.35 + 0.15 * prompts)

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]:
        from pathlib import PurePosixPath

        history = bool(HISTORY_NAMES.search(PurePosixPath(source).name))
        in_header = False
        os_done = False
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            if STARS.match(line):
                continue
            if TRANSCRIPT_START.match(line):
                in_header = True
                if not os_done:
                    os_done = True
                    yield Fact("os", "windows", source, number)
                continue
            if in_header:
                start = START_TIME.match(line)
                if start:
                    y, mo, d, h, mi, s = start.groups()
                    yield Fact("transcript_start", f"{y}-{mo}-{d}T{h}:{mi}:{s}", source, number)
                if start or HEADER_FIELD.match(line):
                    continue
                in_header = False
            prompt = prompt_match(line)
            if history:
                command = ZSH_HISTORY.sub("", line).strip()
                yield Record(source, KIND, number, line, event=command_event(command), fields=fields(command=command, prompt=""))
            elif prompt:
                if not os_done and os_of_prompt(prompt.group("prompt")):
                    os_done = True
                    yield Fact("os", os_of_prompt(prompt.group("prompt")), source, number)
                yield _command(source, number, line, prompt)
            else:
                yield _output(source, number, line)


def _command(source: str, number: int, line: str, prompt: re.Match[str]) -> Record:
    command = prompt.group("command").strip()
    event = command_event(command) if command else None
    return Record(source, KIND, number, line, event=event,
                  fields=fields(command=command, prompt=prompt.group("prompt")))


def _output(source: str, number: int, line: str) -> Record | Problem:
    if line.count("\ufffd") * 4 > len(line):
        return Problem(source, number, "undecodable bytes, not a transcript line")
    text, raw = line, None
    if NATIVE_PREFIX.match(line):
        text, raw = NATIVE_PREFIX.sub("", line, count=1), line
    killed = KILLED_EN.match(text) or KILLED_ZH.match(text)
    values = {"raw": raw}
    if killed:
        values.update(pid=killed.group("pid"), process=killed.group("name"))
    return Record(source, KIND, number, text, fields=fields(**values))
