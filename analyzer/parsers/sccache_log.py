"""sccache's own log (SCCACHE_LOG / SCCACHE_ERROR_LOG) and the client's stderr lines.

One record per log record, its continuation lines joined by "\\n" with their indentation:
    [2026-11-21T05:23:31Z ERROR sccache::server] storage check failed for: cache storage ...
        Context:
           service: s3
Older formats: fern (sccache <= 0.2.5) `[2017-09-28][11:39:11][TRACE] msg` and env_logger 0.4
`INFO:sccache::server: msg`. Untimed lines the client and the server print without a log
prefix also start records: `sccache: error: ...`, `sccache: caused by: ...`,
`Run with SCCACHE_LOG=debug SCCACHE_NO_DAEMON=1 ...`, `storage write check failed: ...`,
`signal 11 received`. Any other line continues the record before it.

The parser streams: it holds one record at a time, and cuts a runaway record's text after
`MAX_RECORD_LINES` lines so a log without prefixes cannot fill memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from analyzer import timefmt
from analyzer.compiles.lines import SCAN_EXPRESSIONS as COMPILE_EXPRESSIONS
from analyzer.parsers import Item, register
from analyzer.records import Fact, Problem, Record

MAX_RECORD_LINES = 2000
MAX_TIME_PROBLEMS = 50  # a log with a broken clock format would otherwise hold a problem per line

KIND = "sccache-log"
CLIENT = "sccache-client"
SERVER_STDERR = "sccache-stderr"
LEVELS = {"ERROR": "ERROR", "WARN": "WARN", "WARNING": "WARN", "INFO": "INFO", "DEBUG": "DEBUG", "TRACE": "TRACE"}

# ---- record heads ---------------------------------------------------------------------------

# [2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226
# [2026-11-21T05:23:31.123Z DEBUG sccache::cache::cache] Init disk cache with dir "/x", size 1
ENV_LOGGER = re.compile(
    r"^\[(?P<ts>\d{4}-\d\d-\d\d[T ][0-9:.,]+(?:[Zz]|[+-]\d\d:?\d\d)?)\s+"
    r"(?P<level>(?i:error|warning|warn|info|debug|trace))\s*(?P<target>[^\]\s]*)\]\s?(?P<msg>.*)$"
)
# [2017-09-28][11:39:11][TRACE] msg                 (fern, sccache <= 0.2.5)
FERN = re.compile(
    r"^\[(?P<date>\d{4}-\d\d-\d\d)\]\[(?P<time>\d\d:\d\d:\d\d)\]\[(?P<level>ERROR|WARN|INFO|DEBUG|TRACE)\]\s?(?P<msg>.*)$"
)
# INFO:sccache::server: ok, fully shutting down now  (env_logger 0.4, sccache 0.2.6/0.2.7)
OLD_ENV_LOGGER = re.compile(r"^(?P<level>ERROR|WARN|INFO|DEBUG|TRACE):(?P<target>[A-Za-z_][\w:]*): ?(?P<msg>.*)$")
# sccache: error: Server startup failed: Address in use / sccache: caused by: ... / sccache: warning: ...
CLIENT_LINE = re.compile(r"^sccache: (?:(?P<kind>error|caused by|warning): )?(?P<msg>.*)$")
# Run with SCCACHE_LOG=debug SCCACHE_NO_DAEMON=1 to get more information
RUN_WITH = re.compile(r"^Run with SCCACHE_LOG=")
# Stopping sccache server...   /   sccache 0.16.0
CLIENT_PLAIN = re.compile(r"^(?:Stopping sccache server\.\.\.|sccache (?P<version>[0-9]+\.[0-9]+\.[0-9]+\S*))\s*$")
# storage write check failed: ... / cache storage read check: ..., but we decide to keep running
# signal 11 received / thread 'tokio-runtime-worker' panicked at src/server.rs:1:1:
RAW_STDERR = re.compile(
    r"^(?:(?P<warn>cache storage read check: )|storage write check failed: |signal \d+ received"
    r"|thread '[^']*' panicked at )"
)


class Head:
    """What the first line of a record says: time, level, target and message."""

    __slots__ = ("text", "time", "level", "target", "bad_time", "client_kind", "version")

    def __init__(self, text: str, time: str | None = None, level: str | None = None,
                 target: str | None = None, bad_time: str | None = None,
                 client_kind: str | None = None, version: str | None = None) -> None:
        self.text = text
        self.time = time
        self.level = level
        self.target = target
        self.bad_time = bad_time
        self.client_kind = client_kind
        self.version = version


def classify(line: str) -> Head | None:
    """Return the head of a new record, or None for a continuation line."""
    first = line[:1]
    if first == "[":
        match = ENV_LOGGER.match(line)
        if match:
            time = timefmt.parse_timestamp(match["ts"])
            return Head(match["msg"], time, LEVELS[match["level"].upper()], match["target"] or None,
                        bad_time=None if time else match["ts"])
        match = FERN.match(line)
        if match:
            time = timefmt.from_date_time(match["date"], match["time"])
            return Head(match["msg"], time, match["level"], None,
                        bad_time=None if time else f"{match['date']} {match['time']}")
        return None
    if first == "s" and line.startswith("sccache"):
        match = CLIENT_LINE.match(line)
        if match:
            kind = match["kind"]
            level = "ERROR" if kind in ("error", "caused by") else "WARN" if kind == "warning" else "INFO"
            return Head(line, level=level, target=CLIENT, client_kind=kind)
    if first in "EWIDT":
        match = OLD_ENV_LOGGER.match(line)
        if match:
            return Head(match["msg"], level=match["level"], target=match["target"])
    match = CLIENT_PLAIN.match(line)
    if match:
        return Head(line, level="INFO", target=CLIENT, version=match["version"])
    if RUN_WITH.match(line):
        return Head(line, level="ERROR", target=CLIENT)
    match = RAW_STDERR.match(line)
    if match:
        return Head(line, level="WARN" if match["warn"] else "ERROR", target=SERVER_STDERR)
    return None


# ---- events ---------------------------------------------------------------------------------

# Searched in the first line of the message only, in this order.
EVENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("server-start", re.compile(r"^start_server: ")),                      # start_server: 127.0.0.1:4226
    ("storage-init", re.compile(r"^(?:Init \w+(?: single-node| cluster)? cache with |Trying (?:S3Cache|GCS|Azure|Memcached|Redis)\b)")),
    ("storage-check-read", re.compile(r"\.sccache_check: read started")),  # service=s3 name=b path=.sccache_check: read started
    ("storage-check-write", re.compile(r"\.sccache_check: write started")),
    ("storage-check-ok", re.compile(r"^storage check result: ")),          # storage check result: ReadWrite
    ("storage-check-failed", re.compile(r"^storage check failed for: ")),
    ("storage-init-failed", re.compile(r"^storage init failed for: ")),
    ("server-mode", re.compile(r"^server has setup with ")),               # server has setup with ReadWrite
    ("server-listening", re.compile(r"^(?:server started, listening on |sccache: Listening on (?:address|port) )")),
    ("server-start-failed", re.compile(r"^failed to start server")),       # failed to start server: Address already in use (os error 98)
    ("server-shutdown", re.compile(r"shutting down due to |fully shutting down")),
    ("cache-miss", re.compile(r"^\[[^\]\n]+\]: Cache miss\b")),               # [util]: Cache miss in 0.000 s
    ("cache-hit", re.compile(r"^\[[^\]\n]+\]: Cache hit\b")),                 # [util]: Cache hit in 0.002 s
)


# One pass first: almost no record is an event, so most records cost a single search.
EVENT_PREFILTER = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in EVENTS))


def message_event(head: Head) -> str | None:
    if head.client_kind == "error":
        return "client-error"
    if head.target == SERVER_STDERR or not EVENT_PREFILTER.search(head.text):
        return None
    for name, pattern in EVENTS:
        if pattern.search(head.text):
            return name
    return None


# ---- facts ----------------------------------------------------------------------------------

# Init s3 cache with bucket b, endpoint Some("http://127.0.0.1:4359")
# Init disk cache with dir "/home/dev/.cache/sccache", size 10737418240
# Init redis single-node cache with url redis://127.0.0.1:6379
INIT = re.compile(r"^Init (?P<backend>\w+)(?: single-node| cluster)? cache with (?P<rest>.*)$")
BUCKET = re.compile(r"\bbucket (?P<bucket>[^,\s]+)")
# endpoint Some("http://127.0.0.1:4359") | endpoint https://dav.example | url redis://host
ENDPOINT = re.compile(r"\b(?:endpoint|url) (?:Some\(\"(?P<quoted>[^\"]*)\"\)|(?P<plain>[^\s,]+))")
# start_server: 127.0.0.1:4226 | start_server: port: 4226 | server started, listening on port 4226
PORT = re.compile(
    r"^(?:start_server: |server started, listening on |sccache: Listening on (?:address|port) )"
    r"(?:port:? )?(?:[\d.]+:|\[[0-9a-fA-F:.]*\]:)?(?P<port>\d{1,5})\b"
)
# proxy(http://127.0.0.1:7897/) intercepts 'https://oss-cn.example.com/'
PROXY = re.compile(r"\bproxy\((?P<proxy>[^)\s]+)\) intercepts\b")
# server has setup with ReadWrite
MODE = re.compile(r"^server has setup with (?P<mode>ReadWrite|ReadOnly)\b")


def message_facts(head: Head) -> Iterator[tuple[str, object]]:
    """Facts the first line of a record states directly."""
    text = head.text
    if head.version:
        yield "sccache_version", head.version
    match = INIT.match(text)
    if match:
        yield "backend", match["backend"].lower()
        rest = match["rest"]
        bucket = BUCKET.search(rest)
        if bucket:
            yield "bucket", bucket["bucket"]
        endpoint = ENDPOINT.search(rest)
        value = endpoint and (endpoint["quoted"] if endpoint["quoted"] is not None else endpoint["plain"])
        if value and value != "None":
            yield "endpoint", value
        return
    match = PORT.match(text)
    if match and 0 < int(match["port"]) < 65536:
        yield "server_port", int(match["port"])
        return
    match = PROXY.search(text)
    if match:
        yield "proxy", match["proxy"]
        return
    match = MODE.match(text)
    if match:
        yield "cache_mode", match["mode"]


# ---- what the fast scan must show this parser ----------------------------------------------

# Expressions (hyperscan syntax, searched in raw UTF-8 lines) for the lines this parser needs
# beyond the pattern library's: record heads that are errors or warnings (until the scan has
# enough unexplained ones), client and stderr heads, the timeline events (until enough of
# each) and the facts (analyzer/fastscan).
SCAN_HINTS: tuple[tuple[str, str], ...] = (
    ("level", r"^\[[^\]\n]*\s(?i:ERROR|WARN)"),      # [ts ERROR target]
    ("level", r"\]\[(?:ERROR|WARN)\]"),               # fern: [date][time][ERROR]
    ("level", r"^(?:ERROR|WARN):"),
    # the untimed heads `classify` knows, by the same regexes
    *(("client", head.pattern) for head in (CLIENT_LINE, CLIENT_PLAIN, RUN_WITH, RAW_STDERR)),
    # events are searched in the message, which follows the `[time LEVEL target] ` prefix
    *((f"event:{name}", pattern.pattern.lstrip("^")) for name, pattern in EVENTS),
    ("fact:proxy", PROXY.pattern),
    # the compile lines of a debug log, for the per-compile table (analyzer/compiles)
    *(("compile", expression) for expression in COMPILE_EXPRESSIONS),
)


# What makes a member an sccache log rather than something that quotes one.
# [2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226
_SNIFF_RECORD = re.compile(
    r"^\[\d{4}-\d\d-\d\d[T ][0-9:.,]+(?:Z|[+-]\d\d:?\d\d)? +(?:ERROR|WARN|INFO|DEBUG|TRACE) +"
    r"(?P<target>[^\]\s]+)\]",
    re.MULTILINE,
)
# INFO:sccache::server: ok, fully shutting down now
_SNIFF_OLD = re.compile(r"^(?:ERROR|WARN|INFO|DEBUG|TRACE):sccache(?:::\w+)*: ", re.MULTILINE)
# [2017-09-28][11:39:11][TRACE] msg
_SNIFF_FERN = re.compile(r"^\[\d{4}-\d\d-\d\d\]\[\d\d:\d\d:\d\d\]\[(?:ERROR|WARN|INFO|DEBUG|TRACE)\] ", re.MULTILINE)
# sccache: error: Timed out waiting for server startup
_SNIFF_CLIENT = re.compile(r"^sccache: (?:error|caused by|warning): ", re.MULTILINE)
# Lines that belong to cargo or another build tool; such files are theirs, not ours.
_FOREIGN = re.compile(
    r"^\s*(?:Compiling|Checking|Finished|Fresh|Running|Downloaded|Updating) \S"
    r"|error: process didn't exit successfully|error: could not compile|^warning: unused"
    r"|^\[\d+/\d+\] |^FAILED: |^ninja: |^g?make(?:\[\d+\])?: |^-- (?:Configuring|Build files)"
    r"|error MSB\d+|^Compile requests\s+\d"
    r"|make(?:\[\d+\])?: \*\*\* ",  # make's error, glued to a line or not
    re.MULTILINE,
)
_LOG_TARGETS = ("sccache", "opendal", "reqsign", "hyper", "reqwest")


def sniff_score(head: str, name: str) -> float:
    """Score a member head: sccache targets in env_logger records are the strong sign."""
    targets = [m["target"] for m in _SNIFF_RECORD.finditer(head)]  # one pass over the head
    ours = sum(1 for target in targets if target.startswith(_LOG_TARGETS))
    any_records = len(targets)
    if ours:
        score = 0.9 if ours < 3 else 0.95
    elif _SNIFF_OLD.search(head):
        score = 0.85
    elif len(_SNIFF_FERN.findall(head)) >= 2:
        score = 0.6
    elif any_records >= 3:
        score = 0.5
    elif _SNIFF_CLIENT.search(head):
        score = 0.5
    else:
        return 0.0
    if "sccache" in name.lower() and name.lower().endswith((".log", ".txt")):
        score = min(1.0, score + 0.03)
    if _FOREIGN.search(head):
        score = min(score, 0.4)  # cargo-output / build-output claim files that quote the client
    return score


class _Pending:
    """The record being assembled: its head line plus continuation lines."""

    __slots__ = ("head", "line", "end_line", "parts", "blank_run", "dropped")

    def __init__(self, head: Head, line: int) -> None:
        self.head = head
        self.line = line
        self.end_line = line
        self.parts: list[str] = [head.text]
        self.blank_run: list[str] = []
        self.dropped = 0

    def add(self, raw: str, number: int) -> None:
        """Append a continuation line; blank lines wait until something follows them."""
        if not raw.strip():
            if len(self.parts) + len(self.blank_run) < MAX_RECORD_LINES:
                self.blank_run.append(raw)
            return
        if len(self.parts) + len(self.blank_run) >= MAX_RECORD_LINES:
            self.dropped += 1 + len(self.blank_run)
            self.blank_run.clear()
            self.end_line = number
            return
        self.parts.extend(self.blank_run)
        self.blank_run.clear()
        self.parts.append(raw)
        self.end_line = number


@register
class SccacheLogParser:
    kind = KIND

    def sniff(self, head: str, name: str) -> float:
        return sniff_score(head, name)

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]:
        return self.parse_numbered(enumerate(lines, 1), source)

    # The fast scan's interface (analyzer/fastscan): what to look for, what starts a record.
    def scan_hints(self) -> tuple[tuple[str, str], ...]:
        return SCAN_HINTS

    def is_head(self, line: str) -> bool:
        return classify(line) is not None


    def parse_numbered(self, numbered: Iterable[tuple[int, str]], source: str) -> Iterator[Item]:
        """Parse (line number, text) pairs; the fast scan feeds only the lines that matter.

        A line after a gap in the numbers never continues the record before the gap: lines
        that were not next to each other in the file are never joined.
        """
        seen_facts: set[tuple[str, object]] = set()
        pending: _Pending | None = None
        last = bad_times = 0
        for number, raw in numbered:
            gap, last = number != last + 1, number
            head = classify(raw)
            if head is None:
                if pending is not None and gap:  # lines skipped: this one starts a new record
                    yield from self._finish(pending, source, seen_facts)
                    pending = None
                if pending is None:
                    if not raw.strip():
                        continue
                    pending = _Pending(Head(text=raw), number)  # the member starts mid-record
                else:
                    pending.add(raw, number)
                continue
            if pending is not None:
                yield from self._finish(pending, source, seen_facts)
            if head.bad_time:
                bad_times += 1
                if bad_times <= MAX_TIME_PROBLEMS:
                    yield Problem(source, number, f"unreadable timestamp {head.bad_time!r}")
            pending = _Pending(head, number)
        if pending is not None:
            yield from self._finish(pending, source, seen_facts)
        if bad_times > MAX_TIME_PROBLEMS:
            yield Problem(source, None, f"{bad_times - MAX_TIME_PROBLEMS} more unreadable timestamps")

    def _finish(self, pending: _Pending, source: str, seen: set[tuple[str, object]]) -> Iterator[Item]:
        head = pending.head
        if pending.dropped:
            yield Problem(source, pending.line, f"record too long: {pending.dropped} continuation lines left out")
        yield Record(
            source, KIND, pending.line, "\n".join(pending.parts),
            time=head.time, level=head.level, target=head.target,
            end_line=pending.end_line, event=message_event(head),
        )
        for name, value in message_facts(head):
            if (name, value) not in seen:
                seen.add((name, value))
                yield Fact(name, value, source, pending.line)

