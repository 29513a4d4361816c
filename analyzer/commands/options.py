"""Output options shared by every command that writes a report (`--format`, `-o`)."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click


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
    """Write to the named file (created atomically enough for reports) or to stdout."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    path = Path(output)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
