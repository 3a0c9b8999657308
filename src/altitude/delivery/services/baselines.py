"""Baselines: snapshot the current plan, and measure today's plan against any snapshot.

Slips are in *working days of the task's own calendar* (a task moved from Friday to
the next Tuesday over a Monday holiday slipped one working day, not four calendar
days); duration and work variances are in working minutes, cost in money.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from altitude.core.errors import InvalidInput, NotFound
from altitude.core.policy import Action, AnyUser, Resource, authorize
from altitude.core.services import delete_checked, validate_and_save
from altitude.delivery.adapters import STANDARD, engine_calendars, midnight, naive_local
from altitude.delivery.models import Baseline, BaselineTask, Project, Task
from altitude.delivery.services.structure import get_project, visible_projects
from altitude.engine import calendars as ec

CENT = Decimal("0.01")


def work_and_cost(task_ids: list[int]) -> dict[int, tuple[int, Decimal]]:
    """Planned work (minutes) and cost of each task from its assignments (1 query)."""
    from altitude.resources.models import Assignment

    out: dict[int, tuple[int, Decimal]] = {}
    for task_id, units, work, duration, rate in Assignment.objects.filter(task_id__in=task_ids).values_list(
        "task_id", "units", "work_minutes", "task__duration_minutes", "resource__cost_rate"
    ):
        minutes = work if work is not None else round(duration * units)
        cost = (Decimal(minutes) / 60 * rate).quantize(CENT, ROUND_HALF_UP)
        w, c = out.get(task_id, (0, Decimal("0")))
        out[task_id] = (w + minutes, c + cost)
    return out


def list_baselines(user: AnyUser, project_id: int) -> QuerySet[Baseline]:
    project = get_project(user, project_id)
    authorize(user, Resource.BASELINE, Action.VIEW, project)
    return Baseline.objects.filter(project=project).order_by("-created_at", "-pk")


def get_baseline(user: AnyUser, baseline_id: int) -> Baseline:
    baseline = Baseline.objects.select_related("project").filter(
        pk=baseline_id, project__in=visible_projects(user)).first()
    if baseline is None:
        raise NotFound("No baseline with that id.")
    return baseline


def set_baseline(user: AnyUser, project_id: int, name: str) -> Baseline:
    """Snapshot every task's scheduled dates, duration, work and cost under ``name``."""
    project = get_project(user, project_id)
    authorize(user, Resource.BASELINE, Action.CREATE, project)
    if Baseline.objects.filter(project=project, name=name).exists():
        raise InvalidInput(f"name: the project already has a baseline named '{name}'.", field="name")
    with transaction.atomic():
        baseline = validate_and_save(Baseline(project=project, name=name,
                                              created_by=user if user.is_authenticated else None))  # type: ignore[misc]
        rows = list(Task.objects.filter(project=project).values_list("id", "name", "wbs", "start", "finish", "duration_minutes"))
        money = work_and_cost([r[0] for r in rows])
        BaselineTask.objects.bulk_create([
            BaselineTask(baseline=baseline, task_id=pk, task_name=name_, wbs=wbs, start=start, finish=finish,
                         duration_minutes=duration, work_minutes=money.get(pk, (0, 0))[0],
                         cost=money.get(pk, (0, Decimal("0")))[1])
            for pk, name_, wbs, start, finish, duration in rows
        ], batch_size=1000)
    return baseline


def delete_baseline(user: AnyUser, baseline_id: int) -> None:
    baseline = get_baseline(user, baseline_id)
    authorize(user, Resource.BASELINE, Action.DELETE, baseline.project)
    delete_checked(baseline, "baseline")


def _day_minutes(calendar: ec.Calendar) -> int:
    return next((sum(b - a for a, b in day) for day in calendar.effective_week() if day), 480)


def compare_to_baseline(user: AnyUser, baseline_id: int) -> dict[str, Any]:
    """Per task: start and finish slip in working days, duration/work/cost variance."""
    baseline = get_baseline(user, baseline_id)
    project: Project = baseline.project
    authorize(user, Resource.BASELINE, Action.VIEW, project)
    calendars = engine_calendars([project.portfolio_id])
    calendars.setdefault(STANDARD, ec.Calendar(name=STANDARD))
    project_cal = str(project.calendar_id) if project.calendar_id else STANDARD
    tasks = {r[0]: r for r in Task.objects.filter(project=project).values_list(
        "id", "name", "wbs", "start", "finish", "duration_minutes", "calendar_id")}
    money = work_and_cost(list(tasks))
    epoch = midnight(project.start_date or dt.date(2000, 1, 3))
    clocks: dict[str, ec.WorkingTime] = {}
    out = []
    for row in BaselineTask.objects.filter(baseline=baseline).order_by("pk"):
        current = tasks.get(row.task_id) if row.task_id else None
        item: dict[str, Any] = {
            "task_id": row.task_id, "wbs": current[2] if current else row.wbs, "name": current[1] if current else row.task_name,
            "baseline_start": row.start, "baseline_finish": row.finish,
            "start": current[3] if current else None, "finish": current[4] if current else None,
            "start_slip_days": None, "finish_slip_days": None, "deleted": current is None,
            "duration_variance_minutes": (current[5] - row.duration_minutes) if current else None,
            "work_variance_minutes": None, "cost_variance": None,
        }
        if current:
            work, cost = money.get(current[0], (0, Decimal("0")))
            item["work_variance_minutes"] = work - row.work_minutes
            item["cost_variance"] = cost - row.cost
            cal = str(current[6]) if current[6] else project_cal
            if cal not in clocks:
                clocks[cal] = ec.WorkingTime(calendars[cal], epoch)
            clock, per_day = clocks[cal], Decimal(_day_minutes(calendars[cal]))
            for key, now_value, then_value in (("start_slip_days", current[3], row.start),
                                               ("finish_slip_days", current[4], row.finish)):
                if now_value is not None and then_value is not None:
                    minutes = clock.working_between(naive_local(then_value), naive_local(now_value))
                    item[key] = (Decimal(minutes) / per_day).quantize(CENT, ROUND_HALF_UP)
        out.append(item)
    return {"baseline_id": baseline.pk, "name": baseline.name, "created_at": baseline.created_at, "tasks": out}
