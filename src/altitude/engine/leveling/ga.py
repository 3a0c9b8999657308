"""The exact mode's warm start: a genetic algorithm over activity lists (compiled kernels).

Population: the priority-rule lists, the heuristic's best schedule and regret-biased
random samples around the latest-start rule; then generations of crossover, mutation and
double justification (:mod:`altitude.engine.leveling.kernel`) until the budget ends or
the makespan meets the lower bound. Same seed and same number of generations, same result.

Only for the classical case the kernels cover: unsplit tasks, constant capacities, no
deadlines, uniform priorities (the user's priorities must decide who goes first, so no
search reorders across them), no do-not-level task and every demand within its capacity.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from typing import cast

import numpy as np

from altitude.engine.leveling import kernel
from altitude.engine.leveling.heuristic import rule_values
from altitude.engine.leveling.model import Activity, LevelingProblem, PriorityRule, Resource
from altitude.engine.leveling.network import NO_DEADLINE, Network, compile_problem, link_delta
from altitude.engine.leveling.sgs import Schedule, unsplit

POPULATION = 200
MUTATION = 0.03
STALL_GENERATIONS = 60
"""Generations without a shorter schedule before the population restarts around the best.
A population that has stopped improving still recombines its equally short schedules into a
shorter one now and then; a restart throws that away. Measured (2026-12-07, quiet machine):
one GA alone on every 10th j120 instance from the 4th, one core, 2 s: 10 generations 2.04 %
above the best known, 25 1.54 %, 60 1.39 %, 120 1.50 %, never 1.40 % (runs of one setting
spread about 0.1); at 5 s, 25 1.42 % and 60 1.29 %; the exact mode at 5 s on the same
instances 1.26 % -> 1.11 %; all of j60 10.62 % -> 10.58 % above the critical-path bound, j30
still 480 of 480 at 0.9 s."""
Csr = tuple[kernel.IntArray, kernel.IntArray, kernel.IntArray, kernel.IntArray, kernel.IntArray]


def applicable(net: Network, resources: Sequence[Resource]) -> bool:
    """Whether the compiled kernels model this problem exactly."""
    if net.size == 0 or any(net.splittable) or not net.uniform_priorities or any(net.not_levelled):
        return False
    if any(r.changes for r in resources) or any(d < NO_DEADLINE for d in net.deadline):
        return False
    return all(units <= resources[k].capacity for demand in net.demands for k, units in demand)


def _csr(rows: Sequence[Sequence[tuple[int, int]]], succs: Sequence[Sequence[int]]) -> Csr:
    """Predecessor rows (index, delta) and successor rows (index) as compressed arrays."""
    p_start = np.zeros(len(rows) + 1, dtype=np.int64)
    p_start[1:] = np.cumsum([len(r) for r in rows])
    p_idx = np.array([i for r in rows for i, _ in r], dtype=np.int64)
    p_delta = np.array([delta for r in rows for _, delta in r], dtype=np.int64)
    s_start = np.zeros(len(succs) + 1, dtype=np.int64)
    s_start[1:] = np.cumsum([len(s) for s in succs])
    s_idx = np.array([j for s in succs for j in s], dtype=np.int64)
    return p_start, p_idx, p_delta, s_start, s_idx


class Arrays:
    """The network as the kernels take it: forward and mirrored link rows, demands, capacity."""

    def __init__(self, net: Network, resources: Sequence[Resource]) -> None:
        n, d = net.size, net.duration
        self.dur = np.array(d, dtype=np.int64)
        self.dem = np.zeros((n, len(resources)), dtype=np.int64)
        for i, demand in enumerate(net.demands):
            for k, units in demand:
                self.dem[i, k] = units
        self.cap = np.array([r.capacity for r in resources], dtype=np.int64)
        self.rel = np.array(net.release, dtype=np.int64)
        preds = [
            [(i, link_delta(code, lag, d[i], d[j])) for i, code, lag in net.preds[j]]
            for j in range(n)
        ]
        succs = [[j for j, _, _ in net.succs[i]] for i in range(n)]
        self.fwd = _csr(preds, succs)
        mirrored = [
            [(j, link_delta(code, lag, d[i], d[j]) + d[j] - d[i]) for j, code, lag in net.succs[i]]
            for i in range(n)
        ]
        mirrored_succs = [[i for i, _, _ in net.preds[j]] for j in range(n)]
        self.bwd = _csr(mirrored, mirrored_succs)
        lags = sum(abs(delta) for row in preds for _, delta in row)
        horizon = max(net.release, default=0) + sum(d) + lags + 1
        self.free = np.empty((horizon, len(resources)), dtype=np.int64)
        self.free[:] = self.cap
        self.work = np.zeros((5, n), dtype=np.int64)
        self.fwork = np.zeros(n, dtype=np.float64)


def mirrorable(net: Network) -> bool:
    """Whether the problem can be searched backwards (every task free to start at 0: a
    release would become a deadline of the mirrored problem)."""
    return all(r == 0 for r in net.release)


def _mirror(start: kernel.IntArray, length: int, dur: kernel.IntArray) -> kernel.IntArray:
    """Starts on the mirrored time axis (an involution: mirroring twice gives them back)."""
    return cast(kernel.IntArray, length - start - dur)


def _initial_lists(
    net: Network, seeds: Sequence[kernel.IntArray], rng: random.Random, backward: bool = False
) -> list[list[int]]:
    """Seeds' start orders, the priority rules, then regret-biased samples around latest
    start (of the mirrored problem when searching backwards)."""
    n = net.size
    lists = [sorted(range(n), key=lambda i: (int(s[i]), i)) for s in seeds]
    if backward:
        length = net.cpm_makespan
        late: Sequence[int] = [length - net.early_start[i] - net.duration[i] for i in range(n)]
        lists.append(sorted(range(n), key=lambda i: (late[i], i)))
    else:
        late = net.late_start
        for rule in PriorityRule:
            values = rule_values(net, rule)
            lists.append(sorted(range(n), key=lambda i: (values[i], late[i], i)))
    spread = max(1.0, sum(net.duration) / n)
    while len(lists) < POPULATION:
        noise = spread * rng.choice((0.5, 1.0, 2.0, 4.0))
        values = [late[i] + rng.uniform(0.0, noise) for i in range(n)]
        lists.append(sorted(range(n), key=lambda i: values[i]))
    return lists[:POPULATION]


class Incumbent:
    """The best schedule of several islands (threads), shared: an island that converges
    restarts around the best of all of them, not its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.length = 1 << 60
        self.start: kernel.IntArray | None = None

    def offer(self, length: int, start: kernel.IntArray) -> None:
        with self._lock:
            if length < self.length:
                self.length = length
                self.start = start.copy()

    def best(self) -> tuple[int, kernel.IntArray | None]:
        with self._lock:
            return self.length, self.start


def evolve_schedule(
    net: Network,
    resources: Sequence[Resource],
    *,
    seeds: Sequence[Schedule],
    time_limit: float,
    seed: int,
    lower_bound: int,
    should_stop: Callable[[], bool] = lambda: False,
    shared: Incumbent | None = None,
    backward: bool = False,
    receive: bool = True,
) -> tuple[Schedule, int]:
    """Best schedule found within ``time_limit`` and the number of schedules evaluated.

    The initial population is always evaluated, whatever the budget; ``should_stop`` is
    asked after every generation (another solver may have finished). Islands running in
    other threads pass the same ``shared`` incumbent (each stops once any meets the bound).

    ``backward`` (only when :func:`mirrorable`): search the mirrored problem, every link
    reversed, and mirror its schedules back. The same lists decoded from the other end
    reach other schedules; on some large PSPLIB instances the backward search ends several
    periods shorter, on others the forward one, so the exact mode runs one of each.
    ``receive=False``: offer schedules to ``shared`` but never take one (nor restart around
    one), so that this island keeps searching its own region.
    """
    deadline = time.perf_counter() + time_limit
    arrays = Arrays(net, resources)
    dur = arrays.dur
    if backward:
        if not mirrorable(net):
            raise ValueError("backward search needs every task free to start at 0")
        arrays.fwd, arrays.bwd = arrays.bwd, arrays.fwd
        arrays.rel = np.zeros_like(arrays.rel)

    def view(start: kernel.IntArray, length: int) -> kernel.IntArray:
        """Forward starts to this search's axis and back (the identity going forward)."""
        return _mirror(start, length, dur) if backward else start

    rng = random.Random(seed)
    kernel.seed_random(seed)
    starts_of_seeds = [view(np.array(s.start, dtype=np.int64), s.makespan) for s in seeds]
    pop = np.array(_initial_lists(net, starts_of_seeds, rng, backward), dtype=np.int64)
    starts = np.zeros_like(pop)
    lengths = np.zeros(len(pop), dtype=np.int64)
    a = arrays
    kernel.evaluate(pop, starts, lengths, a.dur, a.dem, a.cap, a.rel, a.fwd, a.bwd, a.free)
    evaluated = len(pop)
    best_length = int(lengths.min())
    best_start = starts[int(lengths.argmin())].copy()
    stale = 0
    if shared is not None:
        shared.offer(best_length, view(best_start, best_length))
    while (
        best_length > lower_bound
        and time.perf_counter() < deadline
        and not should_stop()
        and (shared is None or shared.length > lower_bound)
    ):
        kernel.evolve(
            pop, starts, lengths, MUTATION, a.dur, a.dem, a.cap, a.rel, a.fwd, a.bwd, a.free
        )
        evaluated += len(pop)
        stale += 1
        if int(lengths.min()) < best_length:
            best_length = int(lengths.min())
            best_start = starts[int(lengths.argmin())].copy()
            stale = 0
            if shared is not None:
                shared.offer(best_length, view(best_start, best_length))
        elif receive and shared is not None and shared.length < best_length:
            # Another search (island, time windows) found a shorter schedule: it replaces
            # this population's worst member at once.
            length, other = shared.best()
            if other is not None and length < best_length:
                other = view(other, length)
                worst = int(lengths.argmax())
                n = net.size
                pop[worst] = np.argsort(other * (n + 1) + np.arange(n), kind="stable")
                starts[worst] = other
                lengths[worst] = length
                best_length, best_start = length, other.copy()
                stale = 0
        elif stale >= STALL_GENERATIONS:
            # Converged: start a fresh population around the best schedule so far (of
            # every island).
            around = best_start
            if receive and shared is not None:
                length, other = shared.best()
                if other is not None and length < best_length:
                    other = view(other, length)
                    best_length, best_start, around = length, other.copy(), other
            pop = np.array(_initial_lists(net, (around,), rng, backward), dtype=np.int64)
            kernel.evaluate(pop, starts, lengths, a.dur, a.dem, a.cap, a.rel, a.fwd, a.bwd, a.free)
            evaluated += len(pop)
            stale = 0
    return unsplit(net, tuple(int(v) for v in view(best_start, best_length))), evaluated


_warm = False


def warm_up() -> None:
    """Load (or, the first time on a machine, compile) every kernel now, so that a timed
    solve does not pay for it (the exact mode calls this before its clock starts; once per
    process)."""
    global _warm
    if _warm:
        return
    crew = Resource("crew", 3)
    problem = LevelingProblem(tuple(Activity(name, 2, {"crew": 2}) for name in "ABC"), (crew,))
    net = compile_problem(problem)
    a = Arrays(net, problem.resources)
    kernel.seed_random(0)
    pop = np.array([[0, 1, 2], [2, 1, 0]], dtype=np.int64)
    starts = np.zeros_like(pop)
    lengths = np.zeros(len(pop), dtype=np.int64)
    kernel.evaluate(pop, starts, lengths, a.dur, a.dem, a.cap, a.rel, a.fwd, a.bwd, a.free)
    kernel.evolve(pop, starts, lengths, MUTATION, a.dur, a.dem, a.cap, a.rel, a.fwd, a.bwd, a.free)
    _warm = True
