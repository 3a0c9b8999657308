"""Stakeholder register: validation, power/interest grid, API errors, pages per role, query counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from altitude.core.errors import InvalidInput, PermissionDenied
from altitude.governance import stakeholders
from altitude.governance.register_models import Stakeholder, quadrant
from tests.personas import Demo
from tests.web.planning import call


def _stakeholder(demo: Demo, who: str = "project", **fields: Any) -> Stakeholder:
    return stakeholders.create_stakeholder(demo.user(who), {"project_id": demo.dcx01.pk, "name": "Head of Retail",
                                                            "influence": 5, "interest": 4, **fields})


def test_validation_rights_and_strategy(demo: Demo) -> None:
    s = _stakeholder(demo, current_engagement="resistant", desired_engagement="supportive")
    assert (s.quadrant, s.engagement_gap) == ("Manage closely", 2)
    assert [quadrant(5, 1), quadrant(1, 5), quadrant(2, 2), quadrant(3, 3)] == [
        "Keep satisfied", "Keep informed", "Monitor", "Manage closely"]
    with pytest.raises(PermissionDenied):
        _stakeholder(demo, "member")
    with pytest.raises(InvalidInput) as bad:
        _stakeholder(demo, influence=6)
    assert bad.value.field == "influence"
    with pytest.raises(InvalidInput) as bad:
        _stakeholder(demo, current_engagement="hostile")
    assert bad.value.field == "current_engagement"
    with pytest.raises(InvalidInput) as bad:
        _stakeholder(demo, communication_owner_id=999999)
    assert bad.value.field == "communication_owner_id"


def test_grid_counts_and_filters(demo: Demo, client_for: Callable[[str], Client]) -> None:
    _stakeholder(demo, name="Retail head")
    _stakeholder(demo, name="Store managers", influence=2, interest=5, current_engagement="resistant")
    _stakeholder(demo, name="Auditors", influence=5, interest=4, current_engagement="supportive",
                 desired_engagement="supportive")
    page = client_for("executive").get(f"/projects/{demo.dcx01.pk}/stakeholders/").content.decode()
    assert 'aria-label="Influence 5, interest 4, manage closely: 2 stakeholders"' in page
    assert 'aria-label="Influence 2, interest 5, keep informed: 1 stakeholder"' in page
    assert "Add a stakeholder" not in page  # the executive only reads
    cell = client_for("project").get(f"/projects/{demo.dcx01.pk}/stakeholders/?influence=2&interest=5").content.decode()
    assert "Store managers" in cell and "Retail head" not in cell and "Showing the cell influence 2" in cell
    gap = client_for("project").get(f"/projects/{demo.dcx01.pk}/stakeholders/?gap=1").content.decode()
    assert "Store managers" in gap and "Auditors" not in gap
    assert "(to win over)" in gap


def test_api_operations_and_errors(demo: Demo, client_for: Callable[[str], Client]) -> None:
    pm, member = client_for("project"), client_for("member")
    status, body = call(pm, "POST", "/api/v1/stakeholders", {"project_id": demo.dcx01.pk, "name": "Works council",
                                                             "influence": 4, "interest": 2})
    assert status == 201 and (body["strategy"], body["current_engagement"]) == ("Keep satisfied", "neutral")
    url = f"/api/v1/stakeholders/{body['id']}"
    assert call(pm, "POST", "/api/v1/stakeholders", {"project_id": demo.dcx01.pk, "name": "x", "interest": 0})[0] == 422
    assert call(member, "POST", "/api/v1/stakeholders", {"project_id": demo.dcx01.pk, "name": "x"})[0] == 403
    assert call(client_for("outsider"), "GET", url)[0] == 404
    assert call(member, "GET", url)[0] == 200
    assert call(member, "PATCH", url, {"name": "y", "version": 1})[0] == 403
    assert call(pm, "PATCH", url, {"name": "y"})[0] == 428
    assert call(pm, "PATCH", url, {"interest": 5}, **{"If-Match": "1"})[1]["strategy"] == "Manage closely"
    status, err = call(pm, "PATCH", url, {"name": "stale", "version": 1})
    assert (status, err["field"]) == (409, "version")
    status, listed = call(member, "GET", "/api/v1/stakeholders?influence=4&interest=5")
    assert status == 200 and [x["id"] for x in listed["items"]] == [body["id"]]
    assert call(pm, "DELETE", url)[0] == 204


def test_pages_form_errors_and_conflicts(demo: Demo, client_for: Callable[[str], Client]) -> None:
    pm = client_for("project")
    form = {"name": "Works council", "organisation": "", "role": "", "contact": "", "influence": "4", "interest": "3",
            "current_engagement": "unaware", "desired_engagement": "neutral", "channel": "", "frequency": "",
            "communication_owner": "", "notes": ""}
    bad = pm.post(f"/projects/{demo.dcx01.pk}/stakeholders/new/", {**form, "name": "", "influence": "9"})
    assert bad.status_code == 400 and b"This field is required" in bad.content and b"Select a valid choice" in bad.content
    assert pm.post(f"/projects/{demo.dcx01.pk}/stakeholders/new/", form).status_code == 302
    s = Stakeholder.objects.get()
    assert "Manage closely" in pm.get(f"/stakeholders/{s.pk}/").content.decode()
    assert pm.post(f"/stakeholders/{s.pk}/edit/", {**form, "version": 1, "interest": "1"}).status_code == 302
    stale = pm.post(f"/stakeholders/{s.pk}/edit/", {**form, "version": 1})
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()
    assert client_for("member").post(f"/stakeholders/{s.pk}/delete/").status_code == 403
    assert pm.post(f"/stakeholders/{s.pk}/delete/").status_code == 302
    assert not Stakeholder.objects.exists()


@pytest.mark.parametrize("path", ["/projects/{p}/stakeholders/", "/projects/{p}/stakeholders/new/",
                                  "/stakeholders/{s}/", "/stakeholders/{s}/edit/"])
def test_outsider_gets_404_and_viewer_reads(demo: Demo, client_for: Callable[[str], Client], path: str) -> None:
    url = path.format(p=demo.dcx01.pk, s=_stakeholder(demo).pk)
    assert client_for("outsider").get(url).status_code == 404
    expected = 403 if url.endswith(("/new/", "/edit/")) else 200
    assert client_for("executive").get(url).status_code == expected
    assert client_for("member").get(url).status_code == expected


@pytest.mark.parametrize("path", ["/projects/{p}/stakeholders/", "/stakeholders/{s}/", "/api/v1/stakeholders"])
def test_queries_do_not_grow(demo: Demo, client_for: Callable[[str], Client], path: str) -> None:
    first = _stakeholder(demo, communication_owner_id=demo.user("member").pk)
    client = client_for("program")
    url = path.format(p=demo.dcx01.pk, s=first.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for i in range(12):
        _stakeholder(demo, name=f"Group {i}", influence=1 + i % 5, interest=1 + (i * 2) % 5,
                     communication_owner_id=demo.user("project").pk)
    stakeholders.update_stakeholder(demo.user("project"), first.pk, 1, {"notes": "met"})
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


def test_demo_rows(demo: Demo) -> None:
    from altitude.governance import register_demo

    register_demo.load(demo.portfolio, demo.users)
    rows = Stakeholder.objects.filter(project=demo.dcx01)
    assert rows.count() == 4 and {s.quadrant for s in rows} >= {"Manage closely", "Keep informed", "Keep satisfied"}
