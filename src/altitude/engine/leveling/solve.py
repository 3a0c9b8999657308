"""``level()``: the one call behind both modes.

Heuristic mode spends the whole budget in the anytime heuristic. Exact mode, on the
classical case the compiled kernels cover, runs the genetic algorithm alone for a moment,
then beside CP-SAT on the second core; otherwise it gives the heuristic a small share and
CP-SAT the rest (:mod:`.exact_search`, loaded for the exact mode only). Every solver stops
as soon as a schedule meets the lower bound (critical path, energy), which proves it optimal.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from altitude.engine.leveling.explain import explain_delays, overallocations
from altitude.engine.leveling.grain import coarsen, refine, time_grain
from altitude.engine.leveling.heuristic import solve_heuristic
from altitude.engine.leveling.model import LevelingOptions, LevelingProblem, Mode, Resource
from altitude.engine.leveling.network import Network, compile_problem
from altitude.engine.leveling.profiles import energy_bound, load_arrays, load_profiles
from altitude.engine.leveling.repair import left_shifted, repaired
from altitude.engine.leveling.result import LevelingResult, LevelingStatus, TaskDates
from altitude.engine.leveling.sgs import Generator, Schedule, ranks_before, unsplit

HEURISTIC_SHARE = 0.03
"""Share of the exact mode's budget given to the heuristic warm start (its first pass always
runs). Measured on all of j30 at 0.95 s: 0.1 -> 471 optima, 0.03 -> 474, 0.0 -> 473; CP-SAT
makes better use of the time than more heuristic passes."""


def level(problem: LevelingProblem, options: LevelingOptions | None = None) -> LevelingResult:
    """Level ``problem``: resource-feasible dates, as short as the mode and budget allow.

    Raises :class:`~altitude.engine.leveling.model.CyclicDependency` on a cycle. Plans in
    working minutes are levelled on their coarsest grain (:mod:`.grain`: often a day or an
    hour), with the same dates as a result.
    """
    options = options or LevelingOptions()
    with _collector_paused(options.mode is Mode.HEURISTIC):
        g = time_grain(problem)
        if g > 1:
            return refine(_level(coarsen(problem, g), options), g)
        return _level(problem, options)


@contextmanager
def _collector_paused(pause: bool) -> Iterator[None]:
    """Pause Python's cyclic garbage collector for an interactive levelling.

    The heuristic allocates hundreds of thousands of small objects (edges, heap entries, load
    segments, explanations), none of them in reference cycles, and each allocation burst
    triggers full collections that walk every object of the process: in the web server,
    Django's too. Measured on the 10,000-task program: median 0.63 s with the collector, 0.47 s
    without. Only for the heuristic's second or so; a long exact run keeps the collector, as
    it shares the process with the web requests of ``altitude serve``."""
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _level(problem: LevelingProblem, options: LevelingOptions) -> LevelingResult:
    exact_mode = options.mode is Mode.EXACT
    if exact_mode:
        # OR-Tools and the GA's kernels, for the exact mode only; loaded before the clock
        # starts: their first import (half a second) and the kernels' first load from
        # numba's cache (0.2 s) are not the search's time. Until 2026-12-08 a first call
        # (every `altitude level --mode exact`) spent that 0.2 s of its budget loading them.
        from altitude.engine.leveling import exact_search, ga

        ga.warm_up()
    started = time.perf_counter()
    net = compile_problem(problem)
    resources = problem.resources
    bound = max(net.cpm_makespan, energy_bound(net, resources) if not problem.within_float else 0)
    use_ga = exact_mode and ga.applicable(net, resources)
    share = 0.0 if use_ga else HEURISTIC_SHARE if exact_mode else 1.0
    best, passes = solve_heuristic(
        net,
        resources,
        rule=options.priority_rule,
        time_limit=max(
            options.budget_seconds * share - (time.perf_counter() - started), 0.0
        ),  # compiling counts
        seed=options.seed,
        lower_bound=bound,
    )
    proven_optimal = not best.forced and best.makespan <= bound
    deadline = started + options.budget_seconds
    if use_ga and not proven_optimal:
        best, bound, proven_optimal, evaluated = exact_search.ga_beside_cp_sat(
            net, resources, options, best, bound, started
        )
        passes += evaluated
    elif (
        exact_mode and not proven_optimal and deadline - time.perf_counter() > 0.005
    ):
        best, bound, proven_optimal = exact_search.cp_sat_after_heuristic(
            net, resources, options, best, bound, deadline
        )
    moved = repaired(net, resources, best)
    # a task moved out of an over-allocation may leave room a later task can take: in the
    # heuristic too (a do-not-level task's predecessor moved after it left a free task four
    # periods late, with no reason to give)
    best = _left_justified(net, resources, moved) if exact_mode or moved is not best or best.forced else moved
    return _result(
        problem, net, best, bound, options.mode, passes, proven_optimal
    )


def _left_justified(net: Network, resources: Sequence[Resource], schedule: Schedule) -> Schedule:
    """``schedule`` with every task as early as the tasks before it allow.

    CP-SAT minimises the makespan only, so a task off the critical path may sit anywhere in
    its slack, and the backward island's schedules are right-justified: on a plan, a task
    delayed for nothing is a delay the user is shown and would apply (22 of 40 random
    25-task plans had one, up to 32 periods). One serial SGS pass in order of start moves
    each task to the earliest period the earlier-starting ones leave it: never later, so
    never longer (the tasks before it only give back load in its window). Kept only when
    no task becomes forced (a deadline in within-float mode, a do-not-level task's
    over-allocation) and it is not longer: a lead on
    a link makes a later-starting task a predecessor, placed first, and the pass can then
    lengthen the schedule; then (and after it) each task moves alone to its first free start
    (:func:`.repair.left_shifted`), so none stays delayed for nothing.
    """
    if any(not net.not_levelled[j] for j in schedule.forced):
        return _settled(net, resources, schedule)
    shifted = Generator(net, resources).forward([(s, i) for i, s in enumerate(schedule.start)])
    return left_shifted(net, resources, shifted if ranks_before(net, resources, shifted, schedule) else schedule)


SETTLE_ROUNDS = 4
"""Rounds of :func:`_settled`; each moves tasks only earlier or out of an over-allocation."""


def _settled(net: Network, resources: Sequence[Resource], schedule: Schedule) -> Schedule:
    """A plan that keeps an over-allocation, with each task moved alone to its first free
    start no later than where it is, then each over-allocated task that a freed place now
    fits moved there (:func:`.repair.repaired`, one task at a time: what makes a task held),
    until neither moves anything.

    The serial pass in order of start could squeeze a dated task into a new over-allocation,
    so such a plan was returned as it was until 2026-12-08, and a task could stay late with
    no reason to give (a task without resources six periods late beside a held
    over-allocation: on random 10 to 40-task plans, 28 of 600 had one)."""
    for _ in range(SETTLE_ROUNDS):
        shifted = left_shifted(net, resources, schedule)
        if shifted is schedule:
            break
        schedule = repaired(net, resources, shifted, joint_moves=False)
        if schedule is shifted:
            break  # nothing left an over-allocation: the shift's sweeps already ended still
    return schedule


def _result(
    problem: LevelingProblem,
    net: Network,
    best: Schedule,
    bound: int,
    mode: Mode,
    passes: int,
    proven_optimal: bool,
) -> LevelingResult:
    resources = problem.resources
    loads = load_arrays(resources, net.demands, best.pieces)
    over = overallocations(net, resources, best.pieces, loads, (best.start, best.finish))
    if over:  # the schedule returned decides, not a proof about unsplit schedules
        status = LevelingStatus.INFEASIBLE
    elif proven_optimal or best.makespan <= bound:
        status = LevelingStatus.OPTIMAL
        bound = best.makespan
    else:
        status = LevelingStatus.FEASIBLE
    early = unsplit(net, net.early_start)
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
        unmet_links=net.unmet_links,
    )
