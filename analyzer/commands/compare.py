"""`sccache-forensics compare`: why one run of a build missed where another hit."""

from __future__ import annotations

import sys

import click

from analyzer.commands.options import output_options, refuse_to_overwrite_input, write_output

FORMATS = ("text", "json", "md", "html")


@click.command("compare")
@click.argument("baseline")
@click.argument("candidate")
@output_options(FORMATS)
@click.option("--no-redact", is_flag=True, help="Keep secrets in the output (redaction is on by default).")
def command(baseline: str, candidate: str, fmt: str, output: str, no_redact: bool) -> None:
    """Compare two bundles of the same project: BASELINE (a run that hits) and CANDIDATE (a run
    that misses). Says which difference explains which miss, with evidence from both and a fix.

    Each bundle is a folder, .zip, .tar.gz or loose file, as for `analyze`. With the debug
    server log (SCCACHE_LOG=debug) on both sides compiles are matched crate by crate and object
    by object; without it only settings are compared.

    \b
    Examples:
      sccache-forensics compare laptop.zip ci.zip
      sccache-forensics compare before/ after/ --format html -o compare.html
    """
    from analyzer.compare.model import compare

    refuse_to_overwrite_input(output, (baseline, candidate))
    if baseline == "-" and candidate == "-":
        click.echo("sccache-forensics: only one of BASELINE and CANDIDATE can be standard input", err=True)
        sys.exit(2)
    result = compare([baseline], [candidate], redact=not no_redact)
    unreadable = [n for n in result["notes"] if n.startswith("nothing readable")]
    if len(unreadable) == 2:
        click.echo("sccache-forensics: nothing readable in either input", err=True)
        sys.exit(2)
    write_output(render(result, fmt, output), output)


def render(result: dict, fmt: str, output: str) -> str | bytes:
    if fmt == "json":
        from analyzer.report import render_json

        return render_json.render(result)
    if fmt == "md":
        from analyzer.report import compare_md

        return compare_md.render(result)
    if fmt == "html":
        from analyzer.report import compare_html

        return compare_html.render(result)
    from analyzer.report import compare_text, render_text

    return compare_text.render(result, colour=output == "-" and render_text.use_colour())
