"""Load charts of a levelling preview: each over-allocated resource's load before and after.

The engine's load profiles are exact segments on the working-minute axis; a manager reads
them as MS Project's resource graph, by day: the peak load of each day (or week, for a plan
of more than :data:`DAILY_UP_TO` days) against the capacity that day, both in percent of one
full-time unit. Only the resources over-allocated before or after levelling are charted
(the most over-allocated :data:`MAX_CHARTS`), since the others have nothing to show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from altitude.engine.calendars import WorkingTime, to_minutes
from altitude.engine.leveling import LevelingResult, LoadProfile
from altitude.engine.leveling import Resource as PoolResource
from altitude.engine.leveling.profiles import capacity_array

MAX_CHARTS = 12
"""Charts on one page: the most over-allocated resources first."""
DAILY_UP_TO = 400
"""Plans spanning more days than this are charted by week (a point a day would be too fine to read)."""


@dataclass(frozen=True)
class LoadChart:
    """Peak load and capacity per period (percent units; ``None`` on a period without work time)."""

    resource: str
    before: tuple[int | None, ...]
    after: tuple[int | None, ...]
    capacity: tuple[int | None, ...]

    @property
    def peak_before(self) -> int:
        return max((v for v in self.before if v is not None), default=0)

    @property
    def peak_after(self) -> int:
        return max((v for v in self.after if v is not None), default=0)


@dataclass(frozen=True)
class LoadCharts:
    """The periods (first day of each) and one chart per charted resource."""

    periods: tuple[dt.date, ...] = ()
    days_per_period: int = 1
    charts: tuple[LoadChart, ...] = ()
    over_allocated: int = 0  # resources over-allocated before or after; more than charted when above MAX_CHARTS

    @property
    def payload(self) -> dict[str, object]:
        """What the page's chart script reads (dates as ISO strings)."""
        return {
            "periods": [d.isoformat() for d in self.periods],
            "days_per_period": self.days_per_period,
            "charts": [{"resource": c.resource, "before": list(c.before), "after": list(c.after),
                        "capacity": list(c.capacity)} for c in self.charts],
        }


def _peaks(profile: LoadProfile | None, bounds: np.ndarray) -> np.ndarray:
    """Highest load of each period ``[bounds[k], bounds[k+1])`` of working minutes."""
    peak = np.zeros(len(bounds) - 1, dtype=np.int64)
    if profile is None:
        return peak
    for seg in profile.segments:
        first = int(np.searchsorted(bounds, seg.start, side="right")) - 1
        last = int(np.searchsorted(bounds, seg.end, side="left")) - 1
        lo, hi = max(first, 0), min(last, len(peak) - 1)
        if lo <= hi:
            np.maximum(peak[lo : hi + 1], seg.load, out=peak[lo : hi + 1])
    return peak


def _capacity(resource: PoolResource, bounds: np.ndarray) -> np.ndarray:
    """Lowest capacity within each period, from the engine's capacity per working minute."""
    lo, hi = int(bounds[0]), int(bounds[-1])
    per_minute = capacity_array(resource, lo, max(hi, lo + 1))
    return np.minimum.reduceat(per_minute, np.minimum(bounds[:-1] - lo, len(per_minute) - 1))


def load_charts(result: LevelingResult, resources: Sequence[PoolResource], calendar_of: Callable[[str], WorkingTime],
                name: Mapping[str, str], first: dt.date, last: dt.date, over_allocated: Sequence[str]) -> LoadCharts:
    """Charts of the ``over_allocated`` resources (engine ids) from ``first`` to ``last``.

    ``calendar_of``: the working time a resource's offsets are read on (that of its first
    task, as for the over-allocation tables); ``name``: resource id -> display name.
    """
    if not over_allocated or last < first:
        return LoadCharts()
    span = (last - first).days + 1
    step = 1 if span <= DAILY_UP_TO else 7
    periods = tuple(first + dt.timedelta(days=d) for d in range(0, span, step))
    edges = [*periods, periods[-1] + dt.timedelta(days=step)]
    before = {p.resource: p for p in result.load_before}
    after = {p.resource: p for p in result.load_after}
    pool = {r.id: r for r in resources}

    def overload(resource: str) -> int:
        profile = before.get(resource)
        return max((s.load - s.capacity for s in profile.segments), default=0) if profile else 0

    chosen = sorted(over_allocated, key=lambda r: (-overload(r), name.get(r, r)))[:MAX_CHARTS]
    charts = []
    for resource in chosen:
        working = calendar_of(resource)
        instants = [to_minutes(dt.datetime(d.year, d.month, d.day), working.epoch) for d in edges]
        bounds = working.offsets(instants).astype(np.int64)
        idle = bounds[1:] == bounds[:-1]  # weekends, holidays: no working minute in the period

        def series(values: np.ndarray, idle: np.ndarray = idle) -> tuple[int | None, ...]:
            return tuple(None if quiet else int(v) for v, quiet in zip(values, idle, strict=True))

        capacity = _capacity(pool[resource], bounds) if resource in pool else np.zeros(len(periods), dtype=np.int64)
        charts.append(LoadChart(name.get(resource, resource), series(_peaks(before.get(resource), bounds)),
                                series(_peaks(after.get(resource), bounds)), series(capacity)))
    return LoadCharts(periods, step, tuple(charts), len(over_allocated))
