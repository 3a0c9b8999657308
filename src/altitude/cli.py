"""The ``altitude`` command line: one Typer app assembled from ``altitude.commands``."""

from __future__ import annotations

import importlib
import pkgutil

import typer

import altitude
from altitude import commands

app = typer.Typer(
    help="Altitude: program, project and portfolio management.",
    no_args_is_help=True,
    add_completion=False,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"altitude {altitude.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Altitude: program, project and portfolio management."""


def _register_commands() -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_commands()


def main() -> None:
    """Entry point of the console script."""
    app()

if __name__ == "__main__":
    main()
