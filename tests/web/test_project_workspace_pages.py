"""Every project workspace tab on the full demo (plans included): what it shows, and its query budget.

The demo with plans is loaded once for the module (it takes seconds) and removed at the
end, so other modules still start from an empty database; each test still runs in its
own rolled-back transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from altitude.accounts.models import User
from altitude.delivery.models import Project
from altitude.demo import load_demo
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def full_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[int]:
    with django_db_blocker.unblock():
        load_demo(PASSWORD, plans=True)
        yield Project.objects.get(code="DCX-01").pk
        call_command("flush", interactive=False, verbosity=0)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


# (tab path, query budget, text that must be on the page). Budgets hold for the demo
# (53 tasks in DCX-01) and do not grow with the number of tasks (see the last test).
PAGES = [
    ("", 22, "Schedule summary"),
    ("schedule/", 18, "Gantt chart"),
    ("schedule/data/", 22, '"baseline":"Approved plan"'),
    ("tasks/", 20, "Build Order tracking"),
    ("board/", 18, "Build Order tracking"),
    ("resources/", 15, "Load per week"),  # 14 + the last levelling applied (to offer its undo)
]


@pytest.mark.parametrize(("path", "budget", "text"), PAGES)
def test_tab_renders_within_its_query_budget(full_demo: int, django_assert_max_num_queries: Any,
                                             path: str, budget: int, text: str) -> None:
    client = _client("project")
    client.get(f"/projects/{full_demo}/")  # session and caches warm
    with django_assert_max_num_queries(budget):
        response = client.get(f"/projects/{full_demo}/{path}")
    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.parametrize("username", ["member", "program", "executive", "admin"])
def test_each_role_sees_every_tab(full_demo: int, username: str) -> None:
    client = _client(username)
    for path, _, text in PAGES:
        response = client.get(f"/projects/{full_demo}/{path}")
        assert response.status_code == 200, (username, path)
        assert text in response.content.decode()


def test_tabs_mark_the_current_one(full_demo: int) -> None:
    html = _client("project").get(f"/projects/{full_demo}/board/").content.decode()
    assert 'aria-label="Project workspace"' in html
    assert f'href="/projects/{full_demo}/board/" aria-current="page">Board' in html
    for label in ("Overview", "Schedule", "Tasks", "Resources"):
        assert f">{label}</a>" in html


def test_outsider_gets_404_on_every_tab(full_demo: int) -> None:
    client = Client()
    client.force_login(User.objects.create_user("nobody", password="x"))
    for path, _, _ in PAGES:
        assert client.get(f"/projects/{full_demo}/{path}").status_code == 404, path


def test_read_only_roles_get_no_edit_controls(full_demo: int) -> None:
    html = _client("executive").get(f"/projects/{full_demo}/tasks/").content.decode()
    assert "Edit row" not in html and "Indent row" not in html
    assert ">Move to</label>" not in _client("executive").get(f"/projects/{full_demo}/board/").content.decode()
    member_board = _client("member").get(f"/projects/{full_demo}/board/").content.decode()
    assert 0 < member_board.count(">Move to</label>") < _client("project").get(f"/projects/{full_demo}/board/").content.decode().count(">Move to</label>")


def test_query_counts_do_not_grow_with_the_plan(full_demo: int) -> None:
    """ESG-01 (44 tasks, no cross-project links) needs as many queries as DCX-01 (53 tasks).

    One query of difference is allowed: the schedule payload reads the other projects'
    tasks only when links cross projects (DCX-01 has some); an N+1 would differ by tens.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client("admin")
    small = Project.objects.get(code="ESG-01").pk
    for path, _, _ in PAGES:
        counts = []
        for pk in (small, full_demo):
            client.get(f"/projects/{pk}/{path}")
            with CaptureQueriesContext(connection) as ctx:
                client.get(f"/projects/{pk}/{path}")
            counts.append(len(ctx))
        assert abs(counts[0] - counts[1]) <= 1, (path, counts)
