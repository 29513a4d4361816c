"""cargo's stderr/stdout: progress lines, compiler diagnostics and cargo's own errors.

    Compiling foo v0.1.0 (/home/dev/src/foo)
error[E0425]: cannot find value `y` in this scope
 --> src/main.rs:3:20
error: process didn't exit successfully: `sccache /home/dev/.rustup/.../rustc -vV` (exit status: 2)
--- stderr
sccache: error: Timed out waiting for server startup. Maybe the remote service is unreachable?

A diagnostic and its span lines, or a cargo error with its `Caused by:` chain and its
`--- stdout` / `--- stderr` blocks, become one record, so a signature sees the wrapper's
message next to the command that failed. Windows PowerShell 5.1 captures wrap native stderr
in `cargo : …` + `At line:1 char:1` NativeCommandError decoration; that is unwrapped first,
and the decoration becomes `powershell` records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from analyzer.parsers import Item, register
from analyzer.records import Fact, Problem, Record, fields

KIND = "cargo-output"

# `   Compiling foo v0.1.0 (/home/dev/src/foo)`, `    Finished `dev` profile [...] target(s) in 0.52s`
PROGRESS = re.compile(
    r"^ {0,12}(?P<step>Compiling|Checking|Finished|Fresh|Running|Locking|Adding|Updating|Downloading|"
    r"Downloaded|Documenting|Building|Blocking|Packaging|Verifying|Installing|Installed|Replacing|"
    r"Removed|Removing|Cleaning|Doc-tests|Executable|Dirty|Unpacking|Packaged|Uploading|Archiving|"
    r"Generated|Waiting|Vendoring|Scraping|Created|Creating|Compiled|Upgrading|Summary) (?P<rest>\S.*)$"
)
# `foo v0.1.0 (/home/dev/src/foo)` (the rest of a Compiling/Checking/Fresh line)
CRATE_VERSION = re.compile(r"^(?P<crate>[\w.-]+) v(?P<version>\d\S*)(?: \((?P<path>.*)\))?")
# `` `dev` profile [unoptimized + debuginfo] target(s) in 0.52s `` or `dev [unoptimized + debuginfo] target(s) in 9m 04s`
FINISHED = re.compile(r"^`?(?P<profile>[\w-]+)`?(?: profile)? \[(?P<options>[^\]]*)\] target\(s\) in (?P<elapsed>.+?)\s*$")
# `9m 04s`, `1h 02m 03s`, `0.52s`
ELAPSED_PART = re.compile(r"(?P<n>\d+(?:\.\d+)?)(?P<unit>[hms])")
# `error[E0425]: cannot find value `y` in this scope`, `warning: unused variable: `x``
DIAGNOSTIC = re.compile(r"^(?P<level>error|warning)(?:\[(?P<code>[A-Z]+\d+)\])?: (?P<message>.*)$")
# `help: a local variable with a similar name exists` directly under a diagnostic
NOTE = re.compile(r"^(?:note|help)(?:\[\w+\])?: ")
# ` --> src/main.rs:3:20`, `3 |     println!("{}", y);`, `...`
SPAN_LINE = re.compile(r"^(?:\s*-->|\d+\s*\||\.\.\.)")
# process didn't exit successfully: `sccache rustc -vV` (exit status: 2)
PROCESS_FAILED = re.compile(r"process didn't exit successfully: `(?P<command>.*)` \((?P<status>[^()]*)\)\s*$", re.M)
# could not execute process `/nonexistent/sccache rustc -vV` (never executed)
NEVER_EXECUTED = re.compile(r"could not execute process `(?P<command>.*)` \(never executed\)", re.M)
# `exit status: 2`, `exit code: 0xc0000005, STATUS_ACCESS_VIOLATION`
EXIT_CODE = re.compile(r"exit (?:status|code): (?P<code>-?(?:0x[0-9a-fA-F]+|\d+))")
# `signal: 9, SIGKILL: kill`
SIGNAL = re.compile(r"signal: (?P<signal>\d+)")
# could not compile `x` (bin "x") due to 1 previous error; 2 warnings emitted
COULD_NOT_COMPILE = re.compile(r"^could not compile `(?P<crate>[^`]+)`(?: \((?P<target>[^)]*)\))?(?: due to (?P<count>\d+) previous errors?)?")
# `ok` (lib) generated 1 warning (run `cargo fix --lib -p ok` to apply 1 suggestion)
GENERATED = re.compile(r"^`(?P<crate>[^`]+)` \((?P<target>[^)]*)\) generated (?P<count>\d+) warnings?")
TARGET_INFO = "failed to run `rustc` to learn about"
# `$ cargo build -v`, `PS C:\proj> cargo check -p api-server` (a pasted command line)
PROMPT = re.compile(r"^(?:\$|PS [^>]*>|[A-Za-z]:\\[^>]*>|>)\s*(?P<command>cargo(?:\.exe)?\b.*)$")
# C:\Users\dev, D:/src, `rustc.exe`
WINDOWS_HINT = re.compile(r"\b[A-Za-z]:[\\/]|\.exe\b|\bexit code: ")
STREAM_START = ("--- stdout", "--- stderr")

# Sniff markers: each distinct one found in the head raises the score.
STRONG_MARKERS = [
    re.compile(r"^ {1,12}(?:Compiling|Checking|Fresh|Documenting) [\w.-]+ v\d", re.M),
    re.compile(r"^ {0,12}Finished .*target\(s\) in ", re.M),
    re.compile(r"process didn't exit successfully: `"),
    re.compile(r"could not compile `"),
    re.compile(re.escape(TARGET_INFO)),
    re.compile(r"could not execute process `"),
    re.compile(r"^(?:error|warning)\[[A-Z]+\d+\]: ", re.M),
]
WEAK_MARKERS = [
    re.compile(r"^(?:error|warning): .*\n\s*--> ", re.M),
    re.compile(r"^\s*--- stderr\s*$", re.M),
    re.compile(r"^warning: build failed, waiting for other jobs", re.M),
]
TRANSCRIPT_HEADER = "PowerShell transcript start"

# PowerShell 5.1 NativeCommandError decoration around native stderr lines:
# `cargo : error: process didn't exit successfully: ...`
PS_PREFIX = re.compile(r"^(?:cargo|rustc|sccache|rustup)(?:\.exe)? : (?P<rest>.*)$", re.I)
# `At line:1 char:1`, `At C:\ci\build.ps1:12 char:5`, `所在位置 行:1 字符: 1`
PS_POSITION = re.compile(r"^(?:At (?:line|.+):\d+ char:\d+|所在位置 (?:行|.+):\d+ 字符: \d+)\s*$")
# `    + CategoryInfo          : NotSpecified: (...:String) [], RemoteException`
PS_INFO = re.compile(r"^\s+\+ (?P<name>CategoryInfo|FullyQualifiedErrorId)\s*: ")
LINE, DECORATION = "line", "decoration"

# What the fast scan must show this parser beyond the signatures' lines (hyperscan syntax,
# searched in raw lines, which may carry PowerShell's `cargo : ` prefix): error heads (never
# spent: any may be the build's failure), warning heads (until enough are unexplained), the
# `Finished` line, `Running` commands (the wrapper), Windows and PowerShell traces, prompts.
_PREFIX = r"^(?:[\w.]+ : )?"
SCAN_HINTS: tuple[tuple[str, str], ...] = (
    ("error", _PREFIX + r"error(?:\[[A-Z]+\d+\])?: "),
    ("level", _PREFIX + r"warning(?:\[[A-Z]+\d+\])?: "),
    ("event:build-finished", r"target\(s\) in "),
    ("fact:cargo_wrapper", r"Running `"),
    ("fact:os", WINDOWS_HINT.pattern),
    ("fact:os", PS_POSITION.pattern),
    ("fact:os", PS_INFO.pattern),
    ("client", PROMPT.pattern),
)


@register
class CargoOutputParser:
    kind = KIND

    def sniff(self, head: str, name: str) -> float:
        strong = sum(1 for marker in STRONG_MARKERS if marker.search(head))
        weak = sum(1 for marker in WEAK_MARKERS if marker.search(head))
        if strong >= 2:
            score = 0.95
        elif strong == 1:
            score = 0.85
        elif weak:
            score = 0.6 + 0.05 * (weak - 1)
        else:
            return 0.1 if "cargo" in name.lower() else 0.0
        if TRANSCRIPT_HEADER in head:  # a whole console session: the transcript parser reads it
            score = min(score, 0.5)
        return score

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]:
        return self.parse_numbered(enumerate(lines, 1), source)

    # The fast scan's interface (analyzer/fastscan): what to look for, what starts a record.
    def scan_hints(self) -> tuple[tuple[str, str], ...]:
        return SCAN_HINTS

    def is_head(self, line: str) -> bool:
        """A line that starts a record whatever came before it (progress, diagnostic, prompt)."""
        prefixed = PS_PREFIX.match(line)
        text = prefixed["rest"] if prefixed else line
        return bool(PROGRESS.match(text) or DIAGNOSTIC.match(text) or PROMPT.match(text))

    def parse_numbered(self, numbered: Iterable[tuple[int, str]], source: str) -> Iterator[Item]:
        """Parse (line number, text) pairs; the fast scan feeds only the lines that matter.
        Lines on either side of a gap in the numbers are never joined into one record."""
        assembler = _Assembler(source)
        last = 0
        for number, text, role in unwrap(numbered):
            if number != last + 1:
                yield from assembler.gap()
            last = number
            yield from assembler.feed(number, text, role)
        yield from assembler.finish()


@dataclass
class _Block:
    """A record being assembled: its lines so far and how further lines may join it."""

    start: int
    end: int
    lines: list[str]
    streaming: bool = False  # inside an unindented `--- stderr` block: everything joins
    caused_by: bool = False
    spans: bool = False


@dataclass
class _Assembler:
    """Joins physical lines into records; emits facts the first time they are seen."""

    source: str
    block: _Block | None = None
    blanks: list[int] = field(default_factory=list)
    decoration: list[tuple[int, str]] = field(default_factory=list)
    deferred: list[Record] = field(default_factory=list)
    facts_seen: set[tuple[str, str]] = field(default_factory=set)

    def feed(self, number: int, text: str, role: str) -> Iterator[Item]:
        if role == DECORATION:
            self.decoration.append((number, text))
            yield from self._fact("os", "windows", number)
            if text.startswith("所在位置"):
                yield from self._fact("locale", "zh-CN", number)
            return
        self._flush_decoration()
        if not text.strip():
            if self.block is not None:
                self.blanks.append(number)
            return
        if WINDOWS_HINT.search(text):
            yield from self._fact("os", "windows", number)
        if PROGRESS.match(text) or DIAGNOSTIC.match(text) or PROMPT.match(text):
            yield from self._close()
            prompt = PROMPT.match(text)
            if prompt:
                yield Record(self.source, KIND, number, text, target="shell", end_line=number,
                             fields=fields(command=prompt["command"]))
            elif PROGRESS.match(text):
                yield from self._emit(self._progress(number, text))
            else:
                self.block = _Block(number, number, [text])
            return
        if self.block is not None and self._joins(text):
            self._append(number, text)
            return
        yield from self._close()
        self.block = _Block(number, number, [text])

    def gap(self) -> Iterator[Item]:
        """Lines were left out here: what is open ends (never joined with what follows)."""
        self._flush_decoration()
        yield from self._close()

    def finish(self) -> Iterator[Item]:
        self._flush_decoration()
        block = self.block
        if block is not None:
            last = block.lines[-1].strip()
            cut_diagnostic = block.spans and not self.blanks and not block.streaming
            if cut_diagnostic or last in ("Caused by:", *STREAM_START):
                yield Problem(self.source, block.end, "input ends inside a record (truncated capture?)")
        yield from self._close()

    def _joins(self, text: str) -> bool:
        block = self.block
        assert block is not None
        if block.streaming or text.startswith(STREAM_START) or text == "Caused by:":
            return True
        if self.blanks:
            return block.caused_by and text[0].isspace()
        return text[0].isspace() or bool(SPAN_LINE.match(text)) or bool(NOTE.match(text) and len(block.lines) > 1)

    def _append(self, number: int, text: str) -> None:
        block = self.block
        assert block is not None
        block.lines.extend("" for _ in self.blanks)
        self.blanks.clear()
        block.lines.append(text)
        block.end = number
        block.streaming = block.streaming or text.startswith(STREAM_START)
        block.caused_by = block.caused_by or text == "Caused by:"
        block.spans = block.spans or text.lstrip().startswith("--> ")

    def _close(self) -> Iterator[Item]:
        block, self.block = self.block, None
        self.blanks.clear()
        if block is not None:
            yield from self._emit(_block_record(self.source, block))
        records, self.deferred = self.deferred, []
        yield from records

    def _emit(self, record: Record) -> Iterator[Item]:
        wrapper = record.get("wrapper")
        if wrapper:
            yield from self._fact("cargo_wrapper", wrapper, record.line)
        yield record

    def _fact(self, name: str, value: str, line: int) -> Iterator[Item]:
        if (name, value) not in self.facts_seen:
            self.facts_seen.add((name, value))
            yield Fact(name, value, self.source, line)

    def _flush_decoration(self) -> None:
        """Turn a finished PowerShell decoration block into one record, kept until the open
        record closes so records stay in line order."""
        if not self.decoration:
            return
        lines = [text for _n, text in self.decoration]
        while lines and not lines[-1].strip():
            lines.pop()
        command = next((t[2:].strip() for t in lines if t.startswith("+ ") and not t[2:].strip().startswith("~")), None)
        record = Record(self.source, KIND, self.decoration[0][0], "\n".join(lines), target="powershell",
                        end_line=self.decoration[0][0] + len(lines) - 1, fields=fields(command=command))
        self.decoration = []
        self.deferred.append(record)

    def _progress(self, number: int, text: str) -> Record:
        match = PROGRESS.match(text)
        assert match is not None
        step, rest = match["step"], match["rest"]
        values: dict[str, str | None] = {"step": step}
        event = None
        if step == "Finished":
            event = "build-finished"
            finished = FINISHED.match(rest)
            if finished:
                values.update(profile=finished["profile"], elapsed=finished["elapsed"],
                              seconds=_seconds(finished["elapsed"]))
        elif step == "Running" and rest.startswith("`") and rest.endswith("`"):
            values.update(command=rest[1:-1], wrapper=wrapper_of(rest[1:-1]))
        else:
            crate = CRATE_VERSION.match(rest)
            if crate:
                values.update(crate=crate["crate"], version=crate["version"], path=crate["path"])
        return Record(self.source, KIND, number, text.strip(), level="INFO", target="cargo",
                      end_line=number, event=event, fields=fields(**values))


def _block_record(source: str, block: _Block) -> Record:
    """Name the level, event and fields of an assembled block."""
    text = "\n".join(block.lines)
    header = DIAGNOSTIC.match(block.lines[0])
    if header is None:
        return Record(source, KIND, block.start, text, end_line=block.end)
    level = "ERROR" if header["level"] == "error" else "WARN"
    message = header["message"]
    values: dict[str, str | None] = {"code": header["code"]}
    process = PROCESS_FAILED.search(text) or NEVER_EXECUTED.search(text)
    if process:
        command = process["command"]
        values.update(command=command, wrapper=wrapper_of(command))
        status = process.groupdict().get("status")
        if status:
            exit_code, signal = EXIT_CODE.search(status), SIGNAL.search(status)
            values.update(status=status, exit_code=exit_code and exit_code["code"], signal=signal and signal["signal"])
    for pattern in (COULD_NOT_COMPILE, GENERATED):
        found = pattern.match(message)
        if found:
            values.update(crate=found["crate"], target_kind=found["target"], count=found["count"])
    rustc = bool(header["code"]) or block.spans
    event = _event(level, message, rustc, process["command"] if process else None)
    return Record(source, KIND, block.start, text, level=level, target="rustc" if rustc else "cargo",
                  end_line=block.end, event=event, fields=fields(**values))


def _event(level: str, message: str, rustc: bool, command: str | None) -> str | None:
    if level != "ERROR":
        return None
    if rustc:
        return "compile-error"
    if message.startswith("could not compile"):
        return "could-not-compile"
    if message.startswith(TARGET_INFO) or (command is not None and command.rstrip().endswith(" -vV")):
        return "probe-failed"
    return "cargo-error"


def unwrap(numbered: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str, str]]:
    """Yield (number, text, role): native lines without their `cargo : ` prefix, and the
    PowerShell position/command/CategoryInfo lines (plus the one blank after them) as decoration."""
    in_decoration = after_error_id = False
    last = 0
    for number, raw in numbered:
        if number != last + 1:  # lines left out: no decoration goes on across them
            in_decoration = after_error_id = False
        last = number
        info = PS_INFO.match(raw)
        if PS_POSITION.match(raw) or info or (in_decoration and raw.startswith("+ ")):
            in_decoration = True
            after_error_id = info is not None and info["name"] == "FullyQualifiedErrorId"
            yield number, raw, DECORATION
            continue
        if after_error_id and not raw.strip():
            in_decoration = after_error_id = False
            yield number, raw, DECORATION
            continue
        in_decoration = after_error_id = False
        prefixed = PS_PREFIX.match(raw)
        yield number, prefixed["rest"] if prefixed else raw, LINE


def first_word(command: str) -> str:
    """The program of a command line as cargo prints it (paths with spaces end at `.exe`)."""
    command = command.strip()
    if command.startswith('"') and '"' in command[1:]:
        return command[1:command.index('"', 1)]
    exe = re.match(r"^([A-Za-z]:[\\/].*?\.exe)(?=\s|$)", command, re.I)
    if exe:
        return exe.group(1)
    return command.split(None, 1)[0] if command else ""


def _base(path: str) -> str:
    name = re.split(r"[\\/]", path)[-1].lower()
    return name[:-4] if name.endswith(".exe") else name


def wrapper_of(command: str) -> str | None:
    """The wrapper in `<wrapper> <rustc> args`: a program named sccache, or anything that
    is not rustc itself but is followed by a rustc path (so build scripts do not count)."""
    program = first_word(command)
    if not program:
        return None
    if _base(program).endswith("sccache"):
        return program
    rest = command.strip()[len(program):].strip().strip('"')
    following = first_word(rest) if rest else ""
    if _base(program) != "rustc" and _base(following) == "rustc":
        return program
    return None


def _seconds(elapsed: str) -> str | None:
    factors = {"h": 3600, "m": 60, "s": 1}
    parts = ELAPSED_PART.findall(elapsed)
    if not parts:
        return None
    total = sum(float(n) * factors[unit] for n, unit in parts)
    return f"{total:g}"
