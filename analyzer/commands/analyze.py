"""`sccache-forensics analyze`: the post-mortem of one bundle."""

from __future__ import annotations

import sys

import click

from analyzer.commands.options import output_options, refuse_to_overwrite_input, write_output

FORMATS = ("text", "json", "md", "html", "github", "junit")


@click.command("analyze")
@click.argument("bundle", nargs=-1, required=True)
@output_options(FORMATS)
@click.option("--patterns", "pattern_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Extra directory of pattern files (repeatable), validated like the built-in ones.")
@click.option("--fail-on", type=click.Choice(["root-cause"]), default=None,
              help="Exit 1 when a root cause was found (for CI gates).")
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

    refuse_to_overwrite_input(output, bundle)
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
    write_output(render(result.report, fmt, output, bundle), output)
    if fail_on == "root-cause" and result.report["verdict"]["root_cause"]:
        sys.exit(1)


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
