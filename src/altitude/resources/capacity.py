"""Capacity vs demand of a portfolio's resource pool, per resource and month.

- capacity = ``max_units`` x the working hours of the resource's calendar in the month
  (its own calendar, else the portfolio's first shared calendar, else the standard
  Monday-Friday 8-hour week); holidays count as non-working;
- demand = the sum over its assignments of ``units`` x the working hours of the same
  calendar between the task's scheduled start and finish dates (both inclusive) that fall
  in the month; unscheduled tasks and closed projects do not count;
- a month is over-allocated when demand exceeds capacity.

The pool is shared by every project of the portfolio, so demand counts all of them
(board filters do not hide load). Fixed number of queries, whatever the pool size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import accumulate

from altitude.delivery.adapters import engine_calendars
from altitude.delivery.models import Calendar, Stage
from altitude.engine.calendars import Calendar as EngineCalendar
from altitude.resources.models import Assignment, Resource


@dataclass(frozen=True)
class Cell:
    month: dt.date
    capacity_hours: float
    demand_hours: float

    @property
    def load_percent(self) -> int | None:
        if self.capacity_hours <= 0:
            return None if self.demand_hours <= 0 else 999
        return round(self.demand_hours / self.capacity_hours * 100)

    @property
    def over(self) -> bool:
        return self.demand_hours > self.capacity_hours + 1e-9

    @property
    def level(self) -> str:
        """CSS class: ``idle`` (no demand), ``low`` (<= 80 %), ``busy`` (<= 100 %), ``over``."""
        pct = self.load_percent
        if not self.demand_hours:
            return "idle"
        if self.over:
            return "over"
        return "low" if pct is not None and pct <= 80 else "busy"


@dataclass(frozen=True)
class ResourceLoad:
    resource_id: int
    name: str
    kind: str
    max_units: float
    cells: tuple[Cell, ...]

    @property
    def over_months(self) -> int:
        return sum(1 for c in self.cells if c.over)


def month_starts(first: dt.date, count: int) -> list[dt.date]:
    out, day = [], first.replace(day=1)
    for _ in range(count):
        out.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def _daily_minutes(calendar: EngineCalendar | None, first: dt.date, days: int) -> list[int]:
    week = calendar.effective_week() if calendar else EngineCalendar().effective_week()
    exceptions = calendar.effective_exceptions() if calendar else {}
    out = []
    for n in range(days):
        day = first + dt.timedelta(days=n)
        hours = exceptions.get(day, week[day.weekday()])
        out.append(sum(end - start for start, end in hours))
    return out


def capacity_vs_demand(portfolio_id: int, first_month: dt.date, months: int = 12) -> list[ResourceLoad]:
    """One row per resource of the pool, ``months`` cells from ``first_month`` (5 queries)."""
    starts = month_starts(first_month, months + 1)
    first, end = starts[0], starts[-1]
    span = (end - first).days
    resources = list(Resource.objects.filter(portfolio_id=portfolio_id).order_by("name"))
    calendars = engine_calendars([portfolio_id])
    shared = (Calendar.objects.filter(portfolio_id=portfolio_id, project__isnull=True).order_by("pk")
              .values_list("pk", flat=True).first())
    default = calendars.get(str(shared)) if shared else None
    prefix: dict[int | None, list[int]] = {}

    def cumulative(calendar_id: int | None) -> list[int]:
        if calendar_id not in prefix:
            cal = calendars.get(str(calendar_id)) if calendar_id else default
            prefix[calendar_id] = [0, *accumulate(_daily_minutes(cal, first, span))]
        return prefix[calendar_id]

    def minutes_between(calendar_id: int | None, a: dt.date, b: dt.date) -> int:
        """Working minutes of days a..b-1 clipped to the window."""
        lo, hi = max((a - first).days, 0), min((b - first).days, span)
        if hi <= lo:
            return 0
        cum = cumulative(calendar_id)
        return cum[hi] - cum[lo]

    demand: dict[int, list[float]] = {r.pk: [0.0] * months for r in resources}
    rows = (Assignment.objects.filter(resource__portfolio_id=portfolio_id, task__start__isnull=False,
                                      task__finish__isnull=False, task__finish__date__gte=first, task__start__date__lt=end)
            .exclude(task__project__stage=Stage.CLOSED)
            .values_list("resource_id", "resource__calendar_id", "units", "task__start", "task__finish"))
    for resource_id, calendar_id, units, start, finish in rows:
        if start is None or finish is None:
            continue
        a, b = start.date(), finish.date() + dt.timedelta(days=1)
        for m in range(months):
            overlap = minutes_between(calendar_id, max(a, starts[m]), min(b, starts[m + 1]))
            if overlap:
                demand[resource_id][m] += float(units) * overlap / 60
    out = []
    for r in resources:
        cells = tuple(
            Cell(starts[m], round(float(r.max_units) * minutes_between(r.calendar_id, starts[m], starts[m + 1]) / 60, 1),
                 round(demand[r.pk][m], 1))
            for m in range(months))
        out.append(ResourceLoad(r.pk, r.name, r.get_kind_display(), float(r.max_units), cells))
    return out
