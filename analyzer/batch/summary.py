"""Rows -> what the fleet report shows: counts, breakdowns, co-occurrence, groups of machines.

Plain Python over the row dicts (a fleet is thousands of rows, not millions), every list in a
fixed order so the same rows always give the same page.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from analyzer.batch.miss_groups import miss_groups
from analyzer.textnum import parse_uint
from analyzer.timefmt import parse_iso

HEALTHY = "(none)"  # the group of bundles analyzed with no root cause
UNKNOWN = "(unknown)"
BREAKDOWNS = (("sccache_version", "sccache version"), ("backend", "backend"), ("os", "OS"))
MAX_COOCCURRING = 15  # findings shown in the co-occurrence matrix
MAX_GROUP_MACHINES = 500  # machines listed per group; the rest are in fleet.csv


@dataclass
class Machine:
    bundle: str
    host: str | None
    report: str | None
    os: str | None
    sccache_version: str | None
    backend: str | None
    first_time: str | None
    last_time: str | None
    confidence: float | None


@dataclass
class Group:
    name: str
    layer: str | None
    count: int
    share: float
    first_time: str | None  # earliest event across the group's machines
    last_time: str | None
    machines: list[Machine] = field(default_factory=list)


@dataclass
class Crosstab:
    title: str
    columns: list[str]
    rows: list[tuple[str, list[int], int]]  # (root cause, counts per column, total)
    totals: list[int]


@dataclass
class Summary:
    bundles: int
    analyzed: int
    errors: int
    with_root_cause: int
    healthy: int
    unexplained_lines: int
    by_root_cause: list[Group]
    by_layer: list[tuple[str, int, float]]
    breakdowns: list[Crosstab]
    findings: list[str]
    cooccurrence: list[list[int]]
    failed: list[dict[str, Any]]
    by_miss_reason: list = field(default_factory=list)  # analyzer/batch/miss_groups.py


def summarise(rows: list[dict[str, Any]]) -> Summary:
    rows = sorted(rows, key=lambda r: r["bundle"])
    good = [r for r in rows if not r.get("error")]
    failed = [r for r in rows if r.get("error")]
    causes = Counter(_cause(r) for r in good)
    layers = Counter(r.get("layer") or UNKNOWN for r in good)
    total = max(1, len(good))
    order = sorted(causes, key=lambda name: (name == HEALTHY, -causes[name], name))
    groups = [_group(name, [r for r in good if _cause(r) == name], total) for name in order]
    return Summary(
        bundles=len(rows),
        analyzed=len(good),
        errors=len(failed),
        with_root_cause=sum(1 for r in good if r.get("root_cause")),
        healthy=causes.get(HEALTHY, 0),
        unexplained_lines=sum(r.get("unexplained") or 0 for r in good),
        by_root_cause=groups,
        by_layer=[(name, n, n / total) for name, n in sorted(layers.items(), key=lambda kv: (-kv[1], kv[0]))],
        breakdowns=[_crosstab(good, column, title, order) for column, title in BREAKDOWNS],
        **_cooccurrence(good),
        failed=[{"bundle": r["bundle"], "error": r["error"], "path": r.get("path")} for r in failed],
        by_miss_reason=miss_groups(good),
    )


def _cause(row: dict[str, Any]) -> str:
    return row.get("root_cause") or HEALTHY


def _group(name: str, rows: list[dict[str, Any]], total: int) -> Group:
    firsts = [t for t in (_moment(r.get("first_time")) for r in rows) if t]
    lasts = [t for t in (_moment(r.get("last_time")) for r in rows) if t]
    layers = Counter(r.get("layer") for r in rows if r.get("layer"))
    layer = sorted(layers.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if layers else None
    machines = [Machine(r["bundle"], r.get("host"), r.get("report"), r.get("os"), r.get("sccache_version"),
                        r.get("backend"), r.get("first_time"), r.get("last_time"), r.get("confidence"))
                for r in rows[:MAX_GROUP_MACHINES]]
    return Group(name, layer, len(rows), len(rows) / total, min(firsts)[1] if firsts else None,
                 max(lasts)[1] if lasts else None, machines)


def _crosstab(rows: list[dict[str, Any]], column: str, title: str, causes: list[str]) -> Crosstab:
    values = Counter(r.get(column) or UNKNOWN for r in rows)
    columns = sorted(values, key=lambda v: (v == UNKNOWN, _version_key(v) if column == "sccache_version" else v))
    counts: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        counts[_cause(r)][r.get(column) or UNKNOWN] += 1
    table = [(cause, [counts[cause][c] for c in columns], sum(counts[cause].values())) for cause in causes]
    return Crosstab(title, columns, table, [values[c] for c in columns])


def _cooccurrence(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Machines having both findings, for the most frequent findings (diagonal: machines having it)."""
    seen = Counter(f for r in rows for f in set(r.get("findings") or []))
    top = [f for f, _ in sorted(seen.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_COOCCURRING]]
    index = {f: i for i, f in enumerate(top)}
    matrix = [[0] * len(top) for _ in top]
    for r in rows:
        present = sorted({index[f] for f in (r.get("findings") or []) if f in index})
        for i in present:
            for j in present:
                matrix[i][j] += 1
    return {"findings": top, "cooccurrence": matrix}


def _version_key(text: str) -> tuple:
    parts = []
    for piece in text.replace("-", ".").split("."):
        number = parse_uint(piece)
        parts.append((0, number, "") if number is not None else (1, 0, piece))
    return tuple(parts)


def _moment(stamp: str | None) -> tuple[datetime, str] | None:
    moment = parse_iso(stamp)
    if moment is None or stamp is None:
        return None
    if moment.tzinfo is None:  # a capture time without zone: take it as UTC, like the timeline does
        moment = moment.replace(tzinfo=UTC)
    return moment, stamp
