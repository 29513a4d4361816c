"""The compile table of a report (`report["compiles"]`, analyzer/compiles) for text and
Markdown; the HTML page renders it from its template."""

from __future__ import annotations

from analyzer.compiles.summary import reason_text
from analyzer.report.markdown import code, details, more, prose

TEXT_ROWS = 12
MD_ROWS = 60


def missed_rows(compiles: dict) -> list[dict]:
    return [row for row in compiles["rows"] if row["result"] != "hit" and not row["probe"]]


def row_reason(row: dict) -> str:
    return reason_text(row["reason"]) if row.get("reason") else row["result"]


def where(row: dict) -> str:
    return f"{row['source']}:{row['line']}"


def text_lines(report: dict, safe) -> list[str]:
    compiles = report.get("compiles")
    if not compiles:
        return []
    lines = ["", "Compiles: " + safe(compiles["summary"], 400)]
    missed = missed_rows(compiles)
    for row in missed[:TEXT_ROWS]:
        lines.append(f"  ✗ {safe(row['subject'], 48):<24} {safe(row_reason(row), 80):<44} {safe(where(row))}")
    shown = min(len(missed), TEXT_ROWS)
    if compiles["not_served"] > shown:
        lines.append(f"  … {compiles['not_served'] - shown} more; every row is in --format json or html")
    return lines


def md_lines(report: dict) -> list[str]:

    compiles = report.get("compiles")
    if not compiles:
        return []
    lines = [f"**Compiles:** {prose(compiles['summary'])}", ""]
    rows = compiles["rows"]
    body = ["| crate or object | language | result | reason | hash key | lookup s | compile s | where |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    ordered = sorted(rows, key=lambda r: (r["result"] == "hit", r["probe"]))
    for row in ordered[:MD_ROWS]:
        body.append(f"| {code(row['subject'], 80)} | {row['language'] or ''} | {row['result']} | "
                    f"{prose(row_reason(row)) if row['result'] != 'hit' else ''} | "
                    f"{code((row['hash'] or '')[:16]) if row['hash'] else ''} | {_num(row['lookup_s'])} | "
                    f"{_num(row['compile_s'])} | {code(where(row))} |")
    body += more(len(rows), MD_ROWS, "rows")
    if compiles["rows_left_out"]:
        body.append(f"*{compiles['rows_left_out']} hit rows beyond the first ones are counted, not listed.*")
    return lines + details(f"Compile requests ({compiles['requests']})", body)


def _num(value) -> str:
    return "" if value is None else f"{value:.3f}"
