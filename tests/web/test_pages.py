"""Server-rendered pages: sign-in, each altitude, permissions, forms, query counts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from altitude.delivery.models import Project
from tests.personas import PASSWORD, Demo

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(demo: Demo) -> None:
    for url in ("/", "/portfolios/", f"/projects/{demo.dcx01.pk}/", "/my-work/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_sign_in_with_password_lands_on_the_users_altitude(demo: Demo) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "portfolio", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == f"/portfolios/{demo.portfolio.pk}/"
    assert "Northwind Group change portfolio" in response.content.decode()


def test_wrong_password_is_refused(demo: Demo) -> None:
    response = Client().post("/accounts/login/", {"username": "portfolio", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


@pytest.mark.parametrize(
    ("username", "landing"),
    [("program", "/programs/{dcx}/"), ("project", "/projects/{dcx01}/"), ("member", "/my-work/"),
     ("executive", "/portfolios/"), ("admin", "/portfolios/")],
)
def test_each_role_lands_on_its_view(demo: Demo, client_for: Callable[[str], Client], username: str, landing: str) -> None:
    response = client_for(username).get("/")
    assert response["Location"] == landing.format(dcx=demo.dcx.pk, dcx01=demo.dcx01.pk)


def test_portfolio_page_shows_programs_and_projects(demo: Demo, client_for: Callable[[str], Client]) -> None:
    html = client_for("portfolio").get(f"/portfolios/{demo.portfolio.pk}/").content.decode()
    for text in ("Digital Customer Experience", "Operations Modernisation", "DCX-01", "ESG-01", "Grow digital revenue"):
        assert text in html


def test_outsider_gets_404_on_pages(demo: Demo, client_for: Callable[[str], Client]) -> None:
    client = client_for("outsider")
    for url in (f"/projects/{demo.dcx01.pk}/", f"/programs/{demo.dcx.pk}/", f"/portfolios/{demo.portfolio.pk}/",
                f"/projects/{demo.dcx01.pk}/edit/"):
        assert client.get(url).status_code == 404, url
    html = client.get("/projects/").content.decode()
    assert "You are not on any project yet" in html


def test_member_cannot_open_the_edit_form(demo: Demo, client_for: Callable[[str], Client]) -> None:
    assert client_for("member").get(f"/projects/{demo.dcx01.pk}/edit/").status_code == 403


def test_edit_form_saves_and_detects_conflicts(demo: Demo, client_for: Callable[[str], Client]) -> None:
    client = client_for("project")
    url = f"/projects/{demo.dcx01.pk}/edit/"
    form = client.get(url)
    assert form.status_code == 200
    data = {"name": "Commerce platform", "description": "", "stage": "executing", "priority": 1, "manager": demo.user("project").pk,
            "sponsor": "", "budget": "1450000", "estimated_cost": "1380000", "expected_benefits": "3900000", "feasibility": 4,
            "start_date": "2026-03-02", "finish_date": "2027-02-26", "version": 1}
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "name": "Overwrite"})
    assert stale.status_code == 400
    assert "changed by someone else" in stale.content.decode()
    invalid = client.post(url, {**data, "version": 2, "finish_date": "2020-01-01"})
    assert invalid.status_code == 400
    assert "finish date is before the start date" in invalid.content.decode()
    project = Project.objects.get(pk=demo.dcx01.pk)
    assert (project.name, project.version) == ("Commerce platform", 2)


def test_list_filters_persist_in_links(demo: Demo, client_for: Callable[[str], Client]) -> None:
    html = client_for("portfolio").get("/projects/?stage=executing").content.decode()
    assert "DCX-01" in html and "OPS-01" in html and "DCX-02" not in html
    assert '<option value="executing" selected>' in html


@pytest.mark.parametrize("url", ["/portfolios/", "/portfolios/{portfolio}/", "/programs/", "/programs/{dcx}/",
                                 "/projects/", "/projects/{dcx01}/", "/my-work/"])
def test_query_count_does_not_grow_with_rows(demo: Demo, client_for: Callable[[str], Client], url: str) -> None:
    """N+1 guard: adding projects must not add queries to a page."""
    client = client_for("portfolio")
    target = url.format(portfolio=demo.portfolio.pk, dcx=demo.dcx.pk, dcx01=demo.dcx01.pk)
    with CaptureQueriesContext(connection) as before:
        assert client.get(target).status_code == 200
    for i in range(6):
        project = Project.objects.create(portfolio=demo.portfolio, program=demo.dcx, code=f"EXTRA-{i}", name=f"Extra {i}",
                                         manager=demo.user("project"))
        project.memberships.create(user=demo.user("portfolio"), role=30)
    with CaptureQueriesContext(connection) as after:
        assert client.get(target).status_code == 200
    assert len(after) == len(before), [q["sql"] for q in after.captured_queries]
