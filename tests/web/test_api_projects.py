"""/api/v1/projects: success paths, validation, optimistic locking, permissions."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from altitude.accounts.models import ApiToken
from altitude.delivery.models import Project
from tests.personas import Demo

pytestmark = pytest.mark.django_db


def _patch(client: Client, url: str, body: dict[str, object], **headers: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = client.patch(url, data=json.dumps(body), content_type="application/json", headers=headers)
    return response.status_code, response.json()


def test_anonymous_gets_401(demo: Demo) -> None:
    response = Client().get("/api/v1/projects")
    assert response.status_code == 401


def test_list_is_paginated_and_filtered(demo: Demo, client_for: Callable[[str], Client]) -> None:
    client = client_for("portfolio")
    body = client.get("/api/v1/projects?page_size=3").json()
    assert body["count"] == 7
    assert len(body["items"]) == 3
    page3 = client.get("/api/v1/projects?page_size=3&page=3").json()
    assert len(page3["items"]) == 1
    in_program = client.get(f"/api/v1/projects?program={demo.dcx.pk}").json()
    assert {p["code"] for p in in_program["items"]} == {"DCX-01", "DCX-02", "DCX-03"}
    executing = client.get("/api/v1/projects?stage=executing").json()
    assert {p["code"] for p in executing["items"]} == {"DCX-01", "OPS-01"}
    searched = client.get("/api/v1/projects?q=mainframe").json()
    assert [p["code"] for p in searched["items"]] == ["OPS-03"]


def test_bad_filter_value_names_the_parameter(demo: Demo, client_for: Callable[[str], Client]) -> None:
    response = client_for("portfolio").get("/api/v1/projects?stage=flying")
    assert response.status_code == 422
    assert "stage" in json.dumps(response.json())


def test_members_see_only_their_projects(demo: Demo, client_for: Callable[[str], Client]) -> None:
    codes = {p["code"] for p in client_for("member").get("/api/v1/projects").json()["items"]}
    assert codes == {"DCX-01", "DCX-02"}
    program_codes = {p["code"] for p in client_for("program").get("/api/v1/projects").json()["items"]}
    assert program_codes == {"DCX-01", "DCX-02", "DCX-03"}


def test_non_member_gets_404_for_a_project_it_cannot_see(demo: Demo, client_for: Callable[[str], Client]) -> None:
    outsider = client_for("outsider")
    assert outsider.get(f"/api/v1/projects/{demo.dcx01.pk}").status_code == 404
    assert outsider.get("/api/v1/projects").json()["count"] == 0
    member = client_for("member")
    assert member.get(f"/api/v1/projects/{demo.ops01.pk}").status_code == 404
    status, _ = _patch(outsider, f"/api/v1/projects/{demo.dcx01.pk}", {"name": "Hijacked", "version": 1})
    assert status == 404


def test_retrieve(demo: Demo, client_for: Callable[[str], Client]) -> None:
    body = client_for("project").get(f"/api/v1/projects/{demo.dcx01.pk}").json()
    assert body["code"] == "DCX-01"
    assert body["version"] == 1
    assert body["program_id"] == demo.dcx.pk


def test_create_in_program(demo: Demo, client_for: Callable[[str], Client]) -> None:
    payload = {"portfolio_id": demo.portfolio.pk, "program_id": demo.dcx.pk, "code": "DCX-04",
               "name": "Store kiosks", "start_date": "2027-01-04", "finish_date": "2027-05-28", "budget": "120000.50"}
    response = client_for("program").post("/api/v1/projects", data=payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 1
    assert body["budget"] == "120000.50"
    assert Project.objects.get(code="DCX-04").program == demo.dcx


def test_create_needs_manager_of_the_parent(demo: Demo, client_for: Callable[[str], Client]) -> None:
    payload = {"portfolio_id": demo.portfolio.pk, "program_id": demo.dcx.pk, "code": "DCX-09", "name": "Sneaky"}
    response = client_for("project").post("/api/v1/projects", data=payload, content_type="application/json")
    assert response.status_code == 403
    assert not Project.objects.filter(code="DCX-09").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"code": "X-1", "name": ""}, "name"),
        ({"code": "has space", "name": "Ok"}, "code"),
        ({"code": "X-2", "name": "Ok", "priority": 9}, "priority"),
        ({"code": "X-3", "name": "Ok", "budget": "-5"}, "budget"),
        ({"code": "X-4", "name": "Ok", "start_date": "2027-02-30"}, "start_date"),
        ({"code": "X-5", "name": "Ok", "start_date": "2027-03-01", "finish_date": "2027-02-01"}, "finish_date"),
        ({"code": "DCX-01", "name": "Duplicate code"}, "code"),
        ({"code": "X-6", "name": "Ok", "manager_id": 999999}, "manager_id"),
        ({"code": "X-7", "name": "Ok", "program_id": 999999}, "program_id"),
    ],
)
def test_create_invalid_answers_422_naming_the_field(
    demo: Demo, client_for: Callable[[str], Client], payload: dict[str, object], field: str
) -> None:
    before = Project.objects.count()
    body = {"portfolio_id": demo.portfolio.pk, **payload}
    response = client_for("portfolio").post("/api/v1/projects", data=body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json())
    assert Project.objects.count() == before


def test_patch_with_current_version_saves_and_bumps_version(demo: Demo, client_for: Callable[[str], Client]) -> None:
    status, body = _patch(client_for("project"), f"/api/v1/projects/{demo.dcx01.pk}", {"name": "Commerce platform", "version": 1})
    assert status == 200
    assert body["version"] == 2
    demo.dcx01.refresh_from_db()
    assert (demo.dcx01.name, demo.dcx01.version) == ("Commerce platform", 2)
    assert demo.dcx01.history.count() == 2


def test_patch_accepts_if_match(demo: Demo, client_for: Callable[[str], Client]) -> None:
    status, body = _patch(client_for("project"), f"/api/v1/projects/{demo.dcx01.pk}", {"priority": 2}, **{"If-Match": '"1"'})
    assert (status, body["priority"], body["version"]) == (200, 2, 2)


def test_stale_version_answers_409_and_changes_nothing(demo: Demo, client_for: Callable[[str], Client]) -> None:
    client = client_for("project")
    url = f"/api/v1/projects/{demo.dcx01.pk}"
    assert _patch(client, url, {"priority": 2, "version": 1})[0] == 200
    status, body = _patch(client, url, {"name": "Lost update", "stage": "closed", "version": 1})
    assert status == 409
    assert body["field"] == "version"
    demo.dcx01.refresh_from_db()
    assert (demo.dcx01.name, demo.dcx01.stage, demo.dcx01.version) == ("New e-commerce platform", "executing", 2)
    assert demo.dcx01.history.count() == 2


def test_missing_version_answers_428(demo: Demo, client_for: Callable[[str], Client]) -> None:
    status, body = _patch(client_for("project"), f"/api/v1/projects/{demo.dcx01.pk}", {"name": "No version"})
    assert status == 428
    assert body["field"] == "version"
    demo.dcx01.refresh_from_db()
    assert demo.dcx01.name == "New e-commerce platform"


@pytest.mark.parametrize(
    ("change", "field"),
    [({"priority": 0}, "priority"), ({"finish_date": "2020-01-01"}, "finish_date"), ({"stage": "done"}, "stage"),
     ({"name": ""}, "name"), ({"version": "abc"}, "version")],
)
def test_patch_invalid_answers_422_naming_the_field(
    demo: Demo, client_for: Callable[[str], Client], change: dict[str, object], field: str
) -> None:
    status, body = _patch(client_for("project"), f"/api/v1/projects/{demo.dcx01.pk}", {"version": 1, **change})
    assert status == 422, body
    assert field in json.dumps(body)
    demo.dcx01.refresh_from_db()
    assert demo.dcx01.version == 1


def test_member_and_viewer_cannot_edit(demo: Demo, client_for: Callable[[str], Client]) -> None:
    for username in ("member", "executive"):
        status, _ = _patch(client_for(username), f"/api/v1/projects/{demo.dcx01.pk}", {"name": "x", "version": 1})
        assert status == 403, username


def test_delete(demo: Demo, client_for: Callable[[str], Client]) -> None:
    assert client_for("project").delete(f"/api/v1/projects/{demo.dcx01.pk}").status_code == 403
    assert client_for("program").delete(f"/api/v1/projects/{demo.dcx01.pk}").status_code == 204
    assert not Project.objects.filter(pk=demo.dcx01.pk).exists()


def test_bearer_token(demo: Demo) -> None:
    token, raw = ApiToken.issue(demo.user("member"), "script")
    client = Client()
    response = client.get("/api/v1/projects", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert client.get("/api/v1/projects", headers={"Authorization": "Bearer alt_wrong"}).status_code == 401
    token.revoked = True
    token.save()
    assert client.get("/api/v1/projects", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert ApiToken.objects.filter(key_hash__contains=raw).count() == 0


def test_session_writes_need_csrf(demo: Demo) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.user("project"))
    response = client.patch(f"/api/v1/projects/{demo.dcx01.pk}", data=json.dumps({"name": "x", "version": 1}),
                            content_type="application/json")
    assert response.status_code in (401, 403)
    demo.dcx01.refresh_from_db()
    assert demo.dcx01.version == 1
