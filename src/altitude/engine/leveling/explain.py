"""Explain a levelled schedule from its dates alone: delays, their causes, over-allocations.

Working from the dates (not from the solver's trace) means the heuristic and CP-SAT get
the same explanations, and the explanation is checkable by anyone with the schedule.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from altitude.engine.leveling.model import Resource
from altitude.engine.leveling.network import NO_DEADLINE, Network, link_bound
from altitude.engine.leveling.profiles import IntArray, capacity_array, load_arrays
from altitude.engine.leveling.repair import book_move, dragged, free_pieces
from altitude.engine.leveling.result import OverAllocation, TaskDelay

Pieces = Sequence[Sequence[tuple[int, int]]]


class _Users:
    """Each resource's tasks in order of start, to find those working in a period without
    scanning them all (a program has thousands of tasks per pool; explaining its delays
    looked at every task of the resource for every delayed task)."""

    def __init__(self, net: Network, count: int, pieces: Pieces) -> None:
        self.rows: list[list[tuple[int, int, int]]] = [[] for _ in range(count)]  # (start, task, units)
        for i in range(net.size):
            if pieces[i]:
                for k, units in net.demands[i]:
                    self.rows[k].append((pieces[i][0][0], i, units))
        for row in self.rows:
            row.sort()
        self.starts = [[start for start, _, _ in row] for row in self.rows]

    def active(self, k: int, pieces: Pieces, period: int, exclude: int, load: int) -> tuple[int, ...]:
        """Tasks using resource ``k`` in ``period`` (other than ``exclude``), in index order.

        ``load``, the resource's load in that period, is what the tasks working then hold
        together: the search goes back from the latest start and stops once it is found.
        """
        row, found, held = self.rows[k], [], 0
        for n in range(bisect_right(self.starts[k], period) - 1, -1, -1):
            if held >= load:
                break
            _, i, units = row[n]
            spans = pieces[i]
            if period < spans[-1][1] and (len(spans) == 1 or any(a <= period < b for a, b in spans)):
                held += units
                if i != exclude:
                    found.append(i)
        return tuple(sorted(found))

    def changes(self, k: int, pieces: Pieces, horizon: int) -> npt.NDArray[np.bool_]:
        """The periods where a task starts or stops working on resource ``k``: a run of equal
        load can still change hands there (one task ending as another of the same units
        starts), and a run's tasks are those working at its first period."""
        marks = np.zeros(horizon + 1, dtype=np.bool_)
        for _, i, _ in self.rows[k]:
            for a, b in pieces[i]:
                marks[min(a, horizon)] = marks[min(b, horizon)] = True
        return marks


def explain_delays(
    net: Network,
    resources: Sequence[Resource],
    start: Sequence[int],
    finish: Sequence[int],
    pieces: Pieces,
    loads: tuple[list[IntArray], int] | None = None,
) -> tuple[TaskDelay, ...]:
    """For each task starting after its early start: the driving predecessor and/or the
    first resource (with the tasks holding it) that stopped it starting earlier."""
    loads_by_resource, horizon = loads or load_arrays(resources, net.demands, pieces)
    capacities = [capacity_array(r, 0, horizon) for r in resources]
    users = _Users(net, len(resources), pieces)
    delays = []
    for j in range(net.size):
        delay = start[j] - net.early_start[j]
        if delay <= 0:
            continue
        linked = net.release[j]
        predecessor: int | None = None
        for i, code, lag in net.preds[j]:
            bound = link_bound(code, lag, start[i], finish[i], net.duration[j])
            if bound > linked:
                linked, predecessor = bound, i
        if predecessor is not None and linked <= net.early_start[j]:
            predecessor = None
        arrays = (loads_by_resource, capacities)
        resource, competitors = _blocking(net, j, linked, start[j], arrays, users, pieces)
        successor = None
        if resource is None and linked < start[j]:
            found = _held_back(net, resources, j, linked, start, loads_by_resource, pieces)
            if found is not None:
                successor, resource, competitors = found
        delays.append(
            TaskDelay(
                task=net.ids[j],
                delay=delay,
                predecessor=None if predecessor is None else net.ids[predecessor],
                resource=None if resource is None else resources[resource].id,
                competing_tasks=tuple(net.ids[i] for i in competitors),
                successor=None if successor is None else net.ids[successor],
            )
        )
    return tuple(delays)


def _held_back(
    net: Network,
    resources: Sequence[Resource],
    j: int,
    earliest: int,
    start: Sequence[int],
    loads: Sequence[IntArray],
    pieces: Pieces,
) -> tuple[int, int, tuple[int, ...]] | None:
    """Why ``j`` does not start at ``earliest`` when no resource of its own and no predecessor
    says so: the do-not-level tasks it holds where they are (:func:`.repair.dragged`) would
    move with it and over-allocate a resource. The first such task working then (or the
    first one moved), the resource, and the other tasks on it then."""
    moves = dragged(net, j, earliest, start)
    if len(moves) == 1:
        return None
    touched = {k for i in moves for k, _ in net.demands[i]}
    trial = [loads[k].copy() if k in touched else loads[k] for k in range(len(loads))]
    for i, at in moves.items():
        book_move(net, trial, i, at, start)
    held = [i for i in moves if i != j]
    for t, i in sorted((at, i) for i, at in moves.items()):
        d = net.duration[i]
        for k, _ in net.demands[i]:
            window = trial[k][t : t + d] > capacity_array(resources[k], t, t + d)
            if d and bool(window.any()):
                period = t + int(window.argmax())
                working = [m for m in held if net.demands[m] and any(r == k for r, _ in net.demands[m])
                           and moves[m] <= period < moves[m] + net.duration[m]]
                others = tuple(m for m in range(net.size) if m not in moves and any(r == k for r, _ in net.demands[m])
                               and any(a <= period < b for a, b in pieces[m]))
                return (working or held)[0], k, others
    return None


def _blocking(
    net: Network,
    j: int,
    earliest: int,
    actual: int,
    arrays: tuple[Sequence[IntArray], Sequence[IntArray]],
    users: _Users,
    pieces: Pieces,
) -> tuple[int | None, tuple[int, ...]]:
    """First period of the window starting at ``earliest`` where a resource was full."""
    if earliest >= actual:
        return None, ()
    if net.duration[j] <= 32 and len(pieces[j]) <= 1:
        return _blocking_short(net, j, earliest, *arrays, users, pieces)
    loads, capacities = arrays
    window = np.arange(earliest, earliest + max(net.duration[j], 1))
    own = np.zeros(len(window), dtype=bool)
    for a, b in pieces[j]:
        own |= (window >= a) & (window < b)
    best: tuple[int, int] | None = None
    for k, units in net.demands[j]:
        inside = window < len(loads[k])
        periods = window[inside]
        others = loads[k][periods] - np.where(own[inside], units, 0)
        full = np.flatnonzero(others + units > capacities[k][periods])
        if len(full) and (best is None or periods[full[0]] < best[1]):
            best = (k, int(periods[full[0]]))
    if best is None:
        return None, ()
    k, period = best
    return k, users.active(k, pieces, period, j, loads[k].item(period))


def _blocking_short(
    net: Network,
    j: int,
    earliest: int,
    loads: Sequence[IntArray],
    capacities: Sequence[IntArray],
    users: _Users,
    pieces: Pieces,
) -> tuple[int | None, tuple[int, ...]]:
    """Same as :func:`_blocking` for a short unsplit task, a period at a time: cheaper than
    numpy on a window of a few periods. Reads single values (``item``) rather than
    converting every resource's arrays to lists, which over a long horizon (a 10,000-task
    plan of 18,000 periods, 500 resources) cost more than the rest of the explanation."""
    a, b = pieces[j][0] if pieces[j] else (0, 0)
    for period in range(earliest, earliest + max(net.duration[j], 1)):
        for k, units in net.demands[j]:
            load = loads[k]
            if period >= len(load):
                continue
            held = load.item(period)
            others = held - (units if a <= period < b else 0)
            if others + units > capacities[k].item(period):
                return k, users.active(k, pieces, period, j, held)
    return None, ()


def _stuck(net: Network, resources: Sequence[Resource], j: int, start: Sequence[int], finish: Sequence[int],
           pieces: Pieces, loads: Sequence[IntArray]) -> bool:
    """Whether task ``j`` has a latest start (or a do-not-level task waits for it:
    :meth:`.Network.bound_to_not_levelled`) and no start in its window lets it run without
    over-allocating, every other task staying where it is (:func:`.repair.free_pieces`: in
    one piece, or in pieces for a splittable task).

    Such a task cannot leave an over-allocation by moving; a task without a latest start
    always could (later), unless it needs more than the capacity. A do-not-level task never
    moves out of one (levelling does not move it)."""
    if not net.demands[j] or net.duration[j] == 0:
        return False
    if net.not_levelled[j]:
        return True
    if net.deadline[j] >= NO_DEADLINE and not net.bound_to_not_levelled(j):
        return False
    return free_pieces(net, resources, j, start, finish, pieces, loads) is None


def overallocations(
    net: Network,
    resources: Sequence[Resource],
    pieces: Pieces,
    loads: tuple[list[IntArray], int] | None = None,
    dates: tuple[Sequence[int], Sequence[int]] | None = None,
) -> tuple[OverAllocation, ...]:
    """Every run of periods where a resource carries more than its capacity, split wherever
    the load, the capacity or the tasks working change, with its tasks and those of them that
    cannot move out of it by themselves (:func:`_stuck`; with ``dates``, the tasks' starts
    and finishes)."""
    loads_by_resource, horizon = loads or load_arrays(resources, net.demands, pieces)
    users = _Users(net, len(resources), pieces)
    stuck: dict[int, bool] = {}

    def held(i: int) -> bool:
        if dates is None:
            return False
        if i not in stuck:
            stuck[i] = _stuck(net, resources, i, dates[0], dates[1], pieces, loads_by_resource)
        return stuck[i]

    found = []
    for k, resource in enumerate(resources):
        load = loads_by_resource[k]
        capacity = capacity_array(resource, 0, horizon)
        over = load > capacity
        if not over.any():
            continue
        changes = users.changes(k, pieces, horizon)
        t = int(over.argmax())
        while t < horizon:
            if not over[t]:
                t += 1
                continue
            end = t + 1
            while (
                end < horizon
                and over[end]
                and not changes[end]
                and load[end] == load[t]
                and capacity[end] == capacity[t]
            ):
                end += 1
            active = users.active(k, pieces, t, -1, int(load[t]))
            found.append(
                OverAllocation(
                    resource=resource.id,
                    start=t,
                    end=end,
                    load=int(load[t]),
                    capacity=int(capacity[t]),
                    tasks=tuple(net.ids[i] for i in active),
                    held=tuple(net.ids[i] for i in active if held(i)),
                )
            )
            t = end
    return tuple(found)
