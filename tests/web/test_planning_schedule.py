"""Rescheduling through the services: program-wide links and critical path, baseline slips."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from altitude.delivery import services
from altitude.delivery.models import Calendar, CalendarException, Project, ScheduleRun, Task
from tests.personas import Demo
from tests.web.planning import DAY, call, link, task

pytestmark = pytest.mark.django_db


def local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def test_cross_project_link_delays_b_milestone_and_is_on_program_critical_path(
    demo: Demo, client_for: Callable[[str], Client]
) -> None:
    """Acceptance 3: DCX-01's API work (fixed to start 7 Sept) drives DCX-02's launch."""
    pm = demo.user("program")
    api_work = task(pm, demo.dcx01, "Commerce API", 10, constraint_type="snet", constraint_date=dt.date(2026, 9, 7))
    build = task(pm, demo.dcx02, "App build", 5)
    launch = task(pm, demo.dcx02, "App launch")
    link(pm, build, launch)
    services.reschedule_program(pm, demo.dcx.pk)
    launch.refresh_from_db()
    # Without the cross-project link B starts on its own start date (Tue 1 Sept).
    assert local(launch.finish) == dt.datetime(2026, 9, 7, 17, 0)

    link(pm, api_work, build)
    run = services.reschedule_program(pm, demo.dcx.pk)
    assert run.status == "ok" and run.task_count == 3
    launch.refresh_from_db()
    build.refresh_from_db()
    assert local(build.start) == dt.datetime(2026, 9, 21, 8, 0)
    assert local(launch.finish) == dt.datetime(2026, 9, 25, 17, 0)
    assert launch.driving_predecessor_id == build.pk
    assert build.driving_predecessor_id == api_work.pk

    status, program = call(client_for("program"), "GET", f"/api/v1/programs/{demo.dcx.pk}/schedule")
    assert status == 200
    assert program["critical_path"] == [api_work.pk, build.pk, launch.pk]
    assert program["finish"].startswith("2026-09-25T17:00")
    status, b_schedule = call(client_for("project"), "GET", f"/api/v1/projects/{demo.dcx02.pk}/schedule")
    assert status == 404  # the DCX-01 project manager does not see DCX-02
    status, b_schedule = call(client_for("member"), "GET", f"/api/v1/projects/{demo.dcx02.pk}/schedule")
    assert status == 200
    shown = {t["id"]: t for t in b_schedule["tasks"]}
    assert shown[launch.pk]["finish"].startswith("2026-09-25T17:00")
    assert [e["id"] for e in b_schedule["external_tasks"]] == [api_work.pk]


def test_project_reschedule_keeps_external_predecessors_fixed(demo: Demo) -> None:
    pm = demo.user("program")
    api_work = task(pm, demo.dcx01, "Commerce API", 10, constraint_type="snet", constraint_date=dt.date(2026, 9, 7))
    build = task(pm, demo.dcx02, "App build", 5)
    link(pm, api_work, build)
    services.reschedule_program(pm, demo.dcx.pk)
    # Change A without rescheduling it: B's own reschedule uses A's stored dates.
    Task.objects.filter(pk=api_work.pk).update(duration_minutes=20 * DAY)
    services.reschedule_project(pm, demo.dcx02.pk)
    build.refresh_from_db()
    api_work.refresh_from_db()
    assert local(build.start) == dt.datetime(2026, 9, 21, 8, 0)
    assert local(api_work.finish) == dt.datetime(2026, 9, 18, 17, 0)  # not rewritten by B's run
    services.reschedule_program(pm, demo.dcx.pk)
    build.refresh_from_db()
    assert local(build.start) == dt.datetime(2026, 10, 5, 8, 0)


def test_baseline_variance_reports_exact_working_day_slip(demo: Demo, client_for: Callable[[str], Client]) -> None:
    """Acceptance 4: over a holiday, a 2-working-day slip reads 2.00, not 4 calendar days."""
    pm = demo.user("project")
    calendar = Calendar.objects.create(portfolio=demo.portfolio, name="Berlin office")
    CalendarException.objects.create(calendar=calendar, name="Company day", start=dt.date(2026, 3, 9))
    Project.objects.filter(pk=demo.dcx01.pk).update(calendar=calendar)
    design = task(pm, demo.dcx01, "Design", 5)
    build = task(pm, demo.dcx01, "Build", 3)
    link(pm, design, build)
    services.reschedule_project(pm, demo.dcx01.pk)
    build.refresh_from_db()
    assert local(build.start) == dt.datetime(2026, 3, 10, 8, 0)  # Monday 9 is the company day
    assert local(build.finish) == dt.datetime(2026, 3, 12, 17, 0)
    client = client_for("project")
    status, baseline = call(client, "POST", f"/api/v1/projects/{demo.dcx01.pk}/baselines", {"name": "Approved plan"})
    assert status == 201

    status, _ = call(client, "PATCH", f"/api/v1/tasks/{design.pk}", {"duration_minutes": 7 * DAY, "version": design.version})
    assert status == 200
    status, run = call(client, "POST", f"/api/v1/projects/{demo.dcx01.pk}/reschedule", {})
    assert status == 200 and run["task_count"] == 2
    status, variance = call(client, "GET", f"/api/v1/baselines/{baseline['id']}/variance")
    assert status == 200
    rows = {r["task_id"]: r for r in variance["tasks"]}
    assert Decimal(rows[build.pk]["start_slip_days"]) == Decimal("2.00")
    assert Decimal(rows[build.pk]["finish_slip_days"]) == Decimal("2.00")  # Thu 12 -> Mon 16
    assert Decimal(rows[design.pk]["start_slip_days"]) == Decimal("0.00")
    assert Decimal(rows[design.pk]["finish_slip_days"]) == Decimal("2.00")
    assert rows[design.pk]["duration_variance_minutes"] == 2 * DAY
    assert ScheduleRun.objects.filter(project=demo.dcx01).count() == 2
