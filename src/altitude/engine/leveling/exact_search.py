"""The exact mode's search, after the heuristic's first schedule.

On the classical case the compiled kernels cover (see :func:`ga.applicable`: all of PSPLIB)
the genetic algorithm runs alone for a moment, then beside CP-SAT on the second core
(:func:`ga_beside_cp_sat`); otherwise CP-SAT improves the heuristic's schedule
(:func:`cp_sat_after_heuristic`). Kept apart from :mod:`.solve` so that the heuristic mode
(the command line, scripts) does not load OR-Tools (and the pandas it loads) nor the GA's
kernels: a quarter to half a second of imports.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
from ortools.sat.python import cp_model

from altitude.engine.leveling import ga, lns
from altitude.engine.leveling.exact import ExactOutcome, ExactResult, solve_exact
from altitude.engine.leveling.model import LevelingOptions, Resource
from altitude.engine.leveling.network import Network
from altitude.engine.leveling.profiles import relaxed_to
from altitude.engine.leveling.sgs import Generator, Schedule, ranks_before, unsplit

GA_WARM_SHARE = 0.05
"""Exact mode, classical case: share of the budget the genetic algorithm has alone, to give
CP-SAT a good hint and horizon before both run side by side."""

HINT_CP = True
"""CP-SAT starts from the GA's schedule (hint, horizon = its makespan). Without the hint and
with the horizon one period shorter, CP-SAT's INFEASIBLE would prove the GA optimal, but
its LNS then has no feasible start: on the 19 hardest j30 instances, 14 optima instead of 15
(noisy: two cores shared with other engineers)."""

OWN_SEARCH_TASKS = 50
"""From this many tasks, with two workers, the second core spends only a share of its time
on CP-SAT on the whole model (which with one worker rarely improves or proves a large
instance in seconds), then searches on its own: a backward GA island, else time windows.
Below it (PSPLIB j30) CP-SAT keeps the second core: it proves the optima there. Measured
quiet on every 5th j60 instance: 10.85 % above the critical-path bound with CP-SAT all
along, 10.80 % from 50 tasks."""

BACKWARD_ISLAND = True
"""From :data:`OWN_SEARCH_TASKS` tasks, when every task may start at 0 (:func:`ga.mirrorable`):
after CP-SAT's share, the second core runs a GA on the mirrored problem that neither takes
the forward GA's schedules nor starts from them (diversity: on the hardest j120 instances
the forward and backward searches stall in different places), and offers what it finds.
Otherwise, or when False, the time-window search (:mod:`lns`: CP-SAT on slices of the best
schedule)."""

WHOLE_MODEL_SHARE = (0.7, 0.1)
"""From :data:`OWN_SEARCH_TASKS` tasks: share of the second core's time CP-SAT first spends on
the whole model, when the GA's first schedule is within :data:`NEAR_BOUND` of the lower
bound (there CP-SAT often finds and proves the optimum) and when it is farther (there it
rarely improves anything in seconds, and the backward island makes better use of the
core). Near: 0.4 -> 0.7 measured quiet on all of j60, 10.63 % -> 10.62 %, best known
matched 427 -> 429, proven optimal 391 -> 395; every 5th j120 31.34 % -> 31.24 %."""

NEAR_BOUND = 0.1
"""A first schedule at most this fraction above the lower bound counts as near it."""

BACKWARD_SHARE_SMALL = 0.7
"""Below :data:`OWN_SEARCH_TASKS` tasks (CP-SAT keeps the second core), when every task may
start at 0: share of the first core's time, after the warm start, that goes to a GA on the
mirrored problem instead of the forward one. On some instances only one direction finds the
optimum within a second (j3029_8: the forward GA alone 0 of 10 seeds in 1 s, the backward
one 3). Optimum found at 0.9 s over 20 seeds, share 0 / 0.5 / 0.7 / 0.9: j3013_7 9 / 12 /
14 / 17, j3029_8 5 / 7 / 10 / 10; j3029_9, which favours the forward search, 20 of 20 at 0
and 17 at 0.9."""

GA_SHARE_ONE_CORE = 0.15
"""With one worker the GA and CP-SAT run in turn: the GA's share of the budget."""

RESOLVE_SHARE = 0.3
"""Exact mode, when the heuristic over-allocates: share of CP-SAT's time spent looking for a
schedule that does not, before shortening the plan around the over-allocation."""


def cp_sat_after_heuristic(
    net: Network,
    resources: Sequence[Resource],
    options: LevelingOptions,
    best: Schedule,
    bound: int,
    deadline: float,
) -> tuple[Schedule, int, bool]:
    """CP-SAT from the heuristic's schedule, outside the classical case.

    When the heuristic had to over-allocate, CP-SAT first looks for a schedule that does not
    (:data:`RESOLVE_SHARE` of the time); if there is none (often proven at once: two started
    tasks of one person overlap), the rest of the time shortens the plan around the
    over-allocation on :func:`relaxed_to` capacities, never over-allocating more than the
    heuristic did. Returns the best schedule, the bound and whether it is proven optimal.
    (CP-SAT's proof that no schedule avoids over-allocating holds for unsplit tasks only; the
    result's status comes from the over-allocations of the schedule returned.)
    """

    def run(searched: Sequence[Resource], hint: Schedule, time_limit: float) -> ExactResult:
        trusted = not hint.forced and all(len(p) <= 1 for p in hint.pieces)
        return solve_exact(
            net,
            searched,
            hint=hint,
            horizon=hint.makespan if trusted else Generator(net, searched).search_cap,
            lower_bound=bound,
            time_limit=time_limit,
            seed=options.seed,
            workers=options.workers,
        )

    share = RESOLVE_SHARE if best.forced else 1.0
    exact = run(resources, best, (deadline - time.perf_counter()) * share)
    bound = max(bound, exact.bound)
    if exact.start is not None:
        candidate = unsplit(net, exact.start)
        if candidate.score < best.score:
            best = candidate
    left = deadline - time.perf_counter()
    if best.forced and left > 0.005:
        relaxed = run(
            relaxed_to(resources, net.demands, best.pieces), replace(best, forced=()), left
        )
        if relaxed.start is not None:
            # ranked by the over-allocation it makes, not by the heuristic's forced placements it
            # copies: a do-not-level task moved off a relaxed period leaves room a free task may take
            candidate = replace(unsplit(net, relaxed.start), forced=best.forced)
            if ranks_before(net, resources, candidate, best):
                best = candidate
    proven_optimal = exact.outcome is ExactOutcome.OPTIMAL and not best.forced
    return best, bound, proven_optimal


def ga_beside_cp_sat(
    net: Network,
    resources: Sequence[Resource],
    options: LevelingOptions,
    first: Schedule,
    bound: int,
    started: float,
) -> tuple[Schedule, int, bool, int]:
    """The genetic algorithm and CP-SAT side by side on the classical case.

    A short GA run gives CP-SAT its hint and horizon; then CP-SAT (``workers - 1`` workers)
    runs in a thread while the GA goes on in this one (both release the GIL), each stopping
    the other when it is done: CP-SAT when it proves optimality, the GA when it meets the
    lower bound. From :data:`OWN_SEARCH_TASKS` tasks the second core gives CP-SAT a share of its
    time only, then runs the backward GA island (or the time-window search); it and the GA
    share their best schedule (:class:`ga.Incumbent`). Below it the GA ends on the mirrored
    problem (:data:`BACKWARD_SHARE_SMALL`). With one worker they run one after the other. Returns the best
    schedule, the bound, whether it is proven optimal and the schedules the GA evaluated.
    """
    # 3 % of the budget stays for the result (delays, profiles) and for thread hand-over
    # when the machine is loaded: the budget is wall-clock, model building included.
    deadline = started + options.budget_seconds * 0.97
    warm = started + options.budget_seconds * GA_WARM_SHARE - time.perf_counter()
    best, evaluated = ga.evolve_schedule(
        net, resources, seeds=(first,), time_limit=warm, seed=options.seed, lower_bound=bound
    )
    if best.makespan <= bound:
        return best, bound, True, evaluated
    solver = cp_model.CpSolver()

    def run_exact(time_limit: float, workers: int) -> ExactResult:
        return solve_exact(
            net,
            resources,
            hint=best if HINT_CP else None,
            horizon=best.makespan - (0 if HINT_CP else 1),
            lower_bound=bound,
            time_limit=time_limit,
            seed=options.seed,
            workers=workers,
            solver=solver,
        )

    if options.workers >= 2 and net.size >= OWN_SEARCH_TASKS:
        shared = ga.Incumbent()
        with ThreadPoolExecutor(max_workers=1) as pool:
            shared.offer(best.makespan, np.array(best.start, dtype=np.int64))

            def second_core() -> ExactResult:
                # CP-SAT on the whole model first: near the lower bound it often finds (and
                # proves) the optimum; then the backward island (or time windows).
                near = best.makespan <= bound * (1 + NEAR_BOUND)
                share = WHOLE_MODEL_SHARE[0] if near else WHOLE_MODEL_SHARE[1]
                exact = run_exact((deadline - time.perf_counter()) * share, 1)
                if exact.start is not None:
                    shared.offer(
                        unsplit(net, exact.start).makespan, np.array(exact.start, dtype=np.int64)
                    )
                if exact.outcome is ExactOutcome.OPTIMAL:
                    return exact
                if BACKWARD_ISLAND and ga.mirrorable(net):
                    ga.evolve_schedule(
                        net,
                        resources,
                        seeds=(),
                        receive=False,
                        time_limit=deadline - time.perf_counter(),
                        seed=options.seed + 2,
                        lower_bound=max(bound, exact.bound),
                        shared=shared,
                        backward=True,
                    )
                else:
                    lns.improve_windows(
                        net,
                        resources,
                        shared=shared,
                        time_limit=deadline - time.perf_counter(),
                        seed=options.seed,
                        lower_bound=max(bound, exact.bound),
                    )
                return exact

            windows = pool.submit(second_core)
            evolved, more = ga.evolve_schedule(
                net,
                resources,
                seeds=(best,),
                time_limit=deadline - time.perf_counter(),
                seed=options.seed + 1,
                lower_bound=bound,
                should_stop=windows.done,
                shared=shared,
            )
            if evolved.makespan <= bound:
                solver.stop_search()
            exact = windows.result()
        bound = max(bound, exact.bound)
        evaluated += more
        if evolved.score < best.score:
            best = evolved
        length, start = shared.best()
        if start is not None and length < best.makespan:
            best = unsplit(net, tuple(int(v) for v in start))
        proven = exact.outcome is ExactOutcome.OPTIMAL or best.makespan <= bound
        return best, bound, proven, evaluated
    if options.workers >= 2:
        with ThreadPoolExecutor(max_workers=1) as pool:
            future = pool.submit(run_exact, deadline - time.perf_counter(), options.workers - 1)
            backward = BACKWARD_SHARE_SMALL if ga.mirrorable(net) else 0.0
            evolved, more = ga.evolve_schedule(
                net,
                resources,
                seeds=(best,),
                time_limit=(deadline - time.perf_counter()) * (1 - backward),
                seed=options.seed + 1,
                lower_bound=bound,
                should_stop=future.done,
            )
            if backward and evolved.makespan > bound and not future.done():
                mirrored, further = ga.evolve_schedule(
                    net,
                    resources,
                    seeds=(),
                    time_limit=deadline - time.perf_counter(),
                    seed=options.seed + 2,
                    lower_bound=bound,
                    should_stop=future.done,
                    backward=True,
                )
                more += further
                if mirrored.score < evolved.score:
                    evolved = mirrored
            if evolved.makespan <= bound:
                solver.stop_search()
            exact = future.result()
    else:
        evolved, more = ga.evolve_schedule(
            net,
            resources,
            seeds=(best,),
            time_limit=options.budget_seconds * GA_SHARE_ONE_CORE - (time.perf_counter() - started),
            seed=options.seed + 1,
            lower_bound=bound,
        )
        exact = run_exact(deadline - time.perf_counter(), 1)
    evaluated += more
    bound = max(bound, exact.bound)
    if evolved.score < best.score:
        best = evolved
    if exact.start is not None:
        candidate = unsplit(net, exact.start)
        if candidate.score < best.score:
            best = candidate
    if not HINT_CP and exact.outcome is ExactOutcome.INFEASIBLE:
        bound = max(bound, best.makespan)
    proven = exact.outcome is ExactOutcome.OPTIMAL or best.makespan <= bound
    return best, bound, proven, evaluated
