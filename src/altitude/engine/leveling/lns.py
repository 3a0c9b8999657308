"""Time-window large neighbourhood search with CP-SAT, beside the genetic algorithm.

On large instances (about a hundred tasks and more) CP-SAT on the whole model with one
worker rarely improves the GA's schedule within seconds, but it solves a slice of it
quickly. Each step takes the best schedule (of this search and of the GA islands, through
:class:`~altitude.engine.leveling.ga.Incumbent`), picks a time window ``[t0, t0 + w)`` and
re-solves only the tasks running in it:

- tasks that finish by ``t0`` keep their starts;
- tasks that start at ``t0 + w`` or later move together, as one block shifted by the same
  number of periods (never later), so their order and mutual fit are kept;
- the tasks in between are free within their precedence and resource constraints.

The current schedule is a feasible hint (shift 0), so every step returns a schedule no
longer than the one it started from; a shorter one is offered to the islands, which
restart around it when they converge. Only for the classical case (see
:func:`ga.applicable`): constant capacities, unsplit tasks, no deadlines.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence

import numpy as np
from ortools.sat.python import cp_model

from altitude.engine.leveling import ga
from altitude.engine.leveling.kernel import IntArray
from altitude.engine.leveling.model import Resource
from altitude.engine.leveling.network import Network, link_delta

STEP_SECONDS = 0.25
"""CP-SAT's time limit for one window."""

FIRST_SHARE, MIN_SHARE, MAX_SHARE = 0.25, 0.05, 0.6
"""Window width as a share of the current makespan: widened by a tenth after a window
solved to optimality, narrowed by a fifth after one that ran out of time."""


def improve_windows(
    net: Network,
    resources: Sequence[Resource],
    *,
    shared: ga.Incumbent,
    time_limit: float,
    seed: int,
    lower_bound: int,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Re-solve time windows of the shared best schedule until ``time_limit`` ends, the
    bound is met or ``should_stop``; returns the number of windows solved."""
    deadline = time.perf_counter() + time_limit
    rng = random.Random(seed)
    steps = 0
    share = FIRST_SHARE
    duration = np.array(net.duration, dtype=np.int64)
    while not should_stop():
        length, start = shared.best()
        remaining = deadline - time.perf_counter()
        if start is None or length <= lower_bound or remaining < 0.02:
            break
        width = max(1, int(length * share))
        t0 = rng.randrange(0, max(1, length - width + 1))
        improved, solved = _solve_window(
            net, resources, start, length, t0, t0 + width, min(STEP_SECONDS, remaining), seed
        )
        steps += 1
        share = min(MAX_SHARE, share * 1.1) if solved else max(MIN_SHARE, share * 0.8)
        if improved is not None:
            shared.offer(int((improved + duration).max()), improved)
    return steps


def _solve_window(
    net: Network,
    resources: Sequence[Resource],
    start: IntArray,
    length: int,
    t0: int,
    t1: int,
    time_limit: float,
    seed: int,
) -> tuple[IntArray | None, bool]:
    """The tasks of ``start`` running in ``[t0, t1)`` re-solved: a shorter schedule or None,
    and whether CP-SAT finished (proved the window's best)."""
    n = net.size
    d = net.duration
    s = [int(v) for v in start]
    model = cp_model.CpModel()
    shift = model.new_int_var(-length, 0, "shift")
    starts: list[cp_model.LinearExprT] = []
    intervals: list[cp_model.IntervalVar] = []
    free_tasks = 0
    for i in range(n):
        if s[i] + d[i] <= t0:
            starts.append(s[i])
            intervals.append(model.new_fixed_size_interval_var(s[i], d[i], f"x{i}"))
        elif s[i] >= t1:
            var = model.new_int_var(max(net.early_start[i], 0), s[i], f"s{i}")
            model.add(var == s[i] + shift)
            model.add_hint(var, s[i])
            starts.append(var)
            intervals.append(model.new_fixed_size_interval_var(var, d[i], f"x{i}"))
        else:
            hi = max(net.early_start[i], length - net.tail[i])
            var = model.new_int_var(net.early_start[i], hi, f"s{i}")
            model.add_hint(var, s[i])
            starts.append(var)
            intervals.append(model.new_fixed_size_interval_var(var, d[i], f"x{i}"))
            free_tasks += 1
    if free_tasks == 0:
        return None, True
    model.add_hint(shift, 0)
    for i in range(n):
        for j, code, lag in net.succs[i]:
            if isinstance(starts[i], int) and isinstance(starts[j], int):
                continue
            model.add(starts[j] >= starts[i] + link_delta(code, lag, d[i], d[j]))
    makespan = model.new_int_var(0, length, "makespan")
    for i in range(n):
        if not net.succs[i] or d[i] > 0:
            model.add(makespan >= starts[i] + d[i])
    model.add_hint(makespan, length)
    users: list[list[tuple[int, int]]] = [[] for _ in resources]
    for i in range(n):
        if d[i] > 0:
            for k, units in net.demands[i]:
                users[k].append((i, units))
    for k, resource in enumerate(resources):
        if users[k] and sum(u for _, u in users[k]) > resource.capacity:
            model.add_cumulative(
                [intervals[i] for i, _ in users[k]], [u for _, u in users[k]], resource.capacity
            )
    model.minimize(makespan)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = 0
    status = solver.solve(model)
    solved = status == cp_model.OPTIMAL
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or solver.objective_value >= length:
        return None, solved
    return np.array([int(solver.value(v)) for v in starts], dtype=np.int64), solved
