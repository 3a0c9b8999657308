"""The search box finds what the user may open, and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from altitude.delivery.models import Task
from tests.personas import Demo

pytestmark = pytest.mark.django_db


def test_finds_projects_by_code_and_words(demo: Demo, client_for: Callable[[str], Client]) -> None:
    page = client_for("portfolio").get("/search/", {"q": "erp"}).content.decode()
    assert "OPS-01 ERP migration to the cloud" in page
    assert "DCX-01" not in page


def test_hides_what_the_user_cannot_see(demo: Demo, client_for: Callable[[str], Client]) -> None:
    Task.objects.create(project=demo.ops01, name="Secret ERP cut-over rehearsal", duration_minutes=480)
    Task.objects.create(project=demo.dcx01, name="Checkout rehearsal", duration_minutes=480)
    member = client_for("member").get("/search/", {"q": "rehearsal"}).content.decode()
    assert "Checkout rehearsal" in member
    assert "Secret ERP" not in member
    outsider = client_for("outsider").get("/search/", {"q": "rehearsal"}).content.decode()
    assert "Nothing you can see matches" in outsider and "Checkout rehearsal" not in outsider


def test_short_and_empty_queries_explain_themselves(demo: Demo, client_for: Callable[[str], Client]) -> None:
    client = client_for("portfolio")
    assert "Type at least 2 characters." in client.get("/search/", {"q": "e"}).content.decode()
    assert "Search by name, code or description." in client.get("/search/").content.decode()


def test_anonymous_is_sent_to_sign_in(demo: Demo) -> None:
    response = Client().get("/search/", {"q": "erp"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_many_hits_are_capped_and_the_query_count_stays_flat(demo: Demo, client_for: Callable[[str], Client],
                                                            django_assert_max_num_queries: Any) -> None:
    Task.objects.bulk_create(Task(project=demo.dcx01, name=f"Migrate store {n}", duration_minutes=60, position=n)
                             for n in range(1, 40))
    client = client_for("portfolio")
    with django_assert_max_num_queries(12):
        page = client.get("/search/", {"q": "migrate store"}).content.decode()
    assert page.count("Migrate store") == 10
    assert "Only the first 10 are shown" in page


def test_a_task_hit_opens_its_project_task_list_filtered_to_it(
        demo: Demo, client_for: Callable[[str], Client]) -> None:
    Task.objects.create(project=demo.dcx01, name="Checkout rehearsal", duration_minutes=480)
    Task.objects.create(project=demo.dcx01, name="Load test", duration_minutes=480)
    client = client_for("member")
    page = client.get("/search/", {"q": "rehearsal"}).content.decode()
    link = f"/projects/{demo.dcx01.pk}/tasks/?q=Checkout+rehearsal"
    assert f'href="{link}"' in page
    tasks = client.get(link).content.decode()
    assert "Checkout rehearsal" in tasks and "Load test" not in tasks
