"""The network: validation naming task and field (engine and CLI), and the array layout."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from altitude.cli import app
from altitude.engine.errors import CyclicDependency, ParentCycle, ScheduleValidationError
from altitude.engine.kernels import NONE, ROLLUP
from altitude.engine.network import (
    Constraint,
    ConstraintType,
    Link,
    LinkType,
    Progress,
    ScheduleInput,
    Task,
    build_network,
)
from altitude.engine.network_build import _progress_split
from altitude.interop.network_json import parse_network

START = dt.datetime(2026, 1, 5, 8, 0)


def doc(
    tasks: list[dict[str, Any]], links: Sequence[dict[str, Any]] = (), **extra: Any
) -> dict[str, Any]:
    return {"start": "2026-01-05T08:00", "tasks": tasks, "links": list(links), **extra}


A, B = {"id": "A", "duration_minutes": 480}, {"id": "B", "duration_minutes": 60}
CASES: list[tuple[str, dict[str, Any], str, str, str]] = [
    (
        "unknown task in link",
        doc([A, B], [{"from": "A", "to": "Z"}]),
        "Z",
        "links.to",
        "unknown task",
    ),
    (
        "unknown predecessor",
        doc([A, B], [{"from": "Q", "to": "B"}]),
        "Q",
        "links.from",
        "unknown task",
    ),
    (
        "negative duration",
        doc([{"id": "A", "duration_minutes": -5}]),
        "A",
        "duration_minutes",
        "negative",
    ),
    (
        "constraint without date",
        doc([{"id": "A", "duration_minutes": 1, "constraint": {"type": "MSO"}}]),
        "A",
        "constraint.date",
        "needs a date",
    ),
    (
        "unknown calendar",
        doc([{"id": "A", "calendar": "nope"}]),
        "A",
        "calendar",
        "unknown calendar",
    ),
    ("duplicate id", doc([A, {"id": "A"}]), "A", "id", "duplicate"),
    ("link to self", doc([A], [{"from": "A", "to": "A"}]), "A", "links.to", "itself"),
    (
        "milestone with duration",
        doc([{"id": "M", "duration_minutes": 60, "milestone": True}]),
        "M",
        "milestone",
        "milestone has no duration",
    ),
    (
        "parent cycle",
        doc([{"id": "P", "parent": "Q"}, {"id": "Q", "parent": "P"}, A]),
        "P",
        "parent",
        "P -> Q -> P",
    ),
    ("unknown parent", doc([{"id": "A", "parent": "Q"}]), "A", "parent", "unknown parent"),
    (
        "link from summary into its own child",
        doc([{"id": "P"}, {"id": "A", "parent": "P"}], [{"from": "P", "to": "A"}]),
        "A",
        "links.to",
        "own subtask",
    ),
    (
        "progress without status date",
        doc([{"id": "A", "duration_minutes": 60, "percent_complete": 10}]),
        "A",
        "progress",
        "status_date",
    ),
    (
        "percent out of range",
        doc([{"id": "A", "percent_complete": 150}], status_date="2026-01-06T08:00"),
        "A",
        "progress.percent_complete",
        "0..100",
    ),
    (
        "actual finish before actual start",
        doc(
            [
                {
                    "id": "A",
                    "duration_minutes": 60,
                    "actual_start": "2026-01-06T08:00",
                    "actual_finish": "2026-01-05T08:00",
                }
            ],
            status_date="2026-01-07T08:00",
        ),
        "A",
        "progress.actual_finish",
        "before actual start",
    ),
]


@pytest.mark.parametrize(
    ("name", "data", "task", "field", "words"), CASES, ids=[c[0] for c in CASES]
)
def test_engine_validation_names_task_and_field(
    name: str, data: dict[str, Any], task: str, field: str, words: str
) -> None:
    with pytest.raises(ScheduleValidationError) as info:
        build_network(parse_network(data))
    assert (info.value.task, info.value.field) == (task, field)
    assert repr(task) in str(info.value) and field in str(info.value) and words in str(info.value)


@pytest.mark.parametrize(
    ("name", "data", "task", "field", "words"), CASES, ids=[c[0] for c in CASES]
)
def test_cli_exit_code_and_message(
    tmp_path: Path, name: str, data: dict[str, Any], task: str, field: str, words: str
) -> None:
    src = tmp_path / "net.json"
    src.write_text(json.dumps(data))
    res = CliRunner().invoke(app, ["schedule", str(src)])
    assert res.exit_code == (3 if name == "parent cycle" else 2)
    message = res.stderr if hasattr(res, "stderr") else res.output
    assert message.startswith("error: ") and repr(task) in message and field in message
    assert words in message and not res.stdout.strip()


def test_parent_cycle_is_also_a_cyclic_dependency() -> None:
    spec = ScheduleInput(
        tasks=(Task("P", parent="R"), Task("Q", parent="P"), Task("R", parent="Q"), Task("X")),
        start=START,
    )
    with pytest.raises(CyclicDependency) as info:
        build_network(spec)
    assert isinstance(info.value, ParentCycle) and set(info.value.tasks) == {"P", "Q", "R"}


def test_engine_input_checks_types_too() -> None:
    with pytest.raises(ScheduleValidationError) as info:
        build_network(ScheduleInput(tasks=(Task("A", duration_minutes=1.5),), start=START))  # type: ignore[arg-type]
    assert info.value.field == "duration_minutes"
    with pytest.raises(ScheduleValidationError) as info:
        build_network(ScheduleInput(tasks=(Task("A"),)))
    assert info.value.field == "start"
    with pytest.raises(ScheduleValidationError) as info:
        build_network(
            ScheduleInput(
                tasks=(Task("A", constraint=Constraint(ConstraintType.FNLT)),), start=START
            )
        )
    assert (info.value.task, info.value.field) == ("A", "constraint.date")


def test_array_layout_csr_summary_expansion_and_rollup() -> None:
    spec = ScheduleInput(
        tasks=(
            Task("X", 480),
            Task("P"),
            Task("A", 480, parent="P"),
            Task(
                "B",
                240,
                parent="P",
                constraint=Constraint(ConstraintType.SNET, START + dt.timedelta(days=1)),
            ),
            Task("Y", 60),
        ),
        links=(
            Link("X", "P", LinkType.SS, 30),
            Link("A", "B"),
            Link("P", "Y", LinkType.FF, -60, lag_elapsed=True),
        ),
        start=START,
    )
    net = build_network(spec)
    ids = net.ids
    assert ids == ("X", "P", "A", "B", "Y") and net.size == 5
    assert list(net.duration) == [480, 0, 480, 240, 60]
    assert list(net.summary) == [False, True, False, False, False]
    assert list(net.parent) == [-1, -1, 1, 1, -1]
    assert net.coff[3] == 480 and net.ctype[3] == ConstraintType.SNET
    # Every link into v sits in pred_ptr[v]:pred_ptr[v+1]; X->P became X->A and X->B.
    links = {
        (
            ids[net.link_from[k]],
            ids[v],
            int(net.link_type[k]),
            int(net.link_lag[k]),
            bool(net.link_elapsed[k]),
        )
        for v in range(5)
        for k in range(net.pred_ptr[v], net.pred_ptr[v + 1])
    }
    assert links == {
        ("X", "A", LinkType.SS, 30, False),
        ("X", "B", LinkType.SS, 30, False),
        ("A", "B", LinkType.FS, 0, False),
        ("A", "P", ROLLUP, 0, False),
        ("B", "P", ROLLUP, 0, False),
        ("P", "Y", LinkType.FF, -60, True),
    }
    for v in range(5):  # the successor index lists the same links
        for q in range(net.succ_ptr[v], net.succ_ptr[v + 1]):
            assert net.link_from[net.succ_links[q]] == v
    position = {int(v): i for i, v in enumerate(net.order)}
    for k in range(len(net.link_from)):
        assert position[int(net.link_from[k])] < position[int(net.link_to[k])]
    assert (net.astart == NONE).all() and (net.remaining == -1).all()


def test_progress_is_stored_as_offsets_and_remaining_work() -> None:
    spec = ScheduleInput(
        tasks=(
            Task("A", 960, progress=Progress(50, actual_start=START)),
            Task(
                "B",
                480,
                progress=Progress(actual_start=START, actual_finish=START + dt.timedelta(hours=9)),
            ),
            Task("C", 480, progress=Progress(remaining_minutes=600)),
            Task("D", 480),
        ),
        start=START,
        status_date=START + dt.timedelta(days=1),
    )
    net = build_network(spec)
    assert list(net.remaining) == [480, 0, 600, -1]
    assert list(net.duration) == [960, 480, 600, 480]
    assert net.astart[0] == 0 and net.afinish[1] == 480 and net.afinish[0] == NONE
    assert net.status_instant == 1440


@pytest.mark.parametrize(
    ("duration", "percent", "remaining", "expected"),
    [
        (960, 50, None, (480, 480)),
        (960, 50, 720, (480, 720)),
        (960, 0, 240, (720, 240)),
        (480, 0, 600, (0, 600)),
        (480, 100, None, (480, 0)),
        (7, 33, None, (2, 5)),
    ],
)
def test_progress_split_follows_ms_project(
    duration: int, percent: float, remaining: int | None, expected: tuple[int, int]
) -> None:
    assert _progress_split(duration, percent, remaining) == expected


def test_network_is_built_from_arrays_in_linear_memory() -> None:
    n = 50_000
    tasks = tuple(Task(f"T{i}", 60) for i in range(n))
    links = tuple(Link(f"T{i}", f"T{i + 1}") for i in range(n - 1))
    net = build_network(ScheduleInput(tasks=tasks, links=links, start=START))
    per_task = (
        sum(
            a.nbytes
            for a in (
                net.duration,
                net.cal,
                net.order,
                net.ctype,
                net.coff,
                net.astart,
                net.afinish,
                net.remaining,
                net.summary,
                net.parent,
                net.milestone,
            )
        )
        / n
    )
    assert per_task < 64
    assert np.array_equal(net.order, np.arange(n))
