"""My work: a person's tasks across projects (through their assignments) and their weekly timesheet.

"My tasks" are the tasks assigned to a resource linked to the user's account, in projects
the user sees. Progress goes through ``delivery.services.update_progress`` (same rules
as the API); time through ``resources.time_entries``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from altitude.core.notifications import notify
from altitude.core.policy import AnyUser
from altitude.delivery.models import Project, Stage, Task, TaskStatus
from altitude.delivery.services import update_progress, visible_projects
from altitude.resources.models import Assignment, TimeEntry


def fmt_hours(minutes: int) -> str:
    """Minutes as hours the way people write them: 90 -> "1.5", 0 -> "0"."""
    return f"{round(minutes / 60, 2):g}"


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class TaskFilter:
    """Filters of the My work task list, as they appear in the URL."""

    show: str = "open"  # open | done | all
    project: int | None = None
    due_week: dt.date | None = None  # the Monday of the week the task must finish in

    @classmethod
    def from_query(cls, params: Any, today: dt.date) -> TaskFilter:
        show = params.get("show", "open")
        project = params.get("project", "")
        return cls(show=show if show in {"open", "done", "all"} else "open",
                   project=int(project) if str(project).isdigit() else None,
                   due_week=monday_of(today) if params.get("due") == "week" else None)


def my_tasks(user: AnyUser, flt: TaskFilter | None = None) -> QuerySet[Task]:
    """Tasks assigned to the user, ordered by scheduled start (unscheduled last)."""
    if not user.is_authenticated:
        return Task.objects.none()
    flt = flt or TaskFilter()
    mine = Assignment.objects.filter(task=OuterRef("pk"), resource__user_id=user.pk)
    qs = (Task.objects.filter(Exists(mine), project__in=visible_projects(user))
          .select_related("project"))
    if flt.show == "open":
        qs = qs.exclude(status=TaskStatus.DONE)
    elif flt.show == "done":
        qs = qs.filter(status=TaskStatus.DONE)
    if flt.project:
        qs = qs.filter(project_id=flt.project)
    if flt.due_week:
        qs = qs.filter(finish__date__gte=flt.due_week, finish__date__lt=flt.due_week + dt.timedelta(days=7))
    return qs.order_by("start", "project__code", "outline")


def my_task_projects(user: AnyUser) -> QuerySet[Project]:
    """Projects in which the user has assigned tasks (the task list's project filter)."""
    if not user.is_authenticated:
        return Project.objects.none()
    return (visible_projects(user).filter(tasks__assignments__resource__user_id=user.pk)
            .distinct().order_by("code"))


def report_progress(user: AnyUser, task_id: int, version: int | None, percent: int | None, status: str | None,
                    today: dt.date) -> Task:
    """Progress as of today through the delivery service; the project manager hears about a finished task."""
    changes: dict[str, Any] = {}
    if percent is not None:
        changes["percent_complete"] = percent
    if status:
        changes["status"] = status
    before = Task.objects.filter(pk=task_id).values_list("status", flat=True).first()
    task = update_progress(user, task_id, version, changes, status_date=today)
    if task.status == TaskStatus.DONE and before != TaskStatus.DONE:
        project = Project.objects.only("manager_id", "code").get(pk=task.project_id)
        name = getattr(user, "get_full_name", lambda: "")() or getattr(user, "username", "Someone")
        notify([project.manager_id], f"{name} finished '{task.name}' in {project.code}.", f"/projects/{project.pk}/", actor=user)
    return task


@dataclass
class Cell:
    day: dt.date
    minutes: int = 0
    entry_id: int | None = None
    version: int | None = None
    entries: int = 0
    error: str = ""
    typed: str | None = None

    @property
    def hours(self) -> str:
        if self.typed is not None:
            return self.typed
        return fmt_hours(self.minutes) if self.minutes else ""

    @property
    def locked(self) -> bool:
        """Several entries on one day: the grid shows their sum; the list edits them."""
        return self.entries > 1


@dataclass
class Row:
    task: Task
    cells: list[Cell]
    editable: bool = True

    @property
    def total_minutes(self) -> int:
        return sum(c.minutes for c in self.cells)

    @property
    def total_hours(self) -> str:
        return fmt_hours(self.total_minutes)


@dataclass
class Timesheet:
    monday: dt.date
    today: dt.date
    rows: list[Row] = field(default_factory=list)

    @property
    def days(self) -> list[dt.date]:
        return [self.monday + dt.timedelta(days=n) for n in range(7)]

    @property
    def day_totals(self) -> list[tuple[dt.date, str]]:
        return [(d, fmt_hours(sum(r.cells[n].minutes for r in self.rows))) for n, d in enumerate(self.days)]

    @property
    def total_minutes(self) -> int:
        return sum(r.total_minutes for r in self.rows)

    @property
    def total_hours(self) -> str:
        return fmt_hours(self.total_minutes)


def timesheet(user: AnyUser, monday: dt.date, today: dt.date) -> Timesheet:
    """The week's grid: my open tasks plus any task I booked on that week (3 queries)."""
    sheet = Timesheet(monday, today)
    if not user.is_authenticated:
        return sheet
    end = monday + dt.timedelta(days=7)
    entries = list(TimeEntry.objects.filter(user_id=user.pk, date__gte=monday, date__lt=end)
                   .values_list("task_id", "date", "minutes", "pk", "version"))
    booked = {e[0] for e in entries}
    tasks = [t for t in my_tasks(user, TaskFilter(show="all"))
             if (t.status != TaskStatus.DONE or t.pk in booked)]
    tasks += list(Task.objects.filter(pk__in=booked - {t.pk for t in tasks}).select_related("project"))
    leaf_parents = set(Task.objects.filter(parent_id__in=[t.pk for t in tasks]).values_list("parent_id", flat=True))
    by_task: dict[int, Row] = {}
    for t in tasks:
        if t.pk in leaf_parents:
            continue
        row = Row(t, [Cell(d) for d in sheet.days], editable=t.project.stage != Stage.CLOSED)
        by_task[t.pk] = row
        sheet.rows.append(row)
    for task_id, day, minutes, pk, version in entries:
        found = by_task.get(task_id)
        if found is None:
            continue
        cell = found.cells[(day - monday).days]
        cell.minutes += minutes
        cell.entries += 1
        cell.entry_id, cell.version = pk, version
    return sheet
