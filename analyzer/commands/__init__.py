"""One module per CLI command; each exposes a click command named after its module."""

from __future__ import annotations

import importlib

import click

COMMAND_MODULES = ("inspect", "analyze", "compare", "patterns", "batch", "collect")


def register_all(group: click.Group) -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"{__name__}.{name}":
                continue  # command not built yet
            raise
        group.add_command(module.command)
