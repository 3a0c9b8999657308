"""Planning endpoints: success bodies, 422 naming the field, 409 stale and 428 missing versions
(nothing changed), cycles named and refused (nothing written), and query-count guards."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from altitude.delivery.models import Baseline, Calendar, CalendarException, Dependency, Task
from altitude.resources.models import Assignment, Resource
from tests.personas import Demo
from tests.web.planning import DAY, Plan, call, task

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm(client_for: Callable[[str], Client]) -> Client:
    return client_for("project")


@pytest.fixture
def owner(client_for: Callable[[str], Client]) -> Client:
    return client_for("portfolio")


def names_field(body: object, field: str) -> bool:
    return field in json.dumps(body)


# -- tasks ------------------------------------------------------------------------------

def test_create_task_numbers_the_wbs(demo: Demo, plan: Plan, pm: Client) -> None:
    status, body = call(pm, "POST", f"/api/v1/projects/{demo.dcx01.pk}/tasks", {
        "name": "Test", "parent_id": plan.phase.pk, "position": 2, "duration_minutes": 2 * DAY,
        "optimistic_minutes": 480, "most_likely_minutes": 960, "pessimistic_minutes": 1920,
        "deliverable": "Test report", "acceptance_criteria": "No open severity-1 defects",
    })
    assert status == 201, body
    assert body["wbs"] == "1.2" and body["version"] == 1 and body["parent_id"] == plan.phase.pk
    assert Task.objects.get(pk=plan.build.pk).wbs == "1.3"  # Build moved down one


@pytest.mark.parametrize(("payload", "field"), [
    ({"name": ""}, "name"),
    ({"name": "X", "duration_minutes": -1}, "duration_minutes"),
    ({"name": "X", "percent_complete": 101}, "percent_complete"),
    ({"name": "X", "constraint_type": "mso"}, "constraint_date"),
    ({"name": "X", "constraint_type": "sometime"}, "constraint_type"),
    ({"name": "X", "optimistic_minutes": 900, "most_likely_minutes": 600}, "optimistic_minutes"),
    ({"name": "X", "most_likely_minutes": 900, "pessimistic_minutes": 600}, "pessimistic_minutes"),
    ({"name": "X", "actual_start": "2026-03-05", "actual_finish": "2026-03-02"}, "actual_finish"),
    ({"name": "X", "parent_id": 999999}, "parent_id"),
    ({"name": "X", "calendar_id": 999999}, "calendar_id"),
    ({"name": "X", "milestone": True, "duration_minutes": 480}, "duration_minutes"),
    ({"name": "X", "leveling_priority": 1001}, "leveling_priority"),
    ({"name": "X", "leveling_priority": -1}, "leveling_priority"),
])
def test_create_task_422_names_the_field(demo: Demo, plan: Plan, pm: Client, payload: dict[str, object], field: str) -> None:
    before = Task.objects.count()
    status, body = call(pm, "POST", f"/api/v1/projects/{demo.dcx01.pk}/tasks", payload)
    assert status == 422, body
    assert names_field(body, field), body
    assert Task.objects.count() == before


def test_parent_from_another_project_is_refused(demo: Demo, plan: Plan, pm: Client) -> None:
    status, body = call(pm, "POST", f"/api/v1/projects/{demo.dcx01.pk}/tasks", {"name": "X", "parent_id": plan.app.pk})
    assert status == 422 and body["field"] == "parent_id"


def test_update_task_stale_and_missing_versions_change_nothing(plan: Plan, pm: Client) -> None:
    url = f"/api/v1/tasks/{plan.design.pk}"
    status, body = call(pm, "PATCH", url, {"name": "Design v2", "version": plan.design.version})
    assert status == 200 and body["version"] == plan.design.version + 1 and body["name"] == "Design v2"
    status, body = call(pm, "PATCH", url, {"name": "Lost update", "version": plan.design.version})
    assert status == 409 and body["field"] == "version"
    status, body = call(pm, "PATCH", url, {"name": "No version"})
    assert status == 428
    status, body = call(pm, "PATCH", url, {"name": "Via header"}, **{"If-Match": f'"{plan.design.version}"'})
    assert status == 409
    assert Task.objects.get(pk=plan.design.pk).name == "Design v2"


def test_update_task_422_names_the_field(plan: Plan, pm: Client) -> None:
    status, body = call(pm, "PATCH", f"/api/v1/tasks/{plan.design.pk}", {"constraint_type": "fnlt", "version": plan.design.version})
    assert status == 422 and body["field"] == "constraint_date"
    assert Task.objects.get(pk=plan.design.pk).version == plan.design.version


def test_get_and_list_tasks_with_filters_and_pagination(demo: Demo, plan: Plan, pm: Client) -> None:
    status, body = call(pm, "GET", f"/api/v1/tasks/{plan.build.pk}")
    assert status == 200 and body["wbs"] == "1.2" and body["start"] is not None
    body = call(pm, "GET", f"/api/v1/projects/{demo.dcx01.pk}/tasks?page_size=2")[1]
    assert body["count"] == 4 and [t["wbs"] for t in body["items"]] == ["1", "1.1"]
    body = call(pm, "GET", f"/api/v1/projects/{demo.dcx01.pk}/tasks?milestone=true")[1]
    assert [t["name"] for t in body["items"]] == ["Go-live"]
    body = call(pm, "GET", f"/api/v1/projects/{demo.dcx01.pk}/tasks?parent={plan.phase.pk}")[1]
    assert [t["name"] for t in body["items"]] == ["Design", "Build"]
    body = call(pm, "GET", f"/api/v1/projects/{demo.dcx01.pk}/tasks?critical=true&q=Bui")[1]
    assert [t["name"] for t in body["items"]] == ["Build"]
    status, body = call(pm, "GET", f"/api/v1/projects/{demo.dcx01.pk}/tasks?status=sleeping")
    assert status == 422 and names_field(body, "status")


def test_task_list_query_count_does_not_grow_with_tasks(demo: Demo, plan: Plan, pm: Client) -> None:
    url = f"/api/v1/projects/{demo.dcx01.pk}/tasks"
    with CaptureQueriesContext(connection) as few:
        assert pm.get(url).status_code == 200
    for n in range(20):
        task(demo.user("admin"), demo.dcx01, f"Extra {n}", 1)
    with CaptureQueriesContext(connection) as many:
        assert pm.get(url).status_code == 200
    assert len(many) == len(few)


def test_move_reparents_and_renumbers(plan: Plan, pm: Client) -> None:
    status, body = call(pm, "POST", f"/api/v1/tasks/{plan.golive.pk}/move",
                        {"parent_id": plan.phase.pk, "position": 1, "version": plan.golive.version})
    assert status == 200 and body["wbs"] == "1.1"
    assert list(Task.objects.filter(project=plan.phase.project).order_by("outline").values_list("wbs", "name")) == [
        ("1", "Phase 1"), ("1.1", "Go-live"), ("1.2", "Design"), ("1.3", "Build")]


def test_move_under_own_descendant_is_refused(plan: Plan, pm: Client) -> None:
    status, body = call(pm, "POST", f"/api/v1/tasks/{plan.phase.pk}/move", {"parent_id": plan.design.pk, "version": plan.phase.version})
    assert status == 422 and body["field"] == "parent_id" and "ancestor" in body["detail"]
    assert Task.objects.get(pk=plan.phase.pk).parent_id is None


def test_move_stale_changes_nothing(plan: Plan, pm: Client) -> None:
    status, _ = call(pm, "POST", f"/api/v1/tasks/{plan.golive.pk}/move", {"parent_id": plan.phase.pk, "version": 99})
    assert status == 409
    status, _ = call(pm, "POST", f"/api/v1/tasks/{plan.golive.pk}/move", {"parent_id": plan.phase.pk})
    assert status == 428
    assert Task.objects.get(pk=plan.golive.pk).parent_id is None


def test_move_that_closes_a_loop_through_a_summary_is_refused(demo: Demo, plan: Plan, pm: Client) -> None:
    """Go-live follows Build; putting Go-live's successor... a link into a summary reaches its leaves."""
    admin = demo.user("admin")
    review = task(admin, demo.dcx01, "Review", 1)
    Dependency.objects.create(predecessor=plan.golive, successor=review)
    # Review -> Phase 1 would make Design wait for Review, which waits (via Build, Go-live) for Design.
    status, body = call(pm, "POST", "/api/v1/dependencies", {"predecessor_id": review.pk, "successor_id": plan.phase.pk})
    assert status == 422 and body["field"] == "predecessor_id"
    assert "cycle" in body["detail"] and "Review" in body["detail"]
    assert not Dependency.objects.filter(predecessor=review, successor=plan.phase).exists()


def test_bulk_moves_many_tasks_all_or_nothing(demo: Demo, plan: Plan, pm: Client) -> None:
    url = f"/api/v1/projects/{demo.dcx01.pk}/tasks/bulk"
    items = [
        {"id": plan.design.pk, "version": plan.design.version, "duration_minutes": 6 * DAY},
        {"id": plan.golive.pk, "version": plan.golive.version, "parent_id": plan.phase.pk},
    ]
    status, body = call(pm, "POST", url, {"items": items})
    assert status == 200, body
    assert {t["name"]: t["wbs"] for t in body} == {"Design": "1.1", "Go-live": "1.3"}
    # One stale item: nothing of the batch is written.
    design = Task.objects.get(pk=plan.design.pk)
    status, body = call(pm, "POST", url, {"items": [
        {"id": plan.design.pk, "version": design.version, "name": "Renamed"},
        {"id": plan.build.pk, "version": plan.build.version + 5, "name": "Stale"},
    ]})
    assert status == 409 and body["field"] == "items[1].version"
    assert Task.objects.get(pk=plan.design.pk).name == "Design"
    status, body = call(pm, "POST", url, {"items": [{"id": plan.design.pk, "version": design.version, "duration_minutes": -5}]})
    assert status == 422 and names_field(body, "duration_minutes")
    status, body = call(pm, "POST", url, {"items": [{"id": plan.app.pk, "version": 1, "name": "Other project"}]})
    assert status == 422 and body["field"] == "items[0].id"
    status, body = call(pm, "POST", url, {"items": [{"id": plan.design.pk, "name": "No version"}]})
    assert status == 428


def test_progress_as_of_a_status_date(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    member = client_for("member")
    status, body = call(member, "POST", f"/api/v1/tasks/{plan.build.pk}/progress", {
        "percent_complete": 50, "status_date": "2026-03-11", "version": plan.build.version})
    assert status == 200, body
    assert body["status"] == "in_progress" and body["actual_start"] == "2026-03-11"
    demo.dcx01.refresh_from_db()
    assert str(demo.dcx01.status_date) == "2026-03-11"
    status, body = call(member, "POST", f"/api/v1/tasks/{plan.build.pk}/progress", {
        "actual_finish": "2026-03-20", "status_date": "2026-03-12", "version": body["version"]})
    assert status == 422 and body["field"] == "actual_finish"
    status, body = call(member, "POST", f"/api/v1/tasks/{plan.build.pk}/progress", {"percent_complete": 60, "version": 1})
    assert status == 409
    assert Task.objects.get(pk=plan.build.pk).percent_complete == 50


def test_delete_task_takes_subtasks_links_and_assignments_and_says_so(plan: Plan, pm: Client) -> None:
    status, body = call(pm, "DELETE", f"/api/v1/tasks/{plan.phase.pk}")
    assert status == 200
    assert body == {"tasks": 3, "dependencies": 2, "assignments": 1}
    assert list(Task.objects.filter(project=plan.golive.project).values_list("wbs", "name")) == [("1", "Go-live")]
    assert not Assignment.objects.exists()


def test_history_says_who_changed_what(demo: Demo, plan: Plan, pm: Client) -> None:
    call(pm, "PATCH", f"/api/v1/tasks/{plan.design.pk}", {"duration_minutes": 960, "version": plan.design.version})
    status, body = call(pm, "GET", f"/api/v1/tasks/{plan.design.pk}/history")
    assert status == 200
    assert body[0]["history_type"] == "changed"
    assert body[0]["history_user_id"] == demo.user("project").pk
    assert body[0]["changes"]["duration_minutes"] == [2400, 960]
    assert body[-1]["history_type"] == "created"


# -- dependencies -----------------------------------------------------------------------

def test_dependency_crud(demo: Demo, plan: Plan, pm: Client) -> None:
    status, body = call(pm, "POST", "/api/v1/dependencies", {
        "predecessor_id": plan.design.pk, "successor_id": plan.golive.pk, "type": "SS", "lag_minutes": -240})
    assert status == 201 and body["type"] == "SS" and body["lag_minutes"] == -240
    link_id = body["id"]
    assert call(pm, "GET", f"/api/v1/dependencies/{link_id}")[1]["successor_id"] == plan.golive.pk
    listed = call(pm, "GET", f"/api/v1/projects/{demo.dcx01.pk}/dependencies")[1]
    assert listed["count"] == 3
    status, body = call(pm, "PATCH", f"/api/v1/dependencies/{link_id}", {"type": "FF", "version": 1})
    assert status == 200 and body["type"] == "FF" and body["version"] == 2
    status, body = call(pm, "PATCH", f"/api/v1/dependencies/{link_id}", {"type": "SF", "version": 1})
    assert status == 409
    status, body = call(pm, "PATCH", f"/api/v1/dependencies/{link_id}", {"type": "XX", "version": 2})
    assert status == 422 and names_field(body, "type")
    assert Dependency.objects.get(pk=link_id).type == "FF"
    assert call(pm, "DELETE", f"/api/v1/dependencies/{link_id}")[0] == 204
    assert not Dependency.objects.filter(pk=link_id).exists()


@pytest.mark.parametrize(("field", "value"), [("predecessor_id", 999999), ("successor_id", 999999)])
def test_dependency_to_unknown_task_names_the_field(plan: Plan, pm: Client, field: str, value: int) -> None:
    payload = {"predecessor_id": plan.design.pk, "successor_id": plan.golive.pk, field: value}
    status, body = call(pm, "POST", "/api/v1/dependencies", payload)
    assert status == 422 and body["field"] == field


def test_self_and_duplicate_links_are_refused(plan: Plan, pm: Client) -> None:
    status, body = call(pm, "POST", "/api/v1/dependencies", {"predecessor_id": plan.design.pk, "successor_id": plan.design.pk})
    assert status == 422 and body["field"] == "successor_id"
    status, body = call(pm, "POST", "/api/v1/dependencies", {"predecessor_id": plan.design.pk, "successor_id": plan.build.pk})
    assert status == 422 and "already" in body["detail"]


def test_cycle_is_refused_naming_the_tasks_and_nothing_is_written(plan: Plan, pm: Client) -> None:
    before = Dependency.objects.count()
    status, body = call(pm, "POST", "/api/v1/dependencies", {"predecessor_id": plan.golive.pk, "successor_id": plan.design.pk})
    assert status == 422
    assert body["field"] == "predecessor_id"
    assert set(body["errors"]["cycle"]) == {"1.1 Design", "1.2 Build", "2 Go-live"}
    assert "1.1 Design" in body["detail"] and "->" in body["detail"]
    assert Dependency.objects.count() == before


def test_cycle_across_three_projects_is_found(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    portfolio = client_for("portfolio")
    assert call(portfolio, "POST", "/api/v1/dependencies", {"predecessor_id": plan.golive.pk, "successor_id": plan.app.pk})[0] == 201
    assert call(portfolio, "POST", "/api/v1/dependencies", {"predecessor_id": plan.app.pk, "successor_id": plan.erp.pk})[0] == 201
    status, body = call(portfolio, "POST", "/api/v1/dependencies", {"predecessor_id": plan.erp.pk, "successor_id": plan.design.pk})
    assert status == 422
    assert any("ERP cut-over" in t for t in body["errors"]["cycle"])
    assert any(t.startswith("DCX-02") for t in body["errors"]["cycle"])
    assert not Dependency.objects.filter(predecessor=plan.erp).exists()


def test_cross_program_links_need_a_manager_of_both_programs(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    from altitude.core.models import Role
    from altitude.delivery.models import ProgramMembership

    payload = {"predecessor_id": plan.erp.pk, "successor_id": plan.app.pk}
    # Priya manages DCX only: OPS-01's task is invisible to her.
    status, body = call(client_for("program"), "POST", "/api/v1/dependencies", payload)
    assert status == 422 and body["field"] == "predecessor_id"
    # As a viewer of OPS she sees it, but may not link across programs: 403.
    ProgramMembership.objects.create(program=demo.ops, user=demo.user("program"), role=Role.VIEWER)
    status, body = call(client_for("program"), "POST", "/api/v1/dependencies", payload)
    assert status == 403
    ProgramMembership.objects.filter(program=demo.ops, user=demo.user("program")).update(role=Role.MANAGER)
    status, body = call(client_for("program"), "POST", "/api/v1/dependencies", payload)
    assert status == 201


# -- calendars ----------------------------------------------------------------------------

def test_calendar_crud_with_nested_exceptions(demo: Demo, plan: Plan, owner: Client) -> None:
    status, body = call(owner, "POST", "/api/v1/calendars", {
        "portfolio_id": demo.portfolio.pk, "name": "Warehouse shifts",
        "week": {d: [["06:00", "14:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat")},
        "exceptions": [{"name": "Christmas", "start": "2026-12-24", "end": "2026-12-26"}],
    })
    assert status == 201, body
    assert body["exceptions"][0]["name"] == "Christmas" and body["week"]["sat"] == [["06:00", "14:00"]]
    cal_id = body["id"]
    status, body = call(owner, "PATCH", f"/api/v1/calendars/{cal_id}", {
        "exceptions": [{"name": "Inventory", "start": "2026-06-30", "working": True, "intervals": [["08:00", "12:00"]]}],
        "version": 1})
    assert status == 200 and [e["name"] for e in body["exceptions"]] == ["Inventory"] and body["version"] == 2
    status, body = call(owner, "PATCH", f"/api/v1/calendars/{cal_id}", {"name": "Lost", "version": 1})
    assert status == 409
    assert Calendar.objects.get(pk=cal_id).name == "Warehouse shifts"
    assert call(owner, "GET", f"/api/v1/calendars?portfolio={demo.portfolio.pk}")[1]["count"] == 2
    assert call(owner, "DELETE", f"/api/v1/calendars/{cal_id}")[0] == 204
    assert not CalendarException.objects.filter(calendar_id=cal_id).exists()


@pytest.mark.parametrize(("payload", "field"), [
    ({"week": {"mon": [["09:00", "08:00"]]}}, "week"),
    ({"week": {"funday": [["09:00", "17:00"]]}}, "week"),
    ({"week": {}}, "week"),
    ({"week": {"mon": [["8am", "5pm"]]}}, "week"),
    ({"exceptions": [{"start": "2026-05-02", "end": "2026-05-01"}]}, "exceptions[0].end"),
    ({"exceptions": [{"start": "2026-05-01", "intervals": [["09:00", "12:00"]]}]}, "exceptions[0].intervals"),
    ({"base_id": 999999}, "base_id"),
    ({"portfolio_id": 999999}, "portfolio_id"),
])
def test_calendar_422_names_the_field(demo: Demo, owner: Client, payload: dict[str, object], field: str) -> None:
    before = Calendar.objects.count()
    status, body = call(owner, "POST", "/api/v1/calendars", {"portfolio_id": demo.portfolio.pk, "name": "Bad"} | payload)
    assert status == 422, body
    assert body.get("field") == field or names_field(body, field), body
    assert Calendar.objects.count() == before


def test_project_manager_edits_a_project_calendar_not_a_shared_one(demo: Demo, plan: Plan, pm: Client) -> None:
    status, _body = call(pm, "POST", "/api/v1/calendars", {"portfolio_id": demo.portfolio.pk, "project_id": demo.dcx01.pk, "name": "Go-live weekend"})
    assert status == 201
    status, _ = call(pm, "PATCH", f"/api/v1/calendars/{plan.calendar.pk}", {"name": "Mine", "version": 1})
    assert status == 403


def test_calendar_in_use_cannot_be_deleted(demo: Demo, plan: Plan, owner: Client) -> None:
    Task.objects.filter(pk=plan.design.pk).update(calendar=plan.calendar)
    status, body = call(owner, "DELETE", f"/api/v1/calendars/{plan.calendar.pk}")
    assert status == 409 and "tasks" in body["detail"]
    assert Calendar.objects.filter(pk=plan.calendar.pk).exists()


def test_task_calendar_holiday_moves_the_task(demo: Demo, plan: Plan, pm: Client) -> None:
    holiday = Calendar.objects.create(portfolio=demo.portfolio, name="Design studio")
    CalendarException.objects.create(calendar=holiday, start=plan.design.start.date())  # type: ignore[union-attr]
    status, _ = call(pm, "PATCH", f"/api/v1/tasks/{plan.design.pk}", {"calendar_id": holiday.pk, "version": plan.design.version})
    assert status == 200
    call(pm, "POST", f"/api/v1/projects/{demo.dcx01.pk}/reschedule", {})
    moved = Task.objects.get(pk=plan.design.pk)
    assert moved.start is not None and plan.design.start is not None
    assert (moved.start - plan.design.start).days == 1


# -- baselines ----------------------------------------------------------------------------

def test_baselines_list_create_variance_delete(demo: Demo, plan: Plan, pm: Client) -> None:
    status, body = call(pm, "POST", f"/api/v1/projects/{demo.dcx01.pk}/baselines", {"name": "Re-plan"})
    assert status == 201
    status, listed = call(pm, "GET", f"/api/v1/projects/{demo.dcx01.pk}/baselines")
    assert [b["name"] for b in listed] == ["Re-plan", "Approved plan"]
    status, dup = call(pm, "POST", f"/api/v1/projects/{demo.dcx01.pk}/baselines", {"name": "Re-plan"})
    assert status == 422 and dup["field"] == "name"
    status, dup = call(pm, "POST", f"/api/v1/projects/{demo.dcx01.pk}/baselines", {"name": ""})
    assert status == 422 and names_field(dup, "name")
    status, variance = call(pm, "GET", f"/api/v1/baselines/{plan.baseline.pk}/variance")
    assert status == 200 and len(variance["tasks"]) == 4
    build = next(r for r in variance["tasks"] if r["name"] == "Build")
    assert build["start_slip_days"] == "0.00" and build["work_variance_minutes"] == 0
    assert call(pm, "DELETE", f"/api/v1/baselines/{body['id']}")[0] == 204
    assert Baseline.objects.filter(project=demo.dcx01).count() == 1


def test_baseline_keeps_deleted_tasks(demo: Demo, plan: Plan, pm: Client) -> None:
    call(pm, "DELETE", f"/api/v1/tasks/{plan.golive.pk}")
    variance = call(pm, "GET", f"/api/v1/baselines/{plan.baseline.pk}/variance")[1]
    gone = next(r for r in variance["tasks"] if r["name"] == "Go-live")
    assert gone["deleted"] is True and gone["task_id"] is None


# -- resources and assignments ----------------------------------------------------------------

def test_resource_crud(demo: Demo, plan: Plan, owner: Client) -> None:
    status, body = call(owner, "POST", "/api/v1/resources", {
        "portfolio_id": demo.portfolio.pk, "name": "Tower crane", "kind": "equipment", "cost_rate": "120.00",
        "calendar_id": plan.calendar.pk})
    assert status == 201 and body["kind"] == "equipment"
    rid = body["id"]
    assert call(owner, "GET", "/api/v1/resources?kind=equipment")[1]["count"] == 1
    status, body = call(owner, "PATCH", f"/api/v1/resources/{rid}", {"max_units": "2", "version": 1})
    assert status == 200 and body["max_units"] == "2.00"
    assert call(owner, "PATCH", f"/api/v1/resources/{rid}", {"max_units": "3", "version": 1})[0] == 409
    assert Resource.objects.get(pk=rid).max_units == 2
    assert call(owner, "DELETE", f"/api/v1/resources/{rid}")[0] == 204
    status, body = call(owner, "DELETE", f"/api/v1/resources/{plan.resource.pk}")
    assert status == 409 and "assignments" in body["detail"]


@pytest.mark.parametrize(("payload", "field"), [
    ({"name": ""}, "name"),
    ({"kind": "robot"}, "kind"),
    ({"max_units": "-1"}, "max_units"),
    ({"user_id": 999999}, "user_id"),
    ({"calendar_id": 999999}, "calendar_id"),
    ({"name": "Lena Fischer"}, "name"),
])
def test_resource_422_names_the_field(demo: Demo, plan: Plan, owner: Client, payload: dict[str, object], field: str) -> None:
    status, body = call(owner, "POST", "/api/v1/resources", {"portfolio_id": demo.portfolio.pk, "name": "X"} | payload)
    assert status == 422, body
    assert names_field(body, field), body


def test_assignment_crud_and_validation(demo: Demo, plan: Plan, pm: Client) -> None:
    status, body = call(pm, "POST", "/api/v1/assignments", {"task_id": plan.design.pk, "resource_id": plan.resource.pk, "units": "0.5"})
    assert status == 201 and body["units"] == "0.50"
    aid = body["id"]
    listed = call(pm, "GET", f"/api/v1/projects/{demo.dcx01.pk}/assignments")[1]
    assert listed["count"] == 2
    assert call(pm, "GET", f"/api/v1/assignments/{aid}")[1]["task_id"] == plan.design.pk
    status, body = call(pm, "PATCH", f"/api/v1/assignments/{aid}", {"work_minutes": 1200, "version": 1})
    assert status == 200 and body["work_minutes"] == 1200
    assert call(pm, "PATCH", f"/api/v1/assignments/{aid}", {"work_minutes": 1, "version": 1})[0] == 409
    assert call(pm, "PATCH", f"/api/v1/assignments/{aid}", {"units": "0", "version": 2})[0] == 422
    status, body = call(pm, "POST", "/api/v1/assignments", {"task_id": plan.design.pk, "resource_id": plan.resource.pk})
    assert status == 422 and body["field"] == "resource_id"
    status, body = call(pm, "POST", "/api/v1/assignments", {"task_id": plan.design.pk, "resource_id": 999999})
    assert status == 422 and body["field"] == "resource_id"
    assert call(pm, "DELETE", f"/api/v1/assignments/{aid}")[0] == 204
    assert Assignment.objects.count() == 1


# -- schedules ----------------------------------------------------------------------------------

def test_schedule_payload_is_compact_and_complete(demo: Demo, plan: Plan, pm: Client) -> None:
    status, body = call(pm, "GET", f"/api/v1/projects/{demo.dcx01.pk}/schedule")
    assert status == 200
    assert body["scheduled"] is True
    assert [t["wbs"] for t in body["tasks"]] == ["1", "1.1", "1.2", "2"]
    phase = body["tasks"][0]
    assert phase["summary"] is True and phase["start"].startswith("2026-03-02T08:00")
    assert body["critical_path"] == [plan.design.pk, plan.build.pk, plan.golive.pk]
    assert body["finish"].startswith("2026-03-11T17:00")
    assert len(body["links"]) == 2
    assert body["scheduled_at"] is not None


def test_schedule_query_count_does_not_grow_with_tasks(demo: Demo, plan: Plan, pm: Client) -> None:
    url = f"/api/v1/projects/{demo.dcx01.pk}/schedule"
    with CaptureQueriesContext(connection) as few:
        pm.get(url)
    admin = demo.user("admin")
    previous = plan.golive
    for n in range(15):
        t = task(admin, demo.dcx01, f"Extra {n}", 1)
        Dependency.objects.create(predecessor=previous, successor=t)
        previous = t
    with CaptureQueriesContext(connection) as many:
        pm.get(url)
    assert len(many) == len(few)


def test_reschedule_query_count_is_constant(demo: Demo, plan: Plan) -> None:
    from altitude.delivery import services

    admin = demo.user("admin")
    first = services.reschedule_project(admin, demo.dcx01.pk)
    previous = plan.golive
    for n in range(25):
        t = task(admin, demo.dcx01, f"Extra {n}", 1)
        Dependency.objects.create(predecessor=previous, successor=t)
        previous = t
    second = services.reschedule_project(admin, demo.dcx01.pk)
    assert second.task_count == first.task_count + 25
    assert second.query_count == first.query_count


def test_reschedule_without_start_date_names_the_field(demo: Demo, plan: Plan, pm: Client) -> None:
    type(demo.dcx01).objects.filter(pk=demo.dcx01.pk).update(start_date=None)
    status, body = call(pm, "POST", f"/api/v1/projects/{demo.dcx01.pk}/reschedule", {})
    assert status == 422 and body["field"] == "start_date"
    status, body = call(pm, "POST", f"/api/v1/projects/{demo.dcx01.pk}/reschedule", {"status_date": "yesterday"})
    assert status == 422 and names_field(body, "status_date")


# -- every versioned write: 428 without a version, 409 when stale, nothing changed --------------

VERSIONED: dict[str, tuple[str, str, dict[str, Any]]] = {
    "task": ("PATCH", "/api/v1/tasks/{design}", {"name": "Changed"}),
    "move": ("POST", "/api/v1/tasks/{golive}/move", {"parent_id": "{phase}"}),
    "progress": ("POST", "/api/v1/tasks/{build}/progress", {"percent_complete": 40}),
    "dependency": ("PATCH", "/api/v1/dependencies/{link}", {"lag_minutes": 960}),
    "calendar": ("PATCH", "/api/v1/calendars/{calendar}", {"name": "Changed"}),
    "resource": ("PATCH", "/api/v1/resources/{resource}", {"name": "Changed"}),
    "assignment": ("PATCH", "/api/v1/assignments/{assignment}", {"units": "0.25"}),
}


def _fill(value: object, plan: Plan) -> object:
    ids = {"design": plan.design.pk, "golive": plan.golive.pk, "build": plan.build.pk, "phase": plan.phase.pk,
           "link": plan.design_build.pk, "calendar": plan.calendar.pk, "resource": plan.resource.pk,
           "assignment": plan.assignment.pk}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and "/" not in value:
        return ids[value[1:-1]]
    return value.format(**ids) if isinstance(value, str) else value


@pytest.mark.parametrize("kind", sorted(VERSIONED))
def test_versioned_writes_need_the_current_version(kind: str, plan: Plan, owner: Client) -> None:
    method, url, body = VERSIONED[kind]
    url = str(_fill(url, plan))
    payload = {k: _fill(v, plan) for k, v in body.items()}
    before = call(owner, "GET", url.removesuffix("/move").removesuffix("/progress"))[1]
    status, answer = call(owner, method, url, payload)
    assert status == 428 and answer["field"] == "version"
    status, answer = call(owner, method, url, payload | {"version": before["version"] + 1})
    assert status == 409 and answer["field"] == "version"
    assert call(owner, "GET", url.removesuffix("/move").removesuffix("/progress"))[1] == before
    status, answer = call(owner, method, url, payload, **{"If-Match": f'"{before["version"]}"'})
    assert status == 200, answer


@pytest.mark.parametrize(("url", "payload", "field"), [
    ("/api/v1/calendars/{calendar}", {"week": {"mon": [["17:00", "08:00"]]}}, "week"),
    ("/api/v1/calendars/{calendar}", {"base_id": "{calendar}"}, "base"),
    ("/api/v1/resources/{resource}", {"cost_rate": "-5"}, "cost_rate"),
    ("/api/v1/resources/{resource}", {"user_id": 999999}, "user_id"),
    ("/api/v1/dependencies/{link}", {"lag_minutes": "soon"}, "lag_minutes"),
    ("/api/v1/tasks/{design}", {"parent_id": "{design}"}, "parent_id"),
])
def test_updates_422_name_the_field_and_change_nothing(plan: Plan, owner: Client, url: str, payload: dict[str, object],
                                                       field: str) -> None:
    url = str(_fill(url, plan))
    before = call(owner, "GET", url)[1]
    status, body = call(owner, "PATCH", url, {k: _fill(v, plan) for k, v in payload.items()} | {"version": before["version"]})
    assert status == 422, body
    assert names_field(body, field), body
    assert call(owner, "GET", url)[1] == before


def test_program_reschedule_422_names_the_project_without_start(demo: Demo, plan: Plan, owner: Client) -> None:
    type(demo.dcx02).objects.filter(pk=demo.dcx02.pk).update(start_date=None)
    status, body = call(owner, "POST", f"/api/v1/programs/{demo.dcx.pk}/reschedule", {})
    assert status == 422 and body["field"] == "start_date" and "DCX-02" in body["detail"]


@pytest.mark.parametrize("url", ["/api/v1/projects/{dcx01}/dependencies", "/api/v1/calendars", "/api/v1/resources",
                                 "/api/v1/projects/{dcx01}/assignments", "/api/v1/projects/{dcx01}/baselines"])
def test_planning_lists_query_count_does_not_grow(demo: Demo, plan: Plan, owner: Client, url: str) -> None:
    from altitude.delivery import services

    target = url.format(dcx01=demo.dcx01.pk)
    with CaptureQueriesContext(connection) as few:
        assert owner.get(target).status_code == 200
    admin = demo.user("admin")
    for n in range(5):
        extra = task(admin, demo.dcx01, f"Extra {n}", 1)
        Dependency.objects.create(predecessor=plan.golive, successor=extra)
        calendar = Calendar.objects.create(portfolio=demo.portfolio, name=f"Extra {n}")
        CalendarException.objects.create(calendar=calendar, start=plan.golive.start.date())  # type: ignore[union-attr]
        resource = Resource.objects.create(portfolio=demo.portfolio, name=f"Extra {n}")
        Assignment.objects.create(task=extra, resource=resource)
        services.set_baseline(admin, demo.dcx01.pk, f"Extra {n}")
    with CaptureQueriesContext(connection) as many:
        assert owner.get(target).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_project_calendar_is_set_through_the_project(demo: Demo, plan: Plan, pm: Client) -> None:
    status, body = call(pm, "PATCH", f"/api/v1/projects/{demo.dcx01.pk}", {"calendar_id": plan.calendar.pk, "version": 1})
    assert status == 200 and body["calendar_id"] == plan.calendar.pk
    other = Calendar.objects.create(portfolio=demo.portfolio, project=demo.dcx02, name="DCX-02 only")
    status, body = call(pm, "PATCH", f"/api/v1/projects/{demo.dcx01.pk}", {"calendar_id": other.pk, "version": 2})
    assert status == 422 and body["field"] == "calendar_id"
    demo.dcx01.refresh_from_db()
    assert demo.dcx01.calendar_id == plan.calendar.pk
