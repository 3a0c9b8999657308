"""Levelling on the coarsest time grain (``altitude.engine.leveling.grain``).

Plans in working minutes are levelled on their grain (a day of 480 minutes, an hour...) and
scaled back: the same dates as levelling the problem in days and multiplying by the grain,
checked field by field, and the same proven optimum as levelling minute by minute.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altitude.engine.leveling import (
    Activity,
    CapacityChange,
    LevelingOptions,
    LevelingProblem,
    LevelingResult,
    LevelingStatus,
    Link,
    Mode,
    Resource,
    level,
)
from altitude.engine.leveling.grain import time_grain
from altitude.engine.leveling.solve import _level
from tests.engine.test_leveling_properties import FAST, check, problems

DAY = 480


def scaled(problem: LevelingProblem, g: int) -> LevelingProblem:
    """Every time of ``problem`` times ``g`` (days to minutes)."""
    return replace(
        problem,
        activities=tuple(replace(a, duration=a.duration * g, earliest_start=a.earliest_start * g,
                                 latest_start=None if a.latest_start is None else a.latest_start * g)
                         for a in problem.activities),
        links=tuple(replace(k, lag=k.lag * g) for k in problem.links),
        resources=tuple(replace(r, changes=tuple(CapacityChange(c.start * g, c.capacity) for c in r.changes))
                        for r in problem.resources),
    )


def test_the_grain_is_the_gcd_of_every_time() -> None:
    crew = Resource("crew", 2, (CapacityChange(960, 1),))
    tasks = (Activity("A", 960, {"crew": 1}), Activity("B", 480, {"crew": 2}, earliest_start=1440))
    problem = LevelingProblem(tasks, (crew,), (Link("A", "B", lag=240),))
    assert time_grain(problem) == 240
    assert time_grain(replace(problem, links=(Link("A", "B", lag=-480),))) == 480
    assert time_grain(replace(problem, links=(Link("A", "B", lag=7),))) == 1
    assert time_grain(LevelingProblem((Activity("M", 0),), ())) == 1  # nothing to divide: stay
    split = replace(problem, activities=(replace(tasks[0], splittable=True), tasks[1]))
    assert time_grain(split) == 1, "a split can end part-way through a grain step"


def test_a_minute_plan_levels_like_its_days() -> None:
    """Two 2-day tasks of a full-time person, then a half-day lag: 4.5 days, in minutes."""
    person = Resource("person", 1)
    problem = LevelingProblem(
        (Activity("A", 2 * DAY, {"person": 1}), Activity("B", 2 * DAY, {"person": 1}), Activity("C", DAY)),
        (person,), (Link("A", "C", lag=DAY // 2), Link("B", "C", lag=DAY // 2)))
    result = level(problem, LevelingOptions(mode=Mode.EXACT, time_limit_seconds=2))
    assert result.status is LevelingStatus.OPTIMAL and result.makespan == 5 * DAY + DAY // 2
    assert sorted(t.start for t in result.tasks) == [0, 2 * DAY, 4 * DAY + DAY // 2]
    delays = {d.task: d for d in result.delays}
    moved = next(d for d in delays.values() if d.resource == "person")
    assert moved.delay == 2 * DAY and moved.task in "AB" and moved.competing_tasks == ({"A": "B", "B": "A"}[moved.task],)
    assert delays["C"].delay == 2 * DAY and delays["C"].predecessor == moved.task
    assert [(s.start, s.end, s.load) for s in result.load_before[0].segments] == [(0, 2 * DAY, 2)]
    assert [(s.start, s.end, s.load) for s in result.load_after[0].segments] == [(0, 4 * DAY, 1)]


def _same_scaled(small: LevelingResult, big: LevelingResult, g: int) -> None:
    assert big.makespan == small.makespan * g and big.bound == small.bound * g and big.status is small.status
    assert [(t.id, t.start, t.finish, t.early_start, t.pieces) for t in big.tasks] == [
        (t.id, t.start * g, t.finish * g, t.early_start * g, tuple((a * g, b * g) for a, b in t.pieces))
        for t in small.tasks]
    assert [(d.task, d.delay, d.predecessor, d.resource, d.competing_tasks) for d in big.delays] == [
        (d.task, d.delay * g, d.predecessor, d.resource, d.competing_tasks) for d in small.delays]
    for before, after in ((small.load_before, big.load_before), (small.load_after, big.load_after)):
        assert [[(s.start * g, s.end * g, s.load, s.capacity) for s in p.segments] for p in before] == [
            [(s.start, s.end, s.load, s.capacity) for s in p.segments] for p in after]
    assert [(o.resource, o.start * g, o.end * g, o.load, o.capacity, o.tasks) for o in small.overallocations] == [
        (o.resource, o.start, o.end, o.load, o.capacity, o.tasks) for o in big.overallocations]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.sampled_from([60, 240, 480]))
def test_minutes_give_the_days_result_times_the_grain(problem: LevelingProblem, g: int) -> None:
    big = scaled(problem, g)
    result = level(big, FAST)
    check(big, result)  # the independent checks of the property tests, on the minute axis
    if time_grain(problem) == 1 and not any(a.splittable for a in problem.activities):
        _same_scaled(level(problem, FAST), result, g)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(varying_capacity=False, within_float=False))
def test_the_proven_optimum_is_the_minute_by_minute_one(problem: LevelingProblem) -> None:
    """Exactness: the optimum on the grain is the optimum minute by minute (no grain)."""
    big = scaled(problem, 60)
    exact = LevelingOptions(mode=Mode.EXACT, time_limit_seconds=5, workers=1)
    coarse, fine = level(big, exact), _level(big, exact)
    if coarse.status is LevelingStatus.OPTIMAL and fine.status is LevelingStatus.OPTIMAL:
        assert coarse.makespan == fine.makespan
    assert coarse.makespan <= fine.makespan or fine.status is not LevelingStatus.OPTIMAL
