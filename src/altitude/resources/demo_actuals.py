"""Demo actuals: two weeks of time entries up to the demo's status date, and notifications.

Registered in ``altitude.demo.DEMO_EXTENSIONS``; books through the time-entry service (as
the people themselves, with "today" = the demo's status date) so the demo exercises the
same rules as the UI and the API.
"""

from __future__ import annotations

import datetime as dt

from altitude.accounts.models import User
from altitude.core.notifications import notify
from altitude.delivery.demo_plan import STATUS_DATE
from altitude.delivery.models import Project, Task
from altitude.resources.time_entries import create_time_entry
from altitude.strategy.models import Portfolio

# (username, project code, task name, hours per working day, note); booked on every working
# day of the last two weeks before the status date on which the task is scheduled.
BOOKINGS = (
    ("member", "DCX-01", "Build Payments", 4.0, "Payment provider integration"),
    ("member", "DCX-01", "Build Checkout", 3.5, "Checkout flow"),
    ("mnowak", "OPS-01", "Cut-over", 1.5, "Cut-over runbook draft"),
)


def _working_days(last: dt.date, count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = last
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return sorted(days)


def load(portfolio: Portfolio, people: dict[str, User]) -> None:
    projects = {p.code: p for p in Project.objects.filter(portfolio=portfolio)}
    days = _working_days(STATUS_DATE, 10)
    for username, code, name, hours, note in BOOKINGS:
        task = Task.objects.select_related("project").get(project=projects[code], name=name)
        scheduled_from = task.start.date() if task.start else days[0]
        for day in days:
            if day >= scheduled_from or code.startswith("OPS"):
                create_time_entry(people[username], {"task_id": task.pk, "date": day, "minutes": int(hours * 60),
                                                     "note": note}, on=STATUS_DATE)
    dcx01 = projects["DCX-01"]
    member, pm = people["member"], people["project"]
    sit = Task.objects.get(project=dcx01, name="System integration test")
    notify([member], f"{pm.get_full_name()} assigned you to '{sit.name}' in {dcx01.code}.", f"/projects/{dcx01.pk}/")
    notify([member], f"{dcx01.code}: the status date moved to {STATUS_DATE}; please update the progress of your tasks.",
           "/my-work/")
    notify([pm], f"{member.get_full_name()} booked time on 'Build Payments' and 'Build Checkout' this week.",
           f"/projects/{dcx01.pk}/")
    notify([people["program"]], f"{dcx01.code} forecasts its finish after the approved baseline ('Build Payments' took a week longer).",
           f"/projects/{dcx01.pk}/")
    notify([people["portfolio"]], "Two projects report amber or red health on the portfolio board.",
           f"/portfolios/{portfolio.pk}/")
