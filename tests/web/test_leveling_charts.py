"""Load charts from engine load profiles: days, weeks, capacity steps, days without work time."""

from __future__ import annotations

import datetime as dt

from altitude.engine.calendars import Calendar, WorkingTime
from altitude.engine.leveling import (
    Activity,
    CapacityChange,
    LevelingOptions,
    LevelingProblem,
    Mode,
    Resource,
    level,
)
from altitude.resources.leveling_charts import DAILY_UP_TO, LoadCharts, load_charts

MONDAY = dt.datetime(2026, 1, 5, 8, 0)
DAY = 480  # working minutes of the standard day


def _charts(problem: LevelingProblem, first: dt.date, last: dt.date) -> LoadCharts:
    result = level(problem, LevelingOptions(mode=Mode.HEURISTIC, time_limit_seconds=0.1))
    working = WorkingTime(Calendar(), MONDAY)
    return load_charts(result, problem.resources, lambda _: working, {"dev": "Dev"}, first, last, ["dev"])


def test_a_day_shows_its_peak_and_the_lowest_capacity_in_it() -> None:
    """Two 2-day tasks for one developer: 200 % on Monday and Tuesday before, 100 % for four
    days after; capacity drops to 0 from Wednesday noon for half a day, then comes back."""
    problem = LevelingProblem(
        (Activity("A", 2 * DAY, {"dev": 100}), Activity("B", 2 * DAY, {"dev": 100})),
        (Resource("dev", 100, (CapacityChange(2 * DAY + 240, 0), CapacityChange(3 * DAY, 100))),),
    )
    charts = _charts(problem, MONDAY.date(), dt.date(2026, 1, 11))
    (dev,) = charts.charts
    assert charts.days_per_period == 1 and len(charts.periods) == 7
    assert dev.before == (200, 200, 0, 0, 0, None, None)
    assert dev.capacity == (100, 100, 0, 100, 100, None, None), "Wednesday's lowest is the half day at 0"
    assert dev.after[:2] == (100, 100) and max(v for v in dev.after if v is not None) == 100


def test_a_long_plan_is_charted_by_week() -> None:
    problem = LevelingProblem(
        (Activity("A", 10 * DAY, {"dev": 100}), Activity("B", 10 * DAY, {"dev": 100})),
        (Resource("dev", 100),),
    )
    last = MONDAY.date() + dt.timedelta(days=DAILY_UP_TO + 20)
    charts = _charts(problem, MONDAY.date(), last)
    (dev,) = charts.charts
    assert charts.days_per_period == 7
    assert charts.periods[1] - charts.periods[0] == dt.timedelta(days=7)
    assert dev.before[:3] == (200, 200, 0) and dev.after[:4] == (100, 100, 100, 100)
    assert dev.capacity[:3] == (100, 100, 100), "a week always has work time"


def test_nothing_over_allocated_gives_no_chart() -> None:
    problem = LevelingProblem((Activity("A", DAY, {"dev": 100}),), (Resource("dev", 100),))
    result = level(problem, LevelingOptions(mode=Mode.HEURISTIC, time_limit_seconds=0.1))
    working = WorkingTime(Calendar(), MONDAY)
    assert load_charts(result, problem.resources, lambda _: working, {}, MONDAY.date(), MONDAY.date(), []).charts == ()
