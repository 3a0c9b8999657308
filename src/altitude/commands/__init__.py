"""Sub-commands of the ``altitude`` command line.

Each module here exposes ``register(app: typer.Typer) -> None``; ``altitude.cli``
discovers them, so a new command is one new file and no edit elsewhere.
"""
