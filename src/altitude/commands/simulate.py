"""``altitude simulate NETWORK.json --runs N --seed S [-o RESULT.json]``: schedule risk."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from altitude.commands.output import check_writable, write_result


def register(app: typer.Typer) -> None:
    @app.command("simulate")
    def simulate_command(
        network: Annotated[
            Path, typer.Argument(help="Network file with estimates and risks (docs/schemas/).")
        ],
        runs: Annotated[int, typer.Option(help="Number of Monte Carlo runs.")] = 10_000,
        seed: Annotated[int, typer.Option(help="Random seed: same seed, same result.")] = 0,
        output: Annotated[
            Path | None,
            typer.Option("-o", "--output", help="Write the result here, not to standard output."),
        ] = None,
        target_date: Annotated[
            str | None,
            typer.Option(help="Also report the probability of finishing by this date-time."),
        ] = None,
        criticality: Annotated[
            str,
            typer.Option(help="Criticality index: driving_path (fast), total_float "
                              "(a backward pass per run) or none."),
        ] = "driving_path",
    ) -> None:
        """Monte Carlo schedule risk analysis: P10..P95 finish, criticality, risk drivers."""
        check_writable(output)
        from altitude.engine.errors import CyclicDependency, SchedulingError
        from altitude.engine.montecarlo import prepare, simulate
        from altitude.engine.network import build_network
        from altitude.interop.simulation_json import loads_simulation, result_to_json

        if criticality not in ("driving_path", "total_float", "none"):
            typer.echo("error: --criticality is driving_path, total_float or none", err=True)
            raise typer.Exit(2)
        if runs < 1:
            typer.echo("error: --runs must be at least 1", err=True)
            raise typer.Exit(2)
        if seed < 0:
            typer.echo("error: --seed must be >= 0", err=True)
            raise typer.Exit(2)
        when = None
        if target_date is not None:
            try:
                when = dt.datetime.fromisoformat(target_date)
            except ValueError:
                typer.echo(f"error: --target-date: not an ISO date-time: {target_date!r}", err=True)
                raise typer.Exit(2) from None
        try:
            text = network.read_text(encoding="utf-8")
        except OSError as exc:
            typer.echo(f"error: cannot read {network}: {exc.strerror}", err=True)
            raise typer.Exit(2) from None
        try:
            spec, model, targets = loads_simulation(text)
            plan = prepare(build_network(spec), model, targets=targets)
            result = simulate(plan, runs=runs, seed=seed, criticality=criticality)
        except CyclicDependency as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(3) from None
        except SchedulingError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        document = json.dumps(result_to_json(plan, result, when), indent=2)
        write_result(document, output)
