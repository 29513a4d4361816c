"""`sccache --show-stats` / `--show-adv-stats` text, its JSON form, and the block
`--stop-server` prints after `Stopping sccache server...`.

Text: a name column, then the value right-aligned after two or more blanks:
    Cache hits rate                   50.00 %
    Cache location                  Local disk: "/home/dev/.cache/sccache"
The `Non-cacheable reasons:` block lists `reason   count` rows up to a blank line; each becomes
a record named `Non-cacheable reason: <reason>`. JSON (`--stats-format=json`, one line):
    {"stats":{"compile_requests":12,...,"not_cached":{"missing input":8}},"version":"0.16.0",...}
JSON keys are mapped to the text labels so later stages see one vocabulary.

Since 0.15 a multi-level cache adds indented rows per level, after `Multi-level cache levels`
and under `Cache location  Multi-level (N levels)`:
      L1 (webdav) hits                      4
      L1 (webdav)                    webdav, name: , prefix: /
Each becomes a record with a `level` field (`L1 (webdav)`) and a `stat` field (`hits`, or
`location` for the rows under the location). `--show-adv-stats` and the JSON `adv_counts` give
counts per compiler (`Cache hits (c [gcc])`) where `--show-stats` gives them per language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from analyzer.parsers import Item, register
from analyzer.records import Fact, Problem, Record, fields

KIND = "sccache-stats"
MAX_JSON_CHARS = 4 * 1024 * 1024
GIVE_UP_AFTER = 20

# Cache hits (Rust)                     1
ROW = re.compile(r"^(?P<name>\S(?:.*?\S)?)\s{2,}(?P<value>\S.*?)\s*$")
# Non-cacheable reasons:
REASONS_HEADER = re.compile(r"^Non-cacheable reasons:\s*$")
# Successful distributed compiles
DIST_HEADER = re.compile(r"^Successful distributed compiles\s*$")
# [2026-11-21T05:55:09Z DEBUG sccache::commands] request_stats  (client debug lines around the table)
LOG_LINE = re.compile(r"^\[\d{4}-\d\d-\d\d[T ]")
#   L0 (disk) hits        0   |   L1 (webdav)     webdav, name: , prefix: /
LEVEL_ROW = re.compile(r"^\s+(?P<level>L\d+ \((?P<backend>[^)]*)\))(?:\s(?P<stat>\S.*?))?\s{2,}(?P<value>\S.*?)\s*$")
# `L1 (webdav) hits` as a record name: the level and its stat
LEVEL_NAME = re.compile(r"^(?P<level>L\d+ \([^)]*\)) (?P<stat>.+)$")
# Lines that are neither a stat nor garbage: client chatter printed with the table.
CHATTER = re.compile(r"^(?:Stopping sccache server\.\.\.|sccache: |Run with SCCACHE_LOG=|\s)")
# 0.026 s | 50.00 % | 10 GiB | 5 KiB | 123 bytes | 12
NUMBER = re.compile(r"^(?P<num>-?\d+(?:\.\d+)?)\s*(?P<unit>s|%|B|bytes|KiB|MiB|GiB|TiB|kB|MB|GB|TB)?$")
UNIT_BYTES = {"B": 1, "bytes": 1, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "TiB": 1024**4,
              "kB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4}
# Local disk: "/x" | s3, name: bucket, prefix: /x/ | Redis, name: ..., prefix: ...
BACKENDS = {"local disk": "disk", "s3": "s3", "oss": "oss", "gcs": "gcs", "azblob": "azure", "azure": "azure",
            "redis": "redis", "memcached": "memcached", "webdav": "webdav", "ghac": "gha", "gha": "gha", "cos": "cos"}

_SNIFF_LABELS = ("Compile requests", "Cache hits", "Cache misses", "Cache location", "Non-cacheable calls",
                 "Cache write errors", "Version (client)", "Max cache size")


def snake(name: str) -> str:
    """`Cache hits (Rust)` -> `cache_hits_rust`: the suffix of a `stats.` fact."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def numeric(value: str) -> int | float | None:
    """`50.00 %` -> 50.0, `0.026 s` -> 0.026, `10 GiB` -> bytes, `12` -> 12, else None."""
    match = NUMBER.match(value.strip())
    if not match or len(match["num"]) > 40:  # no counter has that many digits: a damaged line
        return None
    number = float(match["num"]) if "." in match["num"] else int(match["num"])
    unit = match["unit"]
    if unit in UNIT_BYTES:
        return int(number * UNIT_BYTES[unit])
    return number


def backend_of(location: str) -> str | None:
    head = location.split(":" if location.lower().startswith("local disk") else ",", 1)[0]
    return BACKENDS.get(head.strip().lower())


def level_backend(level: str) -> str | None:
    """`L1 (webdav)` -> `webdav`, `L0 (disk)` -> `disk`, `L2 (azblob)` -> `azure`."""
    match = re.search(r"\(([^)]*)\)", level)
    name = match.group(1).strip().lower() if match else ""
    return "disk" if name == "disk" else BACKENDS.get(name, name or None)


def stat_facts(name: str, value: str, source: str, line: int) -> Iterator[Fact]:
    """Facts one stat states: its number, and the version / location rows."""
    if name.startswith("Version"):
        yield Fact("sccache_version", value.strip(), source, line)
        return
    if name == "Cache location":
        yield Fact("cache_location", value.strip(), source, line)
        backend = backend_of(value)
        if backend:
            yield Fact("backend", backend, source, line)
        return
    if name.endswith(" location") and name.startswith("L"):
        return  # a level's location: the level records carry it
    number = numeric(value)
    if number is not None and not name.startswith("Non-cacheable reason:"):
        yield Fact(f"stats.{snake(name)}", number, source, line)


# JSON key -> text label, in the order `--show-stats` prints them.
JSON_LABELS = (
    ("compile_requests", "Compile requests"),
    ("requests_executed", "Compile requests executed"),
    ("cache_hits", "Cache hits"),
    ("cache_misses", "Cache misses"),
    ("cache_timeouts", "Cache timeouts"),
    ("cache_read_errors", "Cache read errors"),
    ("forced_recaches", "Forced recaches"),
    ("cache_write_errors", "Cache write errors"),
    ("cache_errors", "Cache errors"),
    ("cache_writes", "Cache writes"),
    ("compilations", "Compilations"),
    ("compile_fails", "Compilation failures"),
    ("non_cacheable_compilations", "Non-cacheable compilations"),
    ("requests_not_cacheable", "Non-cacheable calls"),
    ("requests_not_compile", "Non-compilation calls"),
    ("requests_unsupported_compiler", "Unsupported compiler calls"),
    ("dist_errors", "Failed distributed compilations"),
)
# average label -> (duration key, divisor key)
JSON_AVERAGES = (
    ("Average cache write", "cache_write_duration", "cache_writes"),
    ("Average compiler", "compiler_write_duration", "compilations"),
    ("Average cache read hit", "cache_read_hit_duration", "cache_hits"),
)


def _count(value: object) -> int | None:
    """A plain count, or a per-language `{"counts": {"Rust": 1}}` summed like the text does."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, dict) and isinstance(value.get("counts"), dict):
        return sum(v for v in value["counts"].values() if isinstance(v, int) and not isinstance(v, bool))
    return None


def _seconds(value: object) -> float | None:
    if isinstance(value, dict) and isinstance(value.get("secs"), int) and isinstance(value.get("nanos"), int):
        return value["secs"] + value["nanos"] / 1e9
    return None


def json_rows(document: dict) -> Iterator[tuple[str, str]]:
    """(label, value) pairs from the JSON form, named and formatted as the text form."""
    raw = document.get("stats")
    stats: dict = raw if isinstance(raw, dict) else {}
    counts = {}
    for key, label in JSON_LABELS:
        count = _count(stats.get(key))
        if count is None:
            continue
        counts[key] = count
        yield label, str(count)
        for group in ("counts", "adv_counts"):  # per language, then per compiler (`c [gcc]`)
            for language, n in _breakdown(stats.get(key), group):
                yield f"{label} ({language})", str(n)
    if "cache_hits" in counts and "cache_misses" in counts:
        total = counts["cache_hits"] + counts["cache_misses"]
        yield "Cache hits rate", _rate(counts["cache_hits"], total)
        for group in ("counts", "adv_counts"):
            hits = dict(_breakdown(stats.get("cache_hits"), group))
            misses = dict(_breakdown(stats.get("cache_misses"), group))
            for language in sorted(set(hits) | set(misses)):
                yield f"Cache hits rate ({language})", _rate(hits.get(language, 0),
                                                            hits.get(language, 0) + misses.get(language, 0))
    for label, duration_key, divisor_key in JSON_AVERAGES:
        duration = _seconds(stats.get(duration_key))
        if duration is not None:
            divisor = counts.get(divisor_key) or 0
            yield label, f"{duration / divisor if divisor else 0.0:.3f} s"
    not_cached = stats.get("not_cached")
    if isinstance(not_cached, dict):
        for reason, n in sorted(not_cached.items(), key=lambda kv: (-_sort_count(kv[1]), kv[0])):
            yield f"Non-cacheable reason: {reason}", str(n)
    yield from _json_levels(stats.get("multi_level"))
    dist = stats.get("dist_compiles")
    if isinstance(dist, dict):
        for host, n in sorted(dist.items()):
            yield f"Distributed compiles: {host}", str(n)
    yield from _json_tail(document)


def _breakdown(value: object, group: str) -> list[tuple[str, int]]:
    """Non-zero counts of one stat per language (`counts`) or per compiler (`adv_counts`)."""
    table = value.get(group) if isinstance(value, dict) else None
    if not isinstance(table, dict):
        return []
    return sorted((str(k), v) for k, v in table.items() if isinstance(v, int) and not isinstance(v, bool) and v)


def _rate(hits: int, total: int) -> str:
    return f"{100 * hits / total:.2f} %" if total else "-"


# JSON level key -> the words the text form prints after the level name
LEVEL_LABELS = (("hits", "hits"), ("misses", "misses"), ("writes", "writes"), ("write_failures", "write failures"),
                ("backfills_from", "backfills from"), ("backfills_to", "backfills to"))


def _json_levels(levels: object) -> Iterator[tuple[str, str]]:
    """The `multi_level` list (0.15+) as the text form's indented level rows."""
    if not isinstance(levels, list) or not levels:
        return
    yield "Multi-level cache levels", str(len(levels))
    for level in levels:
        if not isinstance(level, dict) or not isinstance(level.get("name"), str):
            continue
        name = level["name"]
        for key, words in LEVEL_LABELS:
            if isinstance(level.get(key), int) and not isinstance(level.get(key), bool):
                yield f"{name} {words}", str(level[key])
        if isinstance(level.get("hits"), int) and isinstance(level.get("misses"), int):
            yield f"{name} hit rate", _rate(level["hits"], level["hits"] + level["misses"])
        if isinstance(level.get("location"), str):
            yield f"{name} location", level["location"]


def _sort_count(value: object) -> int:
    return value if isinstance(value, int) else 0


def _json_tail(document: dict) -> Iterator[tuple[str, str]]:
    if isinstance(document.get("cache_location"), str):
        yield "Cache location", document["cache_location"]
    basedirs = document.get("basedirs")
    if isinstance(basedirs, list):
        yield "Base directories", ", ".join(map(str, basedirs)) if basedirs else "(none)"
    if isinstance(document.get("use_preprocessor_cache_mode"), bool):
        yield "Use direct/preprocessor mode?", "yes" if document["use_preprocessor_cache_mode"] else "no"
    if isinstance(document.get("version"), str):
        yield "Version (client)", document["version"]
    for key, label in (("cache_size", "Cache size"), ("max_cache_size", "Max cache size")):
        if isinstance(document.get(key), int) and not isinstance(document.get(key), bool):
            yield label, f"{document[key]} bytes"


@register
class SccacheStatsParser:
    kind = KIND

    def sniff(self, head: str, name: str) -> float:
        lines = head.splitlines()
        stripped = head.lstrip()
        if stripped.startswith("{") and '"stats"' in head and '"compile_requests"' in head:
            return 0.95
        labels = sum(1 for line in lines if line.startswith(_SNIFF_LABELS) and ROW.match(line))
        if labels >= 3:
            return 0.95
        if labels:
            return 0.5
        return 0.0

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]:
        section = ""
        misses = 0
        stream = iter(lines)
        for number, line in enumerate(stream, 1):
            if not line.strip():
                section = "" if section == "reasons" else section
                continue
            level = LEVEL_ROW.match(line)
            if level and section in ("levels", "locations"):
                yield from self._level(level, section, line, number, source)
                continue
            if LOG_LINE.match(line) or CHATTER.match(line):
                continue
            if line.lstrip().startswith("{"):
                yield from self._json(line, stream, number, source)
                return
            if REASONS_HEADER.match(line):
                section = "reasons"
                continue
            if DIST_HEADER.match(line):
                section = "dist"
                continue
            row = ROW.match(line)
            if not row:
                misses += 1
                if misses >= GIVE_UP_AFTER:
                    yield Problem(source, number, f"gave up after {GIVE_UP_AFTER} lines that are not stats")
                    return
                continue
            misses = 0
            name, value = row["name"], row["value"]
            if name == "Multi-level cache levels":
                section = "levels"
            elif name == "Cache location" and value.startswith("Multi-level"):
                section = "locations"
            elif section in ("levels", "locations"):
                section = ""
            if section == "reasons":
                name = f"Non-cacheable reason: {name}"
            elif section == "dist":
                name = f"Distributed compiles: {name}"
            yield Record(source, KIND, number, line, fields=fields(name=name, value=value))
            yield from stat_facts(name, value, source, number)

    def _level(self, match: re.Match, section: str, line: str, number: int, source: str) -> Iterator[Item]:
        """One indented row of a multi-level cache: a level's counter or its location."""
        level, value = match["level"], match["value"]
        stat = "location" if section == "locations" and not match["stat"] else (match["stat"] or "")
        if not stat:
            return
        name = f"{level} {stat}"
        yield Record(source, KIND, number, line, fields=fields(name=name, value=value, level=level, stat=stat))
        yield from stat_facts(name, value, source, number)
        if stat == "location" and backend_of(value) not in (None, "disk"):
            yield Fact("backend", backend_of(value), source, number)  # the remote level of the chain

    def _json(self, first: str, rest: Iterator[str], number: int, source: str) -> Iterator[Item]:
        """Read a JSON document starting at `first` (one line, or pretty-printed over many)."""
        text = first
        try:
            document = json.loads(text)
        except ValueError:
            document = None
            for more in rest:
                text += "\n" + more
                if len(text) > MAX_JSON_CHARS:
                    break
                if more.rstrip().endswith("}"):
                    try:
                        document = json.loads(text)
                        break
                    except ValueError:
                        continue
        if not isinstance(document, dict):
            yield Problem(source, number, "stats JSON could not be read")
            return
        for name, value in json_rows(document):
            level = LEVEL_NAME.match(name)
            extra = {"level": level["level"], "stat": level["stat"]} if level else {}
            yield Record(source, KIND, number, f"{name}  {value}", fields=fields(name=name, value=value, **extra))
            yield from stat_facts(name, value, source, number)
            if extra.get("stat") == "location" and backend_of(value) not in (None, "disk"):
                yield Fact("backend", backend_of(value), source, number)
