"""The program cockpit's figures, gathered in a fixed number of queries.

Roadmap (each project's scheduled span and milestones, links across projects), the
integrated critical path, the stored Monte Carlo forecast, escalated risks and issues,
money by project and the schedule and risk health of each project.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Max, Min, Q
from django.urls import reverse
from django.utils import timezone

from altitude.core.errors import PermissionDenied
from altitude.core.policy import AnyUser
from altitude.delivery import services as delivery
from altitude.delivery.models import Dependency, Program, Task
from altitude.engine.health import (
    DimensionHealth,
    HealthThresholds,
    ProjectFacts,
    RiskFacts,
    risk_health,
    schedule_health,
)
from altitude.governance import decisions, forecast, services
from altitude.governance.models import Issue, Risk

CRITICAL_ROWS = 60
DECISION_ROWS = 15


def _date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value is not None else None


def _roadmap(program: Program, projects: list[Any]) -> dict[str, Any]:
    spans = {r["project_id"]: r for r in Task.objects.filter(project__program=program)
             .values("project_id").annotate(start=Min("start"), finish=Max("finish"))}
    milestones = list(Task.objects.filter(project__program=program, milestone=True, children__isnull=True)
                      .order_by("finish", "project__code").values("id", "project_id", "wbs", "name", "finish", "critical"))
    code = {p.pk: p.code for p in projects}
    links = list(Dependency.objects.filter(Q(successor__project__program=program) | Q(predecessor__project__program=program))
                 .exclude(predecessor__project=F("successor__project"))
                 .values("id", "type", "lag_minutes", "predecessor__name", "predecessor__wbs", "predecessor__project__code",
                         "predecessor__finish", "successor__name", "successor__wbs", "successor__project__code",
                         "successor__start").order_by("successor__start", "pk"))
    rows = []
    for p in projects:
        span: dict[str, Any] = dict(spans.get(p.pk, {}))
        start = _date(span.get("start")) or p.start_date
        finish = _date(span.get("finish")) or p.finish_date
        rows.append({"code": p.code, "name": p.name, "start": start, "finish": finish, "planned_finish": p.finish_date,
                     "url": reverse("delivery:project-detail", args=[p.pk])})
    chart = {
        "projects": [{"code": r["code"], "name": r["name"], "start": r["start"].isoformat() if r["start"] else None,
                      "finish": r["finish"].isoformat() if r["finish"] else None, "url": r["url"],
                      "planned_finish": r["planned_finish"].isoformat() if r["planned_finish"] else None} for r in rows],
        "milestones": [{"code": code.get(m["project_id"], "?"), "name": m["name"], "critical": m["critical"],
                        "date": _date(m["finish"]).isoformat() if m["finish"] else None}  # type: ignore[union-attr]
                       for m in milestones if m["project_id"] in code],
        "links": [{"from": link["predecessor__project__code"], "to": link["successor__project__code"],
                   "from_date": _date(link["predecessor__finish"]).isoformat() if link["predecessor__finish"] else None,  # type: ignore[union-attr]
                   "to_date": _date(link["successor__start"]).isoformat() if link["successor__start"] else None}  # type: ignore[union-attr]
                  for link in links],
    }
    return {"rows": rows, "milestones": milestones, "links": links, "chart": chart, "code": code}


def _critical_path(user: AnyUser, program: Program, code: dict[int, str]) -> dict[str, Any]:
    try:
        schedule = delivery.program_schedule(user, program.pk)
    except PermissionDenied:  # sees the program through one project only: no integrated schedule
        return {"critical": [], "critical_more": 0, "critical_count": 0, "schedule_finish": "", "scheduled_at": None,
                "can_forecast": False}
    by_id = {t["id"]: t for t in schedule["tasks"]}
    path = [by_id[pk] for pk in schedule["critical_path"] if pk in by_id]
    for t in path:
        t["project_code"] = code.get(t["project_id"], "")
        t["start_date"] = (t["start"] or "")[:10]
        t["finish_date"] = (t["finish"] or "")[:10]
    return {"critical": path[:CRITICAL_ROWS], "critical_more": max(0, len(path) - CRITICAL_ROWS),
            "critical_count": len(path), "schedule_finish": (schedule["finish"] or "")[:10],
            "scheduled_at": schedule["scheduled_at"], "can_forecast": True}


def _health(projects: list[Any], rows: list[dict[str, Any]], today: dt.date) -> dict[int, dict[str, Any]]:
    exposure = services.risk_exposure_by_project([p.pk for p in projects])
    thresholds = HealthThresholds()
    out = {}
    for p, row in zip(projects, rows, strict=True):
        e = exposure[p.pk]
        facts = ProjectFacts(status_date=p.status_date or today, planned_finish=p.finish_date, forecast_finish=row["finish"],
                             risk=RiskFacts(e.open_threats, e.total_score, e.worst_score, e.escalated))
        out[p.pk] = {"schedule": _rag(schedule_health(facts, thresholds)), "risk": _rag(risk_health(facts, thresholds)),
                     "exposure": e}
    return out


def _rag(health: DimensionHealth) -> dict[str, str]:
    """Template-ready rating: letter, word, CSS class and the reason (never colour alone)."""
    word = {"green": "On track", "amber": "At risk", "red": "Off track"}.get(health.rating.value, "Not assessed")
    return {"letter": health.rating.letter, "word": word, "cls": health.rating.name.lower(), "reason": health.reason}


def program_cockpit(user: AnyUser, program_id: int) -> dict[str, Any]:
    """Everything the cockpit shows; raises ``NotFound`` for a program the user cannot see."""
    program = delivery.get_program(user, program_id)
    projects = list(delivery.visible_projects(user).filter(program=program).order_by("start_date", "code"))
    roadmap = _roadmap(program, projects)
    escalated_filter = services.RegisterFilter(program=program.pk, escalated=True, active=True)
    escalated_risks = list(services.list_entries(Risk, user, escalated_filter).order_by("-score", "pk"))
    escalated_issues = list(services.list_entries(Issue, user, escalated_filter).order_by("pk"))
    own_filter = services.RegisterFilter(active=True)
    program_risks = list(services.list_entries(Risk, user, own_filter).filter(program=program).order_by("-score", "pk"))
    stored, current = forecast.latest(program)
    health = _health(projects, roadmap["rows"], timezone.localdate())
    for p, row in zip(projects, roadmap["rows"], strict=True):
        row["project"] = p
        row["health"] = health[p.pk]
    money: list[dict[str, Any]] = [{"code": p.code, "budget": float(p.budget), "cost": float(p.estimated_cost),
              "benefits": float(p.expected_benefits), "variance": float(p.estimated_cost - p.budget)} for p in projects]
    totals = {k: sum(m[k] for m in money) for k in ("budget", "cost", "benefits")}
    return {
        "program": program, "projects": projects, "roadmap": roadmap, "escalated_risks": escalated_risks,
        "escalated_issues": escalated_issues, "program_risks": program_risks, "forecast": stored,
        "forecast_current": current, "drivers": forecast.drivers_for(user, stored), "money": money, "totals": totals,
        "objectives": list(program.programobjective_set.select_related("objective")),
        **(path := _critical_path(user, program, roadmap["code"])),
        # the program's own log needs a role on the program: the same rule as its integrated schedule
        **_decisions_needed(user, program, log=path["can_forecast"]),
    }


def _decisions_needed(user: AnyUser, program: Program, *, log: bool) -> dict[str, Any]:
    """Pending decisions of the program and its projects, soonest due first (one query).

    ``log``: the user may open the program's decision log (the links are offered then).
    """
    pending = decisions.pending_for_program(user, program, limit=DECISION_ROWS + 1)
    return {"decisions_needed": pending[:DECISION_ROWS], "decisions_more": len(pending) > DECISION_ROWS,
            "decision_log": log}
