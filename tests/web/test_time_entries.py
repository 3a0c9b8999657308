"""Time entries through the API: own tasks only, 24 h a day, not in the future, not on closed projects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from altitude.core.models import Notification
from altitude.delivery.models import Project, Stage
from altitude.resources.models import TimeEntry
from altitude.resources.time_entries import actual_cost_by_project, parse_hours
from tests.personas import Demo
from tests.web.planning import Plan, call

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def book(client: Client, task_id: int, minutes: int, day: dt.date = TODAY, **extra: object) -> tuple[int, dict]:  # type: ignore[type-arg]
    return call(client, "POST", "/api/v1/time-entries", {"task_id": task_id, "date": day.isoformat(), "minutes": minutes, **extra})


def test_member_books_on_assigned_task_and_the_cost_follows(plan: Plan, client_for: Callable[[str], Client]) -> None:
    member = client_for("member")
    status, body = book(member, plan.build.pk, 120, note="API")
    assert status == 201, body
    assert body["minutes"] == 120 and body["resource_id"] == plan.resource.pk and body["project_id"] == plan.build.project_id
    assert actual_cost_by_project([plan.build.project_id]) == {plan.build.project_id: Decimal("180.00")}  # 2 h x 90
    status, page = call(member, "GET", f"/api/v1/time-entries?start={TODAY.isoformat()}&end={TODAY.isoformat()}")
    assert status == 200 and page["count"] == 1 and page["items"][0]["note"] == "API"
    status, page = call(member, "GET", f"/api/v1/time-entries?end={(TODAY - dt.timedelta(days=1)).isoformat()}")
    assert page["count"] == 0


def test_member_cannot_book_on_a_task_not_assigned(plan: Plan, client_for: Callable[[str], Client]) -> None:
    status, body = book(client_for("member"), plan.design.pk, 60)
    assert status == 403, body
    status, body = book(client_for("outsider"), plan.build.pk, 60)
    assert status == 422 and body["field"] == "task_id"  # not visible: not disclosed


@pytest.mark.parametrize(("minutes", "day", "field"), [
    (0, TODAY, "minutes"), (25 * 60, TODAY, "minutes"), (60, TODAY + dt.timedelta(days=1), "date"),
])
def test_invalid_entries_name_the_field(plan: Plan, client_for: Callable[[str], Client], minutes: int, day: dt.date, field: str) -> None:
    status, body = book(client_for("member"), plan.build.pk, minutes, day)
    assert status == 422, body
    assert field in str(body)
    assert TimeEntry.objects.count() == 0


def test_a_day_adds_up_to_24_hours_at_most(plan: Plan, client_for: Callable[[str], Client]) -> None:
    member = client_for("member")
    assert book(member, plan.build.pk, 20 * 60)[0] == 201
    status, body = book(member, plan.build.pk, 5 * 60)
    assert status == 422 and body["field"] == "minutes" and "25 h" in body["detail"]


def test_closed_projects_take_no_time(plan: Plan, client_for: Callable[[str], Client]) -> None:
    Project.objects.filter(pk=plan.build.project_id).update(stage=Stage.CLOSED)
    status, body = book(client_for("member"), plan.build.pk, 60)
    assert status == 422 and body["field"] == "task_id" and "closed" in body["detail"]


def test_summary_tasks_take_no_time(plan: Plan, client_for: Callable[[str], Client]) -> None:
    status, body = book(client_for("project"), plan.phase.pk, 60)
    assert status == 422 and "summary" in body["detail"]


def test_update_needs_the_version_and_only_the_owner_or_a_manager(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    member = client_for("member")
    _, entry = book(member, plan.build.pk, 60)
    url = f"/api/v1/time-entries/{entry['id']}"
    assert call(member, "PATCH", url, {"minutes": 90})[0] == 428
    assert call(member, "PATCH", url, {"minutes": 90, "version": 7})[0] == 409
    status, body = call(member, "PATCH", url, {"minutes": 90}, **{"If-Match": '"1"'})
    assert status == 200 and body["minutes"] == 90 and body["version"] == 2
    # The project manager corrects it; the member is told.
    status, body = call(client_for("project"), "PATCH", url, {"minutes": 75, "version": 2})
    assert status == 200, body
    assert Notification.objects.filter(recipient=demo.user("member"), text__contains="changed your time").exists()
    # A viewer of the portfolio sees it but may not change it.
    assert call(client_for("executive"), "PATCH", url, {"minutes": 10, "version": 3})[0] == 403
    assert call(client_for("executive"), "DELETE", url)[0] == 403
    assert call(member, "DELETE", url)[0] == 204
    assert not TimeEntry.objects.exists()


def test_a_manager_books_for_someone_else_but_a_member_cannot(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    member_id = demo.user("member").pk
    status, body = book(client_for("project"), plan.build.pk, 60, user_id=member_id)
    assert status == 201 and body["user_id"] == member_id
    status, body = book(client_for("member"), plan.build.pk, 60, user_id=demo.user("project").pk)
    assert status == 403


@pytest.mark.parametrize(("raw", "minutes"), [("2", 120), ("1.5", 90), ("1,25", 75), ("1:30", 90), ("45m", 45), ("", 0), ("2h", 120)])
def test_hours_are_parsed_as_people_write_them(raw: str, minutes: int) -> None:
    assert parse_hours(raw) == minutes


def test_list_is_query_bounded(plan: Plan, client_for: Callable[[str], Client], django_assert_max_num_queries: Callable[[int], object]) -> None:
    member = client_for("member")
    for days in range(5):
        book(member, plan.build.pk, 30, TODAY - dt.timedelta(days=days))
    with django_assert_max_num_queries(6):  # type: ignore[attr-defined]
        status, page = call(member, "GET", "/api/v1/time-entries")
    assert status == 200 and page["count"] == 5


def test_assigning_a_person_notifies_them(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    status, body = call(client_for("project"), "POST", "/api/v1/assignments", {"task_id": plan.design.pk, "resource_id": plan.resource.pk})
    assert status == 201, body
    note = Notification.objects.get(recipient=demo.user("member"))
    assert note.text == "Jonas Weber assigned you to 'Design' in DCX-01." and note.url == "/my-work/"
