"""`fleet.html`: the fleet report, one self-contained page beside the tables.

Same rules as the single-bundle HTML report (analyzer/report/render_html.py): the report's CSS
inlined, every text escaped by jinja2 autoescaping, and a Content-Security-Policy that allows
inline style and exactly one script, by its hash (`fleet.js`: filter, search, sort and pages;
nothing loads from anywhere, so the page works offline).

The machine list is data, not markup: one JSON block (`<` `>` `&` written as `\\u003c` …, so no
text in it can close the block) holds a compact row per machine, and the script shows it a page
at a time — 10,000 machines make a page of about 2 MB, not a DOM of 10,000 rows. The first page
is also rendered as plain HTML for a reader without script. Each machine links to its own HTML
report under `bundles/`, written beside its JSON report.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from markupsafe import Markup

from analyzer import TOOL_NAME, __version__
from analyzer.batch.summary import HEALTHY, Summary
from analyzer.batch.templates import Template
from analyzer.batch.worker import html_name
from analyzer.report import render_html

MAX_TEMPLATES = 300  # shown on the page; all of them are in unexplained.jsonl
FIRST_PAGE = 100  # machines rendered as HTML (the script pages through all of them)
# The machine list's fields, in the JSON block's order; `link` is the machine's HTML report.
MACHINE_FIELDS = ("bundle", "host", "status", "root_cause", "layer", "os", "sccache_version", "backend",
                  "confidence", "first_time", "last_time", "error", "link")
SHOWN = ("bundle", "host", "status", "root_cause", "layer", "os", "sccache_version", "backend", "confidence",
         "last_time", "error")
HEADINGS = {"bundle": "bundle", "host": "host", "status": "status", "root_cause": "root cause", "layer": "layer",
            "os": "OS", "sccache_version": "sccache", "backend": "backend", "confidence": "confidence",
            "last_time": "last event (UTC)", "error": "could not be analyzed"}
FILTERS = (("status", "status"), ("root_cause", "root cause"), ("layer", "layer"), ("os", "OS"),
           ("sccache_version", "sccache"), ("backend", "backend"))
SEARCHABLE = ("bundle", "host", "root_cause", "error", "sccache_version", "backend")


def row_status(row: dict[str, Any]) -> str:
    """The verdict's status for a row; rows from before the status was kept get the nearest answer."""
    if row.get("error"):
        return "not-analyzed"
    return row.get("status") or ("build-failed" if row.get("root_cause") else "healthy")


def machines(rows: list[dict[str, Any]]) -> list[list[Any]]:
    out = []
    for row in sorted(rows, key=lambda r: r["bundle"]):
        link = html_name(row["report"]) if row.get("report") else None
        cause = row.get("root_cause") or (None if row.get("error") else HEALTHY)
        values = {**row, "status": row_status(row), "root_cause": cause, "link": link}
        out.append([values.get(name) for name in MACHINE_FIELDS])
    return out


def data_block(rows: list[list[Any]]) -> Markup:
    """The machine list as JSON that is safe inside `<script type="application/json">`."""
    text = json.dumps({"columns": MACHINE_FIELDS, "shown": SHOWN, "searchable": SEARCHABLE, "rows": rows},
                      ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 — escaped above for the one context it goes into


def filter_options(rows: list[list[Any]]) -> list[tuple[str, str, list[tuple[str, int]]]]:
    """(field, label, [(value, machines)]) for each filter, most machines first."""
    options = []
    for name, label in FILTERS:
        counts = Counter("" if r[MACHINE_FIELDS.index(name)] is None else str(r[MACHINE_FIELDS.index(name)])
                         for r in rows)
        counts.pop("", None)
        options.append((name, label, sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))))
    return options


def render(summary: Summary, templates: list[Template], rows: list[dict[str, Any]]) -> str:
    """The page for one batch, from its summary, unexplained-line templates and table rows."""
    environment = render_html.environment()
    biggest = max((max(row) for row in summary.cooccurrence if row), default=0)
    listed = machines(rows)
    links = {r[0]: r[-1] for r in listed}
    script = render_html.static("fleet.js")
    return environment.get_template("fleet.html.j2").render(
        s=summary,
        templates=[t.to_json() for t in templates[:MAX_TEMPLATES]],
        more_templates=max(0, len(templates) - MAX_TEMPLATES),
        template_count=len(templates),
        reports=links,
        first_page=[dict(zip(MACHINE_FIELDS, r, strict=True)) for r in listed[:FIRST_PAGE]],
        machine_count=len(listed),
        shown=SHOWN,
        headings=HEADINGS,
        filters=filter_options(listed),
        data=data_block(listed),
        heat=lambda n: round(0.08 + 0.6 * n / biggest, 3) if biggest and n else 0,
        tool={"name": TOOL_NAME, "version": __version__},
        css=Markup(render_html.static("report.css")),
        js=Markup(script),
        csp=Markup(render_html.csp(script)),
    )
