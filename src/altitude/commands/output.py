"""Where a command writes its result: checked before the work, written with a clear error.

Levelling and simulation can run for minutes; a typo in ``-o`` should not be found only
after that, as a traceback, with the result lost.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer


def check_writable(path: Path | None) -> None:
    """Exit 2 with a message when ``path`` cannot be written: its folder is missing or it is
    a folder itself. (Permissions are only known when writing: :func:`write_result`.)"""
    if path is None:
        return
    if path.is_dir():
        typer.echo(f"error: cannot write {path}: it is a folder; give a file name", err=True)
        raise typer.Exit(2)
    if not path.parent.is_dir():
        typer.echo(f"error: cannot write {path}: the folder {path.parent} does not exist", err=True)
        raise typer.Exit(2)


def write_result(document: str, path: Path | None) -> None:
    """``document`` and a newline to ``path``, or to standard output when it is None."""
    if path is None:
        sys.stdout.write(document + "\n")
        return
    try:
        path.write_text(document + "\n", encoding="utf-8")
    except OSError as exc:
        typer.echo(f"error: cannot write {path}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
