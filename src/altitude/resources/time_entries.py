"""Time entries (actuals): who worked how long on which task, and what it cost.

Rules (docs/workspaces/my-work.md):
- a member books time on tasks they are assigned to (an ``Assignment`` to a ``Resource``
  linked to their account); project managers (and PMO/admins) book or correct time for
  anyone on their projects, and the person is notified;
- an entry is 1 minute to 24 hours, and one person's entries of one day add up to 24
  hours at most; no entry after today; none on summary tasks or on closed projects;
- the entry is priced at its resource's ``cost_rate`` (per hour): actual cost =
  minutes / 60 x rate, summed per project for "budget vs actual".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, QuerySet, Sum
from django.utils import timezone

from altitude.core.errors import InvalidInput, NotFound, PermissionDenied
from altitude.core.models import Role
from altitude.core.notifications import notify
from altitude.core.policy import Action, AnyUser, authorize, is_global_staff, role_on
from altitude.core.policy import Resource as Res
from altitude.core.services import (
    check_version,
    delete_checked,
    update_versioned,
    validate_and_save,
)
from altitude.delivery.models import Stage, Task
from altitude.delivery.services import visible_projects
from altitude.resources.models import MINUTES_PER_DAY, Assignment, Resource, TimeEntry

ENTRY_FIELDS = frozenset({"date", "minutes", "note"})


def today() -> dt.date:
    """The local date that bounds entries ("not in the future"); services take it as a parameter."""
    return timezone.localdate()


def visible_entries(user: AnyUser) -> QuerySet[TimeEntry]:
    """Entries in projects the user sees (viewers of a project see its actuals)."""
    return TimeEntry.objects.filter(task__project__in=visible_projects(user))


def my_entries(user: AnyUser, start: dt.date | None = None, end: dt.date | None = None,
               task_id: int | None = None, project_id: int | None = None) -> QuerySet[TimeEntry]:
    """The user's own entries, newest first, optionally between ``start`` and ``end`` (inclusive)."""
    if not user.is_authenticated:
        return TimeEntry.objects.none()
    qs = TimeEntry.objects.filter(user_id=user.pk).select_related("task", "task__project")
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    if task_id:
        qs = qs.filter(task_id=task_id)
    if project_id:
        qs = qs.filter(task__project_id=project_id)
    return qs.order_by("-date", "task__project__code", "task__outline", "-id")


def get_time_entry(user: AnyUser, entry_id: int) -> TimeEntry:
    entry = visible_entries(user).select_related("task", "task__project", "user").filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("No time entry with that id.")
    return entry


def _is_assigned(user_id: int | None, task: Task) -> bool:
    return user_id is not None and Assignment.objects.filter(task=task, resource__user_id=user_id).exists()


def _manages(user: AnyUser, task: Task) -> bool:
    return is_global_staff(user) or role_on(user, task.project) == Role.MANAGER


def _authorize(user: AnyUser, action: Action, task: Task, owner_id: int | None) -> None:
    """Policy row TIME_ENTRY (scope: the task's project) plus: an entry is one's own unless one manages."""
    authorize(user, Res.TIME_ENTRY, action, task.project, assigned=_is_assigned(user.pk, task))
    if owner_id != user.pk and not _manages(user, task):
        raise PermissionDenied("Only the project's managers may book or change someone else's time.")


def _task(user: AnyUser, task_id: Any) -> Task:
    task = Task.objects.select_related("project").filter(
        pk=int(task_id or 0), project__in=visible_projects(user)).first()
    if task is None:
        raise InvalidInput(f"task_id: no task with id {task_id}.", field="task_id")
    return task


def _check(task: Task, owner_id: int, day: dt.date, minutes: int, on: dt.date, exclude: int | None = None) -> None:
    if task.project.stage == Stage.CLOSED:
        raise InvalidInput(f"task_id: project {task.project.code} is closed; time can no longer be booked on it.", field="task_id")
    if Task.objects.filter(parent_id=task.pk).exists():
        raise InvalidInput(f"task_id: '{task.name}' is a summary task; book time on one of its tasks.", field="task_id")
    if day > on:
        raise InvalidInput(f"date: {day} is in the future; book time up to today ({on}).", field="date")
    if not 1 <= minutes <= MINUTES_PER_DAY:
        raise InvalidInput("minutes: enter between 1 minute and 24 hours.", field="minutes")
    others = TimeEntry.objects.filter(user_id=owner_id, date=day).exclude(pk=exclude or 0)
    booked = others.aggregate(total=Sum("minutes"))["total"] or 0
    if booked + minutes > MINUTES_PER_DAY:
        raise InvalidInput(
            f"minutes: that makes {(booked + minutes) / 60:g} h on {day}; a day has at most 24 h "
            f"({booked / 60:g} h already booked).", field="minutes")


def _resource_for(user_id: int, task: Task) -> Resource | None:
    """The user's resource assigned to the task, else their resource in the task's portfolio."""
    assigned = Resource.objects.filter(user_id=user_id, assignments__task=task).first()
    return assigned or Resource.objects.filter(user_id=user_id, portfolio_id=task.project.portfolio_id).order_by("pk").first()


def _tell_owner(user: AnyUser, entry: TimeEntry, what: str) -> None:
    if entry.user_id != user.pk:
        name = getattr(user, "get_full_name", lambda: "")() or getattr(user, "username", "A manager")
        notify([entry.user_id], f"{name} {what} your time on '{entry.task.name}' ({entry.date}, {entry.minutes / 60:g} h).",
               "/my-work/")


def create_time_entry(user: AnyUser, fields: Mapping[str, Any], on: dt.date | None = None) -> TimeEntry:
    """Book time; ``user_id`` (someone else) only for the project's managers."""
    on = on or today()
    task = _task(user, fields.get("task_id"))
    owner_id = int(fields.get("user_id") or user.pk or 0)
    _authorize(user, Action.CREATE, task, owner_id)
    day, minutes = fields.get("date") or on, int(fields.get("minutes") or 0)
    with transaction.atomic():
        _check(task, owner_id, day, minutes, on)
        entry = validate_and_save(TimeEntry(user_id=owner_id, task=task, resource=_resource_for(owner_id, task),
                                            date=day, minutes=minutes, note=fields.get("note") or ""))
    _tell_owner(user, entry, "booked")
    return entry


def update_time_entry(user: AnyUser, entry_id: int, version: int | None, changes: Mapping[str, Any],
                      on: dt.date | None = None) -> TimeEntry:
    on = on or today()
    entry = get_time_entry(user, entry_id)
    _authorize(user, Action.CHANGE, entry.task, entry.user_id)
    values = {k: v for k, v in changes.items() if k in ENTRY_FIELDS and v is not None}
    with transaction.atomic():
        _check(entry.task, entry.user_id, values.get("date", entry.date), int(values.get("minutes", entry.minutes)),
               on, exclude=entry.pk)
        updated = update_versioned(entry, version, values, "time entry")
    updated.task = entry.task
    _tell_owner(user, updated, "changed")
    return updated


def delete_time_entry(user: AnyUser, entry_id: int) -> None:
    entry = get_time_entry(user, entry_id)
    _authorize(user, Action.DELETE, entry.task, entry.user_id)
    if entry.task.project.stage == Stage.CLOSED:
        raise InvalidInput(f"task_id: project {entry.task.project.code} is closed; its actuals are final.", field="task_id")
    delete_checked(entry, "time entry")
    _tell_owner(user, entry, "deleted")


def set_day_total(user: AnyUser, task_id: int, day: dt.date, minutes: int, version: int | None,
                  on: dt.date | None = None) -> TimeEntry | None:
    """One timesheet cell: the user's time on ``task`` on ``day`` becomes ``minutes`` (0 deletes it).

    A cell edits one entry; when the person booked several entries on that task that day
    the cell is read-only in the grid (the entry list edits them one by one).
    """
    if not user.is_authenticated or user.pk is None:
        raise PermissionDenied("Sign in to book time.")
    existing = list(TimeEntry.objects.filter(user_id=user.pk, task_id=task_id, date=day).order_by("pk")[:2])
    if len(existing) > 1:
        raise InvalidInput("minutes: there are several entries for this task and day; change them in the list.",
                           field="minutes")
    if not existing:
        if minutes == 0:
            return None
        return create_time_entry(user, {"task_id": task_id, "date": day, "minutes": minutes}, on)
    if minutes == 0:
        check_version(existing[0].version, version, "time entry")
        delete_time_entry(user, existing[0].pk)
        return None
    return update_time_entry(user, existing[0].pk, version, {"minutes": minutes}, on)


def parse_hours(raw: str) -> int:
    """``"2"``, ``"1.5"``, ``"1,5"``, ``"1:30"``, ``"90m"`` -> minutes; empty is 0; else ``InvalidInput``."""
    text = raw.strip().lower().replace(",", ".")
    if not text:
        return 0
    try:
        if text.endswith("m"):
            value = Decimal(text[:-1].strip()) / 60
        elif ":" in text:
            hours, mins = text.split(":", 1)
            if not 0 <= int(mins) < 60:
                raise ValueError
            value = Decimal(int(hours or 0)) + Decimal(int(mins)) / 60
        else:
            value = Decimal(text.rstrip("h").strip())
    except (ArithmeticError, ValueError) as exc:
        raise InvalidInput(f"minutes: '{raw}' is not a number of hours (e.g. 2, 1.5 or 1:30).", field="minutes") from exc
    if value < 0:
        raise InvalidInput("minutes: hours cannot be negative.", field="minutes")
    return int((value * 60).to_integral_value())


COST = ExpressionWrapper(F("minutes") * F("resource__cost_rate") / 60, output_field=DecimalField(max_digits=16, decimal_places=2))


def actual_cost_by_project(project_ids: Iterable[int]) -> dict[int, Decimal]:
    """Actual cost (time booked x the resource's hourly rate) per project; one query."""
    rows = (TimeEntry.objects.filter(task__project_id__in=list(project_ids)).values("task__project_id")
            .annotate(cost=Sum(COST), minutes=Sum("minutes")))
    return {r["task__project_id"]: Decimal(r["cost"] or 0).quantize(Decimal("0.01")) for r in rows}


def booked_minutes_by_project(project_ids: Iterable[int]) -> dict[int, int]:
    rows = TimeEntry.objects.filter(task__project_id__in=list(project_ids)).values("task__project_id").annotate(m=Sum("minutes"))
    return {r["task__project_id"]: int(r["m"] or 0) for r in rows}
