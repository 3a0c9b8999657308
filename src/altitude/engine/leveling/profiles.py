"""Capacity and load as arrays over time, and the over-allocations they reveal.

The schedule generation scheme keeps, per resource, an array of *remaining* units per
period, grown on demand so that a 10,000-task program does not allocate its whole horizon
up front. Load profiles and over-allocations are computed from the dates alone, so they
describe any schedule, whichever solver produced it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from altitude.engine.leveling.model import CapacityChange, Resource

if TYPE_CHECKING:
    from altitude.engine.leveling.network import Network

IntArray = npt.NDArray[np.int64]


def capacity_array(resource: Resource, start: int, end: int) -> IntArray:
    """Capacity of ``resource`` in each period of ``[start, end)``."""
    values = np.full(max(end - start, 0), resource.capacity, dtype=np.int64)
    for k, change in enumerate(resource.changes):
        until = resource.changes[k + 1].start if k + 1 < len(resource.changes) else end
        lo, hi = max(change.start, start), min(until, end)
        if lo < hi:
            values[lo - start : hi - start] = change.capacity
    return values


def reversed_capacity(resource: Resource, horizon: int) -> Callable[[int, int], IntArray]:
    """Capacity seen by a backward pass: period ``t`` is forward period ``horizon - 1 - t``."""

    def window(start: int, end: int) -> IntArray:
        inside = max(min(end, horizon) - start, 0)
        head = capacity_array(resource, horizon - start - inside, horizon - start)[::-1]
        tail = np.full(end - start - inside, resource.capacity, dtype=np.int64)
        return np.concatenate([head, tail])

    return window


class ResourcePool:
    """Remaining units per resource and period, grown on demand."""

    def __init__(self, builders: Sequence[Callable[[int, int], IntArray]], horizon: int) -> None:
        self._builders = builders
        self.free: list[IntArray] = [build(0, max(horizon, 1)) for build in builders]

    @classmethod
    def forward(cls, resources: Sequence[Resource], horizon: int) -> ResourcePool:
        return cls([_forward_builder(r) for r in resources], horizon)

    def ensure(self, k: int, end: int) -> IntArray:
        """The free array of resource ``k``, long enough to index ``[0, end)``."""
        free = self.free[k]
        if end > len(free):
            new_length = max(end, 2 * len(free))
            free = np.concatenate([free, self._builders[k](len(free), new_length)])
            self.free[k] = free
        return free


def _forward_builder(resource: Resource) -> Callable[[int, int], IntArray]:
    return lambda start, end: capacity_array(resource, start, end)


@dataclass(frozen=True, slots=True)
class LoadSegment:
    """Over ``[start, end)`` the resource carries ``load`` units against ``capacity``."""

    start: int
    end: int
    load: int
    capacity: int


@dataclass(frozen=True, slots=True)
class LoadProfile:
    """A resource's load over time as maximal constant segments (zero load omitted)."""

    resource: str
    segments: tuple[LoadSegment, ...]

    @property
    def peak(self) -> int:
        return max((s.load for s in self.segments), default=0)


def load_arrays(
    resources: Sequence[Resource],
    demands: Sequence[Sequence[tuple[int, int]]],
    pieces: Sequence[Sequence[tuple[int, int]]],
) -> tuple[list[IntArray], int]:
    """Per-resource load per period, from each task's working pieces ``(start, end)``."""
    horizon = max((end for p in pieces for _, end in p), default=0)
    diffs = [np.zeros(horizon + 1, dtype=np.int64) for _ in resources]
    for task_demands, task_pieces in zip(demands, pieces, strict=True):
        for k, units in task_demands:
            diff = diffs[k]
            for start, end in task_pieces:
                diff[start] += units
                diff[end] -= units
    return [np.cumsum(d[:-1]) for d in diffs], horizon


def load_profiles(
    resources: Sequence[Resource],
    demands: Sequence[Sequence[tuple[int, int]]],
    pieces: Sequence[Sequence[tuple[int, int]]],
    precomputed: tuple[list[IntArray], int] | None = None,
) -> tuple[LoadProfile, ...]:
    """Load profiles of every resource, segmented where load or capacity changes."""
    loads, horizon = precomputed or load_arrays(resources, demands, pieces)
    profiles = []
    for resource, load in zip(resources, loads, strict=True):
        capacity = capacity_array(resource, 0, horizon)
        profiles.append(LoadProfile(resource.id, _segments(load, capacity)))
    return tuple(profiles)


def _segments(load: IntArray, capacity: IntArray) -> tuple[LoadSegment, ...]:
    if len(load) == 0:
        return ()
    change = np.flatnonzero((np.diff(load) != 0) | (np.diff(capacity) != 0)) + 1
    bounds = [0, *change.tolist(), len(load)]
    starts = np.asarray(bounds[:-1], dtype=np.int64)
    loads, capacities = load[starts].tolist(), capacity[starts].tolist()
    return tuple(
        LoadSegment(lo, hi, level, cap)
        for (lo, hi), level, cap in zip(itertools.pairwise(bounds), loads, capacities, strict=True)
        if level != 0
    )


def relaxed_to(
    resources: Sequence[Resource],
    demands: Sequence[Sequence[tuple[int, int]]],
    pieces: Sequence[Sequence[tuple[int, int]]],
) -> tuple[Resource, ...]:
    """``resources`` with capacity raised, period by period, to the load of a schedule that
    over-allocates them.

    When some over-allocation cannot be removed (two started tasks of one person overlap), no
    schedule is resource-feasible and CP-SAT can only answer "infeasible", leaving the rest of
    the plan as the heuristic left it. On the relaxed capacities the schedule is feasible, so
    the exact mode can shorten the rest while never over-allocating more than it does.
    """
    loads, horizon = load_arrays(resources, demands, pieces)
    out: list[Resource] = []
    for resource, load in zip(resources, loads, strict=True):
        capacity = capacity_array(resource, 0, horizon)
        if horizon == 0 or bool((load <= capacity).all()):
            out.append(resource)
            continue
        values = np.maximum(capacity, load)
        steps = [
            CapacityChange(int(t), int(values[t])) for t in np.flatnonzero(np.diff(values)) + 1
        ]
        after = resource.capacity_at(horizon)
        if after != int(values[-1]):
            steps.append(CapacityChange(horizon, after))
        steps.extend(c for c in resource.changes if c.start > horizon)
        out.append(replace(resource, capacity=int(values[0]), changes=tuple(steps)))
    return tuple(out)


def energy_bound(net: Network, resources: Sequence[Resource]) -> int:
    """Work on a resource divided by its capacity bounds the makespan (constant capacity).

    Do-not-level tasks' work is left out: they may over-allocate, so theirs may not fit."""
    work = [0] * len(resources)
    for i in range(net.size):
        if net.not_levelled[i]:
            continue
        for k, units in net.demands[i]:
            work[k] += units * net.duration[i]
    bound = 0
    for k, resource in enumerate(resources):
        if resource.changes or resource.capacity <= 0 or work[k] == 0:
            continue
        bound = max(bound, -(-work[k] // resource.capacity))
    return bound
