"""A project manager levels a project in a real browser: preview, apply, undo (CSRF, redirects, messages).

The full demo books DCX-02's six Build tasks on the app developers (4 of a team of 3) at
once; the preview delays one, "Apply" constrains it and reschedules, a second preview finds
nothing left to level, and "Undo levelling" brings the plan back. DCX-01's over-allocation
(Lena Fischer on two tasks both under way) cannot be removed: the page says so.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from altitude.delivery.models import Project, Task
from altitude.demo import load_demo
from altitude.resources.models import LevelingApplication
from tests.e2e.conftest import PageWatch
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_plans(transactional_db: None) -> None:
    load_demo(PASSWORD, plans=True)


def test_preview_apply_and_undo(browser: Any, live_server: Any, demo_plans: None, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    watch = PageWatch(page, live_server.url)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("program")  # manages the program, so each of its projects
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    project = Project.objects.get(code="DCX-02")
    page.goto(f"{live_server.url}/projects/{project.pk}/resources/")
    constraints = {t.pk: (t.constraint_type, t.constraint_date) for t in Task.objects.filter(project=project)}

    page.get_by_role("button", name="Preview levelling").click()
    expect(page.locator("#leveling-delays")).to_contain_text("App developers is busy with")
    expect(page.locator('[data-fact="overallocations"]')).to_have_text("1 now, 0 after")
    chart = page.locator("#load-chart-0")
    expect(chart).to_have_attribute("data-rendered", re.compile(r"^[1-9]\d*$"))  # ECharts drew it (no CSP error)
    expect(chart.locator("svg path").first).to_be_attached()
    expect(page.locator("#leveling-charts figcaption").first).to_contain_text("App developers")
    page.screenshot(path=str(screenshot_dir / "project-leveling-preview.png"), full_page=True)
    apply = page.get_by_role("button", name="Apply: start no earlier than on")
    apply.click()
    expect(page.locator(".messages")).to_contain_text("Levelling applied: start no earlier than on")
    application = LevelingApplication.objects.get(project=project)
    assert application.changes and all(
        Task.objects.get(pk=c["task"]).constraint_type == "snet" for c in application.changes)

    page.get_by_role("button", name="Preview levelling").click()
    expect(page.locator('[data-fact="overallocations"]')).to_have_text("0 now, 0 after")
    page.get_by_role("button", name="Undo levelling").click()
    expect(page.locator(".messages")).to_contain_text("Levelling undone:")
    expect(page.locator("#leveling-last")).to_contain_text("was undone")
    assert {t.pk: (t.constraint_type, t.constraint_date) for t in Task.objects.filter(project=project)} == constraints

    dcx01 = Project.objects.get(code="DCX-01")
    page.goto(f"{live_server.url}/projects/{dcx01.pk}/resources/?level=1")  # DCX-01: nothing to apply
    expect(page.locator("#leveling-after")).to_contain_text("Lena Fischer")
    assert "cannot be removed" in page.locator("#leveling-result").inner_text()
    expect(page.locator("#leveling-after td.reasons")).to_contain_text("Build Checkout: under way")
    page.screenshot(path=str(screenshot_dir / "project-leveling-unremovable.png"), full_page=True)
    assert watch.errors == [] and watch.foreign == []
    page.close()


def test_optimise_in_the_background_then_apply(browser: Any, live_server: Any, demo_plans: None) -> None:
    """The page polls the run (htmx) and shows its result in place once the server's worker
    thread has optimised; Apply then writes the optimisation's dates."""
    from altitude.commands.web import start_worker

    worker = start_worker()
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        watch = PageWatch(page, live_server.url)
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill("program")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        project = Project.objects.get(code="DCX-02")
        page.goto(f"{live_server.url}/projects/{project.pk}/resources/")
        page.get_by_role("button", name="Optimise in the background").click()
        expect(page.locator("#leveling-run")).to_be_visible()
        expect(page.locator("#leveling-run")).to_contain_text("Optimisation done", timeout=60_000)
        expect(page.locator("#leveling-result")).to_contain_text("Optimised (genetic algorithm beside CP-SAT)")
        expect(page.locator("#leveling-delays")).to_contain_text("App developers is busy with")
        page.get_by_role("button", name="Apply: start no earlier than on").click()
        expect(page.locator(".messages")).to_contain_text("Levelling applied: start no earlier than on")
        application = LevelingApplication.objects.get(project=project)
        assert application.changes
        assert watch.errors == [] and watch.foreign == []
        page.close()
    finally:
        worker.stop()
