"""Agreement with trueppm-scheduler's ``monte_carlo`` on the same networks and estimates.

trueppm samples a Beta fitted by moments to the classic PERT mean and sd (our
``pert_classic``), in whole-day units on a Mon-Fri calendar, and floors every sample at
the task's planned duration: the generated networks use ``duration = optimistic`` so the
floor never binds and both tools sample the same distribution.  Links are FS and SS
without lags (trueppm's lag arithmetic differs, see the CPM issue).  P50 and P80 of the
finish must agree within one working day.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from altitude.engine.montecarlo import (
    DistributionKind,
    ThreePointEstimate,
    UncertaintyModel,
    prepare,
    simulate,
)
from altitude.engine.network import Link, LinkType, ScheduleInput, Task, build_network

tp = pytest.importorskip("trueppm_scheduler", reason="trueppm-scheduler is not installed")

DAY = 480
START = dt.date(2026, 1, 5)  # a Monday


def generated(seed: int) -> tuple[list[tuple[str, int, int, int]], list[tuple[str, str, str]]]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(15, 60))
    tasks = []
    for i in range(n):
        o = int(rng.integers(1, 10))
        m = o + int(rng.integers(0, 6))
        p = m + int(rng.integers(1, 12))
        tasks.append((f"T{i:03d}", o, m, p))
    links = []
    for i in range(1, n):
        for j in set(rng.integers(max(0, i - 8), i, size=int(rng.integers(1, 3))).tolist()):
            links.append((f"T{j:03d}", f"T{i:03d}", "SS" if rng.random() < 0.2 else "FS"))
    return tasks, links


def working_day_index(day: dt.date) -> int:
    """0 for the start Monday, counting Mon-Fri days only."""
    weeks, rest = divmod((day - START).days, 7)
    return weeks * 5 + min(rest, 5)


def ours(tasks, links, runs: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    spec = ScheduleInput(
        tasks=tuple(Task(t, o * DAY) for t, o, _m, _p in tasks),
        links=tuple(Link(a, b, LinkType[k]) for a, b, k in links),
        start=dt.datetime(2026, 1, 5, 8, 0),
    )
    model = UncertaintyModel(estimates={
        t: ThreePointEstimate(o * DAY, m * DAY, p * DAY, DistributionKind.PERT_CLASSIC)
        for t, o, m, p in tasks
    })
    res = simulate(prepare(build_network(spec), model), runs=runs, seed=1, criticality="none")
    pct = res.target().percentiles
    # shown on the working day during which the finish falls
    return (pct[50] - 1) // DAY, (pct[80] - 1) // DAY


def theirs(tasks, links, runs: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    days = dt.timedelta(days=1)
    project = tp.Project(
        id="p", name="p", start_date=START,
        tasks=[tp.Task(id=t, name=t, duration=o * days, optimistic_duration=o * days,
                       most_likely_duration=m * days, pessimistic_duration=p * days)
               for t, o, m, p in tasks],
        dependencies=[tp.Dependency(predecessor_id=a, successor_id=b,
                                    dep_type=tp.DependencyType[k]) for a, b, k in links],
    )
    res = tp.monte_carlo(project, runs=runs, seed=1)
    return working_day_index(res.p50), working_day_index(res.p80)


@pytest.mark.parametrize("seed", range(10))
def test_p50_p80_agree_with_trueppm_within_one_working_day(seed: int) -> None:
    tasks, links = generated(seed)
    runs = 3000
    o50, o80 = ours(tasks, links, runs)
    t50, t80 = theirs(tasks, links, runs)
    assert abs(o50 - t50) <= 1, (o50, t50)
    assert abs(o80 - t80) <= 1, (o80, t80)
