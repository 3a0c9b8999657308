"""Each persona signs in through a real browser against the test database (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PageWatch
from tests.personas import PASSWORD, Demo, build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_live(transactional_db: None) -> Demo:
    return build_demo()


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_program_manager_goes_from_program_to_project(browser: Any, live_server: Any, demo_live: Demo, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = PageWatch(page, live_server.url)
    _sign_in(page, live_server.url, "program")
    assert page.get_by_role("heading", level=1).inner_text() == "Digital Customer Experience"
    rows = page.locator("section[aria-labelledby=projects] table.grid tbody tr").all_inner_texts()
    assert [r.split()[0] for r in rows] == ["DCX-01", "DCX-02", "DCX-03"]
    page.screenshot(path=str(screenshot_dir / "program.png"), full_page=True)
    page.get_by_role("link", name="DCX-01 New e-commerce platform").click()
    # expect() retries until the project page has replaced the cockpit (same h1 role on both)
    expect(page.get_by_role("heading", level=1)).to_contain_text("DCX-01 New e-commerce platform")
    expect(page.get_by_role("link", name="Edit project")).to_be_visible()
    assert watch.errors == [] and watch.foreign == []
    page.close()


def test_member_sees_my_work_and_cannot_edit(browser: Any, live_server: Any, demo_live: Demo) -> None:
    page = browser.new_page()
    _sign_in(page, live_server.url, "member")
    assert page.get_by_role("heading", level=1).inner_text() == "My work"
    assert page.locator("table.grid tbody tr").count() == 2
    page.get_by_role("link", name="DCX-01 New e-commerce platform").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("DCX-01 New e-commerce platform")
    expect(page.get_by_role("link", name="Edit project")).to_have_count(0)
    response = page.goto(f"{live_server.url}/projects/{demo_live.ops01.pk}/")
    assert response.status == 404
    page.close()


def test_project_manager_edits_with_validation(browser: Any, live_server: Any, demo_live: Demo, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    _sign_in(page, live_server.url, "project")
    page.get_by_role("link", name="Edit project").click()
    page.get_by_label("Finish date").fill("2020-01-01")
    page.get_by_role("button", name="Save").click()
    assert "The finish date is before the start date." in page.locator("main").inner_text()
    page.screenshot(path=str(screenshot_dir / "project-edit-error.png"), full_page=True)
    page.get_by_label("Finish date").fill("2027-03-31")
    page.get_by_label("Name").fill("Headless commerce platform")
    page.get_by_role("button", name="Save").click()
    assert "Project saved." in page.locator("main").inner_text()
    assert "Headless commerce platform" in page.get_by_role("heading", level=1).inner_text()
    page.close()
