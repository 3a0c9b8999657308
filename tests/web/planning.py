"""Helpers that build small plans through the services, for the planning tests."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.test import Client

from altitude.accounts.models import User
from altitude.delivery import services
from altitude.delivery.models import (
    Baseline,
    Calendar,
    CalendarException,
    Dependency,
    Project,
    Task,
)
from altitude.resources.models import Assignment, Resource
from tests.personas import Demo

DAY = 480


def task(user: User, project: Project, name: str, days: float = 0, **fields: Any) -> Task:
    values: dict[str, Any] = {"name": name, "duration_minutes": int(days * DAY), **fields}
    if days == 0 and "milestone" not in fields:
        values["milestone"] = True
    return services.create_task(user, project.pk, values)


def link(user: User, a: Task, b: Task, **fields: Any) -> Dependency:
    return services.create_dependency(user, {"predecessor_id": a.pk, "successor_id": b.pk, **fields})


def call(client: Client, method: str, url: str, body: dict[str, Any] | None = None, **headers: str) -> tuple[int, Any]:
    """One JSON request; returns (status, decoded body or None)."""
    kwargs: dict[str, Any] = {"headers": headers}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    response = getattr(client, method.lower())(url, **kwargs)
    content = response.content
    return response.status_code, (json.loads(content) if content else None)


@dataclass
class Plan:
    """A small DCX-01 plan: Phase 1 (Design -> Build -> Go-live), a calendar, a resource, a baseline."""

    phase: Task
    design: Task
    build: Task
    golive: Task
    design_build: Dependency
    app: Task  # in DCX-02 (same program)
    erp: Task  # in OPS-01 (other program)
    calendar: Calendar
    resource: Resource
    assignment: Assignment
    baseline: Baseline


def build_plan(demo: Demo) -> Plan:
    pm = demo.user("admin")
    portfolio_calendar = Calendar.objects.create(portfolio=demo.portfolio, name="Northwind standard")
    CalendarException.objects.create(calendar=portfolio_calendar, name="Labour Day", start=dt.date(2026, 5, 1))
    phase = task(pm, demo.dcx01, "Phase 1", 0, milestone=False)
    design = task(pm, demo.dcx01, "Design", 5, parent_id=phase.pk)
    build = task(pm, demo.dcx01, "Build", 3, parent_id=phase.pk)
    golive = task(pm, demo.dcx01, "Go-live")
    design_build = link(pm, design, build)
    link(pm, build, golive)
    app = task(pm, demo.dcx02, "App", 4)
    erp = task(pm, demo.ops01, "ERP cut-over", 2)
    resource = Resource.objects.create(portfolio=demo.portfolio, name="Lena Fischer", user=demo.user("member"),
                                       cost_rate=Decimal("90"))
    assignment = Assignment.objects.create(task=build, resource=resource)
    services.reschedule_project(pm, demo.dcx01.pk)
    baseline = services.set_baseline(pm, demo.dcx01.pk, "Approved plan")
    for t in (phase, design, build, golive):
        t.refresh_from_db()
    return Plan(phase, design, build, golive, design_build, app, erp, portfolio_calendar, resource, assignment, baseline)
