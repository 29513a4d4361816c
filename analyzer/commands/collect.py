"""`sccache-forensics collect`: gather a bundle on the failing machine."""

from __future__ import annotations

import sys

import click


@click.command("collect")
@click.option("-o", "--output", metavar="BUNDLE.zip", default=None,
              help="Where to write the bundle (default: sccache-bundle-HOST-TIME.zip here).")
@click.option("--project", metavar="DIR", default=".", show_default=True,
              help="The cargo project whose build failed (configs and target/.rustc_info.json).")
@click.option("--log", "logs", metavar="FILE", multiple=True,
              help="Another log to include (repeatable); SCCACHE_ERROR_LOG is always included.")
@click.option("--run", "run", metavar="COMMAND", default=None,
              help='Reproduce the failure: run COMMAND (e.g. "cargo check") with SCCACHE_LOG=debug and a '
                   "fresh SCCACHE_ERROR_LOG, and keep its output.")
@click.option("--label", metavar="TEXT", default=None, help="A label for the bundle (ticket, CI job).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True, metavar="SECONDS",
              help="Deadline of each capture step.")
@click.option("--run-timeout", type=click.FloatRange(min=0.1), default=1800.0, show_default=True,
              metavar="SECONDS", help="Deadline of the --run command.")
@click.option("--print-script", type=click.Choice(["sh", "ps1"]), default=None,
              help="Print the standalone collector script (for machines without Python) and exit.")
def command(output: str | None, project: str, logs: tuple[str, ...], run: str | None, label: str | None,
            timeout: float, run_timeout: float, print_script: str | None) -> None:
    """Collect a bundle of evidence on the machine where the build failed.

    Captures the relevant environment (secrets redacted), tool versions, the socket table, the
    process list, sccache's and cargo's config files, cargo's cached rustc probes, sccache's
    logs and statistics, each with its command, exit status and duration in manifest.json.
    Nothing is stopped or restarted; the only file written is the bundle.

    \b
    Examples:
      sccache-forensics collect
      sccache-forensics collect -o bundle.zip --project ~/src/app --run "cargo check"
      sccache-forensics collect --print-script sh > collect.sh
    """
    if print_script:
        from analyzer.collect import script_text

        sys.stdout.write(script_text(print_script))
        return
    from analyzer.collect.collector import CollectError, Options, collect

    options = Options(output=output, project=project, logs=list(logs), run=run, label=label,
                      timeout=timeout, run_timeout=run_timeout)
    try:
        result = collect(options)
    except CollectError as error:
        click.echo(f"sccache-forensics: {error}", err=True)
        sys.exit(2)
    click.echo(summary(result), err=True)


def summary(result) -> str:
    files = [f for f in result.manifest["files"] if f.get("bytes") is not None]
    failed = [f for f in result.manifest["files"] if f.get("error")]
    lines = [f"sccache-forensics: wrote {result.path} ({len(files) + 1} files, {result.size / 1024:.1f} KiB) "
             f"in {result.seconds:.1f} s"]
    for entry in failed:
        what = entry.get("command") or entry.get("origin") or entry["path"]
        lines.append(f"  failed: {what} ({entry['error']})")
    redactions = result.manifest.get("redactions", {}).get("count", 0)
    if redactions:
        lines.append(f"  {redactions} secret value(s) redacted")
    return "\n".join(lines)
