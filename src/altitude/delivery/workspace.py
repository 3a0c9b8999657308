"""The project workspace's read side: what each tab shows, in a few queries each.

Overview facts, the Gantt's page data (the schedule payload plus row IDs, constraints
and the latest baseline), the task list rows with their predecessors column, the board
columns and each resource's weekly load. Every function authorizes first (the same
policy rows as the API), then reads; the writes live in ``delivery.services``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone

from altitude.core.models import Role
from altitude.core.policy import Action, AnyUser, Resource, authorize, is_global_staff, role_on
from altitude.delivery import services
from altitude.delivery.models import Baseline, BaselineTask, Project, Task, TaskStatus
from altitude.resources.models import Assignment

DAY = 480
WEEK_CAPACITY = 5 * DAY  # working minutes of a full-time week on the standard calendar
LOAD_WEEKS = 12


def is_manager(user: AnyUser, project: Project) -> bool:
    return is_global_staff(user) or role_on(user, project) == Role.MANAGER


def _leaf_tasks(project_id: int) -> Any:
    return Task.objects.filter(project_id=project_id, children__isnull=True)


# -- overview ------------------------------------------------------------------------

def overview(user: AnyUser, project: Project) -> dict[str, Any]:
    """Finish, critical tasks, slip against the latest baseline and progress (3 queries).

    Progress is the duration-weighted percent complete of the work tasks (MS Project's
    "% complete" of the project summary); the slip is in calendar days.
    """
    authorize(user, Resource.SCHEDULE, Action.VIEW, project, label="project schedule")
    leaf = _leaf_tasks(project.pk).aggregate(
        tasks=Count("pk"), critical=Count("pk", filter=Q(critical=True)), done=Count("pk", filter=Q(status=TaskStatus.DONE)),
        weighted=Sum("duration_minutes"), weighted_done=Sum(F("duration_minutes") * F("percent_complete")),
        finish=Max("finish"),
    )
    progress = round(leaf["weighted_done"] / leaf["weighted"]) if leaf["weighted"] else None
    baseline = Baseline.objects.filter(project=project).order_by("-created_at", "-pk").first()
    slip_days = None
    baseline_finish = None
    if baseline is not None:
        baseline_finish = BaselineTask.objects.filter(baseline=baseline).aggregate(f=Max("finish"))["f"]
        if baseline_finish and leaf["finish"]:
            zone = timezone.get_current_timezone()
            slip_days = (leaf["finish"].astimezone(zone).date() - baseline_finish.astimezone(zone).date()).days
    return {"finish": leaf["finish"], "leaf_count": leaf["tasks"], "critical_count": leaf["critical"],
            "done_count": leaf["done"], "progress": progress, "baseline": baseline,
            "baseline_finish": baseline_finish, "slip_days": slip_days,
            "slip_abs": abs(slip_days) if slip_days is not None else None}


# -- Gantt page data ---------------------------------------------------------------------

def gantt_data(user: AnyUser, project_id: int) -> dict[str, Any]:
    """``GET /projects/{id}/schedule`` plus what the chart needs besides (3 more queries).

    ``row``: the MS Project ID (outline order); ``baseline_start/finish``: the latest
    baseline's dates of the task, for the overlay bars; ``constraint``: shown in the popup.
    """
    data = services.project_schedule(user, project_id)
    project = services.get_project(user, project_id)
    constraints = {pk: (kind, day) for pk, kind, day in Task.objects.filter(project_id=project_id)
                   .exclude(constraint_type="asap").values_list("pk", "constraint_type", "constraint_date")}
    baseline = Baseline.objects.filter(project_id=project_id).order_by("-created_at", "-pk").first()
    planned: dict[int, tuple[Any, Any]] = {}
    if baseline is not None:
        planned = {pk: (s, f) for pk, s, f in BaselineTask.objects.filter(baseline=baseline, task__isnull=False)
                   .values_list("task_id", "start", "finish")}
    zone = timezone.get_current_timezone()

    def day(value: dt.datetime | None) -> str | None:
        return value.astimezone(zone).date().isoformat() if value else None

    for row, task in enumerate(data["tasks"], start=1):
        task["row"] = row
        kind, when = constraints.get(task["id"], ("asap", None))
        task["constraint_type"], task["constraint_date"] = kind, when.isoformat() if when else None
        start, finish = planned.get(task["id"], (None, None))
        task["baseline_start"], task["baseline_finish"] = day(start), day(finish)
    data["baseline"] = baseline.name if baseline else None
    data["can_edit"] = is_manager(user, project)
    data["project_code"] = project.code
    return data


# -- task list ---------------------------------------------------------------------------

def task_rows(project: Project, tasks: list[Task]) -> list[dict[str, Any]]:
    """Rows for the task list page (2 queries): predecessors column, summary flag, depth."""
    ids = [t.pk for t in tasks]
    columns = services.predecessor_columns(project.pk, ids)
    parents = set(Task.objects.filter(parent_id__in=ids).values_list("parent_id", flat=True).distinct())
    empty = services.ColumnText("")
    # one reverse for the page instead of five per row (url tags were a third of the render)
    base = reverse("delivery:project-tasks", args=[project.pk])
    return [{"task": t, "row": t.outline, "url": f"{base}{t.pk}/", "depth": min(t.wbs.count("."), 4), "summary": t.pk in parents,
             "days": _days(t.duration_minutes), "predecessors": columns.get(t.pk, empty)} for t in tasks]


def task_row(project: Project, task: Task) -> dict[str, Any]:
    return task_rows(project, [task])[0]


def _days(minutes: int) -> str:
    value = Decimal(minutes) / DAY
    return format(value.quantize(Decimal("0.01")).normalize(), "f")


# -- board ---------------------------------------------------------------------------------

@dataclass
class Column:
    status: str
    label: str
    cards: list[dict[str, Any]] = field(default_factory=list)


def board(user: AnyUser, project: Project, assignee: int | None) -> dict[str, Any]:
    """Work tasks (not summaries) by status; ``assignee``: a resource id (3 queries)."""
    authorize(user, Resource.TASK, Action.VIEW, project)
    qs = _leaf_tasks(project.pk).order_by("outline").prefetch_related("assignments__resource")
    if assignee:
        qs = qs.filter(assignments__resource_id=assignee)
    manager = is_manager(user, project)
    columns = {s: Column(s, label) for s, label in TaskStatus.choices}
    for task in qs:
        people = [a.resource for a in task.assignments.all()]
        mine = any(r.user_id == user.pk for r in people)
        columns[task.status].cards.append({"task": task, "people": people, "can_move": manager or mine})
    resources = (Assignment.objects.filter(task__project=project).values_list("resource_id", "resource__name")
                 .distinct().order_by("resource__name"))
    return {"columns": list(columns.values()), "statuses": TaskStatus.choices, "resources": list(resources)}


# -- resources and load ---------------------------------------------------------------------

def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _weekdays(first: dt.date, last: dt.date) -> int:
    """Monday-to-Friday days from ``first`` to ``last`` inclusive (0 if last < first)."""
    if last < first:
        return 0
    days = (last - first).days + 1
    full, rest = divmod(days, 7)
    count = full * 5
    for i in range(rest):
        if (first.weekday() + i) % 7 < 5:
            count += 1
    return count


def resource_load(user: AnyUser, project: Project, start: dt.date | None, weeks: int = LOAD_WEEKS) -> dict[str, Any]:
    """The project's assignments and each assigned resource's weekly load over all its projects.

    Work spreads evenly over the working days (Monday to Friday) between the task's
    start and finish; capacity is the resource's max units times a 40-hour week.
    """
    authorize(user, Resource.ASSIGNMENT, Action.VIEW, project)
    zone = timezone.get_current_timezone()
    assignments = list(Assignment.objects.filter(task__project=project).select_related("task", "resource")
                       .order_by("resource__name", "task__outline"))
    if start is None:
        anchor = project.status_date or (project.start_date if project.start_date else timezone.localdate())
        start = monday(anchor)
    start = monday(start)
    week_starts = [start + dt.timedelta(weeks=i) for i in range(weeks)]
    end = week_starts[-1] + dt.timedelta(days=6)
    resources = {a.resource_id: a.resource for a in assignments}
    load: dict[int, list[float]] = {pk: [0.0] * weeks for pk in resources}
    own: dict[int, list[float]] = {pk: [0.0] * weeks for pk in resources}
    rows = Assignment.objects.filter(resource_id__in=list(resources), task__start__isnull=False,
                                     task__start__date__lte=end, task__finish__date__gte=start).values_list(
        "resource_id", "units", "work_minutes", "task__duration_minutes", "task__start", "task__finish", "task__project_id")
    for resource_id, units, work, duration, t_start, t_finish, project_id in rows:
        if t_start is None or t_finish is None:
            continue
        first, last = t_start.astimezone(zone).date(), t_finish.astimezone(zone).date()
        total_days = _weekdays(first, last)
        minutes = work if work is not None else float(duration * units)
        if not total_days or not minutes:
            continue
        per_day = float(minutes) / total_days
        for i, ws in enumerate(week_starts):
            share = per_day * _weekdays(max(first, ws), min(last, ws + dt.timedelta(days=4)))
            load[resource_id][i] += share
            if project_id == project.pk:
                own[resource_id][i] += share
    table = []
    for pk, resource in resources.items():
        capacity = float(resource.max_units) * WEEK_CAPACITY
        cells = [{"hours": round(total / 60, 1), "own_hours": round(mine / 60, 1),
                  "percent": round(100 * total / capacity) if capacity else None,
                  "over": capacity > 0 and total > capacity + 0.5}
                 for total, mine in zip(load[pk], own[pk], strict=True)]
        table.append({"resource": resource, "capacity_hours": round(capacity / 60, 1), "weeks": cells,
                      "over_weeks": sum(1 for c in cells if c["over"])})
    return {"assignments": assignments, "weeks": week_starts, "load": table,
            "previous": start - dt.timedelta(weeks=weeks), "next": start + dt.timedelta(weeks=weeks)}
