"""Change requests: workflow, re-baseline, notifications, API errors, pages per role, query counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from altitude.core.errors import Conflict, InvalidInput, PermissionDenied
from altitude.core.models import Notification
from altitude.delivery.models import Baseline
from altitude.governance import changes
from altitude.governance.register_models import ChangeRequest
from tests.personas import Demo
from tests.web.planning import Plan, call


def _change(demo: Demo, who: str = "member", **fields: Any) -> ChangeRequest:
    return changes.create_change_request(demo.user(who), {"project_id": demo.dcx01.pk, "title": "Add gift cards",
                                                          "schedule_impact_days": 5, "cost_impact": 12000, **fields})


def _step(demo: Demo, change: ChangeRequest, who: str, target: str, **kw: Any) -> ChangeRequest:
    change.refresh_from_db()
    return changes.transition(demo.user(who), change.pk, change.version, target, **kw)


def test_codes_number_per_project_and_are_not_reused(demo: Demo) -> None:
    first, second = _change(demo), _change(demo)
    other = changes.create_change_request(demo.user("admin"), {"project_id": demo.ops01.pk, "title": "x"})
    assert (first.code, second.code, other.code) == ("CR-001", "CR-002", "CR-001")
    assert first.requested_by == demo.user("member")
    changes.delete_change_request(demo.user("project"), second.pk)
    assert _change(demo).code == "CR-003"


def test_full_workflow_stamps_each_step_and_rebaselines(demo: Demo, plan: Plan) -> None:
    change = _change(demo, task_ids=[plan.build.pk])
    change = _step(demo, change, "member", "submitted")
    assert (change.status, change.submitted_by, change.submitted_at is not None) == ("submitted", demo.user("member"), True)
    with pytest.raises(PermissionDenied):
        _step(demo, change, "member", "assessed")
    change = _step(demo, change, "project", "assessed", comment="Five days on Build, budget from contingency.")
    assert change.assessment.startswith("Five days") and change.assessed_by == demo.user("project")
    with pytest.raises(InvalidInput) as missing:
        _step(demo, change, "project", "approved", comment="  ")
    assert missing.value.field == "comment"
    change = _step(demo, change, "program", "approved", comment="Worth it for Christmas sales.")  # program manager above
    assert (change.decided_by, change.decision_comment) == (demo.user("program"), "Worth it for Christmas sales.")
    note = Notification.objects.get(recipient=demo.user("member"))
    assert "approved change request DCX-01 CR-001" in note.text and note.url == f"/changes/{change.pk}/"
    before = Baseline.objects.filter(project=demo.dcx01).count()
    change = _step(demo, change, "project", "implemented", rebaseline=True)
    assert change.status == "implemented" and change.baseline is not None
    assert change.baseline.name == "After CR-001" and Baseline.objects.filter(project=demo.dcx01).count() == before + 1
    assert change.history.count() == 5  # created + four transitions


@pytest.mark.parametrize(("status_path", "target"), [
    ([], "assessed"), ([], "approved"), (["submitted"], "implemented"), (["submitted"], "submitted"),
    (["submitted", "assessed", "rejected"], "implemented"),
])
def test_only_valid_transitions(demo: Demo, status_path: list[str], target: str) -> None:
    change = _change(demo)
    for step in status_path:
        change = _step(demo, change, "project", step, comment="ok")
    with pytest.raises(Conflict) as err:
        _step(demo, change, "project", target, comment="ok")
    assert err.value.field == "status"


def test_rebaseline_failure_rolls_back_the_step(demo: Demo) -> None:
    change = _change(demo)
    for step in ("submitted", "assessed", "approved"):
        change = _step(demo, change, "project", step, comment="ok")
    Baseline.objects.create(project=demo.dcx01, name="Taken")
    with pytest.raises(InvalidInput) as err:
        _step(demo, change, "project", "implemented", rebaseline=True, baseline_name="Taken")
    assert err.value.field == "baseline_name"
    change.refresh_from_db()
    assert change.status == "approved" and change.baseline_id is None


def test_details_are_fixed_once_assessed(demo: Demo) -> None:
    change = _step(demo, _step(demo, _change(demo), "member", "submitted"), "project", "assessed")
    with pytest.raises(Conflict):
        changes.update_change_request(demo.user("project"), change.pk, change.version, {"title": "late edit"})


def test_api_operations_and_errors(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    member, pm, viewer = client_for("member"), client_for("project"), client_for("executive")
    status, body = call(member, "POST", "/api/v1/change-requests", {"project_id": demo.dcx01.pk, "title": "Gift cards",
                                                                     "schedule_impact_days": -2, "task_ids": [plan.build.pk]})
    assert status == 201 and (body["code"], body["status"], body["schedule_impact_days"], body["task_ids"]) == (
        "CR-001", "draft", -2, [plan.build.pk])
    url = f"/api/v1/change-requests/{body['id']}"
    assert call(viewer, "POST", "/api/v1/change-requests", {"project_id": demo.dcx01.pk, "title": "x"})[0] == 403
    assert call(client_for("outsider"), "GET", url)[0] == 404
    assert call(member, "PATCH", url, {"title": "no version"})[0] == 428
    assert call(member, "PATCH", url, {"title": "Gift cards v2"}, **{"If-Match": '"1"'})[0] == 200
    status, err = call(member, "PATCH", url, {"title": "stale", "version": 1})
    assert (status, err["field"]) == (409, "version")
    status, err = call(member, "PATCH", url, {"task_ids": [plan.app.pk], "version": 2})
    assert (status, err["field"]) == (422, "task_ids")
    assert call(member, "POST", url + "/submit", {"version": 2})[1]["status"] == "submitted"
    assert call(member, "POST", url + "/assess", {"version": 3})[0] == 403
    assert call(pm, "POST", url + "/approve", {"comment": "x", "version": 3})[0] == 409
    assert call(pm, "POST", url + "/assess", {"comment": "fine", "version": 3})[0] == 200
    status, err = call(pm, "POST", url + "/reject", {"version": 4})
    assert (status, err["field"]) == (422, "comment")
    status, done = call(pm, "POST", url + "/reject", {"comment": "Not this year", "version": 4})
    assert (status, done["status"], done["decision_comment"]) == (200, "rejected", "Not this year")
    assert call(pm, "POST", url + "/implement", {"version": 5})[0] == 409
    status, listed = call(viewer, "GET", f"/api/v1/change-requests?project={demo.dcx01.pk}&status=rejected")
    assert status == 200 and [c["id"] for c in listed["items"]] == [body["id"]]
    assert call(viewer, "GET", "/api/v1/change-requests?status=nonsense")[0] == 422
    assert call(member, "DELETE", url)[0] == 403
    assert call(pm, "DELETE", url)[0] == 204


def test_api_list_queries_do_not_grow(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    client = client_for("project")
    _change(demo, task_ids=[plan.build.pk])
    client.get("/api/v1/change-requests")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/change-requests")
    for i in range(15):
        _change(demo, title=f"Change {i}", task_ids=[plan.build.pk, plan.design.pk])
    with CaptureQueriesContext(connection) as many:
        assert len(call(client, "GET", "/api/v1/change-requests")[1]["items"]) == 16
    assert len(many) == len(one)


FORM = {"title": "Add gift cards", "description": "", "reason": "Marketing asks", "requested_by": "",
        "scope_impact": "Gift card payment", "schedule_impact_days": "4", "cost_impact": "-300"}


def test_pages_workflow_and_form_errors(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    member, pm = client_for("member"), client_for("project")
    bad = member.post(f"/projects/{demo.dcx01.pk}/changes/new/", {**FORM, "title": "", "schedule_impact_days": "x"})
    assert bad.status_code == 400 and b"This field is required" in bad.content and b"Enter a whole number" in bad.content
    response = member.post(f"/projects/{demo.dcx01.pk}/changes/new/", {**FORM, "tasks": [plan.build.pk]})
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/changes/{change.pk}/"
    page = member.get(f"/changes/{change.pk}/").content.decode()
    assert "Submit for assessment" in page and "Record the assessment" not in page and "Build" in page
    assert member.post(f"/changes/{change.pk}/submit/", {"step": "submitted", "submitted-version": 1}).status_code == 302
    assert member.post(f"/changes/{change.pk}/decide/", {"step": "assessed", "assessed-version": 2}).status_code == 403
    assert pm.post(f"/changes/{change.pk}/decide/", {"step": "assessed", "assessed-version": 2,
                                                     "assessed-comment": "ok"}).status_code == 302
    page = pm.get(f"/changes/{change.pk}/").content.decode()
    assert "Approve" in page and "Reject" in page and "Edit change request" not in page
    missing = pm.post(f"/changes/{change.pk}/decide/", {"step": "approved", "approved-version": 3})
    assert missing.status_code == 400 and "say why you approve" in missing.content.decode()
    stale = pm.post(f"/changes/{change.pk}/decide/", {"step": "approved", "approved-version": 1, "approved-comment": "y"})
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()
    assert pm.post(f"/changes/{change.pk}/decide/", {"step": "approved", "approved-version": 3,
                                                     "approved-comment": "Go"}).status_code == 302
    done = pm.post(f"/changes/{change.pk}/decide/", {"step": "implemented", "implemented-version": 4,
                                                     "implemented-rebaseline": "on",
                                                     "implemented-baseline_name": "After gift cards"})
    assert done.status_code == 302
    page = pm.get(f"/changes/{change.pk}/").content.decode()
    assert "Implemented by Jonas Weber" in page and "After gift cards" in page and "Approved by" in page
    assert pm.get(f"/projects/{demo.dcx01.pk}/changes/?status=implemented").content.decode().count("Add gift cards") == 1
    assert "No change request matches" in pm.get(f"/projects/{demo.dcx01.pk}/changes/?status=draft").content.decode()


@pytest.mark.parametrize("path", ["/projects/{p}/changes/", "/projects/{p}/changes/new/", "/changes/{c}/",
                                  "/changes/{c}/edit/"])
def test_outsider_gets_404_and_viewer_reads(demo: Demo, client_for: Callable[[str], Client], path: str) -> None:
    url = path.format(p=demo.dcx01.pk, c=_change(demo).pk)
    assert client_for("outsider").get(url).status_code == 404
    expected = 403 if url.endswith(("/new/", "/edit/")) else 200
    assert client_for("executive").get(url).status_code == expected
    assert client_for("member").get(url).status_code == 200


@pytest.mark.parametrize("path", ["/projects/{p}/changes/", "/changes/{c}/"])
def test_page_queries_do_not_grow(demo: Demo, plan: Plan, client_for: Callable[[str], Client], path: str) -> None:
    first = _change(demo, task_ids=[plan.build.pk])
    client = client_for("project")
    url = path.format(p=demo.dcx01.pk, c=first.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for i in range(15):
        changed = _change(demo, title=f"Change {i}", requested_by_id=demo.user("project").pk, task_ids=[plan.design.pk])
        _step(demo, changed, "member", "submitted")
    changes.update_change_request(demo.user("project"), first.pk, 1, {"title": "Renamed", "task_ids": [plan.design.pk]})
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


def test_demo_rows_walk_the_workflow_as_the_personas(demo: Demo) -> None:
    from altitude.governance import register_demo

    register_demo.load(demo.portfolio, demo.users)
    rows = {(c.project.code, c.code): c for c in ChangeRequest.objects.select_related("project", "baseline")}
    assert {k: c.status for k, c in rows.items()} == {
        ("DCX-01", "CR-001"): "approved", ("DCX-01", "CR-002"): "submitted", ("DCX-01", "CR-003"): "draft",
        ("DCX-02", "CR-001"): "implemented", ("OPS-01", "CR-001"): "rejected"}
    implemented = rows[("DCX-02", "CR-001")]
    assert implemented.decided_by == demo.user("program") and implemented.implemented_by == demo.user("ksato")
    assert rows[("DCX-01", "CR-001")].requested_by == demo.user("project")
