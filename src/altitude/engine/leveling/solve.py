"""``level()``: the one call behind both modes.

Heuristic mode spends the whole budget in the anytime heuristic. Exact mode spends a small
share of it there (stopping at once if the lower bound is met), then hands the best
schedule to CP-SAT as hint and horizon for the rest of the budget.
"""

from __future__ import annotations

import time

from altitude.engine.leveling.exact import ExactOutcome, energy_bound, solve_exact
from altitude.engine.leveling.explain import explain_delays, overallocations
from altitude.engine.leveling.heuristic import solve_heuristic
from altitude.engine.leveling.model import LevelingOptions, LevelingProblem, Mode
from altitude.engine.leveling.network import Network, compile_problem
from altitude.engine.leveling.profiles import load_arrays, load_profiles
from altitude.engine.leveling.result import LevelingResult, LevelingStatus, TaskDates
from altitude.engine.leveling.sgs import Generator, Schedule

HEURISTIC_SHARE = 0.03
"""Share of the exact mode's budget given to the heuristic warm start (its first pass always
runs). Measured on all of j30 at 0.95 s: 0.1 -> 471 optima, 0.03 -> 474, 0.0 -> 473; CP-SAT
makes better use of the time than more heuristic passes."""

EXACT_RESTARTS = 1
"""CP-SAT runs in sequence, each with a new seed and the best schedule so far as hint.

Measured on the 19 hardest PSPLIB j30 instances at equal deterministic time: one run finds
18 optima, three shorter runs only 12, so one run it is (the loop stays for experiments)."""


def _unsplit(net: Network, start: tuple[int, ...]) -> Schedule:
    finish = tuple(s + d for s, d in zip(start, net.duration, strict=True))
    pieces = tuple(((s, f),) if f > s else () for s, f in zip(start, finish, strict=True))
    return Schedule(start, finish, pieces, ())


def level(problem: LevelingProblem, options: LevelingOptions | None = None) -> LevelingResult:
    """Level ``problem``: resource-feasible dates, as short as the mode and budget allow.

    Raises :class:`~altitude.engine.leveling.model.CyclicDependency` on a cycle.
    """
    options = options or LevelingOptions()
    started = time.perf_counter()
    net = compile_problem(problem)
    resources = problem.resources
    bound = max(net.cpm_makespan, energy_bound(net, resources) if not problem.within_float else 0)
    share = 1.0 if options.mode is Mode.HEURISTIC else HEURISTIC_SHARE
    best, passes = solve_heuristic(
        net,
        resources,
        rule=options.priority_rule,
        time_limit=options.time_limit_seconds * share,
        seed=options.seed,
        lower_bound=bound,
    )
    proven_infeasible = False
    proven_optimal = not best.forced and best.makespan <= bound
    deadline = started + options.time_limit_seconds
    for restart in range(EXACT_RESTARTS if options.mode is Mode.EXACT else 0):
        remaining = deadline - time.perf_counter()
        if proven_optimal or proven_infeasible or remaining <= 0.005:
            break
        trusted = not best.forced and all(len(p) <= 1 for p in best.pieces)
        exact = solve_exact(
            net,
            resources,
            hint=best,
            horizon=best.makespan if trusted else Generator(net, resources).search_cap,
            lower_bound=bound,
            time_limit=remaining / (EXACT_RESTARTS - restart),
            seed=options.seed + restart,
            workers=options.workers,
        )
        bound = max(bound, exact.bound)
        if exact.start is not None:
            candidate = _unsplit(net, exact.start)
            if candidate.score < best.score:
                best = candidate
        proven_optimal = exact.outcome is ExactOutcome.OPTIMAL and not best.forced
        proven_infeasible = exact.outcome is ExactOutcome.INFEASIBLE and bool(best.forced)
    return _result(
        problem, net, best, bound, options.mode, passes, proven_optimal, proven_infeasible
    )


def _result(
    problem: LevelingProblem,
    net: Network,
    best: Schedule,
    bound: int,
    mode: Mode,
    passes: int,
    proven_optimal: bool,
    proven_infeasible: bool,
) -> LevelingResult:
    resources = problem.resources
    loads = load_arrays(resources, net.demands, best.pieces)
    over = overallocations(net, resources, best.pieces, loads)
    if over or proven_infeasible:
        status = LevelingStatus.INFEASIBLE
    elif proven_optimal or best.makespan <= bound:
        status = LevelingStatus.OPTIMAL
        bound = best.makespan
    else:
        status = LevelingStatus.FEASIBLE
    early = _unsplit(net, net.early_start)
    return LevelingResult(
        status=status,
        mode=mode,
        makespan=best.makespan,
        bound=min(bound, best.makespan),
        tasks=tuple(
            TaskDates(net.ids[i], best.start[i], best.finish[i], best.pieces[i], net.early_start[i])
            for i in range(net.size)
        ),
        delays=explain_delays(net, resources, best.start, best.finish, best.pieces, loads),
        load_before=load_profiles(resources, net.demands, early.pieces),
        load_after=load_profiles(resources, net.demands, best.pieces, loads),
        overallocations=over,
        passes=passes,
    )
