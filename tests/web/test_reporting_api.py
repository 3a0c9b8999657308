"""``/api/v1/status-reports``: lifecycle, 409/428/422 naming the field, roles, query counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from altitude.reporting.models import StatusReport
from tests.personas import Demo
from tests.web.planning import Plan, call

URL = "/api/v1/status-reports"


def _new(client: Client, demo: Demo, **fields: Any) -> tuple[int, Any]:
    return call(client, "POST", URL, {"project_id": demo.dcx01.pk, "summary": "On plan.", **fields})


def test_status_report_lifecycle(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    pm, member = client_for("project"), client_for("member")
    status, body = _new(pm, demo, period_start="2026-11-23", period_end="2026-12-04")
    assert status == 201, body
    assert (body["status"], body["version"], body["scope_rating"], body["computed"]["scope"]["rating"]) == (
        "draft", 1, "red", "red")
    url = f"{URL}/{body['id']}"
    assert call(member, "GET", url)[0] == 200
    assert call(member, "PATCH", url, {"summary": "x", "version": 1})[0] == 403
    status, changed = call(pm, "PATCH", url, {"scope_rating": "amber", "scope_comment": "Catching up this week."},
                           **{"If-Match": '"1"'})
    assert status == 200 and (changed["scope_rating"], changed["version"]) == ("amber", 2)
    assert call(member, "POST", url + "/submit", {"version": 2})[0] == 403
    status, sent = call(pm, "POST", url + "/submit", {}, **{"If-Match": "2"})
    assert status == 200 and sent["status"] == "submitted" and sent["metrics"]["budget"] == "1450000.00"
    status, err = call(pm, "PATCH", url, {"summary": "late edit", "version": 3})
    assert (status, err["field"]) == (409, "status")
    status, listed = call(member, "GET", f"{URL}?project={demo.dcx01.pk}")
    assert status == 200 and [r["id"] for r in listed["items"]] == [body["id"]]
    assert call(member, "GET", f"{URL}?project={demo.ops01.pk}")[1]["items"] == []
    assert call(member, "GET", f"{URL}?status=draft")[1]["count"] == 0


def test_conflicts_and_missing_versions(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    pm = client_for("project")
    rid = _new(pm, demo)[1]["id"]
    url = f"{URL}/{rid}"
    assert call(pm, "PATCH", url, {"summary": "no version"})[0] == 428
    assert call(pm, "PATCH", url, {"summary": "ok", "version": 1})[0] == 200
    status, body = call(pm, "PATCH", url, {"summary": "stale", "version": 1})
    assert (status, body["field"]) == (409, "version")
    assert call(pm, "POST", url + "/submit", {})[0] == 428
    assert call(pm, "POST", url + "/submit", {"version": 1})[0] == 409
    status, body = _new(pm, demo)
    assert (status, body["field"]) == (409, "project_id")  # one draft at a time
    assert StatusReport.objects.get(pk=rid).summary == "ok"


def test_discard_a_draft(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    pm, member = client_for("project"), client_for("member")
    rid = _new(pm, demo)[1]["id"]
    url = f"{URL}/{rid}"
    assert call(member, "DELETE", url, None, **{"If-Match": '"1"'})[0] == 403
    assert call(client_for("outsider"), "DELETE", url, None, **{"If-Match": '"1"'})[0] == 404
    status, body = call(pm, "DELETE", url)
    assert (status, body["field"]) == (428, "version")
    assert call(pm, "PATCH", url, {"summary": "edited", "version": 1})[0] == 200
    status, body = call(pm, "DELETE", url, None, **{"If-Match": '"1"'})  # someone saved since
    assert (status, body["field"]) == (409, "version")
    assert StatusReport.objects.filter(pk=rid).exists()
    assert call(pm, "DELETE", f"{url}?version=2") == (204, None)
    assert not StatusReport.objects.filter(pk=rid).exists()
    assert call(pm, "GET", url)[0] == 404
    sent = _new(pm, demo)[1]
    call(pm, "POST", f"{URL}/{sent['id']}/submit", {"version": 1})
    status, body = call(pm, "DELETE", f"{URL}/{sent['id']}", None, **{"If-Match": '"2"'})
    assert (status, body["field"]) == (409, "status")  # a submitted report stays on record
    assert StatusReport.objects.filter(pk=sent["id"]).exists()


@pytest.mark.parametrize(("fields", "field"), [
    ({"scope_rating": "green"}, "scope_comment"),
    ({"period_start": "2026-12-04", "period_end": "2026-11-01"}, "period_end"),
    ({"project_id": 999999}, "project_id"),
])
def test_invalid_input_names_the_field(demo: Demo, plan: Plan, client_for: Callable[[str], Client],
                                       fields: dict[str, Any], field: str) -> None:
    status, body = _new(client_for("project"), demo, **fields)
    assert status == 422 and body["field"] == field, body
    assert field in body["errors"]
    assert not StatusReport.objects.exists()


def test_schema_errors_name_the_field(demo: Demo, client_for: Callable[[str], Client]) -> None:
    status, body = _new(client_for("project"), demo, cost_rating="purple")
    assert status == 422 and "cost_rating" in str(body)


def test_submit_without_summary_names_it(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    pm = client_for("project")
    rid = _new(pm, demo, summary="")[1]["id"]
    status, body = call(pm, "POST", f"{URL}/{rid}/submit", {"version": 1})
    assert (status, body["field"]) == (422, "summary")


def test_roles(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    assert _new(client_for("member"), demo)[0] == 403
    assert _new(client_for("executive"), demo)[0] == 403
    status, body = _new(client_for("program"), demo)  # the program manager writes too
    assert status == 201
    url = f"{URL}/{body['id']}"
    assert call(client_for("executive"), "GET", url)[0] == 200
    assert call(client_for("outsider"), "GET", url)[0] == 404
    assert call(client_for("outsider"), "PATCH", url, {"summary": "x", "version": 1})[0] == 404
    assert call(client_for("outsider"), "GET", URL)[1]["count"] == 0
    assert call(Client(), "GET", URL)[0] == 401


def test_list_query_count_does_not_grow(demo: Demo, plan: Plan, client_for: Callable[[str], Client],
                                        django_assert_max_num_queries: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pm = client_for("project")
    rid = _new(pm, demo)[1]["id"]
    call(pm, "POST", f"{URL}/{rid}/submit", {"version": 1})
    with CaptureQueriesContext(connection) as before:
        assert call(pm, "GET", URL)[0] == 200
    n = len(before.captured_queries)  # read now: later requests reset the query log
    for _ in range(6):
        rid = _new(pm, demo)[1]["id"]
        assert call(pm, "POST", f"{URL}/{rid}/submit", {"version": 1})[0] == 200
    with django_assert_max_num_queries(n):
        status, body = call(pm, "GET", URL)
    assert status == 200 and body["count"] == 7 and n <= 8
