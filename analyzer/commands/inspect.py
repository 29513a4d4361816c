"""`sccache-forensics inspect`: list every artifact of a bundle with its kind and problems."""

from __future__ import annotations

import sys

import click
import orjson

from analyzer.commands.options import output_options, refuse_to_overwrite_input, write_output
from analyzer.ingest import read_bundle
from analyzer.redact import Redactor


@click.command("inspect")
@click.argument("bundle", nargs=-1, required=True)
@output_options(("text", "json"))
def command(bundle: tuple[str, ...], fmt: str, output: str) -> None:
    """List the artifacts in BUNDLE (folder, .zip, .tar.gz, loose files, or - for stdin).

    \b
    Examples:
      sccache-forensics inspect samples/seed-windows-oss-proxy
      sccache-forensics inspect bundle.zip --format json
    """
    refuse_to_overwrite_input(output, bundle)
    result = read_bundle(list(bundle))
    # Paths and problems quote the bundle (a name, a line that could not be read): redacted like a report.
    redactor = Redactor()
    artifacts = redactor.walk([a.to_json() for a in result.artifacts])
    bundle_problems = redactor.walk([{"path": p.source, "reason": p.reason} for p in result.problems])
    if fmt == "json":
        body = {"artifacts": artifacts, "problems": bundle_problems}
        write_output(orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n", output)
    else:
        write_output(_text(artifacts, bundle_problems), output)
    if not result.artifacts:
        click.echo(f"sccache-forensics: nothing readable in the input{_first_reason(bundle_problems)}", err=True)
        sys.exit(2)


def _first_reason(problems: list[dict]) -> str:
    """The first problem, so the one-line message says why nothing could be read."""
    if not problems:
        return ""
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return f" ({_one_line(problems[0]['path'])}: {_one_line(problems[0]['reason'])}){more}"


def _one_line(text: str) -> str:
    """One line a terminal shows as text: control characters (escapes from a log) made visible."""
    from analyzer.report.render_text import safe

    return safe(" ".join(str(text).split("\n")))


def _text(artifacts: list[dict], problems: list[dict]) -> str:
    lines = []
    width = max((len(a["path"]) for a in artifacts), default=4)
    for a in artifacts:
        lines.append(f"{_one_line(a['path']):<{width}}  {a['kind']:<16} {a['encoding']:<14} {a['records']:>8} records")
        for p in a["problems"]:
            where = f"line {p['line']}: " if p["line"] else ""
            lines.append(f"{'':<{width}}  problem: {where}{_one_line(p['reason'])}")
    for p in problems:
        lines.append(f"{_one_line(p['path'])}: {_one_line(p['reason'])}")
    return "\n".join(lines) + "\n"
