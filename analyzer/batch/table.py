"""Rows -> `fleet.csv`, `fleet.parquet`, `fleet.jsonl`: one row per bundle, fixed columns and types.

Rows are sorted by bundle id, so the same inputs give the same table whichever engine ran them
and however many workers. `findings` is a list in Parquet and JSON Lines and a `;`-joined
string in CSV. `duration_ms` (the time one bundle took) is the only column that differs from
run to run; `VOLATILE` names it for comparisons.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import orjson

from analyzer.batch.cache_columns import COLUMNS as CACHE_COLUMNS
from analyzer.outfile import replacing, write_atomic

# (column, kind): str | float | int | list — the order is the files' column order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("bundle", "str"),
    ("host", "str"),
    ("os", "str"),
    ("sccache_version", "str"),
    ("backend", "str"),
    ("layer", "str"),
    ("root_cause", "str"),
    ("confidence", "float"),
    ("findings", "list"),
    ("error", "str"),
    ("status", "str"),
    ("cache", "str"),
    ("unexplained", "int"),
    ("first_time", "str"),
    ("last_time", "str"),
    ("hash", "str"),
    ("path", "str"),
    ("report", "str"),
    ("duration_ms", "int"),
    *CACHE_COLUMNS,  # hit rate and misses where the bundle shows them (cache_columns.py)
)
NAMES = tuple(name for name, _ in COLUMNS)
VOLATILE = ("duration_ms",)


def normalise(row: dict[str, Any]) -> dict[str, Any]:
    """The row with exactly the table's columns, in order, each of its type or None."""
    out = {}
    for name, kind in COLUMNS:
        value = row.get(name)
        if kind == "list":
            value = sorted(str(v) for v in value) if value else []
        elif value is None:
            pass
        elif kind == "float":
            value = float(value)
        elif kind == "int":
            value = int(value)
        else:
            value = str(value)
        out[name] = value
    return out


def frame(rows: list[dict[str, Any]]):
    """The rows as a pandas DataFrame with the table's dtypes (nullable strings and integers)."""
    import pandas as pd

    ordered = sorted((normalise(r) for r in rows), key=lambda r: r["bundle"])
    data = {}
    for name, kind in COLUMNS:
        values = [r[name] for r in ordered]
        if kind == "str":
            data[name] = pd.array(values, dtype="string")
        elif kind == "float":
            data[name] = pd.array(values, dtype="Float64")
        elif kind == "int":
            data[name] = pd.array(values, dtype="Int64")
        else:
            data[name] = pd.Series(values, dtype="object")
    return pd.DataFrame(data, columns=list(NAMES))


def arrow_schema():
    import pyarrow as pa

    kinds = {"str": pa.string(), "float": pa.float64(), "int": pa.int64(), "list": pa.list_(pa.string())}
    return pa.schema([(name, kinds[kind]) for name, kind in COLUMNS])


def write(rows: list[dict[str, Any]], outdir: Path) -> None:
    """Write the three table files (each atomically) into `outdir`.

    Straight from the normalised rows: pyarrow for Parquet, the csv module for CSV (the same
    text pandas writes: empty for missing values, floats in their shortest form)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    ordered = sorted((normalise(r) for r in rows), key=lambda r: r["bundle"])
    write_atomic(outdir / "fleet.csv", _csv(ordered))
    with replacing(outdir / "fleet.parquet") as file:
        pq.write_table(pa.Table.from_pylist(ordered, schema=arrow_schema()), file)
    write_atomic(outdir / "fleet.jsonl", b"".join(orjson.dumps(r) + b"\n" for r in ordered))


def _csv(ordered: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(NAMES)
    for row in ordered:
        out.writerow([_cell(row[name], kind) for name, kind in COLUMNS])
    return buffer.getvalue().encode("utf-8")


def _cell(value: Any, kind: str) -> str:
    if kind == "list":
        return ";".join(value)
    return "" if value is None else repr(value) if kind == "float" else str(value)


def read(path: Path):
    """A table file back as a DataFrame with the table's dtypes (for checks and notebooks)."""
    import pandas as pd

    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(path).to_pylist()
    elif path.suffix == ".jsonl":
        rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    else:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        rows = [{k: (v if v != "" else None) for k, v in r.items()} for r in raw.to_dict("records")]
        for r in rows:
            r["findings"] = r["findings"].split(";") if r.get("findings") else []
    return frame([{k: (list(v) if k == "findings" and v is not None else v) for k, v in r.items()} for r in rows])
