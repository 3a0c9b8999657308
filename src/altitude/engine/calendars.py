"""Working-time calendars and fast conversion between instants and working minutes.

A :class:`Calendar` is a work week (per weekday, a list of working intervals such as
08:00-12:00 and 13:00-17:00) plus dated exceptions (holidays, extra working days, days
with other hours).  A calendar may inherit from a ``base`` calendar (resource and task
calendars inherit the project calendar): it takes the base's week unless it has its own,
and its own exceptions win over the base's on the same date.

The engine never computes with dates.  It uses two integer axes, both relative to an
``epoch`` (the project start, a naive local date-time):

* *instants*: elapsed minutes since the epoch (negative before it);
* *working offsets*: working minutes of one calendar between the epoch and an instant
  (negative before it).

:class:`WorkingTime` maps one axis onto the other with NumPy ``searchsorted`` over the
sorted working intervals of the calendar, so whole arrays convert at once.  An offset
``w`` names a whole non-working gap of instants; we resolve it the way MS Project shows
dates: a *start* at offset ``w`` is the next working instant (Tuesday 08:00), a *finish*
at ``w`` is the end of the previous working time (Monday 17:00).

The intervals are generated for a horizon around the epoch that grows on demand
(doubling), so callers never size it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from altitude.engine.errors import CalendarError

IntArray = npt.NDArray[np.int64]
Interval = tuple[int, int]
"""Minutes from midnight: (start, end), end exclusive, 0 <= start < end <= 1440."""

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STANDARD_DAY: tuple[Interval, ...] = ((8 * 60, 12 * 60), (13 * 60, 17 * 60))
MINUTES_PER_DAY = 1440
MAX_HORIZON_DAYS = 1000 * 366
"""The horizon stops growing here (dates must stay within Python's year 1..9999): a
schedule that needs more raises :class:`CalendarError` (e.g. a calendar whose only
working time is a few extra days, and a task that needs more work than they hold)."""


def _check_day(intervals: Sequence[Interval], where: str, calendar: str) -> tuple[Interval, ...]:
    # Any order is accepted (a night shift is often written 22:00-24:00, 00:00-06:00);
    # overlaps are not.
    out = tuple(sorted((int(a), int(b)) for a, b in intervals))
    previous_end = 0
    for start, end in out:
        if not 0 <= start < end <= MINUTES_PER_DAY or start < previous_end:
            raise CalendarError(
                f"working intervals of {where} must not overlap and must lie within the day "
                f"(00:00-24:00, start before end), got {list(out)}",
                task=None,
                field=f"calendars.{calendar}.{where}",
            )
        previous_end = end
    return out


@dataclass(frozen=True)
class CalendarException:
    """Dates ``start``..``end`` (inclusive) that differ from the work week.

    ``working=False`` is a holiday.  ``working=True`` is a working day with
    ``intervals`` (the calendar's standard day when empty).
    """

    start: dt.date
    end: dt.date | None = None
    working: bool = False
    intervals: tuple[Interval, ...] = ()

    @property
    def last(self) -> dt.date:
        return self.end if self.end is not None else self.start


@dataclass(frozen=True)
class Calendar:
    """A work week plus exceptions; ``week`` is seven tuples of intervals, Monday first.

    ``week=None`` inherits the base calendar's week (or the standard Monday-Friday
    08:00-12:00, 13:00-17:00 week when there is no base).
    """

    name: str = "standard"
    week: tuple[tuple[Interval, ...], ...] | None = None
    exceptions: tuple[CalendarException, ...] = ()
    base: Calendar | None = None

    def __post_init__(self) -> None:
        if self.week is not None:
            if len(self.week) != 7:
                raise CalendarError("a work week has 7 days", field=f"calendars.{self.name}.week")
            checked = tuple(
                _check_day(day, WEEKDAYS[i], self.name) for i, day in enumerate(self.week)
            )
            object.__setattr__(self, "week", checked)
        for exc in self.exceptions:
            if exc.last < exc.start:
                raise CalendarError(
                    f"exception ends before it starts ({exc.start} > {exc.last})",
                    field=f"calendars.{self.name}.exceptions",
                )
            _check_day(exc.intervals, str(exc.start), self.name)

    @classmethod
    def from_weekdays(
        cls,
        name: str,
        days: Mapping[str, Sequence[Interval]],
        exceptions: Iterable[CalendarException] = (),
        base: Calendar | None = None,
    ) -> Calendar:
        """Build from ``{"mon": [(480, 720), ...], ...}``; missing days are non-working."""
        unknown = set(days) - set(WEEKDAYS)
        if unknown:
            raise CalendarError(
                f"unknown weekday(s) {sorted(unknown)}", field=f"calendars.{name}.week"
            )
        week = tuple(tuple(days.get(d, ())) for d in WEEKDAYS)
        return cls(name=name, week=week, exceptions=tuple(exceptions), base=base)

    def effective_week(self) -> tuple[tuple[Interval, ...], ...]:
        if self.week is not None:
            return self.week
        if self.base is not None:
            return self.base.effective_week()
        return (STANDARD_DAY,) * 5 + ((), ())

    def effective_exceptions(self) -> dict[dt.date, tuple[Interval, ...]]:
        """Date -> working intervals of that date (empty: non-working), own ones winning."""
        out = self.base.effective_exceptions() if self.base is not None else {}
        standard = next((d for d in self.effective_week() if d), STANDARD_DAY)
        for exc in self.exceptions:
            hours = (exc.intervals or standard) if exc.working else ()
            day = exc.start
            while day <= exc.last:
                out[day] = hours
                day += dt.timedelta(days=1)
        return out


def to_minutes(value: dt.datetime, epoch: dt.datetime) -> int:
    """Elapsed minutes from ``epoch`` to ``value`` (naive local date-times, no DST)."""
    return int((value - epoch) // dt.timedelta(minutes=1))


def from_minutes(minutes: int, epoch: dt.datetime) -> dt.datetime:
    return epoch + dt.timedelta(minutes=int(minutes))


@dataclass
class WorkingTime:
    """The working intervals of one calendar around ``epoch``, as sorted arrays.

    ``starts[i]``/``ends[i]`` are instants (minutes since epoch) of the i-th working
    interval and ``cum[i]`` the working offset at ``starts[i]``.  The horizon grows on
    demand; growing does not change any value already returned.
    """

    calendar: Calendar
    epoch: dt.datetime
    first_day: int = -366
    last_day: int = 3 * 366
    starts: IntArray = field(init=False, repr=False)
    ends: IntArray = field(init=False, repr=False)
    cum: IntArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        week = self.calendar.effective_week()
        if not any(week) and not any(
            hours for hours in self.calendar.effective_exceptions().values()
        ):
            raise CalendarError(
                "the calendar has no working time", field=f"calendars.{self.calendar.name}"
            )
        self._week = week
        self._exceptions = self.calendar.effective_exceptions()
        self._build()

    # -- horizon -----------------------------------------------------------------
    def _build(self) -> None:
        epoch_day = self.epoch.date()
        epoch_minute = self.epoch.hour * 60 + self.epoch.minute
        starts: list[int] = []
        ends: list[int] = []
        for k in range(self.first_day, self.last_day):
            day = epoch_day + dt.timedelta(days=k)
            hours = self._exceptions.get(day)
            if hours is None:
                hours = self._week[day.weekday()]
            base = k * MINUTES_PER_DAY - epoch_minute
            for a, b in hours:
                if starts and ends[-1] == base + a:  # merge across midnight
                    ends[-1] = base + b
                else:
                    starts.append(base + a)
                    ends.append(base + b)
        if not starts:
            # A sparse calendar (a few extra working days only): widen until found.
            self.first_day *= 2
            self.last_day *= 2
            if self.last_day > MAX_HORIZON_DAYS:
                raise CalendarError(
                    "the calendar has no working time",
                    field=f"calendars.{self.calendar.name}",
                )
            self._build()
            return
        s = np.asarray(starts, dtype=np.int64)
        e = np.asarray(ends, dtype=np.int64)
        lengths = e - s
        cum = np.zeros(len(s), dtype=np.int64)
        np.cumsum(lengths[:-1], out=cum[1:])
        # Rebase so that offset 0 is the epoch instant.
        zero = self._raw_offsets(np.zeros(1, dtype=np.int64), s, e, cum)[0]
        self.starts, self.ends, self.cum = s, e, cum - zero

    @staticmethod
    def _raw_offsets(t: IntArray, s: IntArray, e: IntArray, cum: IntArray) -> IntArray:
        i = np.searchsorted(s, t, side="right") - 1
        inside = i >= 0
        ii = np.where(inside, i, 0)
        within = np.clip(t - s[ii], 0, e[ii] - s[ii])
        out: IntArray = np.where(inside, cum[ii] + within, cum[0])
        return out

    def _grow(self) -> None:
        self.first_day *= 2
        self.last_day *= 2
        self._build()

    def _complete(self) -> bool:
        """A calendar without a work week (only extra working days) is finite: once the
        horizon holds every exception date, growing it adds nothing."""
        if any(self._week):
            return False
        days = [(d - self.epoch.date()).days for d in self._exceptions]
        return self.first_day <= min(days) and max(days) < self.last_day

    def ensure_instants(self, lo: int, hi: int) -> None:
        """Grow the horizon until instants ``lo..hi`` are strictly inside it."""
        while (lo <= self.starts[0] or hi >= self.ends[-1]) and not self._complete():
            if self.last_day > MAX_HORIZON_DAYS:
                raise CalendarError(
                    "date out of the supported range", field=f"calendars.{self.calendar.name}"
                )
            self._grow()

    def ensure_offsets(self, lo: int, hi: int) -> None:
        """Grow the horizon until offsets ``lo..hi`` fall inside working intervals."""
        while lo <= self.cum[0] or hi >= self.cum[-1]:
            if self._complete():
                total = self.cum[-1] + self.ends[-1] - self.starts[-1]
                if self.cum[0] <= lo and hi <= total:
                    return
                raise CalendarError(
                    "the calendar has not enough working time for the schedule",
                    field=f"calendars.{self.calendar.name}",
                )
            if self.last_day > MAX_HORIZON_DAYS:
                raise CalendarError(
                    "schedule runs out of the supported date range",
                    field=f"calendars.{self.calendar.name}",
                )
            self._grow()

    # -- conversions (vectorised) -------------------------------------------------
    def offsets(self, instants: npt.ArrayLike) -> IntArray:
        """Working minutes from the epoch to each instant (flat through non-working time)."""
        t = np.asarray(instants, dtype=np.int64)
        if t.size:
            self.ensure_instants(int(t.min()), int(t.max()))
        return self._raw_offsets(t, self.starts, self.ends, self.cum)

    def start_instants(self, offsets: npt.ArrayLike) -> IntArray:
        """The latest instant with that offset: the next working minute (a start)."""
        w = np.asarray(offsets, dtype=np.int64)
        if w.size:
            self.ensure_offsets(int(w.min()), int(w.max()))
        i = np.searchsorted(self.cum, w, side="right") - 1
        return self.starts[i] + (w - self.cum[i])

    def finish_instants(self, offsets: npt.ArrayLike) -> IntArray:
        """The earliest instant with that offset: the end of previous work (a finish)."""
        w = np.asarray(offsets, dtype=np.int64)
        if w.size:
            self.ensure_offsets(int(w.min()), int(w.max()))
        cum_end = self.cum + (self.ends - self.starts)
        i = np.searchsorted(cum_end, w, side="left")
        return self.starts[i] + (w - self.cum[i])

    # -- scalar helpers at the edge ----------------------------------------------
    def offset_of(self, value: dt.datetime) -> int:
        return int(self.offsets([to_minutes(value, self.epoch)])[0])

    def start_at(self, offset: int) -> dt.datetime:
        return from_minutes(int(self.start_instants([offset])[0]), self.epoch)

    def finish_at(self, offset: int) -> dt.datetime:
        return from_minutes(int(self.finish_instants([offset])[0]), self.epoch)

    def add_working(self, value: dt.datetime, minutes: int) -> dt.datetime:
        """``value`` plus ``minutes`` of work, as a finish (MS Project's DateAdd)."""
        return self.finish_at(self.offset_of(value) + minutes)

    def working_between(self, a: dt.datetime, b: dt.datetime) -> int:
        return self.offset_of(b) - self.offset_of(a)
