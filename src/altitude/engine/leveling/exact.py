"""Exact/anytime levelling with OR-Tools CP-SAT: interval variables and cumulative constraints.

The textbook model (one interval per task, one cumulative per resource, precedence as
linear constraints, minimise the makespan) misses the optimum on some PSPLIB j30 instances
at 1 s. What makes the difference here:

- the heuristic's best schedule as a complete hint and its makespan as the horizon, so the
  solver starts from a good solution and every start domain is cut to
  ``[early start, horizon - tail]`` (tail = longest path from the task's start to the end);
- the makespan's lower bound raised to max(critical path, energy bound of each resource)
  before solving, so proofs start from a tight bound;
- redundant disjunctive constraints: on each resource, tasks that each need more than half
  its capacity can never overlap, which a ``NoOverlap`` propagates much more strongly than
  the cumulative does; and across resources and links, cliques of tasks pairwise kept apart
  by a resource or a chain of links (:func:`disjunctive_cliques`);
- a start-to-start precedence for every link (also implied ones through lags);
- capacity that varies by period is modelled as fixed "blocked" intervals in the cumulative;
- a do-not-level task starts exactly at the latest of its release and its links' bounds
  (levelling may delay its predecessors, never the task itself).

Split tasks are scheduled unsplit here (an unsplit schedule is a valid split one).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from altitude.engine.leveling.model import Resource
from altitude.engine.leveling.network import NO_DEADLINE, Network, link_delta
from altitude.engine.leveling.profiles import capacity_array
from altitude.engine.leveling.sgs import Schedule

CROSS_RESOURCE_CLIQUES = True
"""Add a ``NoOverlap`` per clique of :func:`disjunctive_cliques`. Measured on 2026-12-06,
quiet machine, PSPLIB j30 at 0.9 s: 480/480 optimal in five runs out of five and 469
proven (without: 480, 480, 479, 465 proven); j3029_9, missed once in twenty seeds without,
is proven in 0.37 s; j60 (all 480 at 5 s) unchanged at 10.62 %, j120 every 10th 29.72 ->
29.70 %."""

CLIQUE_TASKS_MAX = 200
"""Above this many tasks the all-pairs distances cost more (quadratic memory, ~n x links
time) than the constraint saves; PSPLIB j120 has 122."""


def disjunctive_cliques(net: Network, resources: Sequence[Resource]) -> list[tuple[int, ...]]:
    """Sets of tasks no two of which can ever run at the same time.

    Two tasks are disjunctive when together they need more of some resource than it ever has,
    or when a chain of links forces one to start after the other finishes. A ``NoOverlap`` over
    a clique that mixes both reasons (or several resources) is a redundant constraint the
    per-resource cumulatives cannot see.
    """
    n = net.size
    d = net.duration
    active = [i for i in range(n) if d[i] > 0]
    if not 3 <= len(active) <= CLIQUE_TASKS_MAX:
        return []
    # longest start-to-start distance along links, from every task (topological DP)
    minus_inf = -(1 << 60)
    dist = [[minus_inf] * n for _ in range(n)]
    position = {v: p for p, v in enumerate(net.topo)}
    for i in active:
        row = dist[i]
        row[i] = 0
        for v in net.topo[position[i] :]:
            if row[v] == minus_inf:
                continue
            for j, code, lag in net.succs[v]:
                candidate = row[v] + link_delta(code, lag, d[v], d[j])
                if candidate > row[j]:
                    row[j] = candidate
    capacity = [r.max_capacity for r in resources]
    demand = [dict(net.demands[i]) for i in range(n)]
    apart: dict[int, set[int]] = {i: set() for i in active}
    conflict: set[tuple[int, int]] = set()
    for a, i in enumerate(active):
        for j in active[a + 1 :]:
            if dist[i][j] >= d[i] or dist[j][i] >= d[j]:
                apart[i].add(j)
                apart[j].add(i)
                continue
            if any(
                units + demand[j].get(k, 0) > capacity[k] for k, units in demand[i].items()
            ):
                apart[i].add(j)
                apart[j].add(i)
                conflict.add((i, j))
    order = sorted(active, key=lambda i: (-len(apart[i]), -d[i]))
    seen: set[frozenset[int]] = set()
    cliques: list[tuple[int, ...]] = []
    for v in order:
        clique = [v]
        candidates = sorted(apart[v], key=lambda i: (-d[i], -len(apart[i])))
        for u in candidates:
            if all(u in apart[w] for w in clique):
                clique.append(u)
        key = frozenset(clique)
        if len(clique) < 3 or key in seen:
            continue
        seen.add(key)
        if any((x, y) in conflict for x in clique for y in clique):
            cliques.append(tuple(sorted(clique)))
    return cliques


class ExactOutcome(enum.Enum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ExactResult:
    outcome: ExactOutcome
    start: tuple[int, ...] | None
    bound: int


def solve_exact(
    net: Network,
    resources: Sequence[Resource],
    *,
    hint: Schedule | None,
    horizon: int,
    lower_bound: int,
    time_limit: float,
    seed: int,
    workers: int,
    solver: cp_model.CpSolver | None = None,
) -> ExactResult:
    """Minimise the makespan within ``horizon``.

    To improve on a capacity-feasible unsplit schedule of makespan M, pass ``horizon = M - 1``:
    INFEASIBLE then proves M optimal (and every start domain is one period tighter).
    Otherwise pass a safe upper bound on any schedule. Pass ``solver`` to be able to stop
    the search from another thread (``solver.stop_search()``).
    """
    n = net.size
    d = net.duration
    model = cp_model.CpModel()
    starts = []
    intervals = []
    for i in range(n):
        hi = min(
            horizon - net.tail[i], net.deadline[i] if net.deadline[i] < NO_DEADLINE else horizon
        )
        lo = net.early_start[i]
        if hi < lo:
            return ExactResult(ExactOutcome.INFEASIBLE, None, lower_bound)
        start = model.new_int_var(lo, hi, f"s{i}")
        starts.append(start)
        intervals.append(model.new_fixed_size_interval_var(start, d[i], f"x{i}"))
        if hint is not None:
            model.add_hint(start, min(max(hint.start[i], lo), hi))
    for i in range(n):
        for j, code, lag in net.succs[i]:
            model.add(starts[j] >= starts[i] + link_delta(code, lag, d[i], d[j]))
    for j in range(n):
        if net.not_levelled[j]:
            bounds = [starts[i] + link_delta(code, lag, d[i], d[j]) for i, code, lag in net.preds[j]]
            model.add_max_equality(starts[j], [net.release[j], *bounds])
    if lower_bound > horizon:
        return ExactResult(ExactOutcome.INFEASIBLE, None, lower_bound)
    makespan = model.new_int_var(max(lower_bound, 0), horizon, "makespan")
    for i in range(n):
        if not net.succs[i] or d[i] > 0:
            model.add(makespan >= starts[i] + d[i])
    if hint is not None:
        model.add_hint(makespan, horizon)
    _add_resources(model, net, resources, intervals, horizon)
    if CROSS_RESOURCE_CLIQUES:
        for clique in disjunctive_cliques(net, resources):
            model.add_no_overlap([intervals[i] for i in clique])
    model.minimize(makespan)

    solver = solver or cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # Measured on the hardest PSPLIB j30 instances: without the LP relaxation the search
    # propagates faster and finds the optimum on about twice as many of them within 1 s.
    solver.parameters.linearization_level = 0
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return ExactResult(ExactOutcome.INFEASIBLE, None, lower_bound)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactResult(ExactOutcome.UNKNOWN, None, lower_bound)
    values = tuple(int(solver.value(s)) for s in starts)
    bound = max(lower_bound, round(solver.best_objective_bound))
    proven = status == cp_model.OPTIMAL or int(solver.objective_value) <= bound
    outcome = ExactOutcome.OPTIMAL if proven else ExactOutcome.FEASIBLE
    return ExactResult(outcome, values, bound)


def _add_resources(
    model: cp_model.CpModel,
    net: Network,
    resources: Sequence[Resource],
    intervals: Sequence[cp_model.IntervalVar],
    horizon: int,
) -> None:
    users: list[list[tuple[int, int]]] = [[] for _ in resources]
    for i in range(net.size):
        if net.duration[i] > 0:
            for k, units in net.demands[i]:
                users[k].append((i, units))
    for k, resource in enumerate(resources):
        if not users[k]:
            continue
        capacity = resource.max_capacity
        task_intervals = [intervals[i] for i, _ in users[k]]
        task_units = [units for _, units in users[k]]
        blocked_intervals, blocked_units = _blocked(model, resource, capacity, horizon)
        if sum(task_units) > capacity or blocked_intervals:
            model.add_cumulative(
                task_intervals + blocked_intervals, task_units + blocked_units, capacity
            )
        if not resource.changes:
            heavy = [intervals[i] for i, units in users[k] if 2 * units > capacity]
            if len(heavy) > 1:
                model.add_no_overlap(heavy)


def _blocked(
    model: cp_model.CpModel, resource: Resource, capacity: int, horizon: int
) -> tuple[list[cp_model.IntervalVar], list[int]]:
    """Fixed intervals that use up the capacity a resource does not have in some periods."""
    if not resource.changes:
        return [], []
    values = capacity_array(resource, 0, horizon + 1)
    intervals, units = [], []
    begin = 0
    for t in range(1, len(values) + 1):
        if t == len(values) or values[t] != values[begin]:
            missing = capacity - int(values[begin])
            if missing > 0:
                intervals.append(model.new_fixed_size_interval_var(begin, t - begin, f"b{begin}"))
                units.append(missing)
            begin = t
    return intervals, units
