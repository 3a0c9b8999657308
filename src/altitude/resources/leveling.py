"""Resource levelling preview of a live plan: what the engine would delay, why, and by how much.

The plan (tasks, links, constraints, progress, calendars) is read as the scheduler reads it
(:func:`altitude.delivery.adapters.load_plan`), its assignments become demands on the pool,
and the engine's heuristic levels it (:mod:`altitude.engine.leveling`, about a second). Units
are whole percent: a full-time person is 100, a half-time assignment 50, so part-time
capacity and part-time assignments level exactly.

Nothing is written: the project manager sees which over-allocations exist now, which tasks
levelling would delay (the resource and the competing tasks, or the delayed predecessor),
the finish date before and after, and any over-allocation that levelling cannot remove (an
assignment above the resource's capacity, a pinned date, "within float" with no float), and
decides what to change. The same people's work on other projects, as last scheduled, is
taken off their capacity (a shared pool: a person booked full-time elsewhere next week has
nothing left for this plan then); those projects do not move. So are the days off in a
person's own calendar (leave, a holiday the plan's calendar lacks, a half day):
:mod:`altitude.resources.days_off`. Projects still proposed or
already closed are not counted. Limits, stated on the page: the other projects are not
re-levelled (level the program to trade their tasks against each other), and every task is
levelled on one working-minute axis (exact when the plan's calendars share working time).
"""

from __future__ import annotations

import datetime as dt
import time
from bisect import bisect_left
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.utils import timezone

from altitude.delivery.adapters import (
    TASK_COLUMNS,
    engine_calendars,
    engine_errors,
    load_plan,
    naive_local,
    to_engine,
)
from altitude.delivery.models import Project, Stage
from altitude.engine.leveling import (
    DO_NOT_LEVEL,
    CapacityChange,
    LevelingOptions,
    LevelingProblem,
    LevelingResult,
    LoadProfile,
    Mode,
    level,
)
from altitude.engine.leveling import Resource as PoolResource
from altitude.engine.leveling.adapter import ScheduledProblem, TaskResourcing, problem_from_schedule
from altitude.resources.days_off import DayOff, days_off_by_resource
from altitude.resources.leveling_charts import LoadChart, LoadCharts, load_charts
from altitude.resources.models import Assignment, Resource, ResourceKind

TIME_LIMIT_SECONDS = 0.5
"""The heuristic's budget: the page answers within a second, and the heuristic levels a
10,000-task program in about half a second, explanation included (``make bench``)."""
OPTIMISE_WORKERS = 2
"""Cores the background optimisation uses (the exact mode: genetic algorithm beside CP-SAT)."""
HOURS_PER_DAY = 8.0
"""Delays are shown in working days of this many hours (they are computed in minutes)."""


@dataclass(frozen=True)
class DelayedTask:
    task_id: int
    label: str
    start: dt.datetime
    levelled_start: dt.datetime
    constraint_date: dt.date  # start no earlier than this day gives the levelled start, or just after it
    delay_days: float
    resource: str | None
    competing: tuple[str, ...]
    predecessor: str | None
    successor: str | None = None  # a do-not-level task it holds out of ``resource``'s over-allocation


@dataclass(frozen=True)
class Overload:
    resource: str
    start: dt.datetime
    end: dt.datetime
    load_percent: int
    capacity_percent: int
    tasks: tuple[str, ...]
    reasons: tuple[str, ...] = ()  # after levelling: why it stays ("DCX-01 4.4.1 Build: under way")


@dataclass(frozen=True)
class ProjectFinish:
    """One project's finish without and with levelling: what a program or portfolio manager
    weighs (levelling delays the lower-priority projects first)."""

    project_id: int
    code: str
    finish_before: dt.datetime
    finish_after: dt.datetime
    delayed: int

    @property
    def slip_days(self) -> int:
        return (self.finish_after.date() - self.finish_before.date()).days


@dataclass(frozen=True)
class LevelingPreview:
    status: str
    tasks: int
    resources: int
    finish_before: dt.datetime | None
    finish_after: dt.datetime | None
    delayed: tuple[DelayedTask, ...]
    before: tuple[Overload, ...]
    after: tuple[Overload, ...]
    within_float: bool
    seconds: float
    booked_elsewhere: int = 0  # assignments of these resources on other projects, taken off capacity
    other_projects: int = 0
    projects: tuple[ProjectFinish, ...] = ()  # per project levelled, by code
    mode: str = "heuristic"  # or "exact": the background optimisation
    unmet_links: tuple[tuple[str, str], ...] = ()  # (predecessor, successor) labels: a pinned or started task keeps its date
    charts: LoadCharts = field(default_factory=LoadCharts)  # each over-allocated resource's load by day, before and after
    days_off: tuple[tuple[str, int], ...] = ()  # (resource, days) its own calendar takes off within the levelled plan

    @property
    def resource_driven(self) -> int:
        """Tasks a resource delays (applying constrains these; the others follow a predecessor)."""
        return sum(1 for d in self.delayed if d.resource is not None)

    @property
    def finish_slip_days(self) -> int | None:
        """Calendar days the levelled finish lies after the unlevelled one."""
        if self.finish_before is None or self.finish_after is None:
            return None
        return (self.finish_after.date() - self.finish_before.date()).days


LEVELLED_KINDS = (ResourceKind.PERSON, ResourceKind.EQUIPMENT)
"""Resources with a capacity in time (see :func:`_demands`)."""


def _percent(units: object) -> int:
    return round(float(units) * 100)  # type: ignore[arg-type]


def _demands(project_ids: Sequence[int]) -> tuple[dict[str, TaskResourcing], dict[str, Resource]]:
    """Each task's demands in percent units, and the resources they name (2 queries: rows, not
    model instances, for the thousands of assignments of a program).

    Only people and equipment are levelled: they are occupied while a task runs. Material is
    consumed and a cost resource is money, so their units are quantities, not a share of a
    capacity; MS Project does not level them either."""
    demands: dict[str, dict[str, int]] = {}
    priority: dict[str, int] = {}
    for task, resource, units, rank in Assignment.objects.filter(
            task__project_id__in=project_ids, resource__kind__in=LEVELLED_KINDS).values_list(
            "task_id", "resource_id", "units", "task__leveling_priority"):
        per_task = demands.setdefault(str(task), {})
        per_task[str(resource)] = per_task.get(str(resource), 0) + _percent(units)
        priority[str(task)] = rank
    named = {r for units in demands.values() for r in units}
    pool = {str(r.pk): r for r in Resource.objects.filter(pk__in=[int(k) for k in named])}
    return {task: TaskResourcing(units, priority[task]) for task, units in demands.items()}, pool


_PERCENT = TASK_COLUMNS.index("percent_complete")
_ACTUAL_START = TASK_COLUMNS.index("actual_start")


def _started_stay(problem: LevelingProblem, rows: Sequence[tuple[Any, ...]]) -> LevelingProblem:
    """Tasks already under way keep their dates: their remaining work continues from the status
    date, and levelling moves what has not started. (A constraint could not move a started task
    anyway, so what is previewed is what "apply" can write.)"""
    started = {str(row[0]) for row in rows if row[_PERCENT] or row[_ACTUAL_START]}
    if not started:
        return problem
    return replace(problem, activities=tuple(
        replace(a, latest_start=a.earliest_start) if a.id in started else a for a in problem.activities))


_CONSTRAINT = TASK_COLUMNS.index("constraint_type")
_CONSTRAINT_DATE = TASK_COLUMNS.index("constraint_date")
_HOLDING = {"mso": "must start on", "mfo": "must finish on", "snlt": "start no later than",
            "fnlt": "finish no later than"}
_HELD_BY_SUCCESSOR = "a task after it keeps its date"


def _hold_causes(rows: Sequence[tuple[Any, ...]], within_float: bool,
                 not_levelled: Container[str] = ()) -> dict[str, str]:
    """Why each task may have a latest start, in the user's words: what keeps it from moving
    out of an over-allocation. The engine says which tasks are held; this says by what (a
    task with none of these is held by a successor pinned by one of them, or by a
    do-not-level task waiting for it)."""
    causes: dict[str, str] = {}
    for row in rows:
        if row[_PERCENT] or row[_ACTUAL_START]:
            cause = "under way"
        elif str(row[0]) in not_levelled:
            cause = f"levelling priority {DO_NOT_LEVEL}: do not level"
        elif row[_CONSTRAINT] in _HOLDING and row[_CONSTRAINT_DATE]:
            day = row[_CONSTRAINT_DATE]
            cause = f"{_HOLDING[row[_CONSTRAINT]]} {day.date() if isinstance(day, dt.datetime) else day}"
        elif within_float:
            cause = "no free slot within its float (within float)"
        else:
            cause = _HELD_BY_SUCCESSOR
        causes[str(row[0])] = cause
    return causes


COUNTED_STAGES = (Stage.INITIATING, Stage.PLANNING, Stage.EXECUTING, Stage.CLOSING)
"""Stages whose bookings hold people: a proposed project has not been given anyone yet, a
closed one has let them go."""


@dataclass(frozen=True)
class Bookings:
    """Each resource's unfinished work on other projects as working-minute spans of the plan."""

    spans: Mapping[str, Sequence[tuple[int, int, int]]]  # resource -> (start, end, percent)
    assignments: int
    projects: int


def _axis_calendars(problem: LevelingProblem, scheduled: ScheduledProblem) -> dict[str, int]:
    """Each resource's time axis: the calendar of the first task of the plan that needs it (an
    index into the network's calendars)."""
    calendar_of: dict[str, int] = {}
    index = scheduled.network.index()
    for activity in problem.activities:
        for resource in activity.demands:
            calendar_of.setdefault(resource, int(scheduled.network.cal[index[activity.id]]))
    return calendar_of


def _days_off(pool: Mapping[str, Resource], problem: LevelingProblem,
              scheduled: ScheduledProblem) -> dict[str, tuple[DayOff, ...]]:
    """The days off in the own calendars of the pool's people and equipment, on the plan's axis."""
    own = {key: r for key, r in pool.items() if r.calendar_id}
    if not own:
        return {}
    calendars = engine_calendars({r.portfolio_id for r in own.values()})
    axis = {key: scheduled.network.calendars[k] for key, k in _axis_calendars(problem, scheduled).items()}
    return days_off_by_resource({key: calendars[str(r.calendar_id)] for key, r in own.items()
                                 if str(r.calendar_id) in calendars}, axis)


def _bookings_elsewhere(project_ids: Sequence[int], problem: LevelingProblem,
                        scheduled: ScheduledProblem) -> Bookings:
    """The pool's work on every other live project, on the plan's time axis (one query).

    Dates are the other tasks' scheduled ones; each resource's are read on the calendar of
    the first task of this plan that needs it, like the plan's own tasks.
    """
    calendar_of = _axis_calendars(problem, scheduled)
    if not calendar_of:
        return Bookings({}, 0, 0)
    rows = (Assignment.objects
            .filter(resource_id__in=[int(r) for r in calendar_of], task__start__isnull=False,
                    task__finish__isnull=False, task__actual_finish__isnull=True, task__percent_complete__lt=100,
                    task__project__stage__in=COUNTED_STAGES)
            .exclude(task__project_id__in=project_ids)
            .values_list("resource_id", "task__start", "task__finish", "units", "task__project_id"))
    spans: dict[str, list[tuple[int, int, int]]] = {}
    count, projects = 0, set()
    for resource_id, start, finish, units, project_id in rows:
        if start is None or finish is None:
            continue  # filtered out above; for the type checker
        key = str(resource_id)
        calendar = scheduled.network.calendars[calendar_of[key]]
        begin = max(calendar.offset_of(naive_local(start)), 0)
        end = calendar.offset_of(naive_local(finish))
        if end <= begin or _percent(units) <= 0:
            continue  # over before this plan begins, or no work
        spans.setdefault(key, []).append((begin, end, _percent(units)))
        count += 1
        projects.add(project_id)
    return Bookings(spans, count, len(projects))


def _net_capacity(resource: PoolResource, spans: Sequence[tuple[int, int, int]]) -> PoolResource:
    """``resource`` with its work elsewhere taken off: capacity steps where the bookings change
    (never below zero; what this plan then needs beyond it is an over-allocation)."""
    if not spans:
        return resource
    delta: dict[int, int] = {}
    for begin, end, units in spans:
        delta[begin] = delta.get(begin, 0) + units
        delta[end] = delta.get(end, 0) - units
    booked, capacity = 0, resource.capacity
    changes: list[CapacityChange] = []
    for at in sorted(delta):
        booked += delta[at]
        free = max(resource.capacity - booked, 0)
        if at == 0:
            capacity = free
        elif free != (changes[-1].capacity if changes else capacity):
            changes.append(CapacityChange(at, free))
    return replace(resource, capacity=capacity, changes=tuple(changes))


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def preview(project_ids: Sequence[int], *, within_float: bool = False,
            optimise_seconds: float | None = None) -> LevelingPreview:
    """Level the plan of ``project_ids`` in memory (callers check permissions first).

    ``optimise_seconds``: the exact mode for that long instead of the half-second heuristic
    (for a background worker, not a request)."""
    clock = time.perf_counter()
    plan = load_plan(project_ids)
    resourcing, pool = _demands(project_ids)
    resources = [PoolResource(key, max(_percent(r.max_units), 0)) for key, r in sorted(pool.items())]
    priorities = {str(pk): 6 - p for pk, p in Project.objects.filter(pk__in=project_ids).values_list("pk", "priority")}
    with engine_errors(plan):  # the scheduler's own translation of engine errors
        scheduled = problem_from_schedule(to_engine(plan), resources, resourcing,
                                          project_priorities=priorities, within_float=within_float)
    problem = _started_stay(scheduled.problem, plan.tasks)
    bookings = _bookings_elsewhere(project_ids, problem, scheduled)
    away = _days_off(pool, problem, scheduled)
    problem = replace(problem, resources=tuple(
        _net_capacity(r, [*bookings.spans.get(r.id, ()),
                          *((d.begin, d.end, round(r.capacity * d.share)) for d in away.get(r.id, ()))])
        for r in problem.resources))
    options = (LevelingOptions(mode=Mode.HEURISTIC, time_limit_seconds=TIME_LIMIT_SECONDS)
               if optimise_seconds is None else
               LevelingOptions(mode=Mode.EXACT, time_limit_seconds=optimise_seconds, workers=OPTIMISE_WORKERS))
    result = level(problem, options)
    not_levelled = {key for key, r in resourcing.items() if r.priority >= DO_NOT_LEVEL}
    found = _preview(plan.label, pool, scheduled, result, within_float, time.perf_counter() - clock, problem.resources,
                     _hold_causes(plan.tasks, within_float, not_levelled))
    counted = tuple((pool[key].name, n) for key, n in sorted(
        (key, sum(1 for d in days if d.begin < result.makespan)) for key, days in away.items()) if n)
    return replace(found, booked_elsewhere=bookings.assignments, other_projects=bookings.projects, days_off=counted,
                   projects=_project_finishes(plan.projects, scheduled, result), mode=options.mode.value)


def _project_finishes(projects: Mapping[int, Mapping[str, Any]], scheduled: ScheduledProblem,
                      result: LevelingResult) -> tuple[ProjectFinish, ...]:
    """Each project's latest finish before and after levelling, and how many of its tasks move."""
    project_of = {a.id: a.project for a in scheduled.problem.activities if a.project}
    own = [t for t in result.tasks if t.id in project_of]
    if not own:
        return ()
    ids = [t.id for t in own]
    before = scheduled.dates(ids, [t.early_start + t.finish - t.start for t in own], finish=True)
    after = scheduled.dates(ids, [t.finish for t in own], finish=True)
    rows: dict[str, list[Any]] = {}  # project -> [finish before, finish after, delayed]
    for task, first, last in zip(own, before, after, strict=True):
        row = rows.setdefault(project_of[task.id], [first, last, 0])
        row[0], row[1] = max(row[0], first), max(row[1], last)
        row[2] += task.delay > 0
    return tuple(sorted(
        (ProjectFinish(int(pk), str(projects[int(pk)]["code"]), _local(b), _local(a), n)
         for pk, (b, a, n) in rows.items() if int(pk) in projects),
        key=lambda f: f.code))


def _whole_day(scheduled: ScheduledProblem, row: int, offset: int, start: dt.datetime) -> dt.date:
    """The day a start-no-earlier-than constraint needs so the task starts no earlier than ``start``.

    Constraints are dates: the scheduler starts the task at the first working minute of the day.
    When levelling starts it later that day (after a fractional task), the next day is needed,
    or applying would start it early and over-book again for part of a day.
    """
    calendar = scheduled.network.calendars[int(scheduled.network.cal[row])]
    day = start.date()
    if calendar.offset_of(dt.datetime(day.year, day.month, day.day)) < offset:
        return day + dt.timedelta(days=1)
    return day


def _preview(name: Callable[[str], str], pool: Mapping[str, Resource], scheduled: ScheduledProblem,
             result: LevelingResult, within_float: bool, seconds: float,
             resources: Sequence[PoolResource], causes: Mapping[str, str]) -> LevelingPreview:
    """Engine offsets back to dates and ids back to names (``name``: engine id -> "WBS name");
    ``causes``: what holds each task that has a latest start (see :func:`_hold_causes`)."""
    own_ids = {a.id for a in scheduled.problem.activities if a.project}  # external tasks have none
    own = [t for t in result.tasks if t.id in own_ids]
    ids = [t.id for t in own]
    early = scheduled.dates(ids, [t.early_start for t in own], finish=False)
    levelled = scheduled.dates(ids, [t.start for t in own], finish=False)
    length = {t.id: t.finish - t.start for t in own}
    finishes_before = scheduled.dates(ids, [t.early_start + length[t.id] for t in own], finish=True)
    finishes_after = scheduled.dates(ids, [t.finish for t in own], finish=True)
    why = {d.task: d for d in result.delays}
    index = scheduled.network.index()
    delayed = []
    for k, task in enumerate(own):
        if task.delay <= 0:
            continue
        reason = why.get(task.id)
        delayed.append(DelayedTask(
            task_id=int(task.id), label=name(task.id), start=_local(early[k]), levelled_start=_local(levelled[k]),
            constraint_date=_whole_day(scheduled, index[task.id], task.start, levelled[k]),
            delay_days=round(task.delay / 60 / HOURS_PER_DAY, 1),
            resource=pool[reason.resource].name if reason and reason.resource and reason.resource in pool else None,
            competing=tuple(name(t) for t in reason.competing_tasks) if reason else (),
            predecessor=name(reason.predecessor) if reason and reason.predecessor else None,
            successor=name(reason.successor) if reason and reason.successor else None,
        ))
    delayed.sort(key=lambda d: (d.levelled_start, d.label))
    users: dict[str, list[str]] = {}  # resource -> the tasks demanding it
    demand: dict[tuple[str, str], int] = {}  # (task, resource) -> units
    for a in scheduled.problem.activities:
        for resource, units in a.demands.items():
            if units:
                users.setdefault(resource, []).append(a.id)
                demand[a.id, resource] = units
    held = {(o.resource, t) for o in result.overallocations for t in o.held}

    def reasons(resource: str, holders: Sequence[str], capacity: int) -> tuple[str, ...]:
        """Why an over-allocation after levelling stays: a task too big for the resource on its
        own, or one the engine found no free start for before its latest start."""
        full = _percent(pool[resource].max_units)
        out = [f"{name(t)} needs {demand[t, resource]} % alone" if demand[t, resource] > full else
               f"{name(t)} needs {demand[t, resource]} % where {pool[resource].name} has {capacity} % "
               "(days off or work elsewhere)"
               for t in holders if demand.get((t, resource), 0) > capacity]
        out += [f"{name(t)}: {causes.get(t, _HELD_BY_SUCCESSOR)}" for t in holders if (resource, t) in held]
        return tuple(out)
    network = scheduled.network

    def at(task: str, offset: int, finish: bool) -> dt.datetime:
        """An offset on ``task``'s calendar as a local date-time."""
        calendar = network.calendars[int(network.cal[index[task]])]
        return _local(calendar.finish_at(offset) if finish else calendar.start_at(offset))

    def overloads(profiles: Sequence[LoadProfile], windows: Mapping[str, tuple[int, int]],
                  explained: bool = False) -> tuple[Overload, ...]:
        """Maximal runs over capacity (adjacent segments merged, the peak kept) with the tasks in
        them; ``explained``: with the reasons they stay."""
        found = []
        for profile in profiles:
            runs: list[list[int]] = []  # [start, end, peak load, capacity, lowest capacity]
            for seg in profile.segments:
                if seg.load <= seg.capacity:
                    continue
                if runs and runs[-1][1] == seg.start:
                    runs[-1][1] = seg.end
                    runs[-1][2] = max(runs[-1][2], seg.load)
                    runs[-1][4] = min(runs[-1][4], seg.capacity)
                else:
                    runs.append([seg.start, seg.end, seg.load, seg.capacity, seg.capacity])
            if not runs:
                continue
            # The resource's tasks by start; each run takes those overlapping it.
            spans = sorted((windows[t][0], windows[t][1], t) for t in users.get(profile.resource, ()) if t in windows)
            starts = [span[0] for span in spans]
            for begin, end, peak, capacity, lowest in runs:
                holders = sorted(t for s, f, t in spans[:bisect_left(starts, end)] if f > begin)
                if holders:
                    found.append(Overload(pool[profile.resource].name, at(holders[0], begin, False),
                                          at(holders[0], end, True), peak, capacity, tuple(name(t) for t in holders),
                                          reasons(profile.resource, holders, lowest) if explained else ()))
        return tuple(sorted(found, key=lambda o: (o.start, o.resource)))

    over = sorted({p.resource for p in (*result.load_before, *result.load_after)
                   if p.resource in pool and any(seg.load > seg.capacity for seg in p.segments)})
    days = [d.date() for d in (*early, *levelled, *finishes_before, *finishes_after)]
    charts = load_charts(
        result, resources, lambda r: network.calendars[int(network.cal[index[users[r][0]]])],
        {r: pool[r].name for r in over}, min(days, default=dt.date.min), max(days, default=dt.date.min),
        [r for r in over if users.get(r)])
    return LevelingPreview(
        status=result.status.value, tasks=len(own), resources=len(pool),
        finish_before=_local(max(finishes_before)) if finishes_before else None,
        finish_after=_local(max(finishes_after)) if finishes_after else None,
        delayed=tuple(delayed),
        before=overloads(result.load_before, {t.id: (t.early_start, t.early_start + length[t.id]) for t in own}),
        after=overloads(result.load_after, {t.id: (t.start, t.finish) for t in own}, explained=True),
        within_float=within_float, seconds=seconds,
        unmet_links=tuple((name(a), name(b)) for a, b in result.unmet_links),
        charts=charts,
    )


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _at(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def to_json(found: LevelingPreview) -> dict[str, Any]:
    """A preview as JSON (dates as ISO strings), to keep a background run's result."""
    def plain(value: Any) -> Any:
        if isinstance(value, (dt.datetime, dt.date)):
            return value.isoformat()
        if isinstance(value, tuple | list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value
    return {k: plain(v) for k, v in asdict(found).items()}


def from_json(data: Mapping[str, Any]) -> LevelingPreview:
    """The preview :func:`to_json` kept (raises ``KeyError``/``ValueError`` on another shape)."""
    def overloads(rows: Sequence[Mapping[str, Any]]) -> tuple[Overload, ...]:
        return tuple(Overload(r["resource"], _at(r["start"]), _at(r["end"]), r["load_percent"],
                              r["capacity_percent"], tuple(r["tasks"]), tuple(r.get("reasons", ())))
                     for r in rows)  # no reasons in runs kept before them
    return LevelingPreview(
        status=data["status"], tasks=data["tasks"], resources=data["resources"],
        finish_before=_when(data["finish_before"]), finish_after=_when(data["finish_after"]),
        delayed=tuple(DelayedTask(
            task_id=d["task_id"], label=d["label"], start=_at(d["start"]), levelled_start=_at(d["levelled_start"]),
            constraint_date=dt.date.fromisoformat(d["constraint_date"]), delay_days=d["delay_days"],
            resource=d["resource"], competing=tuple(d["competing"]), predecessor=d["predecessor"],
            successor=d.get("successor"),  # runs kept before it have none
        ) for d in data["delayed"]),
        before=overloads(data["before"]), after=overloads(data["after"]), within_float=data["within_float"],
        seconds=data["seconds"], booked_elsewhere=data["booked_elsewhere"], other_projects=data["other_projects"],
        projects=tuple(ProjectFinish(f["project_id"], f["code"], _at(f["finish_before"]), _at(f["finish_after"]),
                                     f["delayed"]) for f in data["projects"]),
        mode=data["mode"],
        unmet_links=tuple((a, b) for a, b in data.get("unmet_links", ())),  # absent from runs kept before it
        charts=_charts(data.get("charts")),
        days_off=tuple((name, days) for name, days in data.get("days_off", ())),  # absent from runs kept before it
    )


def _charts(data: Mapping[str, Any] | None) -> LoadCharts:
    if not data:
        return LoadCharts()
    return LoadCharts(
        tuple(dt.date.fromisoformat(d) for d in data["periods"]), data["days_per_period"],
        tuple(LoadChart(c["resource"], tuple(c["before"]), tuple(c["after"]), tuple(c["capacity"]))
              for c in data["charts"]),
        data["over_allocated"])
