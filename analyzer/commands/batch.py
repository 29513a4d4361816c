"""`sccache-forensics batch`: many bundles (one per machine) into a fleet report."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", "outdir", required=True, metavar="OUTDIR",
              type=click.Path(file_okay=False, writable=True),
              help="Folder for fleet.csv/.parquet/.jsonl, fleet.html and the per-bundle reports.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a pool of worker processes; dask: dask.distributed (the `dask` extra).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Dask scheduler to connect to (tcp://host:8786); without it a local Dask cluster is started.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of CPUs).")
@click.option("--force", is_flag=True, help="Analyze every bundle again, even those unchanged since the last run.")
@click.option("--timeout", type=click.FloatRange(min=0), default=120.0, show_default=True, metavar="SECONDS",
              help="Per-bundle time limit; a bundle over it gets `timeout after N s` in its row. 0: no limit.")
@click.option("--patterns", "pattern_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Extra directory of pattern files (repeatable), as for analyze.")
@click.option("--no-redact", is_flag=True, help="Keep secrets in the reports (redaction is on by default).")
def command(inputs: tuple[str, ...], outdir: str, engine: str, scheduler: str | None, jobs: int | None,
            force: bool, timeout: float, pattern_dirs: tuple[str, ...], no_redact: bool) -> None:
    """Analyze many bundles, each in isolation, into a fleet report in OUTDIR.

    \b
    INPUT is a folder of bundles (each subfolder or archive in it is one bundle, e.g. one per
    machine), an archive, a manifest (a text file listing one bundle path per line), or a URL
    in object storage (s3://bucket/prefix/, gs://…, az://…: the s3, gcs or azure extra).
    A bundle that cannot be analyzed (unreadable, corrupt archive, crash, timeout) gets the
    reason in its row's `error`; the batch goes on. Bundles unchanged since the last run into
    the same OUTDIR are not analyzed again unless --force.

    \b
    Examples:
      sccache-forensics batch collected/ -o fleet
      sccache-forensics batch collected/ -o fleet --jobs 8 --timeout 60
      sccache-forensics batch bundles.txt -o fleet --engine dask --scheduler tcp://10.0.0.5:8786
      sccache-forensics batch s3://ci-bundles/2026-12/ -o fleet --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from analyzer.analysis import PatternLibraryError
    from analyzer.batch.engines import EngineError
    from analyzer.batch.inputs import InputError
    from analyzer.batch.run import BatchOptions, run_batch

    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler is for --engine dask")
    inside = _input_holding(outdir, inputs)
    if inside is not None:
        click.echo(f"sccache-forensics: -o {_shown(outdir)} is inside the input {_shown(inside)}; "
                   "outputs are never written into a bundle", err=True)
        sys.exit(2)
    options = BatchOptions(list(inputs), Path(outdir), engine=engine, scheduler=scheduler, jobs=jobs, force=force,
                           timeout=timeout, pattern_dirs=pattern_dirs, redact=not no_redact)
    try:
        result = run_batch(options)
    except PatternLibraryError as error:
        click.echo(f"sccache-forensics: invalid pattern files:\n{_shown(error, lines=True)}", err=True)
        sys.exit(2)
    except (InputError, EngineError) as error:
        click.echo(f"sccache-forensics: {_shown(error)}", err=True)
        sys.exit(2)
    if result.ignored:
        click.echo(f"sccache-forensics: ignored {len(result.ignored)} entries that are not bundles "
                   f"(first: {_shown(result.ignored[0])})", err=True)
    click.echo(f"{result.bundles} bundles: {result.analyzed} analyzed, {result.skipped} unchanged since the last run, "
               f"{result.errors} could not be analyzed; {result.templates} unexplained-line templates "
               f"({result.seconds:.1f} s)")
    click.echo(f"fleet report: {_shown(result.outdir / 'fleet.html')}")


def _shown(text, lines: bool = False) -> str:
    """Text from the input (a file name, an error quoting one) as a terminal shows it safely:
    escapes and control characters visible, bytes that are not UTF-8 as `\\xff`."""
    from analyzer.bundle import printable
    from analyzer.report.render_text import safe

    if lines:
        return "\n".join(_shown(line) for line in str(text).split("\n"))
    return safe(printable(str(text)))


def _input_holding(outdir: str, inputs: tuple[str, ...]) -> str | None:
    """The input folder OUTDIR lies in (or is), if any: a batch must not write into a bundle."""
    from pathlib import Path

    target = Path(outdir).resolve()
    for given in inputs:
        if given == "-":
            continue
        source = Path(given).resolve()
        if source.is_dir() and (target == source or target.is_relative_to(source)):
            return given
    return None
