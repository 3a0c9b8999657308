"""Every planning endpoint, tried by every persona: the policy table's answers (DESIGN.md section 6).

Each persona's attempt runs in a savepoint that is rolled back, so all of them meet
the same data.  A new planning operation without a row here fails
``test_every_planning_operation_has_a_role_row``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from altitude.config.api import api
from altitude.core.policy import ROUTES, Resource
from altitude.delivery.models import Baseline, Calendar, Dependency, Task
from altitude.resources.models import Assignment, LevelingApplication, LevelingRun
from altitude.resources.models import Resource as Pool
from tests.personas import Demo
from tests.web.planning import Plan, call

pytestmark = pytest.mark.django_db

PERSONAS = ("portfolio", "program", "project", "member", "executive", "admin", "outsider")
PLANNING = {Resource.TASK, Resource.DEPENDENCY, Resource.CALENDAR, Resource.BASELINE, Resource.RESOURCE,
            Resource.ASSIGNMENT, Resource.SCHEDULE}


def read(ok: int = 200, outsider: int = 404) -> dict[str, int]:
    return {p: ok for p in PERSONAS} | {"outsider": outsider}


def project_write(ok: int, outsider: int = 404, **more: int) -> dict[str, int]:
    """Managers of DCX-01 (its project, program and portfolio managers, admin) may; others 403."""
    return {"portfolio": ok, "program": ok, "project": ok, "admin": ok, "member": 403, "executive": 403,
            "outsider": outsider} | more


def portfolio_write(ok: int, outsider: int = 404) -> dict[str, int]:
    return {p: 403 for p in PERSONAS} | {"portfolio": ok, "admin": ok, "outsider": outsider}


def v(model: Any, pk: int) -> int:
    return int(model.objects.get(pk=pk).version)


Request = Callable[[Demo, Plan], tuple[str, str, dict[str, Any] | None]]

MATRIX: dict[str, tuple[Request, dict[str, int]]] = {
    "list_tasks": (lambda d, p: ("GET", f"/api/v1/projects/{d.dcx01.pk}/tasks", None), read()),
    "get_task": (lambda d, p: ("GET", f"/api/v1/tasks/{p.design.pk}", None), read()),
    "task_history": (lambda d, p: ("GET", f"/api/v1/tasks/{p.design.pk}/history", None), read()),
    "create_task": (lambda d, p: ("POST", f"/api/v1/projects/{d.dcx01.pk}/tasks", {"name": "Test"}), project_write(201)),
    "update_task": (lambda d, p: ("PATCH", f"/api/v1/tasks/{p.design.pk}",
                                  {"name": "Design v2", "version": v(Task, p.design.pk)}), project_write(200)),
    "move_task": (lambda d, p: ("POST", f"/api/v1/tasks/{p.golive.pk}/move",
                                {"parent_id": p.phase.pk, "version": v(Task, p.golive.pk)}), project_write(200)),
    "set_predecessors": (lambda d, p: ("PUT", f"/api/v1/tasks/{p.golive.pk}/predecessors", {
        "predecessors": "", "version": v(Task, p.golive.pk)}), project_write(200)),
    "bulk_update_tasks": (lambda d, p: ("POST", f"/api/v1/projects/{d.dcx01.pk}/tasks/bulk", {"items": [
        {"id": p.design.pk, "version": v(Task, p.design.pk), "duration_minutes": 960}]}), project_write(200)),
    # Lena (member) is assigned to Build: she may report its progress.
    "update_progress": (lambda d, p: ("POST", f"/api/v1/tasks/{p.build.pk}/progress", {
        "percent_complete": 50, "status_date": "2026-03-11", "version": v(Task, p.build.pk)}),
        project_write(200, member=200)),
    "delete_task": (lambda d, p: ("DELETE", f"/api/v1/tasks/{p.golive.pk}", None), project_write(200)),
    "list_dependencies": (lambda d, p: ("GET", f"/api/v1/projects/{d.dcx01.pk}/dependencies", None), read()),
    "get_dependency": (lambda d, p: ("GET", f"/api/v1/dependencies/{p.design_build.pk}", None), read()),
    "create_dependency": (lambda d, p: ("POST", "/api/v1/dependencies", {
        "predecessor_id": p.design.pk, "successor_id": p.golive.pk}), project_write(201, outsider=422)),
    "update_dependency": (lambda d, p: ("PATCH", f"/api/v1/dependencies/{p.design_build.pk}", {
        "lag_minutes": 480, "version": v(Dependency, p.design_build.pk)}), project_write(200)),
    "delete_dependency": (lambda d, p: ("DELETE", f"/api/v1/dependencies/{p.design_build.pk}", None), project_write(204)),
    "list_calendars": (lambda d, p: ("GET", "/api/v1/calendars", None), read(outsider=200)),
    "get_calendar": (lambda d, p: ("GET", f"/api/v1/calendars/{p.calendar.pk}", None), read()),
    "create_calendar": (lambda d, p: ("POST", "/api/v1/calendars", {"portfolio_id": d.portfolio.pk, "name": "Night shift"}),
                        portfolio_write(201, outsider=422)),
    "update_calendar": (lambda d, p: ("PATCH", f"/api/v1/calendars/{p.calendar.pk}", {
        "name": "Renamed", "version": v(Calendar, p.calendar.pk)}), portfolio_write(200)),
    "delete_calendar": (lambda d, p: ("DELETE", f"/api/v1/calendars/{p.calendar.pk}", None), portfolio_write(204)),
    "list_baselines": (lambda d, p: ("GET", f"/api/v1/projects/{d.dcx01.pk}/baselines", None), read()),
    "create_baseline": (lambda d, p: ("POST", f"/api/v1/projects/{d.dcx01.pk}/baselines", {"name": "Re-plan"}),
                        project_write(201)),
    "baseline_variance": (lambda d, p: ("GET", f"/api/v1/baselines/{p.baseline.pk}/variance", None), read()),
    "delete_baseline": (lambda d, p: ("DELETE", f"/api/v1/baselines/{p.baseline.pk}", None), project_write(204)),
    "list_resources": (lambda d, p: ("GET", "/api/v1/resources", None), read(outsider=200)),
    "get_resource": (lambda d, p: ("GET", f"/api/v1/resources/{p.resource.pk}", None), read()),
    "create_resource": (lambda d, p: ("POST", "/api/v1/resources", {"portfolio_id": d.portfolio.pk, "name": "Crane"}),
                        portfolio_write(201, outsider=422)),
    "update_resource": (lambda d, p: ("PATCH", f"/api/v1/resources/{p.resource.pk}", {
        "cost_rate": "95.00", "version": v(Pool, p.resource.pk)}), portfolio_write(200)),
    "delete_resource": (lambda d, p: ("DELETE", f"/api/v1/resources/{Pool.objects.create(portfolio=d.portfolio, name='Spare').pk}", None),
                        portfolio_write(204)),
    "list_assignments": (lambda d, p: ("GET", f"/api/v1/projects/{d.dcx01.pk}/assignments", None), read()),
    "get_assignment": (lambda d, p: ("GET", f"/api/v1/assignments/{p.assignment.pk}", None), read()),
    "create_assignment": (lambda d, p: ("POST", "/api/v1/assignments", {"task_id": p.design.pk, "resource_id": p.resource.pk}),
                          project_write(201, outsider=422)),
    "update_assignment": (lambda d, p: ("PATCH", f"/api/v1/assignments/{p.assignment.pk}", {
        "units": "0.5", "version": v(Assignment, p.assignment.pk)}), project_write(200)),
    "delete_assignment": (lambda d, p: ("DELETE", f"/api/v1/assignments/{p.assignment.pk}", None), project_write(204)),
    "reschedule_project": (lambda d, p: ("POST", f"/api/v1/projects/{d.dcx01.pk}/reschedule", {}), project_write(200)),
    # A project manager sees the program (through DCX-01) but has no role on it: 403.
    "reschedule_program": (lambda d, p: ("POST", f"/api/v1/programs/{d.dcx.pk}/reschedule", {}),
                           {"portfolio": 200, "program": 200, "admin": 200, "project": 403, "member": 403,
                            "executive": 403, "outsider": 404}),
    "project_schedule": (lambda d, p: ("GET", f"/api/v1/projects/{d.dcx01.pk}/schedule", None), read()),
    "program_schedule": (lambda d, p: ("GET", f"/api/v1/programs/{d.dcx.pk}/schedule", None),
                         read() | {"project": 403, "member": 403}),
    "project_leveling_preview": (lambda d, p: ("GET", f"/api/v1/projects/{d.dcx01.pk}/leveling-preview", None),
                                 read()),
    "program_leveling_preview": (lambda d, p: ("GET", f"/api/v1/programs/{d.dcx.pk}/leveling-preview", None),
                                 read() | {"project": 403, "member": 403}),
    # The plan over-books nobody: whoever may apply gets "changes nothing" (422), after the policy check.
    "apply_project_leveling": (lambda d, p: ("POST", f"/api/v1/projects/{d.dcx01.pk}/leveling/apply", {}),
                               project_write(422)),
    # Applying across the program changes tasks of every project: DCX-01's manager may not (DCX-02).
    "apply_program_leveling": (lambda d, p: ("POST", f"/api/v1/programs/{d.dcx.pk}/leveling/apply", {}),
                               {"portfolio": 422, "program": 422, "admin": 422, "project": 403, "member": 403,
                                "executive": 403, "outsider": 404}),
    "undo_leveling": (lambda d, p: ("POST", f"/api/v1/leveling/{_application(d)}/undo", None), project_write(200)),
    # The portfolio's pool: its viewers may preview; the program and project managers see the
    # portfolio through their scope but hold no role on it.
    "portfolio_leveling_preview": (lambda d, p: ("GET", f"/api/v1/portfolios/{d.portfolio.pk}/leveling-preview", None),
                                   read() | {"program": 403, "project": 403, "member": 403}),
    "apply_portfolio_leveling": (lambda d, p: ("POST", f"/api/v1/portfolios/{d.portfolio.pk}/leveling/apply", {}),
                                 {"portfolio": 422, "program": 403, "admin": 422, "project": 403, "member": 403,
                                  "executive": 403, "outsider": 404}),
    # Optimising is a longer preview: whoever may preview the scope may queue it (202), and see it.
    "optimise_leveling": (lambda d, p: ("POST", "/api/v1/leveling/runs", {"scope": "project", "id": d.dcx01.pk}),
                          read(202)),
    "get_leveling_run": (lambda d, p: ("GET", f"/api/v1/leveling/runs/{_program_run(d)}", None),
                         read() | {"project": 404, "member": 404}),
    "cancel_leveling_run": (lambda d, p: ("POST", f"/api/v1/leveling/runs/{_program_run(d)}/cancel", None),
                            read() | {"project": 404, "member": 404}),
}


def _program_run(d: Demo) -> int:
    """An optimisation of the DCX program: hidden (404) from whoever may not preview the program."""
    return int(LevelingRun.objects.create(program=d.dcx, project_ids=[d.dcx01.pk], seconds=10).pk)


def _application(d: Demo) -> int:
    """A levelling of DCX-01 to undo (created in the persona's savepoint, so each meets a fresh one)."""
    return int(LevelingApplication.objects.create(project=d.dcx01, changes=[]).pk)


def planning_operations() -> set[str]:
    names = {
        operation.view_func.__name__
        for router in (r for _, r in api._routers)
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    }
    return {n for n in names if isinstance(ROUTES.get(f"api:{n}"), tuple) and ROUTES[f"api:{n}"][0] in PLANNING}


def test_every_planning_operation_has_a_role_row() -> None:
    operations = planning_operations()
    assert len(operations) >= 35
    assert sorted(operations - MATRIX.keys()) == []
    assert sorted(MATRIX.keys() - operations) == []


@pytest.mark.parametrize("operation", sorted(MATRIX))
def test_each_persona_gets_the_policy_answer(
    operation: str, demo: Demo, plan: Plan, client_for: Callable[[str], Client]
) -> None:
    request, expected = MATRIX[operation]
    got: dict[str, int] = {}
    for persona in PERSONAS:
        with transaction.atomic():
            method, url, body = request(demo, plan)
            status, _ = call(client_for(persona), method, url, body)
            got[persona] = status
            transaction.set_rollback(True)
    assert got == expected


def test_member_reports_progress_only_on_tasks_assigned_to_her(
    demo: Demo, plan: Plan, client_for: Callable[[str], Client]
) -> None:
    member = client_for("member")
    status, body = call(member, "POST", f"/api/v1/tasks/{plan.design.pk}/progress",
                        {"percent_complete": 10, "status_date": "2026-03-03", "version": plan.design.version})
    assert status == 403
    assert "assigned" in body["detail"]
    assert Task.objects.get(pk=plan.design.pk).percent_complete == 0
    status, body = call(member, "PATCH", f"/api/v1/tasks/{plan.build.pk}", {"name": "Mine", "version": plan.build.version})
    assert status == 403  # progress only: the plan itself stays the manager's


def test_lists_show_only_what_the_persona_sees(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    assert call(client_for("outsider"), "GET", "/api/v1/calendars")[1]["count"] == 0
    assert call(client_for("outsider"), "GET", "/api/v1/resources")[1]["count"] == 0
    assert call(client_for("member"), "GET", "/api/v1/calendars")[1]["count"] == 1
    assert Baseline.objects.count() == 1
