"""WBS tasks: create, edit, move, delete, report progress; numbering and loop checks.

Every structural write (a new parent, a new position, a new link) runs inside one
transaction that renumbers the WBS and asks the engine whether the plan still is a
DAG; a loop raises ``CyclicPlan`` naming the tasks and the whole write rolls back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from altitude.core.errors import InvalidInput, NotFound, StaleVersion
from altitude.core.policy import Action, AnyUser, Resource, authorize
from altitude.core.services import check_version, update_versioned, validate_and_save
from altitude.delivery.adapters import check_acyclic, load_plan
from altitude.delivery.models import Calendar, Dependency, Project, Task, TaskStatus
from altitude.delivery.services.structure import get_project, visible_projects

PLAN_FIELDS = frozenset({
    "name", "duration_minutes", "milestone", "optimistic_minutes", "most_likely_minutes", "pessimistic_minutes",
    "constraint_type", "constraint_date", "calendar_id", "deliverable", "acceptance_criteria", "leveling_priority",
})
PROGRESS_FIELDS = frozenset({"percent_complete", "actual_start", "actual_finish", "remaining_minutes", "status"})
STRUCTURE_FIELDS = frozenset({"parent_id", "position"})
TASK_FIELDS = PLAN_FIELDS | PROGRESS_FIELDS | STRUCTURE_FIELDS
END = 10**9  # position meaning "after the last sibling"


def visible_tasks(user: AnyUser) -> QuerySet[Task]:
    return Task.objects.filter(project__in=visible_projects(user))


@dataclass(frozen=True)
class TaskFilter:
    """One filter set for the schedule page and ``GET /projects/{id}/tasks``."""

    q: str | None = None
    status: str | None = None
    parent: int | None = None
    critical: bool | None = None
    milestone: bool | None = None

    def apply(self, qs: QuerySet[Task]) -> QuerySet[Task]:
        if self.q:
            qs = qs.filter(Q(name__icontains=self.q) | Q(deliverable__icontains=self.q) | Q(wbs__startswith=self.q))
        if self.status:
            qs = qs.filter(status=self.status)
        if self.parent is not None:
            qs = qs.filter(parent_id=self.parent or None)
        if self.critical is not None:
            qs = qs.filter(critical=self.critical)
        if self.milestone is not None:
            qs = qs.filter(milestone=self.milestone)
        return qs


def list_tasks(user: AnyUser, project_id: int, task_filter: TaskFilter | None = None) -> QuerySet[Task]:
    project = get_project(user, project_id)
    authorize(user, Resource.TASK, Action.VIEW, project)
    qs = Task.objects.filter(project=project).order_by("outline")
    return task_filter.apply(qs) if task_filter else qs


def get_task(user: AnyUser, task_id: int) -> Task:
    task = visible_tasks(user).select_related("project").filter(pk=task_id).first()
    if task is None:
        raise NotFound("No task with that id.")
    return task


def is_assigned(user: AnyUser, task: Task) -> bool:
    return bool(user.is_authenticated and task.assignments.filter(resource__user_id=user.pk).exists())


def _check_refs(project: Project, values: Mapping[str, Any], task: Task | None = None) -> None:
    """References in a payload must exist in the right place (422 naming the field)."""
    parent_id = values.get("parent_id")
    if parent_id is not None:
        parent = Task.objects.filter(pk=parent_id, project=project).first()
        if parent is None:
            raise InvalidInput(f"parent_id: no task {parent_id} in project {project.code}.", field="parent_id")
        if task is not None and (parent.pk == task.pk or task.pk in ancestors(parent)):
            raise InvalidInput(
                f"parent_id: '{parent.name}' is inside '{task.name}'; a task cannot become its own ancestor.",
                field="parent_id",
            )
    calendar_id = values.get("calendar_id")
    if calendar_id is not None and not Calendar.objects.filter(
        Q(project__isnull=True) | Q(project=project), pk=calendar_id, portfolio_id=project.portfolio_id
    ).exists():
        raise InvalidInput(f"calendar_id: no calendar {calendar_id} usable by project {project.code}.", field="calendar_id")


def ancestors(task: Task) -> list[int]:
    out: list[int] = []
    parent_id = task.parent_id
    while parent_id is not None and parent_id not in out:
        out.append(parent_id)
        parent_id = Task.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return out


def renumber(project_id: int, first: Iterable[int] = ()) -> None:
    """Positions 1..n per sibling group, WBS codes and outline order for a whole project.

    ``first``: tasks that win a tie on position (a task just moved to position k goes
    before the sibling already there, which moves down one).
    """
    preferred = set(first)
    rows = list(Task.objects.filter(project_id=project_id).values_list("id", "parent_id", "position", "wbs", "outline"))
    children: dict[int | None, list[tuple[int, int]]] = {}
    for pk, parent_id, position, _, _ in rows:
        children.setdefault(parent_id, []).append((pk, position))
    current = {r[0]: r for r in rows}
    changed: list[Task] = []
    counter = 0

    def walk(parent_id: int | None, prefix: str) -> None:
        nonlocal counter
        kids = sorted(children.get(parent_id, []), key=lambda kp: (kp[1], kp[0] not in preferred, kp[0]))
        for place, (pk, _) in enumerate(kids, start=1):
            counter += 1
            wbs = f"{prefix}{place}"
            row = current[pk]
            if (row[2], row[3], row[4]) != (place, wbs, counter):
                changed.append(Task(pk=pk, position=place, wbs=wbs, outline=counter))
            walk(pk, wbs + ".")

    walk(None, "")
    if changed:
        Task.objects.bulk_update(changed, ["position", "wbs", "outline"], batch_size=500)


def connected_projects(project_ids: Iterable[int]) -> list[int]:
    """The projects reachable from ``project_ids`` through links (either direction)."""
    found = set(project_ids)
    frontier = set(found)
    while frontier:
        # order_by(): the model's ordering would join both projects and put their names into
        # the DISTINCT, one row per link instead of one per pair of projects.
        pairs = Dependency.objects.filter(
            Q(predecessor__project_id__in=frontier) | Q(successor__project_id__in=frontier)
        ).order_by().values_list("predecessor__project_id", "successor__project_id").distinct()
        new = {p for pair in pairs for p in pair} - found
        found |= new
        frontier = new
    return sorted(found)


def check_plan(project_ids: Iterable[int], cycle_field: str) -> None:
    """Loops through links and parents, across every project connected to these."""
    check_acyclic(load_plan(connected_projects(project_ids)), cycle_field)


def _tidy(values: dict[str, Any], task: Task | None = None) -> dict[str, Any]:
    if task is not None and "parent_id" in values and values["parent_id"] != task.parent_id:
        values["position"] = values.get("position") or END  # a new parent: last unless placed
    if values.get("milestone") is True and "duration_minutes" not in values:
        values["duration_minutes"] = 0
    if values.get("constraint_type") in {"asap", "alap"} and "constraint_date" not in values:
        values["constraint_date"] = None
    return values


def create_task(user: AnyUser, project_id: int, fields: Mapping[str, Any]) -> Task:
    project = get_project(user, project_id)
    authorize(user, Resource.TASK, Action.CREATE, project)
    values = _tidy({k: v for k, v in fields.items() if k in TASK_FIELDS})
    _check_refs(project, values)
    values["position"] = values.get("position") or END
    with transaction.atomic():
        task = validate_and_save(Task(project=project, **values))
        renumber(project.pk, first=[task.pk])
        if task.parent_id is not None:
            check_plan([project.pk], "parent_id")
    task.refresh_from_db()
    return task


def update_task(user: AnyUser, task_id: int, version: int | None, changes: Mapping[str, Any]) -> Task:
    task = get_task(user, task_id)
    authorize(user, Resource.TASK, Action.CHANGE, task.project)
    values = _tidy({k: v for k, v in changes.items() if k in TASK_FIELDS}, task)
    _check_refs(task.project, values, task)
    with transaction.atomic():
        updated = update_versioned(task, version, values, "task")
        if STRUCTURE_FIELDS & values.keys():
            renumber(task.project_id, first=[task.pk])
            check_plan([task.project_id], "parent_id")
    updated.refresh_from_db()
    return updated


def move_task(user: AnyUser, task_id: int, version: int | None, parent_id: int | None, position: int | None) -> Task:
    """Reparent and/or reposition (1-based among the new siblings; empty: last)."""
    return update_task(user, task_id, version, {"parent_id": parent_id, "position": position or END})


@dataclass(frozen=True)
class BulkItem:
    id: int
    version: int | None
    changes: Mapping[str, Any]


def bulk_update_tasks(user: AnyUser, project_id: int, items: Sequence[BulkItem]) -> list[Task]:
    """Apply many edits (Gantt drags) at once: all or nothing, each checked against its version."""
    project = get_project(user, project_id)
    authorize(user, Resource.TASK, Action.CHANGE, project)
    ids = [item.id for item in items]
    if len(set(ids)) != len(ids):
        raise InvalidInput("items: a task appears twice.", field="items")
    structural = False
    with transaction.atomic():
        tasks = {t.pk: t for t in Task.objects.select_for_update().select_related("project").filter(project=project, pk__in=ids)}
        for n, item in enumerate(items):
            task = tasks.get(item.id)
            if task is None:
                raise InvalidInput(f"items[{n}].id: no task {item.id} in project {project.code}.", field=f"items[{n}].id")
            values = _tidy({k: v for k, v in item.changes.items() if k in TASK_FIELDS}, task)
            try:
                check_version(task.version, item.version, f"task '{task.name}'")
            except StaleVersion as exc:
                raise StaleVersion(f"items[{n}]: {exc.message}", field=f"items[{n}].version") from exc
            _check_refs(project, values, task)
            for name, value in values.items():
                setattr(task, name, value)
            task.version += 1
            try:
                validate_and_save(task)
            except InvalidInput as exc:
                field = f"items[{n}].{exc.field}" if exc.field else f"items[{n}]"
                raise InvalidInput(f"{field}: {exc.message}", field=field, errors=exc.errors) from exc
            structural = structural or bool(STRUCTURE_FIELDS & values.keys())
        if structural:
            renumber(project.pk, first=ids)
            check_plan([project.pk], "parent_id")
    return list(Task.objects.filter(pk__in=ids).order_by("outline"))


def update_progress(user: AnyUser, task_id: int, version: int | None, changes: Mapping[str, Any],
                    status_date: dt.date | None = None) -> Task:
    """Progress as of ``status_date`` by the project's managers or the people assigned to the task."""
    task = get_task(user, task_id)
    authorize(user, Resource.TASK, Action.PROGRESS, task.project, assigned=is_assigned(user, task))
    values = {k: v for k, v in changes.items() if k in PROGRESS_FIELDS}
    if values.get("percent_complete") == 100:
        values.setdefault("status", TaskStatus.DONE)
        if not (values.get("actual_finish") or task.actual_finish) and status_date:
            values["actual_finish"] = status_date
    elif values.get("percent_complete") and task.status == TaskStatus.TODO:
        values.setdefault("status", TaskStatus.IN_PROGRESS)
    if values.get("percent_complete") and not (values.get("actual_start") or task.actual_start) and status_date:
        values["actual_start"] = status_date
    for name in ("actual_start", "actual_finish"):
        if status_date and values.get(name) and values[name] > status_date:
            raise InvalidInput(f"{name}: an actual date cannot be after the status date {status_date}.", field=name)
    with transaction.atomic():
        updated = update_versioned(task, version, values, "task")
        if status_date is not None:
            Project.objects.filter(pk=task.project_id).update(status_date=status_date)
    return updated


def delete_task(user: AnyUser, task_id: int) -> dict[str, int]:
    """Delete a task with its subtasks and every link and assignment of them; returns the counts."""
    task = get_task(user, task_id)
    authorize(user, Resource.TASK, Action.DELETE, task.project)
    with transaction.atomic():
        subtree = [task.pk]
        frontier = [task.pk]
        while frontier:
            frontier = list(Task.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            subtree += frontier
        links = Dependency.objects.filter(Q(predecessor_id__in=subtree) | Q(successor_id__in=subtree)).count()
        from altitude.resources.models import Assignment

        assignments = Assignment.objects.filter(task_id__in=subtree).count()
        task.delete()
        renumber(task.project_id)
    return {"tasks": len(subtree), "dependencies": links, "assignments": assignments}


def task_history(user: AnyUser, task_id: int) -> list[dict[str, Any]]:
    """Who changed what and when, newest first (the last 100 records)."""
    task = get_task(user, task_id)
    authorize(user, Resource.TASK, Action.VIEW, task.project)
    records = list(task.history.all().order_by("-history_date", "-history_id")[:101])
    out = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        changes: dict[str, list[object]] = {}
        if older is not None:
            delta = newer.diff_against(older)
            changes = {c.field: [c.old, c.new] for c in delta.changes}
        out.append({"history_id": newer.history_id, "history_date": newer.history_date,
                    "history_type": {"+": "created", "~": "changed", "-": "deleted"}[newer.history_type],
                    "history_user_id": newer.history_user_id, "changes": changes})
    return out[:100]
