"""Dependencies between tasks, inside a project, across a program's projects or across programs.

Who may edit a link depends on what it joins (DESIGN.md section 6): the project's
manager inside one project; the program's manager across projects of one program;
a manager of both programs (or of the portfolio above them) across programs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from altitude.core.errors import InvalidInput, NotFound
from altitude.core.policy import Action, AnyUser, Resource, Scoped, authorize, authorize_visible
from altitude.core.services import delete_checked, update_versioned, validate_and_save
from altitude.delivery.models import Dependency, Project, Task
from altitude.delivery.services.structure import get_project, visible_projects
from altitude.delivery.services.tasks import check_plan

LINK_FIELDS = frozenset({"type", "lag_minutes", "lag_elapsed"})


def link_scopes(a: Project, b: Project) -> list[Scoped]:
    """The scopes whose manager role a link between tasks of ``a`` and ``b`` needs (all of them)."""
    if a.pk == b.pk:
        return [a]
    if a.program_id is not None and a.program_id == b.program_id:
        assert a.program is not None
        return [a.program]
    return [a.program or a.portfolio, b.program or b.portfolio]


def authorize_link(user: AnyUser, action: Action, predecessor: Task, successor: Task) -> None:
    """The user sees both tasks already; a missing role on a scope is a 403."""
    for scope in link_scopes(predecessor.project, successor.project):
        authorize_visible(user, Resource.DEPENDENCY, action, scope, label="dependency")


def _visible_task(user: AnyUser, task_id: Any, field: str) -> Task:
    task = (Task.objects.select_related("project", "project__program", "project__portfolio")
            .filter(pk=task_id, project__in=visible_projects(user)).first())
    if task is None:
        raise InvalidInput(f"{field}: no task with id {task_id}.", field=field)
    return task


def list_dependencies(user: AnyUser, project_id: int) -> QuerySet[Dependency]:
    """Links into or out of the project's tasks (including those across projects)."""
    project = get_project(user, project_id)
    authorize(user, Resource.DEPENDENCY, Action.VIEW, project)
    return (Dependency.objects.filter(Q(predecessor__project=project) | Q(successor__project=project))
            .select_related("predecessor", "successor").order_by("successor__outline", "predecessor__outline", "pk"))


def get_dependency(user: AnyUser, dependency_id: int) -> Dependency:
    visible = visible_projects(user)
    link = (Dependency.objects.select_related(
        "predecessor__project__program", "predecessor__project__portfolio",
        "successor__project__program", "successor__project__portfolio",
    ).filter(Q(predecessor__project__in=visible) | Q(successor__project__in=visible), pk=dependency_id).first())
    if link is None:
        raise NotFound("No dependency with that id.")
    return link


def create_dependency(user: AnyUser, fields: Mapping[str, Any]) -> Dependency:
    predecessor = _visible_task(user, fields.get("predecessor_id"), "predecessor_id")
    successor = _visible_task(user, fields.get("successor_id"), "successor_id")
    authorize_link(user, Action.CREATE, predecessor, successor)
    if predecessor.pk == successor.pk:
        raise InvalidInput("successor_id: a task cannot depend on itself.", field="successor_id")
    if Dependency.objects.filter(predecessor=predecessor, successor=successor).exists():
        raise InvalidInput("successor_id: these two tasks are already linked.", field="successor_id")
    values = {k: v for k, v in fields.items() if k in LINK_FIELDS}
    with transaction.atomic():
        link = validate_and_save(Dependency(predecessor=predecessor, successor=successor, **values))
        check_plan({predecessor.project_id, successor.project_id}, "predecessor_id")
    return link


def update_dependency(user: AnyUser, dependency_id: int, version: int | None, changes: Mapping[str, Any]) -> Dependency:
    link = get_dependency(user, dependency_id)
    authorize_link(user, Action.CHANGE, link.predecessor, link.successor)
    return update_versioned(link, version, {k: v for k, v in changes.items() if k in LINK_FIELDS}, "dependency")


def delete_dependency(user: AnyUser, dependency_id: int) -> None:
    link = get_dependency(user, dependency_id)
    authorize_link(user, Action.DELETE, link.predecessor, link.successor)
    delete_checked(link, "dependency")
