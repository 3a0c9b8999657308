"""The portfolio's resource pool and assignments of resources to tasks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from altitude.accounts.models import User
from altitude.core.errors import InvalidInput, NotFound, PermissionDenied
from altitude.core.notifications import notify
from altitude.core.policy import Action, AnyUser, authorize, authorize_visible
from altitude.core.policy import Resource as Res
from altitude.core.services import delete_checked, update_versioned, validate_and_save
from altitude.delivery.models import Calendar, Program, Project, Task
from altitude.delivery.services import get_program, get_project, visible_projects
from altitude.delivery.services.scheduling import program_project_ids
from altitude.resources import leveling, leveling_apply, leveling_runs
from altitude.resources.models import Assignment, LevelingApplication, LevelingRun, Resource
from altitude.strategy.models import Portfolio
from altitude.strategy.services import get_portfolio, visible_portfolios

RESOURCE_FIELDS = frozenset({"name", "kind", "user_id", "max_units", "calendar_id", "cost_rate"})
ASSIGNMENT_FIELDS = frozenset({"units", "work_minutes"})


def visible_resources(user: AnyUser) -> QuerySet[Resource]:
    return Resource.objects.filter(portfolio__in=visible_portfolios(user)).select_related("portfolio")


def get_resource(user: AnyUser, resource_id: int) -> Resource:
    resource = visible_resources(user).filter(pk=resource_id).first()
    if resource is None:
        raise NotFound("No resource with that id.")
    return resource


def _check_refs(portfolio_id: int, values: Mapping[str, Any], current: Resource | None = None) -> None:
    name = values.get("name")
    if name and Resource.objects.filter(portfolio_id=portfolio_id, name=name).exclude(pk=current.pk if current else 0).exists():
        raise InvalidInput(f"name: the pool already has a resource named '{name}'.", field="name")
    user_id = values.get("user_id")
    if user_id is not None and not User.objects.filter(pk=user_id, is_active=True).exists():
        raise InvalidInput(f"user_id: no active user with id {user_id}.", field="user_id")
    calendar_id = values.get("calendar_id")
    if calendar_id is not None and not Calendar.objects.filter(pk=calendar_id, portfolio_id=portfolio_id, project__isnull=True).exists():
        raise InvalidInput(f"calendar_id: no shared calendar {calendar_id} in this portfolio.", field="calendar_id")


def create_resource(user: AnyUser, fields: Mapping[str, Any]) -> Resource:
    portfolio = visible_portfolios(user).filter(pk=int(fields.get("portfolio_id") or 0)).first()
    if portfolio is None:
        raise InvalidInput(f"portfolio_id: no portfolio with id {fields.get('portfolio_id')}.", field="portfolio_id")
    authorize_visible(user, Res.RESOURCE, Action.CREATE, portfolio)
    values = {k: v for k, v in fields.items() if k in RESOURCE_FIELDS}
    _check_refs(portfolio.pk, values)
    with transaction.atomic():
        resource = validate_and_save(Resource(portfolio=portfolio, **values))
    resource.refresh_from_db()
    return resource


def update_resource(user: AnyUser, resource_id: int, version: int | None, changes: Mapping[str, Any]) -> Resource:
    resource = get_resource(user, resource_id)
    authorize_visible(user, Res.RESOURCE, Action.CHANGE, resource.portfolio)
    values = {k: v for k, v in changes.items() if k in RESOURCE_FIELDS}
    _check_refs(resource.portfolio_id, values, resource)
    updated = update_versioned(resource, version, values, "resource")
    updated.refresh_from_db()
    return updated


def delete_resource(user: AnyUser, resource_id: int) -> None:
    resource = get_resource(user, resource_id)
    authorize_visible(user, Res.RESOURCE, Action.DELETE, resource.portfolio)
    delete_checked(resource, "resource")


def list_assignments(user: AnyUser, project_id: int) -> QuerySet[Assignment]:
    project = get_project(user, project_id)
    authorize(user, Res.ASSIGNMENT, Action.VIEW, project)
    return Assignment.objects.filter(task__project=project).select_related("task", "resource").order_by("task__outline", "resource__name")


def get_assignment(user: AnyUser, assignment_id: int) -> Assignment:
    found = Assignment.objects.select_related("task__project", "resource").filter(
        pk=assignment_id, task__project__in=visible_projects(user)).first()
    if found is None:
        raise NotFound("No assignment with that id.")
    return found


def create_assignment(user: AnyUser, fields: Mapping[str, Any]) -> Assignment:
    task_id = fields.get("task_id")
    task = Task.objects.select_related("project").filter(pk=int(task_id or 0), project__in=visible_projects(user)).first()
    if task is None:
        raise InvalidInput(f"task_id: no task with id {task_id}.", field="task_id")
    authorize(user, Res.ASSIGNMENT, Action.CREATE, task.project)
    resource = Resource.objects.filter(pk=int(fields.get("resource_id") or 0), portfolio_id=task.project.portfolio_id).first()
    if resource is None:
        raise InvalidInput(f"resource_id: no resource {fields.get('resource_id')} in this portfolio's pool.", field="resource_id")
    if Assignment.objects.filter(task=task, resource=resource).exists():
        raise InvalidInput(f"resource_id: {resource.name} is already assigned to this task.", field="resource_id")
    with transaction.atomic():
        assignment = validate_and_save(Assignment(task=task, resource=resource,
                                                  **{k: v for k, v in fields.items() if k in ASSIGNMENT_FIELDS}))
    assignment.refresh_from_db()
    if resource.user_id is not None:
        who = getattr(user, "get_full_name", lambda: "")() or getattr(user, "username", "Your project manager")
        notify([resource.user_id], f"{who} assigned you to '{task.name}' in {task.project.code}.", "/my-work/", actor=user)
    return assignment


def update_assignment(user: AnyUser, assignment_id: int, version: int | None, changes: Mapping[str, Any]) -> Assignment:
    assignment = get_assignment(user, assignment_id)
    authorize(user, Res.ASSIGNMENT, Action.CHANGE, assignment.task.project)
    updated = update_versioned(assignment, version, {k: v for k, v in changes.items() if k in ASSIGNMENT_FIELDS}, "assignment")
    updated.refresh_from_db()
    return updated


def delete_assignment(user: AnyUser, assignment_id: int) -> None:
    assignment = get_assignment(user, assignment_id)
    authorize(user, Res.ASSIGNMENT, Action.DELETE, assignment.task.project)
    delete_checked(assignment, "assignment")




def level_preview(user: AnyUser, project_id: int, *, within_float: bool = False) -> leveling.LevelingPreview:
    """What levelling the project's assignments would do to its dates (nothing is written).

    Whoever may see the project's assignments may preview: it changes nothing."""
    project = get_project(user, project_id)
    authorize(user, Res.ASSIGNMENT, Action.VIEW, project)
    return leveling.preview([project.pk], within_float=within_float)


def level_program_preview(user: AnyUser, program_id: int, *, within_float: bool = False) -> leveling.LevelingPreview:
    """The same preview for every project of a program at once, on their shared resources: the
    program manager's view of who is over-booked across projects (project priorities count)."""
    program = get_program(user, program_id)
    authorize_visible(user, Res.ASSIGNMENT, Action.VIEW, program, label="program's assignments")
    project_ids = program_project_ids(program)
    if not project_ids:
        raise InvalidInput("The program has no projects yet.", field="program_id")
    return leveling.preview(project_ids, within_float=within_float)


def apply_leveling(user: AnyUser, project_id: int, *, within_float: bool = False,
                   run_id: int | None = None) -> leveling_apply.Applied:
    """Write the preview (or the optimisation ``run_id``): start-no-earlier-than on each task a
    resource delays, then reschedule."""
    project = get_project(user, project_id)
    return leveling_apply.apply(user, [project], project=project, within_float=within_float,
                                run=_run_here(user, run_id, project=project))


def _program_projects(program_id: int) -> list[Project]:
    projects = list(Project.objects.filter(program_id=program_id).order_by("code"))
    if not projects:
        raise InvalidInput("The program has no projects yet.", field="program_id")
    return projects


def apply_program_leveling(user: AnyUser, program_id: int, *, within_float: bool = False,
                           run_id: int | None = None) -> leveling_apply.Applied:
    """The same for every project of a program at once (the program manager's shared pool)."""
    program = get_program(user, program_id)
    return leveling_apply.apply(user, _program_projects(program.pk), program=program, within_float=within_float,
                                run=_run_here(user, run_id, program=program))


def portfolio_leveling_projects(user: AnyUser, portfolio: Portfolio) -> list[Project]:
    """What levelling a portfolio levels: its live projects (initiating to closing) that have a
    start date and that the user sees; the others' work counts as booked elsewhere, if any."""
    return list(visible_projects(user).filter(portfolio=portfolio, stage__in=leveling.COUNTED_STAGES,
                                              start_date__isnull=False).order_by("code"))


def _portfolio_scope(user: AnyUser, portfolio_id: int) -> tuple[Portfolio, list[Project]]:
    portfolio = get_portfolio(user, portfolio_id)
    authorize_visible(user, Res.ASSIGNMENT, Action.VIEW, portfolio, label="portfolio's assignments")
    projects = portfolio_leveling_projects(user, portfolio)
    if not projects:
        raise InvalidInput("The portfolio has no live project with a start date (initiating to closing) to level.",
                           field="portfolio_id")
    return portfolio, projects


def level_portfolio_preview(user: AnyUser, portfolio_id: int, *, within_float: bool = False) -> leveling.LevelingPreview:
    """Every live project of a portfolio levelled together on the portfolio's pool, higher
    priorities first: the portfolio manager's view of which projects the shared people delay."""
    _, projects = _portfolio_scope(user, portfolio_id)
    return leveling.preview([p.pk for p in projects], within_float=within_float)


def apply_portfolio_leveling(user: AnyUser, portfolio_id: int, *, within_float: bool = False,
                             run_id: int | None = None) -> leveling_apply.Applied:
    """Write the portfolio's preview (the managers of every project concerned, or the PMO)."""
    portfolio, projects = _portfolio_scope(user, portfolio_id)
    return leveling_apply.apply(user, projects, portfolio=portfolio, within_float=within_float,
                                run=_run_here(user, run_id, portfolio=portfolio))


SCOPES = ("project", "program", "portfolio")


def _scope(user: AnyUser, kind: str, scope_id: int) -> tuple[dict[str, Any], list[Project]]:
    """A levelling scope as ``project=``/``program=``/``portfolio=`` and the projects it levels,
    once the user may preview it (see its assignments)."""
    if kind == "project":
        project = get_project(user, scope_id)
        authorize(user, Res.ASSIGNMENT, Action.VIEW, project)
        return {"project": project}, [project]
    if kind == "program":
        program = get_program(user, scope_id)
        authorize_visible(user, Res.ASSIGNMENT, Action.VIEW, program, label="program's assignments")
        return {"program": program}, _program_projects(program.pk)
    if kind == "portfolio":
        portfolio, projects = _portfolio_scope(user, scope_id)
        return {"portfolio": portfolio}, projects
    raise InvalidInput(f"scope is one of {', '.join(SCOPES)}, not {kind!r}.", field="scope")


def optimise_leveling(user: AnyUser, kind: str, scope_id: int, *, within_float: bool = False,
                      seconds: int = leveling_runs.SECONDS_CHOICES[0]) -> LevelingRun:
    """Queue the exact mode for ``seconds`` on the scope's plan (a background worker runs it)."""
    scope, projects = _scope(user, kind, scope_id)
    return leveling_runs.start(user, projects, **scope, within_float=within_float, seconds=seconds)


def get_leveling_run(user: AnyUser, run_id: int) -> LevelingRun:
    """A run, to whoever may preview its scope (else not found)."""
    run = LevelingRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound("No levelling run with that id.")
    kind, scope_id = run.scope
    try:
        _scope(user, kind, scope_id)
    except PermissionDenied as exc:
        raise NotFound("No levelling run with that id.") from exc
    return leveling_runs.expire_if_abandoned(run)


def cancel_leveling_run(user: AnyUser, run_id: int) -> LevelingRun:
    """Cancel a queued or running optimisation (whoever may preview its scope may)."""
    return leveling_runs.cancel(user, get_leveling_run(user, run_id))


def _run_here(user: AnyUser, run_id: int | None, *, project: Project | None = None, program: Program | None = None,
              portfolio: Portfolio | None = None) -> LevelingRun | None:
    """The run to apply, if any: it must be of the page's scope."""
    if run_id is None:
        return None
    run = get_leveling_run(user, run_id)
    if (run.project_id, run.program_id, run.portfolio_id) != tuple(s.pk if s else None for s in (project, program, portfolio)):
        raise NotFound("No levelling run with that id here.")
    return run


def latest_leveling(*, project_id: int | None = None, program_id: int | None = None,
                    portfolio_id: int | None = None) -> LevelingApplication | None:
    """The scope's last application (callers have checked that the user sees the scope)."""
    qs = LevelingApplication.objects.select_related("user", "undone_by")
    if project_id is not None:
        return qs.filter(project_id=project_id).first()
    if portfolio_id is not None:
        return qs.filter(portfolio_id=portfolio_id).first()
    return qs.filter(program_id=program_id or 0).first()


def get_leveling(user: AnyUser, application_id: int) -> LevelingApplication:
    application = LevelingApplication.objects.filter(pk=application_id).first()
    if application is None:
        raise NotFound("No levelling with that id.")
    if application.project_id:
        get_project(user, application.project_id)  # NotFound unless the user sees it
    elif application.program_id:
        get_program(user, application.program_id)
    else:
        get_portfolio(user, application.portfolio_id)  # type: ignore[arg-type]
    return application


def undo_leveling(user: AnyUser, application_id: int, *, project_id: int | None = None,
                  program_id: int | None = None, portfolio_id: int | None = None) -> leveling_apply.Undone:
    """Restore the constraints an application replaced (on tasks unchanged since) and reschedule.

    ``project_id``/``program_id``/``portfolio_id``: the page's scope; an application of another
    scope is not found there."""
    application = get_leveling(user, application_id)
    if (project_id is not None and application.project_id != project_id) or (
            program_id is not None and application.program_id != program_id) or (
            portfolio_id is not None and application.portfolio_id != portfolio_id):
        raise NotFound("No levelling with that id here.")
    if application.project is not None:
        projects = [application.project]
    elif application.program_id is not None:
        projects = _program_projects(application.program_id)
    else:  # the projects it changed: the portfolio's live set may have changed since
        projects = list(Project.objects.filter(
            tasks__pk__in=[int(c["task"]) for c in application.changes]).distinct().order_by("code"))
    return leveling_apply.undo(user, application, projects)
