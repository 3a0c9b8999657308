"""My work on the full demo: tasks, filters, inline progress, timesheet cells, notifications, queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from altitude.accounts.models import User
from altitude.core.models import Notification
from altitude.delivery.models import Task
from altitude.demo import load_demo
from altitude.resources.models import TimeEntry
from altitude.strategy.models import Portfolio
from tests.personas import PASSWORD, Demo

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def full_demo(db: None) -> Portfolio:
    return load_demo(PASSWORD)


def signed_in(username: str) -> Client:
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def task(name: str) -> Task:
    return Task.objects.select_related("project").get(project__code="DCX-01", name=name)


def test_member_sees_tasks_time_and_notifications(full_demo: Portfolio) -> None:
    html = signed_in("member").get("/my-work/").content.decode()
    for name in ("Build Payments", "Build Checkout", "Test Checkout", "System integration test"):
        assert f'id="task-{task(name).pk}"' in html
    assert "Notifications" in html and "2 unread" in html and "assigned you to" in html
    assert 'class="grid timesheet"' in html and "Week of" in html
    assert html.index(f'id="task-{task("Build Payments").pk}"') < html.index(f'id="task-{task("System integration test").pk}"')


def test_filters_persist_in_the_url(full_demo: Portfolio) -> None:
    c = signed_in("member")
    html = c.get("/my-work/?show=done").content.decode()
    assert "No task matches these filters." in html and '<option value="done" selected>' in html
    dcx01 = task("Build Payments").project
    html = c.get(f"/my-work/?show=all&project={dcx01.pk}&week=2026-06-10").content.decode()
    assert html.count('<tr id="task-') == 4 and "Week of 8 June 2026" in html
    assert "week=2026-06-01" in html and "week=2026-06-15" in html and f"project={dcx01.pk}" in html
    # The demo's booked week shows its hours.
    assert "Build Payments" in html and 'value="4"' in html and 'value="3.5"' in html


def test_due_this_week(full_demo: Portfolio) -> None:
    payments = task("Build Payments")
    today = timezone.localdate()
    Task.objects.filter(pk=payments.pk).update(finish=timezone.now())
    html = signed_in("member").get("/my-work/?due=week").content.decode()
    assert html.count('<tr id="task-') == 1 and f'id="task-{payments.pk}"' in html
    assert today.weekday() < 7


def test_time_cell_saves_and_updates_totals(full_demo: Portfolio) -> None:
    c = signed_in("member")
    today = timezone.localdate()
    checkout = task("Build Checkout")
    response = c.post("/my-work/time/", {"task": checkout.pk, "day": today.isoformat(), "hours": "1:30"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and 'value="1.5"' in html
    assert 'id="week-total" hx-swap-oob="true">1.5<' in html
    entry = TimeEntry.objects.get(user__username="member", date=today)
    assert entry.minutes == 90
    # Changing it sends the entry's version back; 0 removes it.
    c.post("/my-work/time/", {"task": checkout.pk, "day": today.isoformat(), "hours": "2", "version": entry.version}, headers=HTMX)
    entry.refresh_from_db()
    assert entry.minutes == 120 and entry.version == 2
    stale = c.post("/my-work/time/", {"task": checkout.pk, "day": today.isoformat(), "hours": "3", "version": 1}, headers=HTMX)
    assert "changed by someone else" in stale.content.decode()
    c.post("/my-work/time/", {"task": checkout.pk, "day": today.isoformat(), "hours": "0", "version": 2}, headers=HTMX)
    assert not TimeEntry.objects.filter(date=today).exists()


@pytest.mark.parametrize(("hours", "offset", "message"), [
    ("30", 0, "between 1 minute and 24 hours"), ("abc", 0, "is not a number of hours"), ("2", 1, "in the future"),
])
def test_time_cell_errors_are_shown_in_the_cell(full_demo: Portfolio, hours: str, offset: int, message: str) -> None:
    day = timezone.localdate() + dt.timedelta(days=offset)
    response = signed_in("member").post("/my-work/time/", {"task": task("Build Checkout").pk, "day": day.isoformat(), "hours": hours}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and message in html and 'role="alert"' in html
    assert f'value="{hours}"' in html or offset  # a future day's cell is read-only: no input to refill
    assert not TimeEntry.objects.filter(date=day).exists()


def test_time_on_a_task_not_mine_is_refused(full_demo: Portfolio) -> None:
    response = signed_in("member").post("/my-work/time/", {"task": task("Build Search").pk, "day": timezone.localdate().isoformat(), "hours": "1"})
    assert response.status_code == 302  # plain POST: back to My work with the message
    assert not TimeEntry.objects.filter(task__name="Build Search").exists()


def test_progress_through_the_delivery_service(full_demo: Portfolio) -> None:
    c = signed_in("member")
    checkout = task("Build Checkout")
    url = f"/my-work/tasks/{checkout.pk}/progress/"
    html = c.post(url, {"percent_complete": "150", "status": "in_progress", "version": checkout.version}, headers=HTMX).content.decode()
    assert "Ensure this value is less than or equal to 100" in html and 'aria-invalid="true"' in html
    html = c.post(url, {"percent_complete": "100", "status": "done", "version": checkout.version}, headers=HTMX).content.decode()
    assert "Saved" in html
    checkout.refresh_from_db()
    assert checkout.percent_complete == 100 and checkout.status == "done"
    assert Notification.objects.filter(recipient__username="project", text__contains="finished 'Build Checkout'").exists()
    stale = c.post(url, {"percent_complete": "90", "version": 1}, headers=HTMX).content.decode()
    assert "changed by someone else" in stale
    assert c.post(f"/my-work/tasks/{task('Build Search').pk}/progress/", {"percent_complete": "10", "version": 1}, headers=HTMX).status_code == 200
    assert task("Build Search").percent_complete != 10  # refused: not assigned (message in the row)


def test_notifications_mark_read(full_demo: Portfolio) -> None:
    c = signed_in("member")
    note = Notification.objects.filter(recipient__username="member").first()
    assert note is not None
    html = c.post(f"/notifications/{note.pk}/read/", headers=HTMX).content.decode()
    assert 'id="unread-count" hx-swap-oob="true">1 unread' in html
    assert signed_in("project").post(f"/notifications/{note.pk}/read/").status_code == 404
    assert c.post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(recipient__username="member", read_at__isnull=True).exists()


def test_empty_states_say_what_to_do(demo: Demo, client_for: Callable[[str], Client]) -> None:
    html = client_for("member").get("/my-work/").content.decode()
    assert "No task is assigned to you yet" in html and "No notifications" in html and "Nothing to book this week" in html


def test_my_work_query_count_is_bounded(full_demo: Portfolio, django_assert_max_num_queries: Callable[[int], object]) -> None:
    c = signed_in("member")
    with django_assert_max_num_queries(14):  # type: ignore[attr-defined]
        assert c.get("/my-work/?show=all&week=2026-06-08").status_code == 200
    pm = signed_in("project")
    with django_assert_max_num_queries(14):  # type: ignore[attr-defined]
        assert pm.get("/my-work/").status_code == 200
