"""/api/v1/portfolios and /api/v1/programs."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from altitude.delivery.models import Program
from altitude.strategy.models import Portfolio
from tests.personas import Demo

pytestmark = pytest.mark.django_db


def test_portfolios_visible_by_membership(demo: Demo, client_for: Callable[[str], Client]) -> None:
    for username in ("portfolio", "program", "project", "member", "executive", "admin"):
        assert client_for(username).get("/api/v1/portfolios").json()["count"] == 1, username
    assert client_for("outsider").get("/api/v1/portfolios").json()["count"] == 0
    assert client_for("outsider").get(f"/api/v1/portfolios/{demo.portfolio.pk}").status_code == 404


def test_only_admin_or_pmo_creates_portfolios(demo: Demo, client_for: Callable[[str], Client]) -> None:
    body = {"name": "Public sector bids"}
    assert client_for("portfolio").post("/api/v1/portfolios", data=body, content_type="application/json").status_code == 403
    response = client_for("admin").post("/api/v1/portfolios", data=body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["version"] == 1
    duplicate = client_for("admin").post("/api/v1/portfolios", data=body, content_type="application/json")
    assert duplicate.status_code == 422
    assert duplicate.json()["field"] == "name"
    pmo = demo.user("outsider")
    pmo.is_pmo = True
    pmo.save()
    response = client_for("outsider").post("/api/v1/portfolios", data={"name": "PMO's"}, content_type="application/json")
    assert response.status_code == 201


def test_portfolio_update_locking(demo: Demo, client_for: Callable[[str], Client]) -> None:
    client = client_for("portfolio")
    url = f"/api/v1/portfolios/{demo.portfolio.pk}"
    ok = client.patch(url, data=json.dumps({"description": "New text", "version": 1}), content_type="application/json")
    assert ok.status_code == 200
    stale = client.patch(url, data=json.dumps({"description": "Old", "version": 1}), content_type="application/json")
    assert stale.status_code == 409
    missing = client.patch(url, data=json.dumps({"description": "None"}), content_type="application/json")
    assert missing.status_code == 428
    assert Portfolio.objects.get(pk=demo.portfolio.pk).description == "New text"
    viewer = client_for("executive").patch(url, data=json.dumps({"description": "x", "version": 2}), content_type="application/json")
    assert viewer.status_code == 403


def test_deleting_a_portfolio_with_children_is_refused(demo: Demo, client_for: Callable[[str], Client]) -> None:
    response = client_for("admin").delete(f"/api/v1/portfolios/{demo.portfolio.pk}")
    assert response.status_code == 409
    assert "program" in response.json()["detail"]
    assert Portfolio.objects.filter(pk=demo.portfolio.pk).exists()


def test_programs_crud(demo: Demo, client_for: Callable[[str], Client]) -> None:
    client = client_for("portfolio")
    listed = client.get(f"/api/v1/programs?portfolio={demo.portfolio.pk}").json()
    assert {p["name"] for p in listed["items"]} == {"Digital Customer Experience", "Operations Modernisation"}
    created = client.post("/api/v1/programs", data={"portfolio_id": demo.portfolio.pk, "name": "Data & AI", "budget": "100"},
                          content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    renamed = client.patch(f"/api/v1/programs/{pk}", data=json.dumps({"name": "Data and AI", "version": 1}),
                           content_type="application/json")
    assert renamed.json()["version"] == 2
    assert client.delete(f"/api/v1/programs/{pk}").status_code == 204
    assert not Program.objects.filter(pk=pk).exists()


def test_program_create_validation_and_permissions(demo: Demo, client_for: Callable[[str], Client]) -> None:
    bad = client_for("portfolio").post("/api/v1/programs", data={"portfolio_id": demo.portfolio.pk, "name": "X", "budget": "-1"},
                                       content_type="application/json")
    assert bad.status_code == 422
    assert "budget" in json.dumps(bad.json())
    hidden = client_for("outsider").post("/api/v1/programs", data={"portfolio_id": demo.portfolio.pk, "name": "X"},
                                         content_type="application/json")
    assert hidden.status_code == 422
    assert hidden.json()["field"] == "portfolio_id"
    denied = client_for("program").post("/api/v1/programs", data={"portfolio_id": demo.portfolio.pk, "name": "X"},
                                        content_type="application/json")
    assert denied.status_code == 403
    assert client_for("program").get(f"/api/v1/programs/{demo.ops.pk}").status_code == 404
    assert client_for("program").delete(f"/api/v1/programs/{demo.dcx.pk}").status_code == 403


def test_openapi_is_published(demo: Demo) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/projects" in schema["paths"]
    assert Client().get("/api/docs").status_code == 302
