"""What the figures say about one project today: health ratings and the metrics snapshot.

The facts are gathered as the portfolio board gathers them (last schedule, latest
baseline, overdue work tasks, actual cost from time entries, open threats) and rated by
``altitude.engine.health``; a fixed number of queries per project.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from altitude.delivery.models import BaselineTask, Project, Stage, Task, TaskStatus
from altitude.engine.health import (
    DimensionHealth,
    HealthResult,
    ProjectFacts,
    Rating,
    RiskFacts,
    assess,
)
from altitude.governance.models import ACTIVE_ISSUE, ACTIVE_RISK, Issue, Risk
from altitude.governance.services import risk_exposure_by_project
from altitude.resources.time_entries import actual_cost_by_project


@dataclass(frozen=True)
class Snapshot:
    """``health``: the engine's ratings; ``metrics``: JSON-ready figures (money as strings)."""

    health: HealthResult
    metrics: dict[str, Any]

    def computed(self) -> dict[str, dict[str, str | None]]:
        """Suggested rating and reason per dimension and overall (rating None: not assessed)."""
        out: dict[str, dict[str, str | None]] = {d.dimension.value: _suggestion(d) for d in self.health.dimensions}
        overall = self.health.overall
        worst = [d for d in self.health.dimensions if d.rating is overall and overall is not Rating.NOT_ASSESSED]
        out["overall"] = {"rating": None if overall is Rating.NOT_ASSESSED else overall.value,
                          "reason": f"The worst dimension: {worst[0].dimension.value}." if worst else "No dimension rated."}
        return out


def _suggestion(d: DimensionHealth) -> dict[str, str | None]:
    return {"rating": None if d.rating is Rating.NOT_ASSESSED else d.rating.value, "reason": d.reason}


def _date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value is not None else None


def snapshot(project: Project, today: dt.date | None = None) -> Snapshot:
    on = today or timezone.localdate()
    status_date = project.status_date or on
    leaves = Task.objects.filter(project=project, children__isnull=True)
    work = leaves.filter(milestone=False).aggregate(
        n=Count("pk"), late=Count("pk", filter=Q(finish__date__lt=status_date) & ~Q(status=TaskStatus.DONE)),
        weight=Sum("duration_minutes"), done=Sum(F("duration_minutes") * F("percent_complete")))
    finish = _date(Task.objects.filter(project=project).aggregate(f=Max("finish"))["f"])
    baseline = (BaselineTask.objects.filter(baseline__project=project)
                .order_by("-baseline__created_at", "-baseline_id").values_list("baseline_id", flat=True).first())
    baseline_finish = _date(BaselineTask.objects.filter(baseline_id=baseline).aggregate(f=Max("finish"))["f"]) if baseline else None
    actual = actual_cost_by_project([project.pk]).get(project.pk, Decimal("0.00"))
    exposure = risk_exposure_by_project([project.pk])[project.pk]
    open_risks = Risk.objects.filter(project=project, status__in=ACTIVE_RISK).count()
    open_issues = Issue.objects.filter(project=project, status__in=ACTIVE_ISSUE).count()
    facts = ProjectFacts(
        status_date=status_date, closed=project.stage == Stage.CLOSED, planned_finish=project.finish_date,
        forecast_finish=finish, baseline_finish=baseline_finish, budget=float(project.budget),
        estimated_cost=float(project.estimated_cost), actual_cost=float(actual),
        expected_benefits=float(project.expected_benefits), work_tasks=work["n"], overdue_tasks=work["late"],
        risk=RiskFacts(exposure.open_threats, exposure.total_score, exposure.worst_score, exposure.escalated))
    weight = work["weight"] or 0
    metrics: dict[str, Any] = {
        "as_of": on.isoformat(),
        "status_date": project.status_date.isoformat() if project.status_date else None,
        "scheduled_finish": finish.isoformat() if finish else None,
        "planned_finish": project.finish_date.isoformat() if project.finish_date else None,
        "baseline_finish": baseline_finish.isoformat() if baseline_finish else None,
        "baseline_slip_days": (finish - baseline_finish).days if finish and baseline_finish else None,
        "percent_complete": round((work["done"] or 0) / weight, 1) if weight else None,
        "work_tasks": work["n"], "overdue_tasks": work["late"],
        "open_risks": open_risks, "open_issues": open_issues,
        "budget": str(project.budget), "estimated_cost": str(project.estimated_cost), "actual_cost": str(actual),
    }
    return Snapshot(assess(facts), metrics)
