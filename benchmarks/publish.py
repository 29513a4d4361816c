"""Put a full run's figures into the documentation: the whole table in docs/performance.md, the
goal rows in README.md, each between its markers (the text around them is left alone)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PERFORMANCE = ROOT / "docs" / "performance.md"
START, END = "<!-- benchmark-table:start -->", "<!-- benchmark-table:end -->"


def replace_between(text: str, body: str) -> str:
    """`text` with what lies between the markers replaced by `body` (markers added at the end
    when missing)."""
    block = f"{START}\n{body.rstrip()}\n{END}"
    if START in text and END in text and text.index(START) < text.index(END):
        return text[:text.index(START)] + block + text[text.index(END) + len(END):]
    return text.rstrip("\n") + "\n\n" + block + "\n"


def _cells(row: dict, ratio: str) -> list[str]:
    return [row["measurement"], row["value"], row["baseline"], ratio, row["goal"], row["result"]]


def summary_table(rows: list[dict], fmt_ratio) -> str:
    """The goal rows only, one line each."""
    lines = ["| measurement | value | baseline | ratio | goal | result |", "| --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        if row["result"] not in ("pass", "FAIL") or "indicative" in row["goal"]:
            continue
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in _cells(row, fmt_ratio(row["ratio"]))) + " |")
    return "\n".join(lines)


def publish(full_table: str, summary: str, heading: str) -> list[Path]:
    """Write both; returns the files written."""
    written = []
    for path, body in ((PERFORMANCE, f"{heading}\n\n{full_table}"), (README, f"{heading}\n\n{summary}")):
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        path.write_text(replace_between(text, body), encoding="utf-8")
        written.append(path)
    return written
