"""Explain a levelled schedule from its dates alone: delays, their causes, over-allocations.

Working from the dates (not from the solver's trace) means the heuristic and CP-SAT get
the same explanations, and the explanation is checkable by anyone with the schedule.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from altitude.engine.leveling.model import Resource
from altitude.engine.leveling.network import Network, link_bound
from altitude.engine.leveling.profiles import IntArray, capacity_array, load_arrays
from altitude.engine.leveling.result import OverAllocation, TaskDelay

Pieces = Sequence[Sequence[tuple[int, int]]]


def _active(users: Sequence[int], pieces: Pieces, period: int, exclude: int) -> tuple[int, ...]:
    """Tasks among ``users`` working in ``period`` (other than ``exclude``)."""
    active = []
    for i in users:
        spans = pieces[i]
        if i == exclude or not spans or period < spans[0][0] or period >= spans[-1][1]:
            continue
        if len(spans) == 1 or any(a <= period < b for a, b in spans):
            active.append(i)
    return tuple(active)


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
    load_lists = [load.tolist() for load in loads_by_resource]
    capacity_lists = [capacity.tolist() for capacity in capacities]
    users: list[list[int]] = [[] for _ in resources]
    for i in range(net.size):
        for k, _ in net.demands[i]:
            users[k].append(i)
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
        resource, competitors = _blocking(
            net,
            j,
            linked,
            start[j],
            (loads_by_resource, capacities),
            (load_lists, capacity_lists),
            users,
            pieces,
        )
        delays.append(
            TaskDelay(
                task=net.ids[j],
                delay=delay,
                predecessor=None if predecessor is None else net.ids[predecessor],
                resource=None if resource is None else resources[resource].id,
                competing_tasks=tuple(net.ids[i] for i in competitors),
            )
        )
    return tuple(delays)


def _blocking(
    net: Network,
    j: int,
    earliest: int,
    actual: int,
    arrays: tuple[Sequence[IntArray], Sequence[IntArray]],
    lists: tuple[Sequence[list[int]], Sequence[list[int]]],
    users: Sequence[Sequence[int]],
    pieces: Pieces,
) -> tuple[int | None, tuple[int, ...]]:
    """First period of the window starting at ``earliest`` where a resource was full."""
    if earliest >= actual:
        return None, ()
    if net.duration[j] <= 32 and len(pieces[j]) <= 1:
        return _blocking_short(net, j, earliest, *lists, users, pieces)
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
    return best[0], _active(users[best[0]], pieces, best[1], j)


def _blocking_short(
    net: Network,
    j: int,
    earliest: int,
    loads: Sequence[list[int]],
    capacities: Sequence[list[int]],
    users: Sequence[Sequence[int]],
    pieces: Pieces,
) -> tuple[int | None, tuple[int, ...]]:
    """Same as :func:`_blocking` for a short unsplit task, with plain integers (faster)."""
    a, b = pieces[j][0] if pieces[j] else (0, 0)
    for period in range(earliest, earliest + max(net.duration[j], 1)):
        for k, units in net.demands[j]:
            load = loads[k]
            if period >= len(load):
                continue
            others = load[period] - (units if a <= period < b else 0)
            if others + units > capacities[k][period]:
                return k, _active(users[k], pieces, period, j)
    return None, ()


def overallocations(
    net: Network,
    resources: Sequence[Resource],
    pieces: Pieces,
    loads: tuple[list[IntArray], int] | None = None,
) -> tuple[OverAllocation, ...]:
    """Every maximal run of periods where a resource carries more than its capacity."""
    loads_by_resource, horizon = loads or load_arrays(resources, net.demands, pieces)
    users: list[list[int]] = [[] for _ in resources]
    for i in range(net.size):
        for k, _ in net.demands[i]:
            users[k].append(i)
    found = []
    for k, resource in enumerate(resources):
        load = loads_by_resource[k]
        capacity = capacity_array(resource, 0, horizon)
        over = load > capacity
        if not over.any():
            continue
        t = int(over.argmax())
        while t < horizon:
            if not over[t]:
                t += 1
                continue
            end = t
            while (
                end < horizon
                and over[end]
                and load[end] == load[t]
                and capacity[end] == capacity[t]
            ):
                end += 1
            found.append(
                OverAllocation(
                    resource=resource.id,
                    start=t,
                    end=end,
                    load=int(load[t]),
                    capacity=int(capacity[t]),
                    tasks=tuple(net.ids[i] for i in _active(users[k], pieces, t, -1)),
                )
            )
            t = end
    return tuple(found)
