"""The project "Schedule" section and the program "Integrated schedule" table."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from altitude.delivery import services
from tests.personas import Demo
from tests.web.planning import Plan, link, task

pytestmark = pytest.mark.django_db


def test_project_page_shows_the_schedule(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    html = client_for("member").get(f"/projects/{demo.dcx01.pk}/").content.decode()
    assert 'id="schedule"' in html
    assert "1.2</td>" in html and "Build" in html
    assert 'class="indent-1"' in html and "critical" in html
    assert "2026-03-11" in html  # Go-live


def test_project_page_empty_schedule_says_what_to_do(demo: Demo, client_for: Callable[[str], Client]) -> None:
    html = client_for("member").get(f"/projects/{demo.dcx02.pk}/").content.decode()
    assert "no tasks yet" in html and f"/api/v1/projects/{demo.dcx02.pk}/tasks" in html


def test_program_page_shows_milestones_and_critical_tasks_across_projects(
    demo: Demo, plan: Plan, client_for: Callable[[str], Client]
) -> None:
    client = client_for("program")
    assert "No milestone or critical task yet" not in client.get(f"/programs/{demo.dcx.pk}/").content.decode()
    services.reschedule_program(demo.user("program"), demo.dcx.pk)
    html = client.get(f"/programs/{demo.dcx.pk}/").content.decode()
    assert 'id="integrated"' in html and "Go-live" in html and "DCX-01" in html


@pytest.mark.parametrize("page", ["project", "program"])
def test_schedule_pages_query_count_does_not_grow_with_tasks(
    demo: Demo, plan: Plan, client_for: Callable[[str], Client], page: str
) -> None:
    client = client_for("portfolio")
    url = f"/projects/{demo.dcx01.pk}/" if page == "project" else f"/programs/{demo.dcx.pk}/"
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    admin = demo.user("admin")
    previous = plan.golive
    for n in range(8):
        extra = task(admin, demo.dcx01, f"Extra {n}", 0 if n % 2 else 1)
        link(admin, previous, extra)
        previous = extra
    services.reschedule_program(admin, demo.dcx.pk)
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before), [q["sql"] for q in after.captured_queries]


@pytest.mark.parametrize("model", ["delivery/task", "delivery/dependency", "delivery/calendar", "delivery/baseline",
                                   "delivery/schedulerun", "resources/resource", "resources/assignment"])
def test_admin_lists_the_plan(demo: Demo, plan: Plan, client_for: Callable[[str], Client], model: str) -> None:
    client = client_for("admin")
    assert client.get(f"/admin/{model}/").status_code == 200
