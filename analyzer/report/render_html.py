"""`--format html`: one self-contained file to attach to a ticket.

CSS and a little JS are inlined; nothing loads from the network. A Content-Security-Policy meta
tag allows inline style and exactly our one script (by its SHA-256), so even text that slipped past
escaping could not run. All report text goes through jinja2 autoescaping, the timeline SVG included.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

import jinja2
import regex
from markupsafe import Markup, escape

from analyzer.compiles.summary import reason_text
from analyzer.report import reading_guide, stats_text, svg_timeline

BANNER_FACTS = ("sccache_version", "backend", "server_port", "proxy", "startup_timeout_ms", "storage_check_s")
BACKTICK_SPAN = regex.compile(r"(`+)(.+?)\1")  # the report's own `code` quotes in prose
SHELL_NAMES = {"powershell": "PowerShell", "sh": "sh / bash", "cmd": "cmd.exe", "any": ""}


# Bidi controls reorder what a reader sees (`\u202e` makes `gnp.exe` read `exe.png`); shown as
# U+FFFD, as the Markdown report does.
BIDI = regex.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _finalize(value):
    """Applied to every `{{ … }}` before autoescaping; keeps Markup as Markup."""
    if isinstance(value, str) and not value.isascii() and BIDI.search(value):  # ASCII holds no bidi control
        cleaned = BIDI.sub("\ufffd", value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("analyzer.report", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             finalize=_finalize)
    env.filters["prose"] = prose
    env.globals["reason_text"] = reason_text
    return env


def prose(text) -> Markup:
    """Prose with its backtick quotes shown as <code>; every piece escaped first."""
    text = "" if text is None else str(text)
    out, last = [], 0
    for match in BACKTICK_SPAN.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(Markup("<code>%s</code>") % match.group(2))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


@cache
def static(name: str) -> str:
    """A file of the templates folder as text (the CSS and script inlined into pages)."""
    env = environment()
    if env.loader is None:
        raise RuntimeError("the report templates have no loader")
    return env.loader.get_source(env, name)[0]


def csp(script: str | None = None) -> str:
    """The pages' Content-Security-Policy: inline style only, plus `script` by its hash."""
    allowed = ""
    if script is not None:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        allowed = f"script-src 'sha256-{digest}'; "
    return f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; {allowed}base-uri 'none'; form-action 'none'"


def render(report: dict) -> str:
    script = static("report.js")
    facts = list(report["facts"].items())
    return environment().get_template("report.html.j2").render(
        r=report,
        t=svg_timeline.layout(report),
        css=Markup(static("report.css")),
        js=Markup(script),
        csp=Markup(csp(script)),  # our own constant text, no quotes to escape
        banner_facts=BANNER_FACTS,
        shell_names=SHELL_NAMES,
        guide=reading_guide,
        main_facts=[(k, v) for k, v in facts if not k.startswith("stats.")],
        stat_facts=[(k, v) for k, v in facts if k.startswith("stats.")],
        stats_totals=stats_text.totals(report["stats"]) if report.get("stats") else "",
        stats_groups=stats_text.groups(report["stats"]) if report.get("stats") else [],
        stats_levels=stats_text.levels(report["stats"]) if report.get("stats") else [],
    )
