"""Portfolio use cases: who sees which portfolio, and versioned edits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from altitude.core.errors import NotFound
from altitude.core.policy import Action, AnyUser, Resource, authorize, is_global_staff
from altitude.core.services import delete_checked, update_versioned, validate_and_save
from altitude.engine.health import (
    Dimension,
    DimensionHealth,
    HealthResult,
    HealthThresholds,
    ProjectFacts,
    Rating,
    RiskFacts,
    assess,
    worst,
)
from altitude.strategy.models import Portfolio, PortfolioMembership

if TYPE_CHECKING:
    from altitude.delivery.models import Program, Project

EDITABLE_FIELDS = frozenset({"name", "description", "owner_id"})


def visible_portfolios(user: AnyUser) -> QuerySet[Portfolio]:
    qs = Portfolio.objects.select_related("owner")
    if is_global_staff(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    # Programs and projects a user belongs to reveal their portfolio too (read only).
    from altitude.delivery.models import ProgramMembership, ProjectMembership

    return qs.filter(
        Exists(PortfolioMembership.objects.filter(portfolio=OuterRef("pk"), user_id=user.pk))
        | Exists(ProgramMembership.objects.filter(program__portfolio=OuterRef("pk"), user_id=user.pk))
        | Exists(ProjectMembership.objects.filter(project__portfolio=OuterRef("pk"), user_id=user.pk))
    )


def filter_portfolios(qs: QuerySet[Portfolio], q: str | None) -> QuerySet[Portfolio]:
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    return qs


def get_portfolio(user: AnyUser, portfolio_id: int) -> Portfolio:
    portfolio = Portfolio.objects.select_related("owner").filter(pk=portfolio_id).first()
    if portfolio is None or not visible_portfolios(user).filter(pk=portfolio_id).exists():
        raise NotFound("No portfolio with that id.")
    return portfolio


def create_portfolio(user: AnyUser, fields: Mapping[str, Any]) -> Portfolio:
    authorize(user, Resource.PORTFOLIO, Action.CREATE)
    with transaction.atomic():
        return validate_and_save(Portfolio(**dict(fields)))


def update_portfolio(user: AnyUser, portfolio_id: int, version: int | None, changes: Mapping[str, Any]) -> Portfolio:
    portfolio = get_portfolio(user, portfolio_id)
    authorize(user, Resource.PORTFOLIO, Action.CHANGE, portfolio)
    return update_versioned(portfolio, version, _only(changes, EDITABLE_FIELDS), "portfolio")


def delete_portfolio(user: AnyUser, portfolio_id: int) -> None:
    portfolio = get_portfolio(user, portfolio_id)
    authorize(user, Resource.PORTFOLIO, Action.DELETE, portfolio)
    delete_checked(portfolio, "portfolio")


def _only(changes: Mapping[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in changes.items() if k in allowed}


# --- Portfolio board (read only) -------------------------------------------------------


@dataclass(frozen=True)
class BoardProject:
    """One project on the board: its health and the figures behind it."""

    project: Project
    health: HealthResult
    forecast_finish: dt.date | None
    baseline_finish: dt.date | None
    actual_cost: Decimal
    booked_hours: float
    risk: RiskFacts | None

    @property
    def forecast_cost(self) -> Decimal:
        return max(self.project.estimated_cost, self.actual_cost)

    @property
    def ratings(self) -> list[DimensionHealth]:
        return list(self.health.dimensions)


@dataclass(frozen=True)
class BoardGroup:
    """A program (or the stand-alone projects) with its projects' ratings rolled up (worst wins)."""

    program: Program | None
    projects: tuple[BoardProject, ...]

    @property
    def name(self) -> str:
        return self.program.name if self.program else "Stand-alone projects"

    @property
    def ratings(self) -> list[tuple[Dimension, Rating]]:
        return [(d, worst([p.health[d].rating for p in self.projects])) for d in Dimension]

    @property
    def overall(self) -> Rating:
        return worst([p.health.overall for p in self.projects])

    @property
    def budget(self) -> Decimal:
        return sum((p.project.budget for p in self.projects), Decimal(0))

    @property
    def estimated_cost(self) -> Decimal:
        return sum((p.project.estimated_cost for p in self.projects), Decimal(0))

    @property
    def actual_cost(self) -> Decimal:
        return sum((p.actual_cost for p in self.projects), Decimal(0))


@dataclass(frozen=True)
class Board:
    projects: list[BoardProject]
    groups: list[BoardGroup]
    risk_assessed: bool

    def bubbles(self) -> list[dict[str, object]]:
        """Points of the value vs risk chart: x risk score, y expected benefits, size budget."""
        return [{"code": p.project.code, "name": p.project.name, "program": p.project.program.name if p.project.program else "Stand-alone",
                 "risk": p.risk.total_score if p.risk else 0, "benefits": float(p.project.expected_benefits),
                 "budget": float(p.project.budget), "health": p.health.overall.value,
                 "url": f"/projects/{p.project.pk}/"} for p in self.projects]


def _risk_facts(ids: list[int]) -> dict[int, RiskFacts] | None:
    """Open threats per project from the governance registers (None when that app is absent)."""
    try:
        from altitude.governance.services import risk_exposure_by_project
    except ImportError:  # the registers are optional: risk is then "not assessed"
        return None
    return {pk: RiskFacts(e.open_threats, e.total_score, e.worst_score, e.escalated)
            for pk, e in risk_exposure_by_project(ids).items()}


def board_projects(user: AnyUser, portfolio: Portfolio, program: str | None = None,
                   stage: str | None = None) -> QuerySet[Project]:
    """The portfolio's projects the user sees; ``program``: an id or ``"none"`` (stand-alone)."""
    from altitude.delivery.services import visible_projects

    qs = visible_projects(user).filter(portfolio=portfolio)
    if program == "none":
        qs = qs.filter(program__isnull=True)
    elif program and program.isdigit():
        qs = qs.filter(program_id=int(program))
    if stage:
        qs = qs.filter(stage=stage)
    return qs.annotate(forecast=Max("tasks__finish")).order_by("program__name", "priority", "code")


def portfolio_board(user: AnyUser, portfolio: Portfolio, program: str | None = None, stage: str | None = None,
                    today: dt.date | None = None, thresholds: HealthThresholds | None = None) -> Board:
    """Health of every project on the board, grouped by program; a fixed number of queries."""
    from altitude.delivery.models import Baseline, BaselineTask, Stage, Task, TaskStatus
    from altitude.resources.time_entries import actual_cost_by_project, booked_minutes_by_project

    on = today or dt.date.today()
    projects = list(board_projects(user, portfolio, program, stage))
    ids = [p.pk for p in projects]
    latest: dict[int, int] = {}
    for baseline_id, project_id in Baseline.objects.filter(project_id__in=ids).order_by("project_id", "-created_at", "-pk").values_list("pk", "project_id"):
        latest.setdefault(project_id, baseline_id)
    baseline_finish = dict(BaselineTask.objects.filter(baseline_id__in=latest.values()).values("baseline__project_id")
                           .annotate(f=Max("finish")).values_list("baseline__project_id", "f"))
    leaves = (Task.objects.filter(project_id__in=ids, children__isnull=True, milestone=False).values("project_id")
              .annotate(n=Count("pk"), late=Count("pk", filter=Q(finish__date__lt=Coalesce(F("project__status_date"), Value(on)))
                                                  & ~Q(status=TaskStatus.DONE))))
    counts = {r["project_id"]: (r["n"], r["late"]) for r in leaves}
    actual = actual_cost_by_project(ids)
    booked = booked_minutes_by_project(ids)
    risks = _risk_facts(ids)
    rows = []
    for p in projects:
        n, late = counts.get(p.pk, (0, 0))
        forecast = p.forecast.date() if getattr(p, "forecast", None) else None  # type: ignore[attr-defined]
        base = baseline_finish.get(p.pk)
        risk = risks.get(p.pk) if risks is not None else None
        facts = ProjectFacts(
            status_date=p.status_date or on, closed=p.stage == Stage.CLOSED, planned_finish=p.finish_date,
            forecast_finish=forecast, baseline_finish=base.date() if base else None, budget=float(p.budget),
            estimated_cost=float(p.estimated_cost), actual_cost=float(actual.get(p.pk, 0)),
            expected_benefits=float(p.expected_benefits), work_tasks=n, overdue_tasks=late, risk=risk)
        rows.append(BoardProject(p, assess(facts, thresholds), forecast, facts.baseline_finish,
                                 actual.get(p.pk, Decimal("0.00")), round(booked.get(p.pk, 0) / 60, 1), risk))
    return Board(rows, group_board(rows), risks is not None)


def group_board(rows: Iterable[BoardProject]) -> list[BoardGroup]:
    """Projects by program (programs by name, stand-alone projects last)."""
    groups: dict[int | None, list[BoardProject]] = {}
    for row in rows:
        groups.setdefault(row.project.program_id, []).append(row)
    ordered = sorted(groups.values(), key=lambda g: (g[0].project.program is None,
                                                     g[0].project.program.name if g[0].project.program else ""))
    return [BoardGroup(g[0].project.program, tuple(g)) for g in ordered]


def board_totals(rows: Iterable[BoardProject]) -> dict[str, Decimal]:
    rows = list(rows)
    return {"budget": sum((r.project.budget for r in rows), Decimal(0)),
            "cost": sum((r.project.estimated_cost for r in rows), Decimal(0)),
            "actual": sum((r.actual_cost for r in rows), Decimal(0)),
            "benefits": sum((r.project.expected_benefits for r in rows), Decimal(0))}
