"""Environment dumps: which SCCACHE_*, proxy and wrapper variables the failing shell had.

One record per variable, fields `name`, `value`, and `truncated` = `true` when PowerShell cut
the name or the value with `...` (the cut text is kept as shown). Formats:

* PowerShell `Get-ChildItem Env:` / `dir env:` table; long values wrap onto lines that start
  at the value column and are joined back:
  `Name                           Value` / `----                           -----` /
  `ALIBABA_CLOUD_ACCESS_KEY_SEC...  LTAI...`
* `Get-ChildItem Env: | Format-List`: `Name  : HTTPS_PROXY` / `Value : http://127.0.0.1:7897`
* cmd `set`, `env`, `printenv`, plain files: `HTTPS_PROXY=http://127.0.0.1:7897`
* `export -p` / `declare -x HOME="/root"` / `export NAME='value'`

Facts: `os` when the variables make it evident (`USERPROFILE`, `APPDATA`, `C:\\` paths -> windows;
`HOME=/home/...` -> linux; `HOME=/Users/...` -> macos).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from analyzer.parsers import Item, register
from analyzer.parsers._badrun import BadRun
from analyzer.records import Fact, Record, fields

KIND = "env"

# `Name                           Value`
TABLE_HEADER = re.compile(r"^Name\s+Value\s*$")
# `----                           -----`
TABLE_RULER = re.compile(r"^(-{4,})(\s+)(-{5,})\s*$")
# `Name  : HTTPS_PROXY` then `Value : http://127.0.0.1:7897`
LIST_NAME = re.compile(r"^Name\s*: ?(?P<name>.*)$")
LIST_VALUE = re.compile(r"^Value\s*: ?(?P<value>.*)$")
# `declare -x HOME="/root"`, `export HOME=/root`, `typeset -x HOME=/root`, `declare -x OLDPWD`
EXPORT = re.compile(r"^(?:export|declare -x|typeset -x)\s+(?P<name>[A-Za-z_][\w]*)(?:=(?P<value>.*))?$")
# `HTTPS_PROXY=http://127.0.0.1:7897`, `CommonProgramFiles(x86)=C:\...`, cmd's hidden `=C:=C:\proj`
ASSIGN = re.compile(r"^(?P<name>=?[A-Za-z_][\w().:{}%+-]*)=(?P<value>.*)$")
# `BASH_FUNC_foo%%=() {  echo hi` (env prints exported functions over several lines)
FUNCTION_START = re.compile(r"^\(\)\s*\{")
TRUNCATION = ("...", "\u2026")
WINDOWS_NAMES = {"USERPROFILE", "APPDATA", "LOCALAPPDATA", "SYSTEMROOT", "WINDIR", "COMSPEC", "PATHEXT"}
WELL_KNOWN = {"PATH", "HOME", "USER", "SHELL", "PWD", "LANG", "TEMP", "TMP", "USERNAME"} | WINDOWS_NAMES


def unquote_shell(value: str) -> str:
    """`"a \\"b\\""` -> `a "b"`; `'x'` -> `x`; bare words unchanged."""
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r'\\([\\"$`])', r"\1", value[1:-1])
    return value


def os_of(name: str, value: str) -> str | None:
    upper = name.upper()
    if upper in WINDOWS_NAMES or (upper == "PATH" and re.search(r"[A-Za-z]:\\", value)):
        return "windows"
    if upper == "HOME":
        if value.startswith("/Users/"):
            return "macos"
        if value.startswith("/home/") or value == "/root":
            return "linux"
    return None


@register
class EnvParser:
    kind = KIND

    def sniff(self, head: str, name: str) -> float:
        lines = [ln for ln in head.splitlines() if ln.strip()]
        if not lines:
            return 0.0
        if any(TABLE_HEADER.match(ln) for ln in lines[:5]) and any(TABLE_RULER.match(ln) for ln in lines[:6]):
            return 0.95
        names = [m.group("name").strip() for ln in lines if (m := LIST_NAME.match(ln))]
        values = sum(1 for ln in lines if LIST_VALUE.match(ln))
        if len(names) >= 2 and values >= 2:
            return 0.9
        assigned = [m.group("name") for ln in lines if (m := EXPORT.match(ln) or ASSIGN.match(ln))]
        share = len(assigned) / len(lines)
        if len(assigned) < 2 or share < 0.5:
            return 0.0
        score = 0.35 + 0.45 * share
        if {n.upper() for n in assigned} & WELL_KNOWN:
            score += 0.15
        if re.search(r"env|environ|set", name, re.I):
            score += 0.05
        return min(1.0, score)

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]:
        state = _State(source)
        for number, line in enumerate(lines, 1):
            yield from state.feed(number, line)
            if state.stopped:
                return
        yield from state.finish()


class _State:
    """Line-by-line reader; holds the one variable that may still grow by continuation lines."""

    def __init__(self, source: str):
        self.source = source
        self.value_column: int | None = None  # set by a PowerShell table ruler
        self.current: dict | None = None
        self.list_name: tuple[int, str] | None = None
        self.bad = BadRun(source, "a variable", "variables", quote=False)
        self.stopped = False
        self.os_done = False

    def feed(self, number: int, line: str) -> Iterator[Item]:
        if not line.strip():
            if self.value_column is None:
                yield from self._close()
            return
        if TABLE_HEADER.match(line):
            return
        ruler = TABLE_RULER.match(line)
        if ruler:
            self.value_column = ruler.start(3)
            return
        current = self.current
        if current is not None and self._continues(line):
            if current["function"]:
                current["value"] += "\n" + line
                current["function"] = line.strip() != "}"
            else:
                current["value"] += line.strip()  # PowerShell cut the value at the column width
            current["end"] = number
            current["text"] += "\n" + line
            return
        yield from self._close()
        item = self._start(number, line)
        if item is None:
            gave_up = self.bad.add(number, line)
            if gave_up:
                self.stopped = True
                yield gave_up
            return
        yield from self.bad.flush()

    def _continues(self, line: str) -> bool:
        if self.current is None:
            return False
        if self.current.get("function"):
            return True
        return bool(self.value_column is not None or self.current.get("listed")) and line[:1] == " "

    def _start(self, number: int, line: str) -> bool | None:
        vc = self.value_column
        if vc is not None and line[:1] != " " and (len(line) <= vc or line[vc - 1] == " "):
            name, value = line[:vc].strip(), line[vc:].strip()
            if name and " " not in name:
                return self._open(number, line, name, value)
        m = LIST_NAME.match(line)
        if m:
            self.list_name = (number, m.group("name").strip())
            return True
        m = LIST_VALUE.match(line)
        if m and self.list_name:
            start, name = self.list_name
            self.list_name = None
            self._open(start, line, name, m.group("value").strip(), listed=True)
            if self.current is not None:
                self.current["end"] = number  # the record spans `Name  : X` to `Value : v`
            return True
        m = EXPORT.match(line)
        if m:
            return self._open(number, line, m.group("name"), unquote_shell(m.group("value") or ""))
        m = ASSIGN.match(line)
        if m:
            return self._open(number, line, m.group("name"), m.group("value"),
                              function=bool(FUNCTION_START.match(m.group("value"))))
        return None

    def _open(self, number: int, line: str, name: str, value: str, listed: bool = False, function: bool = False) -> bool:
        self.current = {"line": number, "end": number, "text": line, "name": name, "value": value,
                        "listed": listed, "function": function and not value.rstrip().endswith("}")}
        return True

    def _close(self) -> Iterator[Item]:
        var, self.current = self.current, None
        if var is None:
            return
        truncated = any(var["name"].endswith(t) or var["value"].endswith(t) for t in TRUNCATION) \
            if self.value_column is not None or var["listed"] else False
        end = var["end"] if var["end"] != var["line"] else None
        yield Record(self.source, KIND, var["line"], var["text"], end_line=end,
                     fields=fields(name=var["name"], value=var["value"], truncated="true" if truncated else None))
        if not self.os_done:
            found = os_of(var["name"], var["value"])
            if found:
                self.os_done = True
                yield Fact("os", found, self.source, var["line"])

    def finish(self) -> Iterator[Item]:
        yield from self._close()
        yield from self.bad.flush()
