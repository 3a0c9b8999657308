"""``altitude schedule NETWORK.json [-o RESULT.json]``: the CPM engine without the web app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from altitude.commands.output import check_writable, write_result


def register(app: typer.Typer) -> None:
    @app.command("schedule")
    def schedule_command(
        network: Annotated[
            Path, typer.Argument(help="Network file (docs/schemas/network.schema.json).")
        ],
        output: Annotated[
            Path | None,
            typer.Option("-o", "--output", help="Write the result here, not to standard output."),
        ] = None,
        critical_threshold: Annotated[
            int,
            typer.Option(
                help="Total float (working minutes) at or under which a task is critical."
            ),
        ] = 0,
    ) -> None:
        """Compute early/late dates, floats and the critical path of a network file."""
        check_writable(output)
        from altitude.engine.cpm import schedule
        from altitude.engine.errors import CyclicDependency, SchedulingError
        from altitude.engine.network import build_network
        from altitude.interop.network_json import loads_network, result_to_json

        try:
            text = network.read_text(encoding="utf-8")
        except OSError as exc:
            typer.echo(f"error: cannot read {network}: {exc.strerror}", err=True)
            raise typer.Exit(2) from None
        try:
            result = schedule(
                build_network(loads_network(text)), critical_threshold=critical_threshold
            )
        except CyclicDependency as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(3) from None
        except SchedulingError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        document = json.dumps(result_to_json(result), indent=2)
        write_result(document, output)
