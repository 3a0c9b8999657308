"""``altitude level INPUT [--time-limit S] [--mode heuristic|exact] [-o RESULT.json]``.

INPUT is a PSPLIB ``.sm`` or Patterson ``.rcp`` instance (times in its periods) or the
scheduling engine's JSON network extended with ``"resources": [{"id", "capacity",
"changes": [{"start", "capacity"}]}]``, per-task ``"demands": {"R1": 2}``, ``"priority"``,
``"splittable"``, and top-level ``"project_priorities"`` and ``"within_float"`` (times in
working minutes, dates as ISO local date-times).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from altitude.commands.output import check_writable, readable_json, write_result

_LEVELING_TASK_KEYS = ("demands", "priority", "splittable")


_RESOURCE_KEYS = {"id", "capacity", "changes"}


def _int(value: Any, where: str, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where}: expected an integer, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{where}: expected {low} to {high}, got {value}")
    return value


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{where}: expected true or false, got {value!r}")
    return value


def _resources(raw_list: Any) -> list[Any]:
    from altitude.engine.leveling import CapacityChange, Resource

    if not isinstance(raw_list, list):
        raise ValueError('resources: expected a list of {"id", "capacity"} objects')
    resources = []
    for k, raw in enumerate(raw_list):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise ValueError(f"resources[{k}]: expected an object with a string id")
        unknown = sorted(set(raw) - _RESOURCE_KEYS)
        if unknown:
            raise ValueError(f"resource {raw['id']}: unknown field(s) {unknown}")
        changes = raw.get("changes", [])
        if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
            raise ValueError(
                f'resource {raw["id"]} changes: expected a list of {{"start", "capacity"}} objects'
            )
        resources.append(
            Resource(
                raw["id"],
                _int(raw.get("capacity", 1), f"resource {raw['id']} capacity"),
                tuple(
                    CapacityChange(
                        _int(c.get("start"), f"resource {raw['id']} changes.start"),
                        _int(c.get("capacity"), f"resource {raw['id']} changes.capacity"),
                    )
                    for c in changes
                ),
            )
        )
    return resources


def _json_problem(text: str) -> tuple[Any, Any]:
    """Split the extended JSON into the CPM network and the levelling extras."""
    from altitude.engine.leveling.adapter import TaskResourcing, problem_from_schedule
    from altitude.interop.network_json import parse_network

    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("the input must hold a JSON object")
    resources = _resources(data.pop("resources", []))
    raw_priorities = data.pop("project_priorities", {})
    if not isinstance(raw_priorities, dict):
        raise ValueError("project_priorities: expected an object of project id -> integer")
    project_priorities = {
        str(p): _int(v, f"project_priorities.{p}") for p, v in raw_priorities.items()
    }
    within_float = _bool(data.pop("within_float", False), "within_float")
    resourcing = {}
    for task in data.get("tasks", []):
        if not isinstance(task, dict):
            continue  # the network parser names it
        extras = {key: task.pop(key) for key in _LEVELING_TASK_KEYS if key in task}
        demands = extras.get("demands", {})
        where = f"task {task.get('id')}"
        if not isinstance(demands, dict):
            raise ValueError(f"{where}: demands must be an object")
        resourcing[str(task.get("id"))] = TaskResourcing(
            demands={r: _int(q, f"{where} demands.{r}") for r, q in demands.items()},
            priority=_int(extras.get("priority", 500), f"{where} priority", 0, 1000),
            splittable=_bool(extras.get("splittable", False), f"{where} splittable"),
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
                "successor": d.successor,
            }
            for d in result.delays
        ],
        "overallocations": [_overallocation(o, scheduled) for o in result.overallocations],
        "unmet_links": [{"from": a, "to": b} for a, b in result.unmet_links],
        "load_before": profiles(result.load_before),
        "load_after": profiles(result.load_after),
    }


def _overallocation(over: Any, scheduled: Any) -> dict[str, Any]:
    """One run over capacity; for a JSON network its dates too (on its first task's calendar)."""
    row: dict[str, Any] = {
        "resource": over.resource,
        "start": over.start,
        "end": over.end,
        "load": over.load,
        "capacity": over.capacity,
        "tasks": list(over.tasks),
        "held": list(over.held),
    }
    if scheduled is not None and over.tasks:
        first = over.tasks[0]
        row["start_date"] = scheduled.dates([first], [over.start], finish=False)[0].isoformat(
            timespec="minutes"
        )
        row["end_date"] = scheduled.dates([first], [over.end], finish=True)[0].isoformat(
            timespec="minutes"
        )
    return row


def _is_json(path: Path, text: str) -> bool:
    """By suffix, else by content: a network saved as ``.txt`` is still JSON."""
    if path.suffix.lower() == ".json":
        return True
    return path.suffix.lower() not in (".sm", ".rcp") and text.lstrip().startswith("{")


def register(app: typer.Typer) -> None:
    @app.command("level")
    def level_command(
        input_path: Annotated[
            Path,
            typer.Argument(metavar="INPUT", help="PSPLIB .sm, Patterson .rcp or JSON network."),
        ],
        time_limit: Annotated[
            float | None,
            typer.Option(
                "--time-limit", help="Budget in seconds (default 0.5 heuristic, 1 exact)."
            ),
        ] = None,
        mode: Annotated[str, typer.Option("--mode", help="heuristic or exact.")] = "heuristic",
        output: Annotated[Path | None, typer.Option("-o", "--output", help="Result file.")] = None,
        seed: Annotated[int, typer.Option(help="Seed of the randomised passes.")] = 0,
        workers: Annotated[
            int, typer.Option(help="Cores for the exact mode (2: GA beside CP-SAT).")
        ] = 2,
    ) -> None:
        """Level resources: resource-feasible dates, as short as the budget allows."""
        check_writable(output)
        from altitude.engine.errors import CyclicDependency, SchedulingError
        from altitude.engine.leveling import LevelingInputError, LevelingOptions, Mode, level
        from altitude.interop.psplib import PsplibFormatError, parse_rcp, parse_sm

        if mode not in ("heuristic", "exact"):
            typer.echo(f"error: --mode is heuristic or exact, got {mode!r}", err=True)
            raise typer.Exit(2)
        try:  # the options first: a wrong budget is told before a large input is read
            options = LevelingOptions(
                mode=Mode(mode), time_limit_seconds=time_limit, seed=seed, workers=max(workers, 1)
            )
        except LevelingInputError as exc:
            typer.echo(f"error: --time-limit: {exc}", err=True)
            raise typer.Exit(2) from None
        try:
            text = input_path.read_text(
                encoding="utf-8" if input_path.suffix.lower() == ".json" else "latin-1"
            )
        except OSError as exc:
            typer.echo(f"error: cannot read {input_path}: {exc.strerror}", err=True)
            raise typer.Exit(2) from None
        scheduled = None
        try:
            if _is_json(input_path, text):
                problem, scheduled = _json_problem(text)
            else:
                parse = parse_rcp if input_path.suffix.lower() == ".rcp" else parse_sm
                problem = parse(text, input_path.stem).to_problem()
            result = level(problem, options)
        except CyclicDependency as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        except (SchedulingError, LevelingInputError, PsplibFormatError, ValueError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        document = readable_json(_result_json(result, scheduled))
        write_result(document, output)
