"""The edge between stored plans and the scheduling engine.

``load_plan`` reads everything one schedule needs (projects, tasks, links, external
predecessors, calendars and their exceptions) in a fixed number of queries, whatever
the number of tasks; ``to_engine`` turns it into the engine's frozen input;
``apply_result`` writes the computed dates back in one statement on PostgreSQL (a
batched ``bulk_update`` elsewhere).  The engine never sees a QuerySet.

Dates: the engine works on naive local date-times (the project's working clock).
A start-type constraint or actual start on date *d* means *d* 00:00 (the engine moves
it to the first working minute); a finish-type one means the end of *d* (next midnight).
Stored computed dates are aware, in the site's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection
from django.utils import timezone

from altitude.core.errors import InvalidInput
from altitude.delivery.models import Calendar, CalendarException, Dependency, Project, Task
from altitude.delivery.models.calendars import WEEKDAYS, parse_intervals
from altitude.engine import calendars as ec
from altitude.engine import network as en
from altitude.engine.cpm import ScheduleResult, schedule
from altitude.engine.errors import CyclicDependency, ScheduleValidationError

STANDARD = "standard"
_START_TYPES = {"snet": en.ConstraintType.SNET, "snlt": en.ConstraintType.SNLT, "mso": en.ConstraintType.MSO}
_FINISH_TYPES = {"fnet": en.ConstraintType.FNET, "fnlt": en.ConstraintType.FNLT, "mfo": en.ConstraintType.MFO}
_LINK_TYPES = {"FS": en.LinkType.FS, "SS": en.LinkType.SS, "FF": en.LinkType.FF, "SF": en.LinkType.SF}

TASK_COLUMNS = (
    "id", "project_id", "parent_id", "name", "wbs", "duration_minutes", "milestone", "constraint_type",
    "constraint_date", "calendar_id", "percent_complete", "actual_start", "actual_finish", "remaining_minutes",
)


@dataclass
class Plan:
    """Rows of one schedule, as plain tuples (``TASK_COLUMNS`` order for tasks)."""

    projects: dict[int, dict[str, Any]]
    tasks: list[tuple[Any, ...]]
    links: list[tuple[Any, ...]]  # (predecessor_id, successor_id, type, lag_minutes, lag_elapsed)
    external: dict[int, tuple[Any, ...]]  # id -> (start, finish, calendar_id, name, wbs, project code)
    calendars: dict[str, ec.Calendar]
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, engine_id: str) -> str:
        return self.labels.get(engine_id, engine_id)


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def end_of(day: dt.date) -> dt.datetime:
    return midnight(day) + dt.timedelta(days=1)


def naive_local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def engine_calendars(portfolio_ids: Iterable[int]) -> dict[str, ec.Calendar]:
    """Every calendar of the portfolios as engine calendars keyed by ``str(pk)`` (2 queries)."""
    rows = list(Calendar.objects.filter(portfolio_id__in=list(portfolio_ids)).values("id", "name", "week", "base_id"))
    exceptions: dict[int, list[ec.CalendarException]] = {}
    for exc in CalendarException.objects.filter(calendar_id__in=[r["id"] for r in rows]).values_list(
        "calendar_id", "start", "end", "working", "intervals"
    ):
        hours = tuple(parse_intervals(exc[4] or [], "intervals"))
        exceptions.setdefault(exc[0], []).append(ec.CalendarException(exc[1], exc[2], exc[3], hours))
    by_id = {r["id"]: r for r in rows}
    built: dict[int, ec.Calendar] = {}

    def build(pk: int, depth: int = 0) -> ec.Calendar:
        if pk in built:
            return built[pk]
        row = by_id[pk]
        base = build(row["base_id"], depth + 1) if row["base_id"] in by_id and depth < 20 else None
        week = row["week"] or {}
        days = None if not week else tuple(tuple(parse_intervals(week.get(d, []), d)) for d in WEEKDAYS)
        built[pk] = ec.Calendar(name=str(pk), week=days, exceptions=tuple(exceptions.get(pk, ())), base=base)
        return built[pk]

    return {str(pk): build(pk) for pk in by_id}


def load_plan(project_ids: Sequence[int]) -> Plan:
    """Everything the schedule of ``project_ids`` needs, in at most 6 queries."""
    projects: dict[int, dict[str, Any]] = {p["id"]: dict(p) for p in Project.objects.filter(pk__in=project_ids).values(
        "id", "code", "start_date", "status_date", "calendar_id", "portfolio_id")}
    tasks = list(Task.objects.filter(project_id__in=project_ids).order_by("project_id", "outline").values_list(*TASK_COLUMNS))
    # Ordered by ids, not the model's ordering (successor, predecessor -> task -> project): that
    # joins both projects and sorts on their names for nothing.
    links = list(Dependency.objects.filter(successor__project_id__in=project_ids).order_by(
        "successor_id", "predecessor_id").values_list(
        "predecessor_id", "successor_id", "type", "lag_minutes", "lag_elapsed", "predecessor__project_id"))
    own = set(projects)
    ext_ids = {link[0] for link in links if link[5] not in own}
    external: dict[int, tuple[Any, ...]] = {}
    portfolios = {p["portfolio_id"] for p in projects.values()}
    if ext_ids:
        for row in Task.objects.filter(pk__in=ext_ids).values_list(
            "id", "start", "finish", "calendar_id", "name", "wbs", "project__code", "project__calendar_id",
            "project__portfolio_id",
        ):
            external[row[0]] = (row[1], row[2], row[3] or row[7], row[4], row[5], row[6])
            portfolios.add(row[8])
    plan = Plan(projects=projects, tasks=tasks, links=[link[:5] for link in links], external=external,
                calendars=engine_calendars(portfolios))
    several = len(projects) > 1 or bool(external)
    for t in tasks:
        code = projects[t[1]]["code"] + " " if several else ""
        plan.labels[str(t[0])] = f"{code}{t[4]} {t[3]}".strip()
    for pk, e in external.items():
        plan.labels[str(pk)] = f"{e[5]} {e[4]} {e[3]}"
    return plan


def _engine_task_id(pk: int) -> str:
    return str(pk)


def to_engine(plan: Plan, status_date: dt.date | None = None) -> en.ScheduleInput:
    """The engine input of ``plan``: own tasks free, external predecessors fixed at their stored dates."""
    starts = [p["start_date"] for p in plan.projects.values()]
    if not starts or any(s is None for s in starts):
        missing = next((p["code"] for p in plan.projects.values() if p["start_date"] is None), "?")
        raise InvalidInput(f"Project {missing} has no start date: set one before scheduling it.", field="start_date")
    epoch_day = min(starts)
    calendars = dict(plan.calendars)
    calendars.setdefault(STANDARD, ec.Calendar(name=STANDARD))
    project_cal = {pk: str(p["calendar_id"]) if p["calendar_id"] else STANDARD for pk, p in plan.projects.items()}
    parents = {t[2] for t in plan.tasks if t[2] is not None}
    project_of = {t[0]: t[1] for t in plan.tasks}
    # Tasks driven from inside their own project already start after its start date.
    led = {succ for pred, succ, *_ in plan.links if project_of.get(pred) == project_of[succ]}
    has_progress = False
    tasks: list[en.Task] = []
    for (pk, project_id, parent_id, name, _wbs, duration, milestone, ctype, cdate, cal_id, pct,
         a_start, a_finish, remaining) in plan.tasks:
        constraint = en.Constraint()
        if ctype in _START_TYPES and cdate is not None:
            constraint = en.Constraint(_START_TYPES[ctype], midnight(cdate))
        elif ctype in _FINISH_TYPES and cdate is not None:
            constraint = en.Constraint(_FINISH_TYPES[ctype], end_of(cdate))
        elif ctype == "alap":
            constraint = en.Constraint(en.ConstraintType.ALAP)
        else:
            project_start = plan.projects[project_id]["start_date"]
            if project_start > epoch_day and pk not in parents and pk not in led:
                # A project of a program does not start before its own start date.
                constraint = en.Constraint(en.ConstraintType.SNET, midnight(project_start))
        progress = None
        if pct or a_start or a_finish or remaining is not None:
            has_progress = has_progress or bool(pct or a_start or a_finish)
            progress = en.Progress(
                percent_complete=float(pct), actual_start=midnight(a_start) if a_start else None,
                actual_finish=end_of(a_finish) if a_finish else None, remaining_minutes=remaining,
            )
        tasks.append(en.Task(
            id=_engine_task_id(pk), duration_minutes=int(duration), calendar=str(cal_id) if cal_id else project_cal[project_id],
            milestone=milestone, constraint=constraint, parent=_engine_task_id(parent_id) if parent_id else None,
            progress=progress, project=str(project_id), name=name,
        ))
    links = []
    for pred, succ, kind, lag, elapsed in plan.links:
        if pred in plan.external and plan.external[pred][0] is None:
            continue  # an external predecessor never scheduled yet cannot drive anything
        links.append(en.Link(_engine_task_id(pred), _engine_task_id(succ), _LINK_TYPES[kind], int(lag), bool(elapsed)))
    if status_date is None:
        dates = [p["status_date"] for p in plan.projects.values() if p["status_date"]]
        status_date = max(dates) if dates else (timezone.localdate() if has_progress else None)
    for pk, (start, finish, cal_id, _name, _wbs, _code) in plan.external.items():
        if start is None or finish is None:
            continue
        cal_name = str(cal_id) if cal_id else STANDARD
        begin, end = naive_local(start), naive_local(finish)
        working = ec.WorkingTime(calendars[cal_name], midnight(epoch_day)).working_between(begin, end)
        # Fixed where it is: as actual dates when progress is in play (a must-start-on
        # before the status date would fight the status date), else must-start-on.
        fixed = (dict(progress=en.Progress(100.0, begin, end)) if status_date is not None
                 else dict(constraint=en.Constraint(en.ConstraintType.MSO, begin)))
        tasks.append(en.Task(id=_engine_task_id(pk), duration_minutes=max(0, working), calendar=cal_name,
                             name=plan.label(str(pk)), **fixed))
    default = next(iter(project_cal.values())) if len(set(project_cal.values())) == 1 else STANDARD
    return en.ScheduleInput(
        tasks=tuple(tasks), links=tuple(links), start=midnight(epoch_day), calendars=calendars,
        default_calendar=default, status_date=end_of(status_date) if status_date else None,
    )


class CyclicPlan(InvalidInput):
    """A write would close a loop of links (or of parents); names the tasks in the loop."""

    def __init__(self, labels: Sequence[str], field: str) -> None:
        shown = " -> ".join([*labels, labels[0]]) if labels else "?"
        super().__init__(f"This would create a dependency cycle: {shown}.", field=field,
                         errors={field: [f"cycle: {shown}"], "cycle": list(labels)})
        self.cycle = list(labels)


@contextmanager
def engine_errors(plan: Plan, cycle_field: str = "predecessor_id") -> Iterator[None]:
    """Engine errors raised inside become domain errors naming tasks by WBS and name."""
    try:
        yield
    except CyclicDependency as exc:
        raise CyclicPlan([plan.label(t) for t in exc.tasks], cycle_field) from exc
    except ScheduleValidationError as exc:
        where = plan.label(exc.task) if exc.task else "the schedule"
        field_name = (exc.field or "schedule").split(".")[-1]
        raise InvalidInput(f"{where}: {exc}", field=field_name) from exc


def run_engine(plan: Plan, status_date: dt.date | None = None, *, cycle_field: str = "predecessor_id") -> ScheduleResult:
    """Build and schedule ``plan``; engine errors become domain errors (:func:`engine_errors`)."""
    with engine_errors(plan, cycle_field):
        return schedule(en.build_network(to_engine(plan, status_date)))


def check_acyclic(plan: Plan, cycle_field: str) -> None:
    """Raise ``CyclicPlan`` (or a 422 for a link joining a summary and its subtask) if ``plan`` loops.

    Only the structure matters: durations, dates and calendars are left out, so a plan
    that cannot be scheduled yet (no start date) is still checked.
    """
    tasks = [en.Task(id=str(t[0]), parent=str(t[2]) if t[2] else None) for t in plan.tasks]
    tasks += [en.Task(id=str(pk)) for pk in plan.external]
    links = tuple(en.Link(str(a), str(b), _LINK_TYPES[k], int(lag), bool(el)) for a, b, k, lag, el in plan.links)
    try:
        en.build_network(en.ScheduleInput(tasks=tuple(tasks), links=links, start=dt.datetime(2000, 1, 3)))
    except CyclicDependency as exc:
        raise CyclicPlan([plan.label(t) for t in exc.tasks], cycle_field) from exc
    except ScheduleValidationError as exc:
        where = plan.label(exc.task) if exc.task else "the plan"
        raise InvalidInput(f"{where}: {exc}", field=cycle_field) from exc


def _array_literal(values: Iterable[Any]) -> str:
    """A PostgreSQL array literal of ints, booleans, aware date-times or None."""
    def one(v: Any) -> str:
        if v is None:
            return "NULL"
        if isinstance(v, bool):
            return "t" if v else "f"
        if isinstance(v, dt.datetime):
            return f'"{v.isoformat()}"'
        return str(int(v))

    return "{" + ",".join(one(v) for v in values) + "}"


COMPUTED = ("start", "finish", "early_start", "early_finish", "late_start", "late_finish",
            "total_float_minutes", "free_float_minutes", "critical", "driving_predecessor_id", "scheduled_at")


def computed_rows(plan: Plan, result: ScheduleResult, now: dt.datetime) -> list[tuple[Any, ...]]:
    """One tuple per own task: (id, *COMPUTED) with aware date-times."""
    net = result.network
    own = {str(t[0]) for t in plan.tasks}
    idx = np.array([i for i, t in enumerate(net.ids) if t in own], dtype=np.int64)
    epoch = timezone.make_aware(net.epoch) if timezone.is_naive(net.epoch) else net.epoch
    cols = [result.instants(c)[idx].tolist() for c in ("start", "finish", "early_start", "early_finish", "late_start", "late_finish")]
    tf = result.total_float[idx].tolist()
    ff = result.free_float[idx].tolist()
    crit = result.critical[idx].tolist()
    drv = result.driving_predecessor[idx].tolist()
    minute = dt.timedelta(minutes=1)
    ids = net.ids
    rows = []
    for j, i in enumerate(idx.tolist()):
        rows.append((
            int(ids[i]), *(epoch + c[j] * minute for c in cols), int(tf[j]), int(ff[j]), bool(crit[j]),
            int(ids[drv[j]]) if drv[j] >= 0 else None, now,
        ))
    return rows


def apply_result(plan: Plan, result: ScheduleResult, now: dt.datetime) -> int:
    """Write the computed columns of the plan's own tasks in one statement; returns how many."""
    rows = computed_rows(plan, result, now)
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        # Each column travels as one array literal (text): psycopg's client-side quoting
        # of Python lists costs more than the whole engine run at 5,000 tasks.
        types = ["bigint", *["timestamptz"] * 6, "integer", "integer", "boolean", "bigint", "timestamptz"]
        literals = [_array_literal(column) for column in zip(*rows, strict=True)]
        select = ", ".join(f"unnest(%s::{t}[]) AS c{i}" for i, t in enumerate(types))
        assign = ", ".join(f"{name} = v.c{i + 1}" for i, name in enumerate(COMPUTED))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Task._meta.db_table} AS t SET {assign} FROM (SELECT {select}) AS v WHERE t.id = v.c0",
                literals,
            )
        return len(rows)
    # Elsewhere (SQLite): one prepared UPDATE run for every row, still a single call.
    adapt = connection.ops.adapt_datetimefield_value
    assign = ", ".join(f"{name} = %s" for name in COMPUTED)
    values = [(*(adapt(v) for v in row[1:7]), *row[7:11], adapt(row[11]), row[0]) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {Task._meta.db_table} SET {assign} WHERE id = %s", values)
    return len(rows)
