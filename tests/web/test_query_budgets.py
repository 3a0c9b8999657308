"""Every page of the full demo, as every role, within one query budget.

The per-page tests pin each list and dashboard page's exact budget and check it does not
grow with rows; this one walks every page the links reach (new pages included, with no
test of their own yet) so that an N+1 on a page nobody thought of fails here: the demo
has dozens of rows per list, so a query per row blows the budget at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from altitude.accounts.models import User
from altitude.demo import load_demo
from tests.web.page_crawl import crawl, page_shape

pytestmark = pytest.mark.django_db

BUDGET = 40
ROLES = ("portfolio", "program", "project", "member", "executive", "admin")


@pytest.fixture(scope="module")
def full_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        load_demo("demo-budgets", plans=True)
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_stays_within_the_query_budget(full_demo: None, role: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username=role))
    visits = crawl(client, per_shape=2)
    broken = [f"{v.status} {v.path} (linked from {v.referrer})" for v in visits if v.status >= 400]
    over = [f"{v.queries} queries: {v.path}" for v in visits if v.queries > BUDGET]
    assert broken == []
    assert over == [], f"over {BUDGET} queries as {role}"
    # the walk really went round the workspaces, not just the landing page
    kinds = {page_shape(v.path).split("?")[0] for v in visits}
    assert len(visits) > 30 and any("/projects/#/" in k for k in kinds), sorted(kinds)
