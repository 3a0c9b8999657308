"""The portfolio manager opens the board: health table and value vs risk bubble chart, in a real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from altitude.demo import load_demo
from altitude.strategy.models import Portfolio
from tests.e2e.conftest import PageWatch
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def full_demo_live(transactional_db: None) -> Portfolio:
    return load_demo(PASSWORD)


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_portfolio_manager_opens_the_board(browser: Any, live_server: Any, full_demo_live: Portfolio, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    watch = PageWatch(page, live_server.url)
    sign_in(page, live_server.url, "portfolio")
    assert page.get_by_role("heading", level=1).inner_text() == "Northwind Group change portfolio"
    health = page.locator("table.health")
    assert health.is_visible()
    assert health.locator("tbody tr").count() == 7 + 3  # seven projects under three group rows
    assert health.get_by_role("link", name="DCX-01 New e-commerce platform").is_visible()
    badges = health.locator(".rag").all_inner_texts()
    assert badges and {b.strip()[:1] for b in badges} <= {"G", "A", "R", "-"}
    chart = page.locator("#value-risk")
    chart.locator("svg").first.wait_for()
    page.locator("#value-risk[data-rendered='7']").wait_for()
    points = page.evaluate(  # evaluate() runs without eval; wait_for_function(string) would break the CSP
        "() => window.altitudeBubbleChart.getOption().series.reduce((n, s) => n + s.data.length, 0)")
    assert points == 7 == int(chart.get_attribute("data-points"))
    assert page.get_by_role("heading", name="Capacity vs demand").is_visible()
    page.screenshot(path=str(screenshot_dir / "portfolio-board.png"), full_page=True)
    page.get_by_label("Stage").select_option("executing")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**stage=executing**")
    assert page.locator("#value-risk").get_attribute("data-points") == "2"
    assert watch.errors == [] and watch.foreign == []
    page.close()
