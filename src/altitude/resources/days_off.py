"""A person's days off (holidays, leave, shorter days in their own calendar) as levelling capacity.

Levelling has one time axis: the working minutes of the plan's calendars. A resource with a
calendar of its own can be away on days the plan works: leave entered as a non-working
exception, a regional holiday the project calendar does not have, a half day before a
holiday. On such a day the resource has less to give, so levelling must not book it in full.

Only the *exceptions* of the resource's calendar count, each measured against the same
weekday of the resource's own week: a holiday or leave day takes the whole day, a working
exception of 4 hours on an 8-hour weekday takes half. The resource's regular week is what
100 % means (as in MS Project and in the portfolio's capacity view, where a full-time
assignment of a person who works 37.5 hours a week is 37.5 hours, not an over-allocation), so
a person whose week differs from the plan's loses nothing on ordinary days. An exception
that adds working time never raises the capacity above the resource's units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from altitude.engine.calendars import Calendar, WorkingTime, to_minutes

HORIZON_YEARS = 20
"""Exceptions further ahead than this from the plan's start are ignored (no plan levels that far)."""


@dataclass(frozen=True)
class DayOff:
    """Working minutes ``[begin, end)`` of the plan's axis on ``day`` where the resource has only
    ``1 - share`` of its capacity (``share`` 1.0: away all day)."""

    day: dt.date
    begin: int
    end: int
    share: float


def _minutes(hours: Sequence[tuple[int, int]]) -> int:
    return sum(b - a for a, b in hours)


def days_off(calendar: Calendar, axis: WorkingTime) -> tuple[DayOff, ...]:
    """The days ``calendar`` takes off, as spans of ``axis`` (the calendar the resource's tasks
    are levelled on). Days the axis does not work (a holiday both calendars share) are left
    out: there is nothing to take off."""
    week = calendar.effective_week()
    first = axis.epoch.date()
    last = first + dt.timedelta(days=366 * HORIZON_YEARS)
    found: list[tuple[dt.date, float]] = []
    for day, hours in sorted(calendar.effective_exceptions().items()):
        if not first <= day <= last:
            continue
        regular = _minutes(week[day.weekday()])
        if regular <= 0:
            continue  # extra working time on a day off: no more than the units
        share = 1.0 - min(_minutes(hours), regular) / regular
        if share > 0:
            found.append((day, share))
    if not found:
        return ()
    midnights = [dt.datetime(d.year, d.month, d.day) for d, _ in found]
    instants = [to_minutes(m, axis.epoch) for m in midnights]
    instants += [i + 24 * 60 for i in instants]
    offsets = axis.offsets(np.asarray(instants, dtype=np.int64))
    begins, ends = offsets[:len(found)], offsets[len(found):]
    return tuple(DayOff(day, max(int(b), 0), int(e), share)
                 for (day, share), b, e in zip(found, begins, ends, strict=True) if e > max(b, 0))


def days_off_by_resource(calendars: Mapping[str, Calendar], axis: Mapping[str, WorkingTime]
                         ) -> dict[str, tuple[DayOff, ...]]:
    """Per resource key (with its own calendar), its days off on its axis. People who share a
    calendar and an axis are computed once."""
    cache: dict[tuple[int, int], tuple[DayOff, ...]] = {}
    out: dict[str, tuple[DayOff, ...]] = {}
    for key, calendar in calendars.items():
        if key not in axis:
            continue
        pair = (id(calendar), id(axis[key]))
        if pair not in cache:
            cache[pair] = days_off(calendar, axis[key])
        if cache[pair]:
            out[key] = cache[pair]
    return out
