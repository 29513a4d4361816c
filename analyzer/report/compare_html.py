"""`compare --format html`: one self-contained page, the same CSS, script and
Content-Security-Policy as the report."""

from __future__ import annotations

from markupsafe import Markup

from analyzer.report.render_html import csp, environment, static


def render(result: dict) -> str:
    script = static("report.js")
    return environment().get_template("compare.html.j2").render(
        c=result, css=Markup(static("report.css")), js=Markup(script), csp=Markup(csp(script)))
