"""``altitude level INPUT [--time-limit S] [--mode heuristic|exact] [-o RESULT.json]``.

INPUT is a PSPLIB ``.sm`` instance (times in its periods) or the scheduling engine's JSON
network extended with ``"resources": [{"id", "capacity", "changes": [{"start",
"capacity"}]}]``, per-task ``"demands": {"R1": 2}``, ``"priority"``, ``"splittable"``, and
top-level ``"project_priorities"`` and ``"within_float"`` (times in working minutes, dates
as ISO local date-times).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

_LEVELING_TASK_KEYS = ("demands", "priority", "splittable")


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where}: expected an integer, got {value!r}")
    return value


def _json_problem(text: str) -> tuple[Any, Any]:
    """Split the extended JSON into the CPM network and the levelling extras."""
    from altitude.engine.leveling import CapacityChange, Resource
    from altitude.engine.leveling.adapter import TaskResourcing, problem_from_schedule
    from altitude.interop.network_json import parse_network

    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("the input must hold a JSON object")
    resources = []
    for k, raw in enumerate(data.pop("resources", [])):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise ValueError(f"resources[{k}]: expected an object with a string id")
        changes = tuple(
            CapacityChange(
                _int(c.get("start"), f"resource {raw['id']} changes.start"),
                _int(c.get("capacity"), f"resource {raw['id']} changes.capacity"),
            )
            for c in raw.get("changes", [])
        )
        resources.append(
            Resource(
                raw["id"], _int(raw.get("capacity", 1), f"resource {raw['id']} capacity"), changes
            )
        )
    project_priorities = data.pop("project_priorities", {})
    within_float = bool(data.pop("within_float", False))
    resourcing = {}
    for task in data.get("tasks", []):
        if not isinstance(task, dict):
            continue
        extras = {key: task.pop(key) for key in _LEVELING_TASK_KEYS if key in task}
        demands = extras.get("demands", {})
        if not isinstance(demands, dict):
            raise ValueError(f"task {task.get('id')}: demands must be an object")
        resourcing[str(task.get("id"))] = TaskResourcing(
            demands={r: _int(q, f"task {task.get('id')} demands.{r}") for r, q in demands.items()},
            priority=_int(extras.get("priority", 500), f"task {task.get('id')} priority"),
            splittable=bool(extras.get("splittable", False)),
        )
    scheduled = problem_from_schedule(
        parse_network(data),
        resources,
        resourcing,
        project_priorities=project_priorities,
        within_float=within_float,
    )
    return scheduled.problem, scheduled


def _result_json(result: Any, scheduled: Any) -> dict[str, Any]:
    tasks = []
    ids = [t.id for t in result.tasks]
    if scheduled is not None:
        starts = scheduled.dates(ids, [t.start for t in result.tasks], finish=False)
        finishes = scheduled.dates(ids, [t.finish for t in result.tasks], finish=True)
    for k, dates in enumerate(result.tasks):
        row: dict[str, Any] = {
            "id": dates.id,
            "start": dates.start,
            "finish": dates.finish,
            "delay": dates.delay,
        }
        if scheduled is not None:
            row["start"] = starts[k].isoformat(timespec="minutes")
            row["finish"] = finishes[k].isoformat(timespec="minutes")
            row["start_offset"], row["finish_offset"] = dates.start, dates.finish
        if len(dates.pieces) > 1:
            row["pieces"] = [list(p) for p in dates.pieces]
        tasks.append(row)

    def profiles(items: Any) -> dict[str, list[list[int]]]:
        return {
            p.resource: [[s.start, s.end, s.load, s.capacity] for s in p.segments] for p in items
        }

    return {
        "status": result.status.value,
        "mode": result.mode.value,
        "makespan": result.makespan,
        "bound": result.bound,
        "gap": round(result.gap, 6),
        "tasks": tasks,
        "delays": [
            {
                "task": d.task,
                "delay": d.delay,
                "predecessor": d.predecessor,
                "resource": d.resource,
                "competing_tasks": list(d.competing_tasks),
            }
            for d in result.delays
        ],
        "overallocations": [
            {
                "resource": o.resource,
                "start": o.start,
                "end": o.end,
                "load": o.load,
                "capacity": o.capacity,
                "tasks": list(o.tasks),
            }
            for o in result.overallocations
        ],
        "load_before": profiles(result.load_before),
        "load_after": profiles(result.load_after),
    }


def register(app: typer.Typer) -> None:
    @app.command("level")
    def level_command(
        input_path: Annotated[
            Path, typer.Argument(metavar="INPUT", help="PSPLIB .sm or JSON network.")
        ],
        time_limit: Annotated[float, typer.Option("--time-limit", help="Budget in seconds.")] = 1.0,
        mode: Annotated[str, typer.Option("--mode", help="heuristic or exact.")] = "heuristic",
        output: Annotated[Path | None, typer.Option("-o", "--output", help="Result file.")] = None,
        seed: Annotated[int, typer.Option(help="Seed of the randomised passes.")] = 0,
        workers: Annotated[
            int, typer.Option(help="Cores for the exact mode (2: GA beside CP-SAT).")
        ] = 2,
    ) -> None:
        """Level resources: resource-feasible dates, as short as the budget allows."""
        from altitude.engine.errors import CyclicDependency, SchedulingError
        from altitude.engine.leveling import LevelingInputError, LevelingOptions, Mode, level
        from altitude.interop.psplib import PsplibFormatError, parse_sm

        if mode not in ("heuristic", "exact"):
            typer.echo(f"error: --mode is heuristic or exact, got {mode!r}", err=True)
            raise typer.Exit(2)
        try:
            text = input_path.read_text(
                encoding="latin-1" if input_path.suffix == ".sm" else "utf-8"
            )
        except OSError as exc:
            typer.echo(f"error: cannot read {input_path}: {exc.strerror}", err=True)
            raise typer.Exit(2) from None
        scheduled = None
        try:
            if input_path.suffix == ".json":
                problem, scheduled = _json_problem(text)
            else:
                problem = parse_sm(text, input_path.stem).to_problem()
            options = LevelingOptions(
                mode=Mode(mode), time_limit_seconds=time_limit, seed=seed, workers=max(workers, 1)
            )
            result = level(problem, options)
        except CyclicDependency as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        except (SchedulingError, LevelingInputError, PsplibFormatError, ValueError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        document = json.dumps(_result_json(result, scheduled), indent=1)
        if output is None:
            sys.stdout.write(document + "\n")
        else:
            output.write_text(document + "\n", encoding="utf-8")
