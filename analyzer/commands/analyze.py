"""`sccache-forensics analyze`: the post-mortem of one bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from analyzer.commands.options import output_options, refuse_to_overwrite_input, write_output

FORMATS = ("text", "json", "md", "html", "github", "junit")


@click.command("analyze")
@click.argument("bundle", nargs=-1, required=True)
@output_options(FORMATS)
@click.option("--patterns", "pattern_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Extra directory of pattern files (repeatable), validated like the built-in ones.")
@click.option("--fail-on", "fail_on", default=None, metavar="WHAT[,WHAT...]",
              help="Exit 1 when the report shows WHAT (for CI gates): root-cause (a root cause was found, for a "
                   "failed build or an ineffective cache), build-failed, cache-ineffective; several joined by "
                   "`,` or `|` (any of them).")
@click.option("--no-redact", is_flag=True, help="Keep secrets in the output (redaction is on by default).")
def command(bundle: tuple[str, ...], fmt: str, output: str, pattern_dirs: tuple[str, ...],
            fail_on: str | None, no_redact: bool) -> None:
    """Explain why the build in BUNDLE failed (folder, .zip, .tar.gz, loose files, or - for stdin).

    \b
    Examples:
      sccache-forensics analyze samples/seed-windows-oss-proxy/bundle
      sccache-forensics analyze bundle.zip --format html -o report.html
      sccache-forensics analyze logs/ --format json --fail-on root-cause
      sccache-forensics analyze bundle.zip --format github    # annotations + step summary
      sccache-forensics analyze bundle.zip --format junit -o sccache-forensics.xml
    """
    from analyzer.analysis import PatternLibraryError, analyze, load_knowledge, unreadable_reason
    from analyzer.machines import several, within

    gates = parse_fail_on(fail_on)
    fmt = format_for(fmt, output, click.get_current_context())
    refuse_to_overwrite_input(output, bundle)
    machines = several(list(bundle))
    if machines:
        refuse_machines(machines)
    try:
        knowledge = load_knowledge(pattern_dirs)
    except PatternLibraryError as error:
        click.echo(f"sccache-forensics: invalid pattern files:\n{error}", err=True)
        sys.exit(2)
    result = analyze(list(bundle), knowledge, redact=not no_redact)
    if not result.bundle.readable:
        click.echo(f"sccache-forensics: nothing readable in the input ({unreadable_reason(result.bundle)})",
                   err=True)
        sys.exit(2)
    machines = within(result.bundle)
    if machines:
        refuse_machines(machines)
    write_output(render(result.report, fmt, output, bundle), output)
    if fails(result.report["verdict"], gates):
        sys.exit(1)


def refuse_machines(machines) -> None:
    click.echo(f"sccache-forensics: the inputs come from {len(machines)} different machines, and one verdict "
               "would mix their facts (" + "; ".join(m.describe() for m in machines) + "): analyze each on its "
               "own, or all of them with `sccache-forensics batch INPUT... -o OUTDIR`", err=True)
    sys.exit(2)


GATES = ("root-cause", "build-failed", "cache-ineffective")
SUFFIX_FORMATS = {".json": "json", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


def parse_fail_on(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    gates = tuple(g.strip() for g in value.replace("|", ",").split(",") if g.strip())
    unknown = [g for g in gates if g not in GATES]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)} (choose from {', '.join(GATES)})", param_hint="--fail-on")
    return gates


def fails(verdict: dict, gates: tuple[str, ...]) -> bool:
    """root-cause: any root cause (a failed build's or an ineffective cache's); the statuses by name."""
    return any((g == "root-cause" and verdict.get("root_cause")) or verdict.get("status") == g for g in gates)


def format_for(fmt: str, output: str, ctx: click.Context) -> str:
    """`-o report.html` without `--format` writes HTML (likewise .json, .md); an explicit --format wins."""
    explicit = ctx.get_parameter_source("fmt") not in (None, click.core.ParameterSource.DEFAULT)
    if explicit or output == "-":
        return fmt
    return SUFFIX_FORMATS.get(Path(output).suffix.lower(), fmt)


def render(report: dict, fmt: str, output: str, inputs: tuple[str, ...] = ()) -> str | bytes:
    """`github` also appends the Markdown report to `$GITHUB_STEP_SUMMARY` when that is set."""
    if fmt == "json":
        from analyzer.report import render_json

        return render_json.render(report)
    if fmt == "md":
        from analyzer.report import render_md

        return render_md.render(report)
    if fmt == "github":
        from analyzer.report import render_github

        return render_github.render(report, render_github.Context.from_environment(inputs))
    if fmt == "junit":
        from analyzer.report import render_junit

        return render_junit.render(report)
    if fmt == "html":
        from analyzer.report import render_html

        return render_html.render(report)
    from analyzer.report import render_text

    return render_text.render(report, colour=output == "-" and render_text.use_colour())
