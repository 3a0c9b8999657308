"""Level on the coarsest time grain the data allows, then scale the answer back.

Plans measured in working minutes put nearly every number on a grid of hours or days
(durations of 480, lags of 240, starts at the beginning of a working day): a horizon of a few
years is then a million periods, and every array the generation schemes, the load profiles
and the explanations build is that long. When every duration, lag, earliest and latest
start and capacity change is a multiple of ``g``, levelling the problem divided by ``g`` and
multiplying the dates back by ``g`` loses nothing: every start a generation scheme builds is
a sum of those numbers, and any schedule can be shifted left into such an "active" one
without growing, so the optimum and every bound carry over exactly.

Not for splittable tasks: interrupting a task part-way through a grain step can finish
earlier than any schedule on the coarse grid (three tasks of one day on two people take a
day and a half when split by the half day), so a problem with any splittable task keeps
its own grain.
"""

from __future__ import annotations

from dataclasses import replace
from math import gcd

from altitude.engine.leveling.model import Activity, CapacityChange, LevelingProblem, Link, Resource
from altitude.engine.leveling.profiles import LoadProfile, LoadSegment
from altitude.engine.leveling.result import LevelingResult, OverAllocation, TaskDates, TaskDelay


def time_grain(problem: LevelingProblem) -> int:
    """The largest ``g`` dividing every time in ``problem`` (1 when any task is splittable)."""
    if any(a.splittable for a in problem.activities):
        return 1
    g = 0
    values = [v for a in problem.activities for v in (a.duration, a.earliest_start, a.latest_start or 0)]
    values += [link.lag for link in problem.links]
    values += [c.start for r in problem.resources for c in r.changes]
    for value in values:
        g = gcd(g, value)
        if g == 1:
            return 1
    return g or 1


def coarsen(problem: LevelingProblem, g: int) -> LevelingProblem:
    """``problem`` with every time divided by ``g`` (which divides them all)."""
    return replace(
        problem,
        activities=tuple(
            Activity(
                id=a.id, duration=a.duration // g, demands=a.demands, priority=a.priority, project=a.project,
                splittable=a.splittable, earliest_start=a.earliest_start // g,
                latest_start=None if a.latest_start is None else a.latest_start // g,
            )
            for a in problem.activities
        ),
        links=tuple(Link(k.predecessor, k.successor, k.type, k.lag // g) for k in problem.links),
        resources=tuple(
            Resource(r.id, r.capacity, tuple(CapacityChange(c.start // g, c.capacity) for c in r.changes))
            for r in problem.resources
        ),
    )


def refine(result: LevelingResult, g: int) -> LevelingResult:
    """A result of the coarsened problem on the original time axis."""

    def profiles(items: tuple[LoadProfile, ...]) -> tuple[LoadProfile, ...]:
        return tuple(
            LoadProfile(p.resource, tuple(LoadSegment(s.start * g, s.end * g, s.load, s.capacity) for s in p.segments))
            for p in items
        )

    return replace(
        result,
        makespan=result.makespan * g,
        bound=result.bound * g,
        tasks=tuple(
            TaskDates(t.id, t.start * g, t.finish * g, tuple((a * g, b * g) for a, b in t.pieces), t.early_start * g)
            for t in result.tasks
        ),
        delays=tuple(
            TaskDelay(d.task, d.delay * g, d.predecessor, d.resource, d.competing_tasks, d.successor)
            for d in result.delays
        ),
        load_before=profiles(result.load_before),
        load_after=profiles(result.load_after),
        overallocations=tuple(
            OverAllocation(o.resource, o.start * g, o.end * g, o.load, o.capacity, o.tasks, o.held)
            for o in result.overallocations
        ),
    )
