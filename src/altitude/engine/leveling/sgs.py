"""Serial schedule generation scheme (SGS) and forward-backward improvement.

The serial SGS takes tasks one at a time, in priority order among those whose predecessors
are all scheduled, and starts each at the earliest period where its links allow it and every
resource it needs has enough free units for its whole duration (or, for a splittable task,
in the first periods where they do). Every schedule it builds respects links and capacities
by construction; a task that cannot fit (a deadline, a demand above capacity) is placed
where it overloads least and flagged, so the over-allocation is reported, never hidden.

Forward-backward improvement ("justification", Valls et al. 2005) re-schedules the tasks
right-justified in order of decreasing finish, then left-justified in order of increasing
start; it never lengthens the schedule and often shortens it by several percent.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from altitude.engine.leveling.model import Resource
from altitude.engine.leveling.network import NO_DEADLINE, SS, Edge, Network, link_bound, link_delta
from altitude.engine.leveling.profiles import (
    IntArray,
    ResourcePool,
    capacity_array,
    load_arrays,
    reversed_capacity,
)

Key = tuple[float, ...]
"""Priority of a task in one pass: smaller is scheduled first."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """Dates from one SGS pass; ``pieces`` are the working periods of each task."""

    start: tuple[int, ...]
    finish: tuple[int, ...]
    pieces: tuple[tuple[tuple[int, int], ...], ...]
    forced: tuple[int, ...]

    @property
    def makespan(self) -> int:
        return max(self.finish, default=0)

    @property
    def score(self) -> tuple[int, int, int]:
        """Fewer forced placements first, then a shorter schedule, then earlier starts."""
        return (len(self.forced), self.makespan, sum(self.start))


@dataclass(frozen=True, slots=True)
class _Direction:
    """The network as one pass sees it (forward, or mirrored for the backward pass)."""

    duration: Sequence[int]
    release: Sequence[int]
    deadline: Sequence[int]
    preds: Sequence[Sequence[Edge]]
    succs: Sequence[Sequence[Edge]]
    demands: Sequence[Sequence[tuple[int, int]]]
    splittable: Sequence[bool]
    pinned: Sequence[int] = ()
    """Tasks with demands that cannot move (latest start = earliest): see :func:`_place_pinned`."""
    not_levelled: Sequence[bool] = ()
    """Do-not-level tasks: each starts at its links' bound whatever its resources have left
    (:data:`~altitude.engine.leveling.model.DO_NOT_LEVEL`)."""


def _pinned(release: Sequence[int], deadline: Sequence[int], duration: Sequence[int],
            demands: Sequence[Sequence[tuple[int, int]]]) -> tuple[int, ...]:
    return tuple(j for j in range(len(duration)) if deadline[j] <= release[j] and duration[j] > 0 and demands[j])


def _limits(resources: Sequence[Resource]) -> tuple[list[int], list[int], list[int]]:
    """Per resource: highest capacity ever, capacity after the last change, time of that change."""
    highest = [r.max_capacity for r in resources]
    final = [r.changes[-1].capacity if r.changes else r.capacity for r in resources]
    last = [r.changes[-1].start if r.changes else 0 for r in resources]
    return highest, final, last


def _earliest_fit(
    pool: ResourcePool, demand: Sequence[tuple[int, int]], t: int, d: int, limit: int
) -> int | None:
    """Earliest start >= t (and <= limit) where every resource has its units for d periods.

    Scans a window of periods at once: a start is feasible when no "short" period (some
    resource below the task's units) lies in its d periods, found from a running count.
    """
    length = max(64, 4 * d)
    while t <= limit:
        end = t + length + d
        k, units = demand[0]
        short = pool.ensure(k, end)[t:end] < units
        for k, units in demand[1:]:
            short |= pool.ensure(k, end)[t:end] < units
        count = np.concatenate(([0], np.cumsum(short)))
        feasible = count[d:] == count[:-d]
        first = int(feasible.argmax())
        if feasible[first]:
            return t + first if t + first <= limit else None
        t += length + 1
        length *= 2
    return None


def _split_fit(
    pool: ResourcePool, demand: Sequence[tuple[int, int]], t: int, d: int, limit: int
) -> IntArray | None:
    """The first d periods >= t in which every resource has the task's units free."""
    length = max(2 * d, 64)
    while True:
        k, units = demand[0]
        ok = pool.ensure(k, t + length)[t : t + length] >= units
        for k, units in demand[1:]:
            ok &= pool.ensure(k, t + length)[t : t + length] >= units
        periods = np.flatnonzero(ok)
        if len(periods) >= d:
            return periods[:d] + t
        if t + length > limit:
            return None
        length *= 2


def _least_overload(
    pool: ResourcePool, demand: Sequence[tuple[int, int]], lo: int, hi: int, d: int
) -> int:
    """Start in [lo, hi] whose window adds the least overload (first such start)."""
    hi = min(hi, lo + 4096)
    if d == 0 or hi <= lo:
        return lo
    cost = np.zeros(hi + d - lo, dtype=np.int64)
    for k, units in demand:
        free = pool.ensure(k, hi + d)[lo : hi + d]
        cost += np.minimum(units, np.maximum(units - free, 0))
    window_cost = np.concatenate([[0], np.cumsum(cost)])
    totals = window_cost[d:] - window_cost[:-d]
    return lo + int(np.argmin(totals[: hi - lo + 1]))


def runs_of(periods: IntArray) -> tuple[tuple[int, int], ...]:
    """Maximal runs of consecutive periods as (start, end) pairs."""
    first, last = int(periods[0]), int(periods[-1])
    if last - first == len(periods) - 1:
        return ((first, last + 1),)  # not split: most tasks, even where splitting is allowed
    breaks = np.flatnonzero(np.diff(periods) != 1) + 1
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks, [len(periods)]])
    return tuple(
        (int(periods[a]), int(periods[b - 1]) + 1) for a, b in zip(starts, ends, strict=True)
    )


def _place_pinned(
    direction: _Direction,
    pool: ResourcePool,
    keys: Sequence[Key],
    start: list[int],
    finish: list[int],
    pieces: list[tuple[tuple[int, int], ...]],
    forced: list[int],
) -> set[int]:
    """Book the tasks that cannot move (latest start = earliest: a must-start-on date, work
    under way) before any other, and return them.

    Their dates do not depend on the others, but the others' do on them: placed in priority
    order, a free task taken first could sit where a pinned one then has to go, and two
    pinned tasks overlapping (an over-allocation nobody can remove) would be joined by a
    third that could have waited. Pinned tasks that overlap each other are flagged forced.
    """
    pinned = sorted(direction.pinned, key=lambda j: keys[j])
    for j in pinned:
        at, d, demand = direction.release[j], direction.duration[j], direction.demands[j]
        if _earliest_fit(pool, demand, at, d, at) is None:
            forced.append(j)
        for k, units in demand:
            pool.ensure(k, at + d)[at : at + d] -= units
        start[j], finish[j], pieces[j] = at, at + d, ((at, at + d),)
    return set(pinned)


def _pass(
    direction: _Direction,
    pool: ResourcePool,
    limits: tuple[list[int], list[int], list[int]],
    keys: Sequence[Key],
    search_cap: int,
) -> Schedule:
    duration, preds = direction.duration, direction.preds
    n = len(duration)
    highest, final, last = limits
    start = [0] * n
    finish = [0] * n
    pieces: list[tuple[tuple[int, int], ...]] = [()] * n
    forced: list[int] = []
    pinned = _place_pinned(direction, pool, keys, start, finish, pieces, forced)
    waiting = [len(p) for p in preds]
    heap = [(keys[i], i) for i in range(n) if waiting[i] == 0]
    heapq.heapify(heap)
    while heap:
        _, j = heapq.heappop(heap)
        if j in pinned:
            for s, _, _ in direction.succs[j]:
                waiting[s] -= 1
                if waiting[s] == 0:
                    heapq.heappush(heap, (keys[s], s))
            continue
        d = duration[j]
        es = direction.release[j]
        for i, code, lag in preds[j]:
            bound = link_bound(code, lag, start[i], finish[i], d)
            if bound > es:
                es = bound
        demand = direction.demands[j]
        deadline = direction.deadline[j]
        limit = min(deadline, search_cap)
        for k, units in demand:
            if units > highest[k]:
                limit = -1
            elif units > final[k]:
                limit = min(limit, last[k] - d)
        placed: int | None = None
        if d == 0 or not demand:
            placed = es
        elif direction.not_levelled and direction.not_levelled[j]:
            placed = es
            if _earliest_fit(pool, demand, es, d, es) is None:
                forced.append(j)  # its over-allocation is reported, the others level around it
        elif direction.splittable[j]:
            periods = _split_fit(pool, demand, es, d, min(limit + d, search_cap))
            if periods is not None and periods[0] <= deadline and periods[-1] < deadline + d:
                runs = runs_of(periods)
                for k, units in demand:
                    free = pool.ensure(k, int(periods[-1]) + 1)
                    if len(runs) == 1:
                        free[runs[0][0] : runs[0][1]] -= units
                    else:
                        free[periods] -= units
                start[j], finish[j] = int(periods[0]), int(periods[-1]) + 1
                pieces[j] = runs
                placed = -1
        else:
            placed = _earliest_fit(pool, demand, es, d, limit)
        if placed is None:
            placed = _least_overload(pool, demand, es, max(es, min(deadline, search_cap)), d)
            forced.append(j)
        if placed >= 0:
            for k, units in demand:
                pool.ensure(k, placed + d)[placed : placed + d] -= units
            start[j], finish[j] = placed, placed + d
            pieces[j] = ((placed, placed + d),) if d > 0 else ()
        for s, _, _ in direction.succs[j]:
            waiting[s] -= 1
            if waiting[s] == 0:
                heapq.heappush(heap, (keys[s], s))
    return Schedule(tuple(start), tuple(finish), tuple(pieces), tuple(forced))


def overload_rank(net: Network, resources: Sequence[Resource], schedule: Schedule) -> tuple[int, int, int, int]:
    """Least avoidable over-allocation first, then least over-allocation (units over capacity
    summed over periods and resources; not fewest squeezed tasks: one more squeezed task may
    over-allocate less), then the shortest, then the earliest.

    Avoidable: the part of a period's excess that tasks free to move carry (no latest start,
    neither do-not-level nor waited for by one, and within the capacity alone): such a task
    could always wait. Ranked
    by excess alone, a schedule where a squeezed task overlaps a free one tied with one where
    two dated tasks overlap (3 unit-periods each) and won by being shorter, and the free task
    stayed over-allocated. Ranked by ``score``, a justification that placed a free task where
    a do-not-level task then landed (one forced placement either way) won by being shorter."""
    excess = avoidable = 0
    if schedule.forced:
        loads, horizon = load_arrays(resources, net.demands, schedule.pieces)
        free_demands = [
            tuple((k, q) for k, q in demand if q <= resources[k].max_capacity)
            if net.deadline[i] >= NO_DEADLINE and not net.bound_to_not_levelled(i) else ()
            for i, demand in enumerate(net.demands)]
        free_loads, _ = load_arrays(resources, free_demands, schedule.pieces)
        for r, load, free in zip(resources, loads, free_loads, strict=True):
            over = np.maximum(load - capacity_array(r, 0, horizon), 0)
            excess += int(over.sum())
            avoidable += int(np.minimum(over, free[: len(over)]).sum())
    return avoidable, excess, schedule.makespan, sum(schedule.start)


def ranks_before(net: Network, resources: Sequence[Resource], candidate: Schedule, than: Schedule) -> bool:
    """``candidate`` ranks before ``than``: by :attr:`Schedule.score`, or by
    :func:`overload_rank` when either over-allocates (a do-not-level task's forced placement
    says nothing of the free tasks it lands on)."""
    if not candidate.forced and not than.forced:
        return candidate.score < than.score
    return overload_rank(net, resources, candidate) < overload_rank(net, resources, than)


class Generator:
    """Runs SGS passes on one compiled network (forward, backward, justified)."""

    def __init__(self, net: Network, resources: Sequence[Resource]) -> None:
        self.net = net
        self.resources = resources
        self.limits = _limits(resources)
        lags = sum(abs(lag) for edges in net.succs for _, _, lag in edges)
        last_change = max(self.limits[2], default=0)
        self.search_cap = max(net.release, default=0) + sum(net.duration) + lags + last_change + 1
        self.horizon_hint = max(net.cpm_makespan * 2, 16)
        self.forward_direction = _Direction(
            net.duration,
            net.release,
            net.deadline,
            net.preds,
            net.succs,
            net.demands,
            net.splittable,
            _pinned(net.release, net.deadline, net.duration, net.demands),
            net.not_levelled,
        )
        self.can_justify = not any(net.splittable)

    def _levels_all(self, schedule: Schedule) -> bool:
        """Whether every forced placement of ``schedule`` is a do-not-level task's (those stay
        where their links put them whatever the order, so they do not stop a justification)."""
        return all(self.net.not_levelled[j] for j in schedule.forced)

    def forward(self, keys: Sequence[Key]) -> Schedule:
        pool = ResourcePool.forward(self.resources, self.horizon_hint)
        return _pass(self.forward_direction, pool, self.limits, keys, self.search_cap)

    def justify(self, schedule: Schedule) -> Schedule:
        """One backward then one forward justification; returns the input if no better."""
        if not self.can_justify or not self._levels_all(schedule):
            return schedule
        net = self.net
        horizon = schedule.makespan
        d = net.duration
        mirrored_preds: list[list[Edge]] = [[] for _ in range(net.size)]
        for i in range(net.size):
            for j, code, lag in net.succs[i]:
                mirrored_preds[i].append((j, SS, link_delta(code, lag, d[i], d[j]) + d[j] - d[i]))
        mirrored_succs = [[(i, SS, 0) for i, _, _ in net.preds[j]] for j in range(net.size)]
        release = [
            0 if net.deadline[i] >= NO_DEADLINE else max(0, horizon - d[i] - net.deadline[i])
            for i in range(net.size)
        ]
        deadline = [horizon - d[i] - net.release[i] for i in range(net.size)]
        backward_direction = _Direction(
            d, release, deadline, mirrored_preds, mirrored_succs, net.demands, net.splittable,
            self.forward_direction.pinned,  # mirrored, a pinned task stays pinned (it ends by the horizon)
            net.not_levelled,
        )
        pool = ResourcePool([reversed_capacity(r, horizon) for r in self.resources], horizon)
        keys = [(horizon - f, i) for i, f in enumerate(schedule.finish)]
        highest = self.limits[0]
        mirrored_limits = (highest, highest, [0] * len(highest))
        backward = _pass(backward_direction, pool, mirrored_limits, keys, self.search_cap)
        if not self._levels_all(backward):
            return schedule
        right_starts = [horizon - backward.start[i] - d[i] for i in range(net.size)]
        if min(right_starts, default=0) < 0:
            return schedule
        result = self.forward([(s, i) for i, s in enumerate(right_starts)])
        return result if ranks_before(net, self.resources, result, schedule) else schedule


def unsplit(net: Network, start: tuple[int, ...]) -> Schedule:
    """``start`` as a schedule of unsplit tasks: the exact mode's and the early schedule's form."""
    finish = tuple(s + d for s, d in zip(start, net.duration, strict=True))
    pieces = tuple(((s, f),) if f > s else () for s, f in zip(start, finish, strict=True))
    return Schedule(start, finish, pieces, ())
