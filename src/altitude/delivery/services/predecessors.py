"""A task's predecessors column (MS Project notation) read and written as a whole.

Row IDs are the tasks' places in outline order (``Task.outline``, 1-based), as in MS
Project's ID column. Writing the column replaces the task's links from inside its
project in one transaction: links from other projects are not expressible by row ID
and stay as they are. A loop raises ``CyclicPlan`` naming the tasks; nothing is saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from altitude.core.errors import InvalidInput
from altitude.core.policy import Action, AnyUser, Resource, authorize
from altitude.core.services import check_version, validate_and_save
from altitude.delivery.models import Dependency, Task
from altitude.delivery.services.tasks import check_plan, get_task, update_task
from altitude.interop.predecessors import (
    LinkType,
    Predecessor,
    PredecessorSyntaxError,
    format_predecessors,
    parse_predecessors,
)

FIELD = "predecessors"


@dataclass(frozen=True)
class ColumnText:
    """The column of one task: ``text`` editable (same project), ``external`` read-only labels."""

    text: str
    external: tuple[str, ...] = ()


def predecessor_columns(project_id: int, task_ids: Iterable[int] | None = None) -> dict[int, ColumnText]:
    """Predecessors column per task of the project (one query), e.g. ``{42: ColumnText("12FS+2d, 7")}``."""
    qs = Dependency.objects.filter(successor__project_id=project_id)
    if task_ids is not None:
        qs = qs.filter(successor_id__in=list(task_ids))
    own: dict[int, list[Predecessor]] = {}
    external: dict[int, list[str]] = {}
    for succ, row, pred_project, code, wbs, kind, lag, elapsed in qs.order_by("predecessor__outline").values_list(
            "successor_id", "predecessor__outline", "predecessor__project_id", "predecessor__project__code",
            "predecessor__wbs", "type", "lag_minutes", "lag_elapsed"):
        if pred_project == project_id:
            own.setdefault(succ, []).append(Predecessor(row, LinkType(kind), lag, elapsed))
        else:
            external.setdefault(succ, []).append(f"{code} {wbs}")
    return {pk: ColumnText(format_predecessors(own.get(pk, [])), tuple(external.get(pk, [])))
            for pk in own.keys() | external.keys()}


def parse_column(task: Task, text: str) -> dict[int, Predecessor]:
    """Predecessor task id -> link, or ``InvalidInput`` naming the bad entry (field ``predecessors``)."""
    try:
        items = parse_predecessors(text)
    except PredecessorSyntaxError as exc:
        raise InvalidInput(f"predecessors: {exc}", field=FIELD) from exc
    rows = dict(Task.objects.filter(project_id=task.project_id, outline__in=[p.row for p in items])
                .values_list("outline", "pk"))
    out: dict[int, Predecessor] = {}
    for item in items:
        pk = rows.get(item.row)
        if pk is None:
            raise InvalidInput(f"predecessors: '{item.row}': there is no row {item.row} in this project.", field=FIELD)
        if pk == task.pk:
            raise InvalidInput(f"predecessors: '{item.row}': a task cannot be its own predecessor.", field=FIELD)
        out[pk] = item
    return out


def replace_predecessors(user: AnyUser, task_id: int, version: int | None, text: str) -> Task:
    """Make the task's same-project links exactly those of ``text``; all or nothing, version checked."""
    task = get_task(user, task_id)
    authorize(user, Resource.DEPENDENCY, Action.CHANGE, task.project, label="dependency")
    wanted = parse_column(task, text)
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        check_version(locked.version, version, "task")
        _apply_links(locked, wanted)
        Task.objects.filter(pk=task.pk).update(version=locked.version + 1)
        check_plan([task.project_id], FIELD)
    task.refresh_from_db()
    return task


def _apply_links(task: Task, wanted: Mapping[int, Predecessor]) -> None:
    current = {d.predecessor_id: d for d in Dependency.objects.filter(
        successor=task, predecessor__project_id=task.project_id)}
    Dependency.objects.filter(pk__in=[d.pk for p, d in current.items() if p not in wanted]).delete()
    for pred_id, item in wanted.items():
        link = current.get(pred_id)
        values = {"type": item.type.value, "lag_minutes": item.lag_minutes, "lag_elapsed": item.lag_elapsed}
        if link is None:
            validate_and_save(Dependency(predecessor_id=pred_id, successor=task, **values))
        elif any(getattr(link, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(link, k, v)
            link.version += 1
            validate_and_save(link)


def edit_task_row(user: AnyUser, task_id: int, version: int | None, changes: Mapping[str, Any],
                  predecessors: str | None = None) -> Task:
    """The task list's inline edit: fields and predecessors column in one transaction, one version."""
    task = get_task(user, task_id)
    if predecessors is not None:
        parse_column(task, predecessors)  # syntax and rows first: a bad entry writes nothing
    with transaction.atomic():
        updated = update_task(user, task_id, version, changes) if changes else task
        if not changes:
            check_version(task.version, version, "task")
        if predecessors is not None:
            updated = replace_predecessors(user, task_id, updated.version, predecessors)
    return updated
