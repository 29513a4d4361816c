"""One row per compile request, assembled from the debug lines as the log streams by.

Memory stays flat whatever the log's size: counts cover every request; rows are kept for
the first `FIRST_ROWS` requests and for every request that did not hit (up to `MISS_ROWS`);
`subjects` keeps the last row of each crate or object (up to `MAX_SUBJECTS`) for `compare`.
Requests still open when their log ends are closed as `unknown`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzer.compiles import args as arglib
from analyzer.compiles.lines import Line, read, seconds
from analyzer.compiles.stats import parse_server_stats

FIRST_ROWS = 100
MISS_ROWS = 500
MAX_SUBJECTS = 5000
MAX_OPEN = 512           # requests waiting for their result, per log; more means lost lines
SCAN_CAP = 1000          # requests read on the fast scan before it stops selecting compile lines
                         # (each costs its lines' parse: 5000 were 2.7 s of a 10 MB log, 1000 are 1.0 s)
MAX_COMMAND_CHARS = 1000

RESULTS = {"cache hit": "hit", "cache miss": "miss", "not cached": "not-cached",
           "not cacheable": "not-cacheable", "compile failed": "failed", "cache error": "error"}
LOOKUP_REASONS = {"read": "read-error", "timed": "timeout", "recache": "recache", "none": "not-cached"}


@dataclass(slots=True)
class CompileRow:
    source: str
    line: int
    time: str | None
    subject: str
    args: tuple[str, ...]
    compiler: str
    language: str | None
    probe: bool = False
    result: str = "unknown"
    reason: str | None = None       # category: new-key, header-too-new, not-cacheable:incremental, ...
    detail: str | None = None       # sccache's own words where it gave some
    hash_key: str | None = None
    hash_s: float | None = None
    lookup_s: float | None = None
    compile_s: float | None = None
    lookup: str | None = None
    result_line: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def output(self) -> str | None:
        return arglib.output_of(list(self.args))

    @property
    def missed(self) -> bool:
        """Not served from the cache, and not a toolchain probe."""
        return self.result != "hit" and not self.probe

    def to_json(self) -> dict:
        command = " ".join(_quote(a) for a in self.args)
        if len(command) > MAX_COMMAND_CHARS:
            command = command[:MAX_COMMAND_CHARS] + " …"
        return {"source": self.source, "line": self.line, "time": self.time, "subject": self.subject,
                "compiler": self.compiler, "language": self.language, "result": self.result,
                "reason": self.reason, "detail": self.detail, "probe": self.probe, "hash": self.hash_key,
                "hash_s": self.hash_s, "lookup_s": self.lookup_s, "compile_s": self.compile_s,
                "result_line": self.result_line, "arguments": command}


class CompileLog:
    """Fed every sccache-log record (`feed`); `to_json()` is the report's `compiles`."""

    def __init__(self) -> None:
        self.requests = 0
        self.counts: dict[str, int] = {}
        self.reasons: dict[str, int] = {}
        self.languages: dict[str, dict[str, int]] = {}
        self.probes = 0
        self.rows: list[CompileRow] = []
        self.rows_left_out = 0
        self.subjects: dict[tuple[str, str], CompileRow] = {}
        self.subjects_left_out = 0
        self.server_stats: dict | None = None
        self.server_stats_at: tuple[str, int] | None = None
        self.truncated = False  # the fast scan stopped selecting compile lines
        self.too_new_hits = 0   # hits whose preprocessor cache lookup a too-new header prevented
        self._open: dict[str, dict[str, CompileRow]] = {}
        self._queued: dict[str, list[tuple[int, str]]] = {}

    # ---- input ----------------------------------------------------------------------------

    def feed(self, record) -> None:
        line = read(record.text)
        if line is None:
            return
        handler = _HANDLERS.get(line.what)
        if handler is not None:
            handler(self, record, line)

    @property
    def seen(self) -> bool:
        return bool(self.requests or self.server_stats)

    def spent(self) -> bool:
        """The fast scan has read enough requests: more would only count."""
        if self.requests >= SCAN_CAP:
            self.truncated = True
            return True
        return False

    def _parsed(self, record, line: Line) -> None:
        if line.extra is None:  # Ok: the request line repeats the arguments
            return
        args = tuple(arglib.parse_list(line.value))
        why = line.extra.strip()
        probe = arglib.is_probe(list(args), why)
        subject = arglib.subject_of(list(args))
        row = self._new_row(record, "(toolchain probe)" if probe and subject in (None, "___") else subject
                            or "(unknown)", args)
        row.probe = probe
        row.result = "not-cacheable"
        row.detail = why
        row.reason = "not-cacheable:" + _why_key(why)
        row.result_line = record.line
        self._finish(row)

    def _request(self, record, line: Line) -> None:
        args = tuple(arglib.parse_list(line.value))
        subject = line.subject or ""
        row = self._new_row(record, subject, args)
        opened = self._open.setdefault(record.source, {})
        earlier = opened.pop(subject, None)
        if earlier is not None:
            self._finish(earlier)
        if len(opened) >= MAX_OPEN:
            self._finish(opened.pop(next(iter(opened))))
        opened[subject] = row

    def _row(self, record, line: Line) -> CompileRow | None:
        return self._open.get(record.source, {}).get(line.subject or "")

    def _hash_time(self, record, line: Line) -> None:
        row = self._row(record, line)
        if row is not None:
            row.hash_s = seconds(line.value)
            self._claim(record, row)

    def _key(self, record, line: Line) -> None:
        row = self._row(record, line)
        if row is not None:
            self._claim(record, row)
            row.hash_key = line.value.split()[0] if line.value else None

    def _lookup(self, record, line: Line) -> None:
        row = self._row(record, line)
        if row is None:
            return
        row.lookup = line.value
        row.lookup_s = seconds(line.extra or "")
        if line.value == "read":
            row.notes.append("cache read error: " + (line.extra or "").rsplit(" in ", 1)[0][:300])

    def _compiled(self, record, line: Line) -> None:
        row = self._row(record, line)
        if row is not None:
            row.compile_s = seconds(line.value)

    def _failed(self, record, line: Line) -> None:
        row = self._row(record, line)
        if row is not None:
            row.notes.append("preprocessor or compiler failed")

    def _result(self, record, line: Line) -> None:
        opened = self._open.get(record.source, {})
        subject = line.subject if line.subject is not None else self._unnamed_result(opened, line.value)
        row = opened.pop(subject, None) if subject is not None else None
        if row is None:  # its request line was not seen (a cut log): a row from the result alone
            row = self._new_row(record, line.subject or "(unknown)", ())
        row.result = RESULTS.get(line.value, "unknown")
        row.result_line = record.line
        self._finish(row)

    @staticmethod
    def _unnamed_result(opened: dict[str, CompileRow], value: str) -> str | None:
        """An old server's `compile result: cache hit`: the oldest open request whose lookup
        agrees, else the oldest with a lookup at all."""
        outcome = RESULTS.get(value)
        looked = [subject for subject, row in opened.items() if row.lookup is not None]
        for subject in looked:
            if opened[subject].lookup == outcome:
                return subject
        return looked[0] if looked else None

    def _preprocessor(self, record, line: Line) -> None:
        """Preprocessor lines name no compile. They are queued and claimed by the next open
        request of the same log to finish hashing that started before them (one note per
        header each): with compiles in parallel, the best the log allows."""
        if line.value == "too-new":
            note = f"include file {line.extra} is too new for the preprocessor cache"
        elif line.value == "too-hard":
            note = f"cannot use the preprocessor cache because of {line.extra}"
        else:
            note = "preprocessor cache " + line.value[3:]
        queue = self._queued.setdefault(record.source, [])
        if len(queue) < MAX_OPEN:
            queue.append((record.line, note))

    def _claim(self, record, row: CompileRow) -> None:
        queue = self._queued.get(record.source)
        if not queue:
            return
        kept, taken = [], set(row.notes)
        for item in queue:
            line, note = item
            if line > row.line and note not in taken:
                row.notes.append(note)
                taken.add(note)
            else:
                kept.append(item)
        self._queued[record.source] = kept

    def _stats(self, record, line: Line) -> None:
        self.server_stats = parse_server_stats(line.value)
        self.server_stats_at = (record.source, record.line)

    # ---- rows -----------------------------------------------------------------------------

    def _new_row(self, record, subject: str, args: tuple[str, ...]) -> CompileRow:
        listed = list(args)
        return CompileRow(record.source, record.line, record.time, subject, args,
                          arglib.compiler_of(listed) if args else "", arglib.language_of(listed) if args else None)

    def _finish(self, row: CompileRow) -> None:
        if row.result == "unknown" and (row.lookup == "hit" or (row.lookup == "miss" and row.compile_s is not None)):
            # an old server's result line names no subject; the lookup (and, for a miss, the
            # finished compile) says what happened. A miss whose compile never finished (a
            # killed server) stays unknown.
            row.result = row.lookup
        if row.result == "miss":
            row.reason = _miss_reason(row)
        elif row.result in ("not-cached", "failed", "error", "unknown") and row.reason is None:
            row.reason = row.result
        elif row.result == "not-cacheable" and row.reason is None:
            row.reason = "not-cacheable:compiled"
        if not row.detail and row.notes:
            row.detail = "; ".join(row.notes)[:500]
        self.requests += 1
        if row.result == "hit" and any(" is too new " in note for note in row.notes):
            self.too_new_hits += 1
        if row.probe:
            self.probes += 1
        else:
            self.counts[row.result] = self.counts.get(row.result, 0) + 1
            if row.missed and row.reason is not None:
                self.reasons[row.reason] = self.reasons.get(row.reason, 0) + 1
            per = self.languages.setdefault(row.language or "unknown", {})
            per[row.result] = per.get(row.result, 0) + 1
        if len(self.rows) < FIRST_ROWS or (row.missed and len(self.rows) < FIRST_ROWS + MISS_ROWS):
            self.rows.append(row)
        else:
            self.rows_left_out += 1
        key = (row.source, row.subject)
        if key in self.subjects or len(self.subjects) < MAX_SUBJECTS:
            self.subjects[key] = row
        else:
            self.subjects_left_out += 1

    def close(self) -> None:
        """Requests with no result line: the log ended (or was cut) before they finished."""
        for opened in self._open.values():
            for row in opened.values():
                self._finish(row)
        self._open.clear()
        self._queued.clear()

    # ---- views ----------------------------------------------------------------------------

    def count(self, result: str) -> int:
        return self.counts.get(result, 0)

    @property
    def misses(self) -> int:
        """Requests not served from the cache (toolchain probes aside)."""
        return sum(self.reasons.values())

    @property
    def hit_rate(self) -> float | None:
        """sccache's own definition: hits / (hits + misses); not-cacheable calls aside."""
        hits, misses = self.count("hit"), self.count("miss")
        return round(hits / (hits + misses), 4) if hits + misses else None

    def to_json(self) -> dict:
        from analyzer.compiles.summary import summary

        self.close()
        return {
            "requests": self.requests,
            "probes": self.probes,
            "hits": self.count("hit"),
            "misses": self.count("miss"),
            "not_cacheable": self.count("not-cacheable"),
            "not_cached": self.count("not-cached"),
            "failed": self.count("failed"),
            "errors": self.count("error"),
            "unknown": self.count("unknown"),
            "hit_rate": self.hit_rate,
            "not_served": self.misses,
            "reasons": dict(sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
            "languages": {lang: dict(sorted(c.items())) for lang, c in sorted(self.languages.items())},
            "summary": summary(self),
            "complete": not self.truncated,
            "server_stats": self.server_stats,
            "server_stats_at": ({"source": self.server_stats_at[0], "line": self.server_stats_at[1]}
                                if self.server_stats_at else None),
            "rows": [row.to_json() for row in self.rows],
            "rows_left_out": self.rows_left_out,
        }


def _miss_reason(row: CompileRow) -> str:
    if row.lookup in LOOKUP_REASONS:
        return LOOKUP_REASONS[row.lookup]
    if any(" is too new " in note for note in row.notes):
        return "header-too-new"
    return "new-key"


def _why_key(why: str) -> str:
    """`crate-type, bin` -> `crate-type bin`; `incremental` stays."""
    return " ".join(part.strip() for part in why.split(",") if part.strip())[:80] or "unknown"


def _quote(arg: str) -> str:
    return arg if arg and all(c.isalnum() or c in "-_=./:,+@%" for c in arg) else repr(arg)


_HANDLERS = {
    "parsed": CompileLog._parsed, "request": CompileLog._request, "hash-time": CompileLog._hash_time,
    "key": CompileLog._key, "lookup": CompileLog._lookup, "compiled": CompileLog._compiled,
    "failed": CompileLog._failed, "result": CompileLog._result, "preprocessor": CompileLog._preprocessor,
    "stats": CompileLog._stats,
}
