"""Reschedule a project or a whole program with the engine, and read the schedule back.

A project's reschedule treats predecessors in other projects as fixed at their stored
dates and writes only its own tasks; a program's reschedule computes all its projects
together (links among them are live, links from outside stay fixed), so a slip in one
project moves the others and the program's critical path runs across them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from altitude.core.policy import Action, AnyUser, Resource, authorize, authorize_visible
from altitude.delivery.adapters import apply_result, load_plan, run_engine
from altitude.delivery.models import Dependency, Program, Project, RunStatus, ScheduleRun, Task
from altitude.delivery.services.structure import get_program, get_project


class QueryCounter:
    """Counts the database queries of a block (works without DEBUG)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def _reschedule(user: AnyUser, project_ids: Sequence[int], *, project: Project | None = None,
                program: Program | None = None, status_date: dt.date | None = None) -> ScheduleRun:
    started = timezone.now()
    clock = time.perf_counter()
    counter = QueryCounter()
    with connection.execute_wrapper(counter), transaction.atomic():
        plan = load_plan(project_ids)
        result = run_engine(plan, status_date)
        written = apply_result(plan, result, started)
        finish = result.project_finish_date
        run = ScheduleRun(
            project=project, program=program, user=user if user.is_authenticated else None,  # type: ignore[misc]
            started_at=started, task_count=written,
            status=RunStatus.OK if result.status == "ok" else RunStatus.NEGATIVE_FLOAT,
            finish=timezone.make_aware(finish) if timezone.is_naive(finish) else finish,
            message=f"{written} tasks scheduled." + (
                " Some constraints or the deadline cannot be met (negative float)." if result.status != "ok" else ""),
        )
        run.duration_ms = int((time.perf_counter() - clock) * 1000)
        run.query_count = counter.count + 1
        run.save()
    return run


def reschedule_project(user: AnyUser, project_id: int, status_date: dt.date | None = None) -> ScheduleRun:
    project = get_project(user, project_id)
    authorize(user, Resource.SCHEDULE, Action.RESCHEDULE, project, label="project schedule")
    return _reschedule(user, [project.pk], project=project, status_date=status_date)


def program_project_ids(program: Program) -> list[int]:
    return list(Project.objects.filter(program=program).order_by("code").values_list("pk", flat=True))


def reschedule_program(user: AnyUser, program_id: int, status_date: dt.date | None = None) -> ScheduleRun:
    program = get_program(user, program_id)
    authorize_visible(user, Resource.SCHEDULE, Action.RESCHEDULE, program, label="program schedule")
    return _reschedule(user, program_project_ids(program), program=program, status_date=status_date)


class _Iso:
    """ISO strings in the site's time zone, memoised.

    The schedule query reads its date-times as text (the database's UTC rendering):
    parsing thousands of aware date-times costs more than the rest of the request,
    and a schedule repeats few distinct instants (work starts and ends at the same
    hours), so only hundreds are converted.
    """

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone()
        self.seen: dict[object, str] = {}

    def __call__(self, value: dt.datetime | str | None) -> str | None:
        if value is None:
            return None
        text = self.seen.get(value)
        if text is None:
            instant = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
            if instant.tzinfo is None:
                instant = instant.replace(tzinfo=dt.UTC)
            text = self.seen[value] = instant.astimezone(self.zone).isoformat(timespec="minutes")
        return text


SCHEDULE_COLUMNS = (
    "id", "project_id", "parent_id", "wbs", "name", "start", "finish", "late_start", "late_finish",
    "duration_minutes", "milestone", "percent_complete", "total_float_minutes", "free_float_minutes",
    "critical", "driving_predecessor_id", "version",
)


def schedule_payload(project_ids: Sequence[int]) -> dict[str, Any]:
    """Tasks, links, critical path and finish of the projects in one compact payload (4 queries)."""
    _iso = _Iso()
    as_text = {f"{c}_text": Cast(c, CharField()) for c in ("start", "finish", "late_start", "late_finish")}
    columns = [f"{c}_text" if f"{c}_text" in as_text else c for c in SCHEDULE_COLUMNS]
    rows = list(Task.objects.filter(project_id__in=project_ids).annotate(**as_text)
                .order_by("project__code", "outline").values_list(*columns))
    parents = {r[2] for r in rows if r[2] is not None}
    tasks = []
    critical_path: list[tuple[str, int]] = []
    finish: str | None = None
    scheduled = True
    for (pk, project_id, parent_id, wbs, name, start, fin, ls, lf, duration, milestone, pct, tf, ff, crit,
         drv, version) in rows:
        summary = pk in parents
        tasks.append({
            "id": pk, "project_id": project_id, "parent_id": parent_id, "wbs": wbs, "name": name,
            "start": _iso(start), "finish": _iso(fin), "late_start": _iso(ls), "late_finish": _iso(lf),
            "duration_minutes": duration, "milestone": milestone, "summary": summary, "percent_complete": pct,
            "total_float_minutes": tf, "free_float_minutes": ff, "critical": crit,
            "driving_predecessor_id": drv, "version": version,
        })
        scheduled = scheduled and start is not None
        if crit and not summary and start is not None:
            critical_path.append((str(start), pk))  # UTC text: sorts chronologically
        if fin is not None and (finish is None or str(fin) > finish):
            finish = str(fin)
    own = {r[0] for r in rows}
    links: list[dict[str, Any]] = [
        {"id": pk, "predecessor_id": a, "successor_id": b, "type": kind, "lag_minutes": lag, "lag_elapsed": el, "version": v}
        for pk, a, b, kind, lag, el, v in Dependency.objects.filter(
            Q(successor__project_id__in=project_ids) | Q(predecessor__project_id__in=project_ids)
        ).order_by("pk").values_list("id", "predecessor_id", "successor_id", "type", "lag_minutes", "lag_elapsed", "version")
    ]
    outside: set[int] = {link[k] for link in links for k in ("predecessor_id", "successor_id")} - own
    external = [
        {"id": pk, "project_id": p, "project_code": code, "wbs": wbs, "name": name, "start": _iso(s), "finish": _iso(f)}
        for pk, p, code, wbs, name, s, f in Task.objects.filter(pk__in=outside).values_list(
            "id", "project_id", "project__code", "wbs", "name", "start", "finish")
    ] if outside else []
    return {
        "tasks": tasks, "links": links, "external_tasks": external,
        "critical_path": [pk for _, pk in sorted(critical_path)],
        "finish": _iso(finish), "scheduled": scheduled and bool(rows),
    }


def project_schedule(user: AnyUser, project_id: int) -> dict[str, Any]:
    project = get_project(user, project_id)
    authorize(user, Resource.SCHEDULE, Action.VIEW, project, label="project schedule")
    last = project.schedule_runs.values_list("started_at", flat=True).first()
    return {"project_id": project.pk, "program_id": None, "status_date": project.status_date,
            "scheduled_at": last, **schedule_payload([project.pk])}


def program_schedule(user: AnyUser, program_id: int) -> dict[str, Any]:
    program = get_program(user, program_id)
    authorize_visible(user, Resource.SCHEDULE, Action.VIEW, program, label="program schedule")
    last = program.schedule_runs.values_list("started_at", flat=True).first()
    return {"project_id": None, "program_id": program.pk, "status_date": None,
            "scheduled_at": last, **schedule_payload(program_project_ids(program))}
