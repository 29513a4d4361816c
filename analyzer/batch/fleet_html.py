"""`fleet.html`: the fleet report, one self-contained page beside the tables.

Same rules as the single-bundle HTML report (analyzer/report/render_html.py): the report's CSS
inlined, every text escaped by jinja2 autoescaping, and a Content-Security-Policy that allows
inline style only — this page has no script at all. Links point at the per-bundle JSON reports
under `bundles/`, relative to the page.
"""

from __future__ import annotations

from markupsafe import Markup

from analyzer import TOOL_NAME, __version__
from analyzer.batch.summary import Summary
from analyzer.batch.templates import Template
from analyzer.report import render_html

MAX_TEMPLATES = 300  # shown on the page; all of them are in unexplained.jsonl


def render(summary: Summary, templates: list[Template], reports: dict[str, str | None]) -> str:
    """The page for one batch; `reports` maps bundle id -> report path relative to OUTDIR (or None)."""
    environment = render_html.environment()
    biggest = max((max(row) for row in summary.cooccurrence if row), default=0)
    return environment.get_template("fleet.html.j2").render(
        s=summary,
        templates=[t.to_json() for t in templates[:MAX_TEMPLATES]],
        more_templates=max(0, len(templates) - MAX_TEMPLATES),
        template_count=len(templates),
        reports=reports,
        heat=lambda n: round(0.08 + 0.6 * n / biggest, 3) if biggest and n else 0,
        tool={"name": TOOL_NAME, "version": __version__},
        css=Markup(render_html.static("report.css")),
        csp=Markup(render_html.csp()),  # no script on this page
    )
