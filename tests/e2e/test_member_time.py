"""The member logs time and progress in My work, in a real browser (htmx cells, errors next to the cell)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from altitude.delivery.models import Task
from altitude.demo import load_demo
from altitude.resources.models import TimeEntry
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


def test_member_logs_time_and_progress(browser: Any, live_server: Any, full_demo_live: Portfolio, screenshot_dir: Path) -> None:
    today = timezone.localdate()
    label = today.strftime("%A ") + str(today.day) + today.strftime(" %B")
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    watch = PageWatch(page, live_server.url)
    sign_in(page, live_server.url, "member")
    assert page.get_by_role("heading", level=1).inner_text() == "My work"
    assert page.locator(".notes li").count() >= 2  # the demo's notifications
    # The top bar counts them on every page; marking one read in place updates both counts.
    unread = int(page.locator("#unread-count").inner_text().split()[0])
    badge = page.locator("#nav-unread")
    assert unread >= 1
    expect(badge).to_be_visible()
    expect(badge).to_have_text(re.compile(rf"\b{unread} unread"))
    page.locator(".notes li.unread").first.get_by_role("button", name="Mark read").click()
    expect(page.locator("#unread-count")).to_have_text(f"{unread - 1} unread")
    expect(page.locator("#nav-unread")).to_have_text(re.compile(rf"\b{unread - 1} unread"))
    tasks = page.locator("table.my-tasks tbody tr")
    assert tasks.count() == 4 and "Build Payments" in tasks.first.inner_text()

    # 2 hours on Build Checkout today: saved on leaving the cell, totals follow.
    cell = page.get_by_label(f"Hours on Build Checkout (DCX-01), {label}")
    cell.fill("2")
    cell.press("Tab")
    expect(page.locator("#week-total")).to_have_text("2")  # no eval: the CSP forbids it
    expect(page.locator(f"#day-total-{today:%Y%m%d}")).to_have_text("2")
    entry = TimeEntry.objects.get(task__name="Build Checkout", date=today, user__username="member")
    assert entry.minutes == 120

    # 30 hours on another task the same day: refused, the error sits next to the cell.
    other = page.get_by_label(f"Hours on Build Payments (DCX-01), {label}")
    other.fill("30")
    other.press("Tab")
    error = page.locator(f"td#cell-{Task.objects.get(project__code='DCX-01', name='Build Payments').pk}-{today:%Y%m%d} .error")
    error.wait_for()
    assert "24 h" in error.inner_text()
    assert page.locator("#week-total").inner_text() == "2"
    assert TimeEntry.objects.filter(date=today).count() == 1

    # Progress of Build Checkout: 80 % through the delivery service, version checked.
    checkout = Task.objects.get(project__code="DCX-01", name="Build Checkout")
    row = page.locator(f"#task-{checkout.pk}")
    row.get_by_label("Percent complete of Build Checkout").fill("80")
    row.get_by_role("button", name="Save progress of Build Checkout").click()
    page.locator(f"#task-{checkout.pk} .saved").wait_for()
    checkout.refresh_from_db()
    assert checkout.percent_complete == 80
    # An invalid percentage is refused with the reason in the row.
    row = page.locator(f"#task-{checkout.pk}")
    row.get_by_label("Percent complete of Build Checkout").fill("150")
    row.get_by_role("button", name="Save progress of Build Checkout").click()
    page.locator(f"#task-{checkout.pk} .error").wait_for()
    page.screenshot(path=str(screenshot_dir / "my-work.png"), full_page=True)
    checkout.refresh_from_db()
    assert checkout.percent_complete == 80
    assert today - dt.timedelta(days=today.weekday()) <= today  # the grid shows the current week
    assert watch.errors == [] and watch.foreign == []
    page.close()
