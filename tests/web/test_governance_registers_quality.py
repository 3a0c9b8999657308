"""Quality checks: validation, results with who/when, failed -> issue link, API errors, pages per role, query counts."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from altitude.core.errors import InvalidInput, PermissionDenied
from altitude.governance import quality
from altitude.governance.register_models import QualityCheck
from tests.personas import Demo
from tests.web.planning import Plan, call


def _check(demo: Demo, plan: Plan, who: str = "project", **fields: Any) -> QualityCheck:
    return quality.create_check(demo.user(who), {"project_id": demo.dcx01.pk, "task_id": plan.build.pk,
                                                 "criterion": "Checkout in under 2 s", "method": "Load test", **fields})


def test_validation_and_rights(demo: Demo, plan: Plan) -> None:
    with pytest.raises(InvalidInput) as other:
        _check(demo, plan, task_id=plan.app.pk)  # DCX-02's task
    assert other.value.field == "task_id"
    with pytest.raises(PermissionDenied):
        _check(demo, plan, "member")
    check = _check(demo, plan)
    with pytest.raises(InvalidInput) as waived:
        quality.record_result(demo.user("member"), check.pk, 1, "waived", " ")
    assert waived.value.field == "notes"
    with pytest.raises(PermissionDenied):
        quality.record_result(demo.user("executive"), check.pk, 1, "passed")


def test_results_stamp_who_and_when(demo: Demo, plan: Plan) -> None:
    check = _check(demo, plan)
    failed = quality.record_result(demo.user("member"), check.pk, 1, "failed", "3.4 s at peak")
    assert (failed.result, failed.checked_by, failed.notes, failed.checked_at is not None) == (
        "failed", demo.user("member"), "3.4 s at peak", True)
    reset = quality.record_result(demo.user("project"), check.pk, 2, "pending")
    assert (reset.checked_by, reset.checked_at) == (None, None)
    assert check.history.count() == 3


def test_failed_check_offers_a_prefilled_issue(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    check = _check(demo, plan)
    member = client_for("member")
    assert "Log an issue for it" not in member.get(f"/quality-checks/{check.pk}/").content.decode()
    assert member.post(f"/quality-checks/{check.pk}/result/", {"version": 1, "result": "failed",
                                                               "notes": "3.4 s at peak"}).status_code == 302
    page = member.get(f"/quality-checks/{check.pk}/").content.decode()
    assert "✗ Failed" in page and "Log an issue for it" in page
    link = re.search(r'href="([^"]+)">Log an issue for it', page)[1].replace("&amp;", "&")  # type: ignore[index]
    assert urlsplit(link).path == f"/projects/{demo.dcx01.pk}/issues/new/"
    assert parse_qs(urlsplit(link).query)["severity"] == ["high"]
    form = member.get(link).content.decode()
    assert 'value="Quality check failed: Checkout in under 2 s"' in form and "3.4 s at peak" in form
    assert 'value="high" selected' in form
    assert "Log an issue for it" not in client_for("executive").get(f"/quality-checks/{check.pk}/").content.decode()


def test_pages_errors_and_filters(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    pm = client_for("project")
    bad = pm.post(f"/projects/{demo.dcx01.pk}/quality/new/", {"task": plan.app.pk, "criterion": ""})
    assert bad.status_code == 400 and b"Select a valid choice" in bad.content and b"This field is required" in bad.content
    assert pm.post(f"/projects/{demo.dcx01.pk}/quality/new/", {"task": plan.build.pk, "criterion": "Fast",
                                                               "method": "", "planned_date": ""}).status_code == 302
    check = QualityCheck.objects.get()
    waived = pm.post(f"/quality-checks/{check.pk}/result/", {"version": 1, "result": "waived", "notes": ""})
    assert waived.status_code == 400 and "say why the check is waived" in waived.content.decode()
    stale = pm.post(f"/quality-checks/{check.pk}/result/", {"version": 9, "result": "passed"})
    assert stale.status_code == 409
    assert pm.post(f"/quality-checks/{check.pk}/result/", {"version": 1, "result": "passed"}).status_code == 302
    assert "Fast" in pm.get(f"/projects/{demo.dcx01.pk}/quality/?result=passed").content.decode()
    assert "No quality check matches" in pm.get(f"/projects/{demo.dcx01.pk}/quality/?result=failed").content.decode()
    assert client_for("member").post(f"/quality-checks/{check.pk}/delete/").status_code == 403


def test_api_operations_and_errors(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    pm, member = client_for("project"), client_for("member")
    status, body = call(pm, "POST", "/api/v1/quality-checks", {"project_id": demo.dcx01.pk, "task_id": plan.build.pk,
                                                               "criterion": "Fast"})
    assert status == 201 and body["result"] == "pending"
    url = f"/api/v1/quality-checks/{body['id']}"
    status, err = call(pm, "POST", "/api/v1/quality-checks", {"project_id": demo.dcx01.pk, "task_id": plan.erp.pk,
                                                              "criterion": "x"})
    assert (status, err["field"]) == (422, "task_id")
    assert call(client_for("outsider"), "GET", url)[0] == 404
    assert call(member, "POST", url + "/result", {"result": "passed"})[0] == 428
    assert call(member, "POST", url + "/result", {"result": "maybe", "version": 1})[0] == 422
    status, done = call(member, "POST", url + "/result", {"result": "passed", "version": 1})
    assert (status, done["result"], done["checked_by_id"]) == (200, "passed", demo.user("member").pk)
    assert call(member, "PATCH", url, {"criterion": "stale", "version": 1})[0] == 409
    assert call(client_for("executive"), "PATCH", url, {"criterion": "x", "version": 2})[0] == 403
    status, listed = call(member, "GET", f"/api/v1/quality-checks?project={demo.dcx01.pk}&result=passed")
    assert status == 200 and [x["id"] for x in listed["items"]] == [body["id"]]
    assert call(member, "DELETE", url)[0] == 403
    assert call(pm, "DELETE", url)[0] == 204


@pytest.mark.parametrize("path", ["/projects/{p}/quality/", "/projects/{p}/quality/new/", "/quality-checks/{c}/",
                                  "/quality-checks/{c}/edit/"])
def test_outsider_gets_404_and_viewer_reads(demo: Demo, plan: Plan, client_for: Callable[[str], Client], path: str) -> None:
    url = path.format(p=demo.dcx01.pk, c=_check(demo, plan).pk)
    assert client_for("outsider").get(url).status_code == 404
    expected = 403 if url.endswith(("/new/", "/edit/")) else 200
    assert client_for("executive").get(url).status_code == expected


@pytest.mark.parametrize("path", ["/projects/{p}/quality/", "/quality-checks/{c}/", "/api/v1/quality-checks"])
def test_queries_do_not_grow(demo: Demo, plan: Plan, client_for: Callable[[str], Client], path: str) -> None:
    first = _check(demo, plan)
    quality.record_result(demo.user("member"), first.pk, 1, "failed", "slow")
    client = client_for("program")
    url = path.format(p=demo.dcx01.pk, c=first.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for i in range(12):
        check = _check(demo, plan, criterion=f"Criterion {i}", task_id=plan.design.pk if i % 2 else plan.build.pk)
        quality.record_result(demo.user("member"), check.pk, 1, "passed")
    quality.record_result(demo.user("member"), first.pk, 2, "failed", "still slow")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]
