"""Explain a levelled schedule from its dates alone: delays, their causes, over-allocations.

Working from the dates (not from the solver's trace) means the heuristic and CP-SAT get
the same explanations, and the explanation is checkable by anyone with the schedule.
"""

from __future__ import annotations

from collections.abc import Sequence

from altitude.engine.leveling.model import Resource
from altitude.engine.leveling.network import Network, link_bound
from altitude.engine.leveling.profiles import IntArray, capacity_array, load_arrays
from altitude.engine.leveling.result import OverAllocation, TaskDelay

Pieces = Sequence[Sequence[tuple[int, int]]]


def _active(users: Sequence[int], pieces: Pieces, period: int, exclude: int) -> tuple[int, ...]:
    return tuple(i for i in users if i != exclude and any(a <= period < b for a, b in pieces[i]))


def explain_delays(
    net: Network,
    resources: Sequence[Resource],
    start: Sequence[int],
    finish: Sequence[int],
    pieces: Pieces,
) -> tuple[TaskDelay, ...]:
    """For each task starting after its early start: the driving predecessor and/or the
    first resource (with the tasks holding it) that stopped it starting earlier."""
    loads, horizon = load_arrays(resources, net.demands, pieces)
    capacities = [capacity_array(r, 0, horizon) for r in resources]
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
            net, j, linked, start[j], loads, capacities, users, pieces
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
    loads: Sequence[IntArray],
    capacities: Sequence[IntArray],
    users: Sequence[Sequence[int]],
    pieces: Pieces,
) -> tuple[int | None, tuple[int, ...]]:
    """First period of the window starting at ``earliest`` where a resource was full."""
    if earliest >= actual:
        return None, ()
    own = {p for a, b in pieces[j] for p in range(a, b)}
    for period in range(earliest, earliest + max(net.duration[j], 1)):
        for k, units in net.demands[j]:
            if period >= len(loads[k]):
                continue
            others = int(loads[k][period]) - (units if period in own else 0)
            if others + units > int(capacities[k][period]):
                return k, _active(users[k], pieces, period, j)
    return None, ()


def overallocations(
    net: Network, resources: Sequence[Resource], pieces: Pieces
) -> tuple[OverAllocation, ...]:
    """Every maximal run of periods where a resource carries more than its capacity."""
    loads, horizon = load_arrays(resources, net.demands, pieces)
    users: list[list[int]] = [[] for _ in resources]
    for i in range(net.size):
        for k, _ in net.demands[i]:
            users[k].append(i)
    found = []
    for k, resource in enumerate(resources):
        load = loads[k]
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
