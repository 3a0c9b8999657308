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
from collections.abc import Callable, Sequence
from dataclasses import replace

from altitude.engine.leveling.model import PriorityRule, Resource
from altitude.engine.leveling.network import Network, with_predecessors
from altitude.engine.leveling.profiles import relaxed_to
from altitude.engine.leveling.sgs import Generator, Key, Schedule, overload_rank

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
    """Priority class first (project, then task priority), then do-not-level tasks before the
    others of their class (one whose predecessors are placed goes where they put it, so it
    should go before a task that could then sit in its way), then the rule, then LST, then id
    order. (Without such tasks the keys go without that flag: with one more element to
    compare, the benchmark's 10,000-task program took 0.63 s instead of 0.56 s.)"""
    ls = net.late_start
    if any(net.not_levelled):
        return [(*net.rank[i], 0.0 if net.not_levelled[i] else 1.0, values[i], float(ls[i]), float(i))
                for i in range(net.size)]
    return [(*net.rank[i], values[i], float(ls[i]), float(i)) for i in range(net.size)]


class _Budget:
    """A deadline judged ahead: no pass starts when the longest one so far would end after it.

    A pass on a 10,000-task program takes a fifth of a second; one started just before a
    half-second deadline overran it by that much, and the page waited."""

    def __init__(self, deadline: float, step: float) -> None:
        self.deadline = deadline
        self.step = step  # the longest pass (or justification) seen between two checks
        self._mark = time.perf_counter()

    def left(self) -> bool:
        now = time.perf_counter()
        self.step = max(self.step, now - self._mark)
        self._mark = now
        return now + self.step < self.deadline


def _improve(generator: Generator, schedule: Schedule, budget: _Budget) -> Schedule:
    while budget.left():
        better = generator.justify(schedule)
        if better is schedule:  # justify returns its input unless it ranks before it
            break
        schedule = better
    return schedule


PROMOTIONS = 4
"""Passes :func:`_forced_first` may spend moving squeezed tasks to the front."""


def _forced_first(net: Network, generator: Generator, keys: Sequence[Key], schedule: Schedule) -> Schedule:
    """When a pass had to squeeze tasks into an over-allocation (their latest start came
    before any free slot), run it again with those tasks and everything they wait for first.

    A task with a latest start (a no-later-than date, a pinned successor's, "within float")
    can only be placed before it; a free task taken earlier in priority order may have used
    the slot, and then both share an over-allocation the free task could have left. A date
    outranks a priority here: the squeezed tasks go first whatever their priority class.
    Keeps the pass that over-allocates least (then the shortest): the rest of the search
    works around its over-allocation (:func:`relaxed_to`), so a part that could have been
    avoided would stay."""
    if not schedule.forced:
        return schedule
    best = current = schedule
    best_score = overload_rank(net, generator.resources, best)
    urgent: set[int] = set()
    for _ in range(PROMOTIONS):
        # A pinned task (latest start = earliest) is booked first anyway: promoting it changes nothing.
        frontier = [j for j in current.forced if j not in urgent and net.release[j] < net.deadline[j]]
        if not frontier:
            break
        urgent |= with_predecessors(net, frontier)
        current = generator.forward([(0.0 if i in urgent else 1.0, *keys[i]) for i in range(net.size)])
        score = overload_rank(net, generator.resources, current)
        if score < best_score:
            best, best_score = current, score
    return best


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
    keys = _keys(net, rule_values(net, rule))
    clock = time.perf_counter()
    forward = generator.forward(keys)
    step = 2 * (time.perf_counter() - clock)  # the next step is a justification: a backward and a forward pass
    first = _forced_first(net, generator, keys, forward)
    if not first.forced or not net.uniform_priorities:
        return _search(net, generator, first, rule, deadline, seed, lower_bound, step)

    def overall(schedule: Schedule) -> tuple[int, int, int, int]:
        return overload_rank(net, resources, schedule)

    now = time.perf_counter()
    best, passes = _search(
        net, generator, first, rule, now + (deadline - now) * RELAX_AFTER, seed, lower_bound, step, overall
    )
    if best.forced and time.perf_counter() + step < deadline:
        relaxed = Generator(net, relaxed_to(resources, net.demands, best.pieces))
        around, more = _search(
            net, relaxed, replace(best, forced=()), rule, deadline, seed + 1, lower_bound, step
        )
        passes += more
        around = replace(around, forced=best.forced)
        if overall(around) < overall(best):
            best = around
        elif around.makespan < best.makespan:
            # On the raised capacities a task that could wait took the room a squeezed task
            # left: decode that order again on the true ones, the squeezed tasks first.
            urgent = with_predecessors(net, best.forced)
            settled = generator.forward([(0.0 if i in urgent else 1.0, float(around.start[i]), float(i))
                                         for i in range(net.size)])
            passes += 1
            best = min(best, settled, key=overall)
    return best, passes


def _search(
    net: Network,
    generator: Generator,
    first: Schedule,
    rule: PriorityRule,
    deadline: float,
    seed: int,
    lower_bound: int,
    step: float,
    rank: Callable[[Schedule], tuple[int, ...]] | None = None,
) -> tuple[Schedule, int]:
    """The search from ``first``, the requested rule's schedule, until ``deadline`` (``step``:
    how long one pass took); ``rank`` orders schedules (smaller is better; default: fewest
    squeezed tasks, then the shortest, then the earliest)."""
    order = rank or (lambda schedule: schedule.score)
    best = first
    passes = 1
    free_to_reorder = net.uniform_priorities
    budget = _Budget(deadline, step)

    def done() -> bool:
        return not budget.left() or (not best.forced and best.makespan <= lower_bound)

    if not free_to_reorder or done():
        return best, passes
    best = _improve(generator, best, budget)
    best_rank = order(best)  # not recomputed per pass: ranking a squeezed schedule sums its over-allocation
    other_rules = [r for r in PriorityRule if r is not rule]
    for other in other_rules:
        if done():
            return best, passes
        candidate = _improve(
            generator, generator.forward(_keys(net, rule_values(net, other))), budget
        )
        passes += 1
        rank_of = order(candidate)
        if rank_of < best_rank:
            best, best_rank = candidate, rank_of
    rng = random.Random(seed)
    mean_duration = max(1.0, sum(net.duration) / max(net.size, 1))
    while not done():
        noise = mean_duration * rng.choice((0.25, 0.5, 1.0, 2.0))
        values = [s + rng.uniform(-noise, noise) for s in best.start]
        candidate = _improve(generator, generator.forward(_keys(net, values)), budget)
        passes += 1
        rank_of = order(candidate)
        if rank_of < best_rank:
            best, best_rank = candidate, rank_of
    return best, passes
