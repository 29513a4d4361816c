"""Thin click commands; the work lives in the modules they call.

Exit codes: 0 the analysis ran (whatever it found); 1 only with `--fail-on root-cause`
when a root cause was found; 2 usage error or nothing readable at all.
"""

from __future__ import annotations

import sys

import click

from analyzer import __version__


class ForensicsGroup(click.Group):
    """Turns any unexpected exception into a one-line message and exit 2, never a traceback.
    The commands are imported when first needed, inside `main`, so a Ctrl-C while they load
    ends the run with one line too."""

    _registered = False

    def main(self, *args, **kwargs):
        try:
            self._register()
            return super().main(*args, **kwargs)
        except KeyboardInterrupt:
            click.echo("sccache-forensics: interrupted", err=True)
            sys.exit(2)

    def get_command(self, ctx: click.Context, cmd_name: str):
        self._register()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context):
        self._register()
        return super().list_commands(ctx)

    def _register(self) -> None:
        if not ForensicsGroup._registered:
            ForensicsGroup._registered = True
            from analyzer.commands import register_all

            register_all(self)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("sccache-forensics: interrupted", err=True)
            sys.exit(2)
        except Exception as error:  # last line of defence; bugs still get a clear message
            from analyzer.report.render_text import one_line

            message = one_line(f"{type(error).__name__}: {error}", 400)
            click.echo(f"sccache-forensics: error: {message}", err=True)
            sys.exit(2)


@click.group(cls=ForensicsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sccache-forensics")
def main() -> None:
    """Post-mortem of a failed build that uses the sccache compilation cache.

    \b
    Examples:
      sccache-forensics analyze bundle.zip
      sccache-forensics analyze ./bundle --format html -o report.html
      sccache-forensics inspect ./bundle
      sccache-forensics patterns list
    """

