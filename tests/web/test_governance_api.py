"""``/api/v1/risks`` and ``/api/v1/issues``: every operation, 409/428/422 naming the field, personas, query counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from altitude.governance.models import Issue, Risk
from tests.personas import Demo
from tests.web.planning import Plan, call

DAY = 480


def _new(client: Client, demo: Demo, **fields: Any) -> tuple[int, Any]:
    return call(client, "POST", "/api/v1/risks", {"project_id": demo.dcx01.pk, "title": "Vendor late", "probability": 4,
                                                  "impact": 5, "schedule_impact_minutes": DAY, "response": "mitigate", **fields})


def test_risk_lifecycle(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    member, pm = client_for("member"), client_for("project")
    status, body = _new(member, demo, task_ids=[plan.build.pk])
    assert status == 201, body
    assert (body["code"], body["score"], body["simulation_probability"], body["task_ids"]) == ("R-001", 20, 70, [plan.build.pk])
    url = f"/api/v1/risks/{body['id']}"
    assert call(member, "PATCH", url, {"title": "x", "version": 1})[0] == 403
    status, changed = call(pm, "PATCH", url, {"title": "Vendor very late", "task_ids": []}, **{"If-Match": '"1"'})
    assert status == 200 and (changed["title"], changed["version"], changed["task_ids"]) == ("Vendor very late", 2, [])
    assert call(pm, "GET", url)[1]["title"] == "Vendor very late"
    assert call(member, "POST", url + "/escalate", {"reason": "help", "version": 2})[0] == 403
    status, up = call(pm, "POST", url + "/escalate", {"reason": "Program budget needed"}, **{"If-Match": "2"})
    assert status == 200 and up["escalation_level"] == "program" and up["escalated_by_id"] == demo.user("project").pk
    assert call(member, "DELETE", url)[0] == 403
    assert call(pm, "DELETE", url)[0] == 204
    assert not Risk.objects.exists()


def test_conflicts_and_missing_versions(demo: Demo, client_for: Callable[[str], Client]) -> None:
    pm = client_for("project")
    rid = _new(pm, demo)[1]["id"]
    url = f"/api/v1/risks/{rid}"
    assert call(pm, "PATCH", url, {"title": "no version"})[0] == 428
    assert call(pm, "PATCH", url, {"title": "ok", "version": 1})[0] == 200
    status, body = call(pm, "PATCH", url, {"title": "stale", "version": 1})
    assert (status, body["field"]) == (409, "version")
    assert call(pm, "POST", url + "/escalate", {"reason": "why"})[0] == 428
    assert call(pm, "POST", url + "/escalate", {"reason": "why", "version": 1})[0] == 409
    assert Risk.objects.get(pk=rid).title == "ok"


@pytest.mark.parametrize(("fields", "field"), [
    ({"response": "exploit"}, "response"),
    ({"schedule_impact_minutes": -5}, "schedule_impact_minutes"),
    ({"owner_id": 999999}, "owner_id"),
    ({"task_ids": [999999]}, "task_ids"),
    ({"project_id": None}, "project_id"),
    ({"program_id": 1}, "project_id"),
])
def test_invalid_risk_payloads_name_the_field(demo: Demo, client_for: Callable[[str], Client], fields: dict[str, Any],
                                              field: str) -> None:
    status, body = _new(client_for("project"), demo, **fields)
    assert status == 422, body
    assert body["field"] == field
    assert not Risk.objects.exists()


@pytest.mark.parametrize("fields", [{"probability": 6}, {"impact": 0}, {"title": ""}, {"kind": "maybe"},
                                    {"probability_percent": 120}, {"status": "gone"}])
def test_schema_errors_are_422(demo: Demo, client_for: Callable[[str], Client], fields: dict[str, Any]) -> None:
    assert _new(client_for("project"), demo, **fields)[0] == 422


def test_escalation_errors(demo: Demo, client_for: Callable[[str], Client]) -> None:
    pm, prog = client_for("project"), client_for("program")
    rid = _new(pm, demo, status="closed")[1]["id"]
    status, body = call(pm, "POST", f"/api/v1/risks/{rid}/escalate", {"reason": "why", "version": 1})
    assert (status, body["field"]) == (409, "status")
    rid = _new(pm, demo, title="Open one")[1]["id"]
    assert call(pm, "POST", f"/api/v1/risks/{rid}/escalate", {"reason": "", "version": 1})[0] == 422
    assert call(pm, "POST", f"/api/v1/risks/{rid}/escalate", {"reason": "   ", "version": 1})[1]["field"] == "reason"
    assert call(pm, "POST", f"/api/v1/risks/{rid}/escalate", {"reason": "up", "version": 1})[0] == 200
    assert call(pm, "POST", f"/api/v1/risks/{rid}/escalate", {"reason": "up", "version": 2})[0] == 403
    assert call(prog, "POST", f"/api/v1/risks/{rid}/escalate", {"reason": "up", "version": 2})[1]["escalation_level"] == "portfolio"
    assert call(client_for("portfolio"), "POST", f"/api/v1/risks/{rid}/escalate", {"reason": "up", "version": 3})[0] == 409


def test_visibility_per_persona(demo: Demo, client_for: Callable[[str], Client]) -> None:
    rid = _new(client_for("project"), demo)[1]["id"]
    assert call(client_for("executive"), "GET", f"/api/v1/risks/{rid}")[0] == 200
    assert call(client_for("executive"), "PATCH", f"/api/v1/risks/{rid}", {"title": "x", "version": 1})[0] == 403
    assert call(client_for("outsider"), "GET", f"/api/v1/risks/{rid}")[0] == 404
    assert call(client_for("outsider"), "DELETE", f"/api/v1/risks/{rid}")[0] == 404
    assert call(client_for("outsider"), "GET", "/api/v1/risks")[1]["count"] == 0
    assert call(Client(), "GET", "/api/v1/risks")[0] == 401


def test_list_filters(demo: Demo, client_for: Callable[[str], Client]) -> None:
    pm = client_for("project")
    _new(pm, demo)
    _new(pm, demo, title="Reuse", kind="opportunity", response="exploit", schedule_impact_minutes=-DAY, probability=1)
    portfolio = client_for("portfolio")
    assert call(portfolio, "GET", "/api/v1/risks?kind=opportunity")[1]["count"] == 1
    assert call(portfolio, "GET", f"/api/v1/risks?project={demo.dcx01.pk}&probability=4&impact=5")[1]["count"] == 1
    assert call(portfolio, "GET", f"/api/v1/risks?program={demo.ops.pk}")[1]["count"] == 0
    assert call(portfolio, "GET", "/api/v1/risks?escalated=true")[1]["count"] == 0
    assert call(portfolio, "GET", "/api/v1/risks?kind=maybe")[0] == 422


def test_issue_lifecycle(demo: Demo, client_for: Callable[[str], Client]) -> None:
    member, pm = client_for("member"), client_for("project")
    status, body = call(member, "POST", "/api/v1/issues", {"project_id": demo.dcx01.pk, "title": "Sandbox down", "severity": "high"})
    assert status == 201 and body["code"] == "I-001"
    url = f"/api/v1/issues/{body['id']}"
    assert call(member, "PATCH", url, {"status": "resolved", "version": 1})[0] == 403
    assert call(pm, "PATCH", url, {"status": "in_progress", "version": 1})[1]["status"] == "in_progress"
    assert call(pm, "PATCH", url, {"severity": "urgent", "version": 2})[0] == 422
    assert call(pm, "PATCH", url, {"risk_id": 99999, "version": 2})[1]["field"] == "risk_id"
    assert call(pm, "POST", url + "/escalate", {"reason": "vendor", "version": 2})[1]["escalation_level"] == "program"
    assert call(client_for("program"), "GET", f"/api/v1/issues?program={demo.dcx.pk}&escalated=true")[1]["count"] == 1
    assert call(pm, "DELETE", url)[0] == 204
    assert not Issue.objects.exists()


@pytest.mark.parametrize("url", ["/api/v1/risks", "/api/v1/issues"])
def test_list_query_count_does_not_grow(demo: Demo, plan: Plan, client_for: Callable[[str], Client],
                                        django_assert_max_num_queries: Any, url: str) -> None:
    pm = client_for("project")
    for i in range(8):
        _new(pm, demo, title=f"Risk {i}", task_ids=[plan.build.pk, plan.design.pk])
        call(pm, "POST", "/api/v1/issues", {"project_id": demo.dcx01.pk, "title": f"Issue {i}"})
    reader = client_for("portfolio")
    with django_assert_max_num_queries(5):  # session, user, count, page, prefetch of the linked tasks
        status, body = call(reader, "GET", url)
    assert status == 200 and body["count"] == 8
