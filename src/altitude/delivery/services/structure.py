"""Program and project use cases; views and API routers both call these."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from altitude.accounts.models import User
from altitude.core.errors import InvalidInput, NotFound
from altitude.core.policy import Action, AnyUser, Resource, authorize, is_global_staff
from altitude.core.services import delete_checked, update_versioned, validate_and_save
from altitude.delivery.models import Program, ProgramMembership, Project, ProjectMembership
from altitude.strategy.models import Portfolio, PortfolioMembership
from altitude.strategy.services import visible_portfolios

PROGRAM_FIELDS = frozenset({"name", "goal", "manager_id", "budget"})
PROJECT_FIELDS = frozenset({
    "name", "description", "manager_id", "sponsor_id", "stage", "priority", "budget",
    "estimated_cost", "expected_benefits", "feasibility", "start_date", "finish_date", "program_id", "calendar_id",
})


def visible_programs(user: AnyUser) -> QuerySet[Program]:
    qs = Program.objects.select_related("portfolio", "manager")
    if is_global_staff(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(
        Exists(ProgramMembership.objects.filter(program=OuterRef("pk"), user_id=user.pk))
        | Exists(PortfolioMembership.objects.filter(portfolio=OuterRef("portfolio_id"), user_id=user.pk))
        | Exists(ProjectMembership.objects.filter(project__program=OuterRef("pk"), user_id=user.pk))
    )


def visible_projects(user: AnyUser) -> QuerySet[Project]:
    qs = Project.objects.select_related("portfolio", "program", "manager", "sponsor")
    if is_global_staff(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(
        Exists(ProjectMembership.objects.filter(project=OuterRef("pk"), user_id=user.pk))
        | Exists(ProgramMembership.objects.filter(program=OuterRef("program_id"), user_id=user.pk))
        | Exists(PortfolioMembership.objects.filter(portfolio=OuterRef("portfolio_id"), user_id=user.pk))
    )


@dataclass(frozen=True)
class ProjectFilter:
    """One filter set for the project list page and the API."""

    q: str | None = None
    portfolio: int | None = None
    program: int | None = None
    stage: str | None = None
    manager: int | None = None

    def apply(self, qs: QuerySet[Project]) -> QuerySet[Project]:
        if self.q:
            qs = qs.filter(Q(name__icontains=self.q) | Q(code__icontains=self.q) | Q(description__icontains=self.q))
        if self.portfolio:
            qs = qs.filter(portfolio_id=self.portfolio)
        if self.program:
            qs = qs.filter(program_id=self.program)
        if self.stage:
            qs = qs.filter(stage=self.stage)
        if self.manager:
            qs = qs.filter(manager_id=self.manager)
        return qs


def filter_programs(qs: QuerySet[Program], q: str | None, portfolio: int | None) -> QuerySet[Program]:
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(goal__icontains=q))
    if portfolio:
        qs = qs.filter(portfolio_id=portfolio)
    return qs


def get_program(user: AnyUser, program_id: int) -> Program:
    program = visible_programs(user).filter(pk=program_id).first()
    if program is None:
        raise NotFound("No program with that id.")
    return program


def get_project(user: AnyUser, project_id: int) -> Project:
    project = visible_projects(user).filter(pk=project_id).first()
    if project is None:
        raise NotFound("No project with that id.")
    return project


def _visible_parent(user: AnyUser, model: type[Portfolio] | type[Program], pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    qs = visible_portfolios(user) if model is Portfolio else visible_programs(user)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise InvalidInput(f"{field}: no {model.__name__.lower()} with id {pk}.", field=field)
    return found


def _check_people(fields: Mapping[str, Any]) -> None:
    for field in ("manager_id", "sponsor_id", "owner_id"):
        pk = fields.get(field)
        if pk is not None and not User.objects.filter(pk=pk, is_active=True).exists():
            raise InvalidInput(f"{field}: no active user with id {pk}.", field=field)


def _check_calendar(portfolio_id: int, project_id: int | None, calendar_id: int | None) -> None:
    """A project's calendar is one of its portfolio's shared calendars or its own."""
    if calendar_id is None:
        return
    from altitude.delivery.models import Calendar

    usable = Calendar.objects.filter(pk=calendar_id, portfolio_id=portfolio_id).filter(
        Q(project__isnull=True) | Q(project_id=project_id))
    if not usable.exists():
        raise InvalidInput(f"calendar_id: no calendar {calendar_id} usable by this project.", field="calendar_id")


def create_program(user: AnyUser, portfolio_id: int, fields: Mapping[str, Any]) -> Program:
    portfolio = _visible_parent(user, Portfolio, portfolio_id, "portfolio_id")
    authorize(user, Resource.PROGRAM, Action.CREATE, parent=portfolio)
    _check_people(fields)
    with transaction.atomic():
        return validate_and_save(Program(portfolio=portfolio, **_only(fields, PROGRAM_FIELDS)))


def update_program(user: AnyUser, program_id: int, version: int | None, changes: Mapping[str, Any]) -> Program:
    program = get_program(user, program_id)
    authorize(user, Resource.PROGRAM, Action.CHANGE, program)
    _check_people(changes)
    return update_versioned(program, version, _only(changes, PROGRAM_FIELDS), "program")


def delete_program(user: AnyUser, program_id: int) -> None:
    program = get_program(user, program_id)
    authorize(user, Resource.PROGRAM, Action.DELETE, program)
    delete_checked(program, "program")


def create_project(user: AnyUser, portfolio_id: int, fields: Mapping[str, Any]) -> Project:
    portfolio = _visible_parent(user, Portfolio, portfolio_id, "portfolio_id")
    program = _visible_parent(user, Program, fields.get("program_id"), "program_id")
    authorize(user, Resource.PROJECT, Action.CREATE, parent=program or portfolio)
    _check_people(fields)
    values = _only(fields, PROJECT_FIELDS | {"code"})
    values.pop("program_id", None)
    _check_calendar(portfolio.pk, None, values.get("calendar_id"))
    with transaction.atomic():
        return validate_and_save(Project(portfolio=portfolio, program=program, **values))


def update_project(user: AnyUser, project_id: int, version: int | None, changes: Mapping[str, Any]) -> Project:
    project = get_project(user, project_id)
    authorize(user, Resource.PROJECT, Action.CHANGE, project)
    _check_people(changes)
    values = _only(changes, PROJECT_FIELDS)
    _check_calendar(project.portfolio_id, project.pk, values.get("calendar_id"))
    if values.get("program_id") is not None:
        program = _visible_parent(user, Program, values["program_id"], "program_id")
        authorize(user, Resource.PROJECT, Action.CREATE, parent=program)
    return update_versioned(project, version, values, "project")


def delete_project(user: AnyUser, project_id: int) -> None:
    project = get_project(user, project_id)
    authorize(user, Resource.PROJECT, Action.DELETE, project)
    delete_checked(project, "project")


def _only(changes: Mapping[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in changes.items() if k in allowed}
