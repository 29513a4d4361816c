"""Output options shared by every command that writes a report (`--format`, `-o`)."""

from __future__ import annotations

import functools
import os
import stat
import sys
from pathlib import Path

import click

from analyzer.outfile import write_atomic


def output_options(formats: tuple[str, ...], default: str = "text"):
    """Decorator adding `--format` and `-o/--output` (a file path, or `-` for stdout)."""

    def decorate(func):
        @click.option("--format", "fmt", type=click.Choice(formats), default=default, show_default=True,
                      help="Output format.")
        @click.option("-o", "--output", "output", default="-", show_default=True, metavar="FILE|-",
                      help="Write the output to FILE instead of standard output.")
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return func(*args, **kwargs)

        return wrapper

    return decorate


def write_output(text: str | bytes, output: str) -> None:
    """Write to stdout, or to the named file and nothing else: the bytes go to a new temporary
    file beside it (never an existing file, never through a link) that is renamed over the
    target, or removed if anything fails."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    path = Path(output)
    if _is_special(path):  # /dev/null, a FIFO, a terminal: write into it, never replace it
        try:
            with open(path, "wb") as special:
                special.write(data)
        except OSError as error:
            click.echo(f"sccache-forensics: cannot write {output}: {error.strerror or error}", err=True)
            sys.exit(2)
        return
    try:
        write_atomic(path, data)
    except OSError as error:
        click.echo(f"sccache-forensics: cannot write {output}: {error.strerror or error}", err=True)
        sys.exit(2)


def _is_special(path: Path) -> bool:
    """An existing target that is not a regular file or a link (a device, FIFO or socket)."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISLNK(mode) or stat.S_ISDIR(mode))


def refuse_to_overwrite_input(output: str, inputs: tuple[str, ...]) -> None:
    """Exit 2 when `-o` names an existing file that is part of the input: a report written over
    a bundle file would destroy the evidence it describes. (A new file in a bundle folder is
    allowed: the bundle is read before the report is written.)"""
    if output == "-":
        return
    path = Path(output)
    try:
        target = path.parent.resolve() / path.name  # the entry itself, not where a link at it points
        if not os.path.lexists(target):
            return
        for given in inputs:
            if given == "-":
                continue
            source = Path(given).resolve()
            if target == source or (source.is_dir() and target.is_relative_to(source)):
                click.echo(f"sccache-forensics: refusing to write the report over an input file: {output}", err=True)
                sys.exit(2)
    except (OSError, RuntimeError):  # unresolvable paths: the write itself will say what is wrong
        return
