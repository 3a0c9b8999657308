"""The program manager opens the cockpit and follows the escalated risk to its project's register."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from altitude.demo import load_demo
from tests.e2e.conftest import PageWatch
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ESCALATED = "Payment provider certification slips"


@pytest.fixture
def full_demo(transactional_db: None) -> None:
    load_demo(PASSWORD, plans=True)  # plans, risks, escalations and the stored forecasts


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_program_manager_follows_an_escalated_risk(browser: Any, live_server: Any, full_demo: None,
                                                   screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    watch = PageWatch(page, live_server.url)
    _sign_in(page, live_server.url, "program")
    assert page.get_by_role("heading", level=1).inner_text() == "Digital Customer Experience"
    # the roadmap chart drew one bar per project (the island sets data-rendered)
    page.wait_for_selector("#roadmap[data-rendered='3'] svg")
    page.wait_for_selector("#budget-chart[data-rendered='3'] svg")
    assert page.get_by_role("heading", name="Roadmap").is_visible()
    forecast = page.locator("#forecast table").first.inner_text()
    assert "Program finish" in forecast and "DCX-01 finish" in forecast
    escalations = page.locator("section[aria-labelledby=escalated] ul.escalations").first.inner_text()
    assert f"DCX-01 R-001: {ESCALATED}" in escalations
    page.screenshot(path=str(screenshot_dir / "program-cockpit.png"), full_page=True)
    page.set_viewport_size({"width": 768, "height": 1000})  # tablet: nothing wider than the window
    # the charts redraw on the window's resize event, a frame or two later: give the layout up to
    # 5 s to settle (polled from here: the page's CSP forbids the eval that wait_for_function uses)
    for _ in range(50):
        if page.evaluate("document.documentElement.scrollWidth") <= 768:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    page.screenshot(path=str(screenshot_dir / "program-cockpit-tablet.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 1000})

    page.get_by_role("link", name=f"DCX-01 R-001: {ESCALATED}").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == ESCALATED
    assert "DCX-01 risk register" in page.locator(".pagehead .crumb").inner_text()
    assert "Escalated to the program" in page.locator("#esc-title + *").inner_text() or \
        "Escalated to the program" in page.get_by_role("region", name="Escalation").inner_text()

    page.screenshot(path=str(screenshot_dir / "risk-detail-escalated.png"), full_page=True)
    page.get_by_role("link", name="DCX-01 risk register").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Risk register"
    row = page.locator("table.register tbody tr", has_text=ESCALATED)
    assert "▲ Program" in row.inner_text()
    cell = page.get_by_role("link", name="Probability 4, impact 5, high zone: 1 risk")
    assert cell.is_visible()
    page.screenshot(path=str(screenshot_dir / "project-risks-heatmap.png"), full_page=True)
    page.set_viewport_size({"width": 768, "height": 1000})
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    page.set_viewport_size({"width": 1280, "height": 1000})
    cell.click()
    page.wait_for_load_state()
    expect(page.locator("table.register tbody tr")).to_have_count(1)
    assert "probability=4" in page.url and "impact=5" in page.url
    # the risk form offers only the responses that fit the kind (the server checks it too)
    page.get_by_role("link", name="Raise a risk").click()
    # the form's script is deferred: wait for the new page's load event, which follows it, so
    # the kind's change listener is attached before the kind changes (CI once raced it)
    page.wait_for_url(re.compile(r"/risks/new/"))
    page.wait_for_load_state("load")
    page.get_by_label("Kind").select_option("opportunity")
    expect(page.locator("#id_response option[value='mitigate']")).to_be_disabled()
    expect(page.locator("#id_response")).to_have_value("accept")
    page.get_by_label("Title").fill("Reuse the app's payment SDK")
    page.get_by_label("Response", exact=True).select_option("exploit")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Reuse the app's payment SDK"
    assert "+ Opportunity" in page.locator("dl.facts").inner_text()
    assert watch.errors == [] and watch.foreign == []
    page.close()
