"""Working-time calendars: instants <-> working minutes, both ways, exceptions, inheritance."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altitude.engine.calendars import Calendar, CalendarException, WorkingTime
from altitude.engine.errors import CalendarError

MON = dt.datetime(2026, 1, 5, 8, 0)  # Monday
STD = Calendar("std", exceptions=(CalendarException(dt.date(2026, 1, 7)),))  # Wed off


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 1, day, hour, minute)


def test_offsets_are_flat_through_lunch_nights_and_holidays() -> None:
    wt = WorkingTime(STD, MON)
    assert wt.offset_of(at(5, 8)) == 0
    assert wt.offset_of(at(5, 12, 30)) == 240  # lunch: flat
    assert wt.offset_of(at(5, 17)) == wt.offset_of(at(5, 23)) == 480
    assert wt.offset_of(at(6, 8)) == 480
    assert wt.offset_of(at(7, 10)) == 960  # holiday: flat
    assert wt.offset_of(at(8, 9)) == 1020
    assert wt.offset_of(at(2, 16)) == -60  # Friday before the epoch


def test_an_offset_is_a_start_at_the_next_work_and_a_finish_at_the_previous() -> None:
    wt = WorkingTime(STD, MON)
    assert wt.start_at(480) == at(6, 8) and wt.finish_at(480) == at(5, 17)
    assert wt.start_at(240) == at(5, 13) and wt.finish_at(240) == at(5, 12)
    assert wt.start_at(960) == at(8, 8) and wt.finish_at(960) == at(6, 17)  # skips Wed
    assert wt.add_working(at(5, 8), 1200) == at(8, 12)
    assert wt.working_between(at(5, 13), at(8, 10)) == 240 + 480 + 120


def test_extra_working_day_with_its_own_hours_and_exception_ranges() -> None:
    cal = Calendar(
        "c",
        exceptions=(
            CalendarException(dt.date(2026, 1, 10), working=True, intervals=((540, 600),)),
            CalendarException(dt.date(2026, 1, 12), dt.date(2026, 1, 14)),  # Mon-Wed off
        ),
    )
    wt = WorkingTime(cal, MON)
    fri_end = wt.offset_of(at(9, 17))
    assert wt.start_at(fri_end) == at(10, 9)  # Saturday 09:00-10:00 works
    assert wt.finish_at(fri_end + 60) == at(10, 10)
    assert wt.start_at(fri_end + 60) == at(15, 8)  # then Thursday


def test_a_working_exception_without_hours_takes_the_standard_day() -> None:
    cal = Calendar("c", exceptions=(CalendarException(dt.date(2026, 1, 10), working=True),))
    wt = WorkingTime(cal, MON)
    assert wt.working_between(at(10, 0), at(11, 0)) == 480


def test_base_inheritance_own_exceptions_win() -> None:
    base = Calendar("base", exceptions=(CalendarException(dt.date(2026, 1, 6)),))
    child = Calendar(
        "child",
        exceptions=(CalendarException(dt.date(2026, 1, 6), working=True, intervals=((600, 660),)),),
        base=base,
    )
    assert WorkingTime(base, MON).working_between(at(6, 0), at(7, 0)) == 0
    assert WorkingTime(child, MON).working_between(at(6, 0), at(7, 0)) == 60
    # The child inherits the base's week when it has none of its own.
    assert child.effective_week() == base.effective_week()
    own = Calendar.from_weekdays("own", {"sat": [(480, 600)]}, base=base)
    assert WorkingTime(own, MON).working_between(at(5, 0), at(12, 0)) == 120


def test_night_shift_runs_across_midnight() -> None:
    every = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    night = Calendar.from_weekdays("n", {d: [(1320, 1440), (0, 360)] for d in every})
    wt = WorkingTime(night, at(5, 22))
    assert wt.finish_at(480) == at(6, 6) and wt.start_at(480) == at(6, 22)
    assert wt.start_at(120) == at(6, 0)  # one interval 22:00-06:00: no gap at midnight
    assert wt.offset_of(at(6, 12)) == 480


def test_odd_hours() -> None:
    odd = Calendar.from_weekdays("odd", {"mon": [(435, 705)], "thu": [(1, 1439)]})
    wt = WorkingTime(odd, at(5, 7, 15))
    assert wt.finish_at(270) == at(5, 11, 45)
    assert wt.start_at(270) == at(8, 0, 1)
    assert wt.finish_at(270 + 1438) == at(8, 23, 59)


def test_horizon_grows_on_demand_without_changing_values() -> None:
    wt = WorkingTime(STD, MON)
    near = wt.offset_of(at(20, 10))
    far = wt.start_at(480 * 260 * 30)  # about thirty years of work
    assert far.year >= 2055
    assert wt.offset_of(at(20, 10)) == near
    assert wt.offset_of(far) == 480 * 260 * 30 - 0  # round trip after growing


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Calendar.from_weekdays("x", {"mon": [(480, 720), (700, 800)]}), "calendars.x.mon"),
        (lambda: Calendar.from_weekdays("x", {"mon": [(600, 500)]}), "calendars.x.mon"),
        (lambda: Calendar.from_weekdays("x", {"mon": [(0, 1500)]}), "calendars.x.mon"),
        (lambda: Calendar.from_weekdays("x", {"funday": [(0, 60)]}), "calendars.x.week"),
        (
            lambda: Calendar(
                "x", exceptions=(CalendarException(dt.date(2026, 1, 9), dt.date(2026, 1, 8)),)
            ),
            "calendars.x.exceptions",
        ),
        (lambda: WorkingTime(Calendar.from_weekdays("x", {}), MON), "calendars.x"),
    ],
)
def test_invalid_calendars_name_the_field(build: object, field: str) -> None:
    with pytest.raises(CalendarError) as info:
        build()  # type: ignore[operator]
    assert info.value.field == field


def test_calendar_with_only_extra_days_runs_out_with_a_calendar_error() -> None:
    cal = Calendar.from_weekdays(
        "x",
        {},
        exceptions=[
            CalendarException(dt.date(2026, 1, 6), working=True),
            CalendarException(dt.date(2026, 1, 8), working=True),
        ],
    )
    wt = WorkingTime(cal, MON)
    assert wt.working_between(at(5, 0), at(9, 0)) == 960
    with pytest.raises(CalendarError) as info:
        wt.start_at(5000)  # more work than the calendar holds
    assert info.value.field == "calendars.x"


CALENDARS = [
    WorkingTime(STD, MON),
    WorkingTime(
        Calendar.from_weekdays(
            "shifts",
            {"mon": [(0, 360), (1320, 1440)], "tue": [(0, 1440)], "sat": [(435, 705)]},
            exceptions=[CalendarException(dt.date(2026, 2, 3))],
        ),
        at(5, 3, 7),
    ),
]
instants = st.integers(-200 * 1440, 400 * 1440)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CALENDARS), instants, instants)
def test_offsets_are_monotone_and_round_trip(wt: WorkingTime, t: int, u: int) -> None:
    w = int(wt.offsets([t])[0])
    lo, hi = sorted((t, u))
    assert wt.offsets([lo])[0] <= wt.offsets([hi])[0]
    start = int(wt.start_instants([w])[0])
    finish = int(wt.finish_instants([w])[0])
    # Both resolutions of the offset carry the same offset back ...
    assert wt.offsets([start])[0] == w == wt.offsets([finish])[0]
    # ... and bracket the instant: a finish no later, a start no earlier.
    assert finish <= t <= start or (finish <= start and t in (finish, start))
    # Inside working time both are the instant itself (a start at the interval's end
    # moves to the next interval).
    i = np.searchsorted(wt.starts, t, side="right") - 1
    if wt.starts[i] < t < wt.ends[i]:
        assert start == finish == t


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CALENDARS), st.integers(-50_000, 200_000), st.integers(0, 5000))
def test_working_minutes_between_resolved_dates_equal_the_offset_gap(
    wt: WorkingTime, w: int, d: int
) -> None:
    s = wt.start_at(w)
    f = wt.finish_at(w + d)
    assert wt.working_between(s, f) == d
