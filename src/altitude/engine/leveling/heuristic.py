"""Anytime heuristic: priority rules, then sampled activity lists, each justified.

Order of work within the time budget: one pass per priority rule (the requested rule
first), each improved by forward-backward justification until it stops improving; then,
while time remains, passes whose priorities are the best schedule's start times plus a
little seeded noise (a neighbourhood search over activity lists), also justified. The
search stops early when the best makespan meets the lower bound, which proves it optimal.

When tasks or projects carry different priorities, the user's priorities decide who gets a
resource first: only the requested rule runs, as a tie-break inside a priority class, and
no sampling or justification reorders tasks across classes.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import replace

from altitude.engine.leveling.model import PriorityRule, Resource
from altitude.engine.leveling.network import Network
from altitude.engine.leveling.profiles import relaxed_to
from altitude.engine.leveling.sgs import Generator, Key, Schedule

RELAX_AFTER = 0.5
"""Share of the budget spent looking for a schedule without over-allocation when the first
pass could not avoid one, before searching around it."""


def rule_values(net: Network, rule: PriorityRule) -> list[float]:
    """Value of ``rule`` for every task (smaller is scheduled first).

    The latest start is the earlier of the CPM one and the task's own (a no-later-than date,
    "within float", a pinned successor's): a task that must start soon is placed before one
    that can wait, instead of being squeezed into an over-allocation after it."""
    es, d = net.early_start, net.duration
    ls = [min(late, due) for late, due in zip(net.late_start, net.deadline, strict=True)]
    if rule is PriorityRule.LATEST_START:
        return [float(v) for v in ls]
    if rule is PriorityRule.LATEST_FINISH:
        return [float(ls[i] + d[i]) for i in range(net.size)]
    if rule is PriorityRule.MIN_SLACK:
        return [float(ls[i] - es[i]) for i in range(net.size)]
    if rule is PriorityRule.MOST_SUCCESSORS:
        return [-float(len(s)) for s in net.succs]
    if rule is PriorityRule.GREATEST_RANK_WEIGHT:
        return [-float(d[i] + sum(d[j] for j, _, _ in net.succs[i])) for i in range(net.size)]
    return [float(v) for v in d]


def _keys(net: Network, values: Sequence[float]) -> list[Key]:
    """Priority class first (project, then task priority), then the rule, then LST, then id order."""
    ls = net.late_start
    return [(*net.rank[i], values[i], float(ls[i]), float(i)) for i in range(net.size)]


def _improve(generator: Generator, schedule: Schedule, deadline: float) -> Schedule:
    while time.perf_counter() < deadline:
        better = generator.justify(schedule)
        if better.score >= schedule.score:
            break
        schedule = better
    return schedule


def solve_heuristic(
    net: Network,
    resources: Sequence[Resource],
    *,
    rule: PriorityRule,
    time_limit: float,
    seed: int,
    lower_bound: int,
) -> tuple[Schedule, int]:
    """Best schedule found within ``time_limit`` seconds and the number of passes made.

    At least one pass always runs, whatever the budget. When the first pass must
    over-allocate (two started tasks of one person overlap, a demand above capacity), half
    the time still looks for a schedule that does not; if none is found, the other half
    searches on capacities raised to that over-allocation (:func:`relaxed_to`), where
    justification works again, and keeps a shorter schedule that over-allocates no more.
    """
    deadline = time.perf_counter() + time_limit
    generator = Generator(net, resources)
    first = generator.forward(_keys(net, rule_values(net, rule)))
    if not first.forced or not net.uniform_priorities:
        return _search(net, generator, first, rule, deadline, seed, lower_bound)
    now = time.perf_counter()
    best, passes = _search(
        net, generator, first, rule, now + (deadline - now) * RELAX_AFTER, seed, lower_bound
    )
    if best.forced and time.perf_counter() < deadline:
        relaxed = Generator(net, relaxed_to(resources, net.demands, best.pieces))
        around, more = _search(
            net, relaxed, replace(best, forced=()), rule, deadline, seed + 1, lower_bound
        )
        passes += more
        if around.makespan < best.makespan:
            best = replace(around, forced=best.forced)
    return best, passes


def _search(
    net: Network,
    generator: Generator,
    first: Schedule,
    rule: PriorityRule,
    deadline: float,
    seed: int,
    lower_bound: int,
) -> tuple[Schedule, int]:
    """The search from ``first``, the requested rule's schedule, until ``deadline``."""
    best = first
    passes = 1
    free_to_reorder = net.uniform_priorities

    def done() -> bool:
        return time.perf_counter() >= deadline or (not best.forced and best.makespan <= lower_bound)

    if not free_to_reorder or done():
        return best, passes
    best = _improve(generator, best, deadline)
    other_rules = [r for r in PriorityRule if r is not rule]
    for other in other_rules:
        if done():
            return best, passes
        candidate = _improve(
            generator, generator.forward(_keys(net, rule_values(net, other))), deadline
        )
        passes += 1
        if candidate.score < best.score:
            best = candidate
    rng = random.Random(seed)
    mean_duration = max(1.0, sum(net.duration) / max(net.size, 1))
    while not done():
        noise = mean_duration * rng.choice((0.25, 0.5, 1.0, 2.0))
        values = [s + rng.uniform(-noise, noise) for s in best.start]
        candidate = _improve(generator, generator.forward(_keys(net, values)), deadline)
        passes += 1
        if candidate.score < best.score:
            best = candidate
    return best, passes
