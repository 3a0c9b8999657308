"""The portfolio board on the full demo: health, value vs risk, budget vs actual, capacity, filters, queries."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from altitude.delivery.models import Project
from altitude.demo import load_demo
from altitude.resources.capacity import capacity_vs_demand
from altitude.strategy import services
from altitude.strategy.models import Portfolio
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_demo(db: None) -> Portfolio:
    return load_demo(PASSWORD)


def client(username: str) -> Client:
    from altitude.accounts.models import User

    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def bubbles(html: str) -> list[dict[str, Any]]:
    raw = re.search(r'<script id="value-risk-data" type="application/json">(.*?)</script>', html, re.S)
    assert raw is not None
    found: list[dict[str, Any]] = json.loads(raw.group(1))
    return found


def test_board_shows_health_bubbles_money_and_capacity(full_demo: Portfolio) -> None:
    html = client("portfolio").get(f"/portfolios/{full_demo.pk}/").content.decode()
    for text in ("Health", "Value vs risk", "Budget vs actual", "Capacity vs demand", "Digital Customer Experience",
                 "Operations Modernisation", "Stand-alone projects", "DCX-01 New e-commerce platform", "Grow digital revenue"):
        assert text in html, text
    assert 'data-points="7"' in html and len(bubbles(html)) == 7
    assert re.search(r'class="rag rag-(green|amber|red)"', html)
    # Every rating carries a letter and its reason for screen readers (never colour alone).
    assert "Forecast finish" in html and "Forecast cost" in html and "work tasks" in html
    # ESG-01 is closed: benefits are not assessed.
    assert "Closed: benefits are tracked as realised" in html
    # Lena's demo time is costed at her rate and shows in budget vs actual.
    dcx01 = Project.objects.get(code="DCX-01")
    assert services.portfolio_board(full_demo.owner, full_demo).projects  # type: ignore[arg-type]
    row = next(p for p in services.portfolio_board(full_demo.owner, full_demo).projects if p.project.pk == dcx01.pk)  # type: ignore[arg-type]
    assert row.actual_cost > 0 and row.booked_hours > 0


def test_filters_persist_in_the_url(full_demo: Portfolio) -> None:
    c = client("portfolio")
    dcx = full_demo.programs.get(name="Digital Customer Experience")
    html = c.get(f"/portfolios/{full_demo.pk}/?program={dcx.pk}").content.decode()
    assert [b["code"] for b in bubbles(html)] == ["DCX-01", "DCX-02", "DCX-03"]
    assert f'<option value="{dcx.pk}" selected>' in html
    html = c.get(f"/portfolios/{full_demo.pk}/?program=none").content.decode()
    assert [b["code"] for b in bubbles(html)] == ["ESG-01"]
    html = c.get(f"/portfolios/{full_demo.pk}/?stage=executing").content.decode()
    assert sorted(b["code"] for b in bubbles(html)) == ["DCX-01", "OPS-01"]
    html = c.get(f"/portfolios/{full_demo.pk}/?stage=closing&program={dcx.pk}").content.decode()
    assert "No project matches these filters." in html and "Clear the filters" in html
    assert 'id="value-risk"' not in html


def test_program_manager_sees_only_their_programs_projects(full_demo: Portfolio) -> None:
    html = client("program").get(f"/portfolios/{full_demo.pk}/").content.decode()
    assert [b["code"] for b in bubbles(html)] == ["DCX-01", "DCX-02", "DCX-03"]


def test_capacity_marks_over_allocation_with_text(full_demo: Portfolio) -> None:
    loads = {r.name: r for r in capacity_vs_demand(full_demo.pk, dt.date(2027, 1, 1), 12)}
    assert len(loads) == 9
    robots = loads["Robot integrator (external)"]
    assert robots.over_months >= 1 and any(c.level == "over" for c in robots.cells)
    # Capacity follows the calendar: May 2027 has 21 weekdays, 2 of them holidays (Ascension, Whit Monday;
    # Labour Day is a Saturday).
    may = next(c for c in loads["Lena Fischer"].cells if c.month == dt.date(2027, 5, 1))
    assert may.capacity_hours == (21 - 2) * 8
    html = client("portfolio").get(f"/portfolios/{full_demo.pk}/?from=2027-01").content.decode()
    assert "Jan 27" in html and '<span class="flag">over</span>' in html
    assert "from=2026-07" in html and "from=2027-07" in html  # 6 months earlier / later


def test_risk_not_assessed_without_the_registers(full_demo: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "_risk_facts", lambda ids: None)
    html = client("portfolio").get(f"/portfolios/{full_demo.pk}/").content.decode()
    assert "Risk is not assessed" in html and "Risks not assessed." in html


def test_board_query_count_is_bounded(full_demo: Portfolio, django_assert_max_num_queries: Callable[[int], object]) -> None:
    c = client("portfolio")
    with django_assert_max_num_queries(24):  # type: ignore[attr-defined]
        assert c.get(f"/portfolios/{full_demo.pk}/").status_code == 200
    program = client("program")
    with django_assert_max_num_queries(24):  # type: ignore[attr-defined]
        assert program.get(f"/portfolios/{full_demo.pk}/?stage=executing").status_code == 200
