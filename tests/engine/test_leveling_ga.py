"""The exact mode's warm start: compiled serial SGS, double justification, genetic algorithm.

Schedules are checked independently of the engine (links, capacities from the dates).
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from altitude.engine.leveling import (
    Activity,
    CapacityChange,
    LevelingOptions,
    LevelingProblem,
    LevelingStatus,
    Link,
    LinkType,
    Mode,
    Resource,
    kernel,
    level,
)
from altitude.engine.leveling.exact_search import OWN_SEARCH_TASKS
from altitude.engine.leveling.ga import Arrays, Incumbent, applicable, evolve_schedule, mirrorable
from altitude.engine.leveling.heuristic import solve_heuristic
from altitude.engine.leveling.lns import improve_windows
from altitude.engine.leveling.model import PriorityRule
from altitude.engine.leveling.network import compile_problem
from altitude.engine.leveling.profiles import energy_bound


def random_problem(seed: int, n: int = 14, releases: bool = True) -> LevelingProblem:
    rng = random.Random(seed)
    resources = tuple(Resource(f"R{k}", rng.randint(2, 6)) for k in range(2))
    activities = tuple(
        Activity(
            f"T{i}",
            rng.randint(0, 6),
            {r.id: rng.randint(1, r.capacity) for r in resources if rng.random() < 0.7},
            earliest_start=rng.choice((0, 0, 0, 2)) if releases else 0,
        )
        for i in range(n)
    )
    links = []
    for j in range(1, n):
        for i in rng.sample(range(j), min(j, rng.randint(0, 2))):
            kind = rng.choice(list(LinkType))
            links.append(Link(f"T{i}", f"T{j}", kind, rng.randint(-2, 3)))
    return LevelingProblem(activities, resources, tuple(links))


def violations(problem: LevelingProblem, start: dict[str, int]) -> list[str]:
    """Broken links and over-capacity periods, from the start dates alone."""
    duration = {a.id: a.duration for a in problem.activities}
    finish = {k: start[k] + duration[k] for k in start}
    broken = []
    for link in problem.links:
        p, s = link.predecessor, link.successor
        ok = {
            LinkType.FINISH_TO_START: start[s] >= finish[p] + link.lag,
            LinkType.START_TO_START: start[s] >= start[p] + link.lag,
            LinkType.FINISH_TO_FINISH: finish[s] >= finish[p] + link.lag,
            LinkType.START_TO_FINISH: finish[s] >= start[p] + link.lag,
        }[link.type]
        if not ok:
            broken.append(f"link {p}->{s}")
    for a in problem.activities:
        if start[a.id] < a.earliest_start:
            broken.append(f"release {a.id}")
    for r in problem.resources:
        for t in range(max(finish.values(), default=0)):
            load = sum(
                a.demands.get(r.id, 0)
                for a in problem.activities
                if start[a.id] <= t < finish[a.id]
            )
            if load > r.capacity:
                broken.append(f"{r.id} at {t}: {load} > {r.capacity}")
    return broken


@pytest.mark.parametrize("seed", range(12))
def test_decode_and_justify_give_valid_schedules_never_longer(seed: int) -> None:
    problem = random_problem(seed)
    net = compile_problem(problem)
    arrays = Arrays(net, problem.resources)
    rng = np.random.default_rng(seed)
    start = np.zeros(net.size, dtype=np.int64)
    a = arrays
    length = kernel.decode(
        rng.random(net.size), a.dur, a.dem, a.cap, a.rel, *a.fwd, a.free, start, a.work
    )
    ids = [t.id for t in problem.activities]
    assert violations(problem, dict(zip(ids, start.tolist(), strict=True))) == []
    assert length == max(int(s) + d for s, d in zip(start, net.duration, strict=True))
    justified = kernel.justify(
        start, length, a.dur, a.dem, a.cap, a.rel, a.fwd, a.bwd, a.free, a.work, a.fwork
    )
    assert justified <= length
    assert violations(problem, dict(zip(ids, start.tolist(), strict=True))) == []
    assert justified == max(int(s) + d for s, d in zip(start, net.duration, strict=True))


@pytest.mark.parametrize("seed", range(6))
def test_genetic_algorithm_is_valid_and_no_worse_than_its_seed(seed: int) -> None:
    problem = random_problem(100 + seed, n=20)
    net = compile_problem(problem)
    assert applicable(net, problem.resources)
    first, _ = solve_heuristic(
        net,
        problem.resources,
        rule=PriorityRule.LATEST_START,
        time_limit=0.0,
        seed=0,
        lower_bound=0,
    )
    best, evaluated = evolve_schedule(
        net, problem.resources, seeds=(first,), time_limit=0.05, seed=seed, lower_bound=0
    )
    assert evaluated >= 40
    assert best.makespan <= first.makespan
    ids = [t.id for t in problem.activities]
    assert violations(problem, dict(zip(ids, best.start, strict=True))) == []


def test_genetic_algorithm_stops_at_the_lower_bound() -> None:
    # Worked example 1 of docs/algorithms/leveling.md: energy bound 5 is met at once.
    problem = LevelingProblem(
        (
            Activity("A", 2, {"crew": 2}),
            Activity("B", 3, {"crew": 1}),
            Activity("C", 2, {"crew": 1}),
        ),
        (Resource("crew", 2),),
        (Link("A", "C"),),
    )
    net = compile_problem(problem)
    first, _ = solve_heuristic(
        net,
        problem.resources,
        rule=PriorityRule.LATEST_START,
        time_limit=0.0,
        seed=0,
        lower_bound=0,
    )
    best, _ = evolve_schedule(
        net,
        problem.resources,
        seeds=(first,),
        time_limit=5.0,
        seed=0,
        lower_bound=energy_bound(net, problem.resources),
    )
    assert best.makespan == 5


def test_kernels_only_take_the_classical_case() -> None:
    base = random_problem(1)
    assert applicable(compile_problem(base), base.resources)
    split = LevelingProblem((Activity("A", 3, {"R": 1}, splittable=True),), (Resource("R", 1),))
    varying = LevelingProblem(
        (Activity("A", 3, {"R": 1}),), (Resource("R", 1, (CapacityChange(2, 0),)),)
    )
    deadline = LevelingProblem((Activity("A", 3, {"R": 1}, latest_start=4),), (Resource("R", 1),))
    priorities = LevelingProblem(
        (Activity("A", 3, {"R": 1}, priority=900), Activity("B", 3, {"R": 1})), (Resource("R", 1),)
    )
    too_big = LevelingProblem((Activity("A", 3, {"R": 2}),), (Resource("R", 1),))
    for problem in (split, varying, deadline, priorities, too_big):
        assert not applicable(compile_problem(problem), problem.resources)


@pytest.mark.parametrize("workers", [1, 2])
def test_exact_mode_proves_the_genetic_algorithm_optimal(workers: int) -> None:
    # Worked example 7: crew of 3, A, B, C of 2 periods needing 2 crew each. Bounds: critical
    # path 2, energy ceil(12 / 3) = 4; no two can overlap, so the best is 6. CP-SAT, asked
    # for a makespan of at most 5, answers "infeasible": 6 is proven optimal.
    problem = LevelingProblem(
        tuple(Activity(name, 2, {"crew": 2}) for name in "ABC"), (Resource("crew", 3),)
    )
    options = LevelingOptions(mode=Mode.EXACT, time_limit_seconds=2.0, workers=workers)
    result = level(problem, options)
    assert result.makespan == 6
    assert result.status is LevelingStatus.OPTIMAL
    assert result.bound == 6
    heuristic = level(problem, LevelingOptions(mode=Mode.HEURISTIC, time_limit_seconds=0.1))
    assert (heuristic.makespan, heuristic.bound, heuristic.status) == (
        6,
        4,
        LevelingStatus.FEASIBLE,
    )


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("releases", [True, False], ids=["releases", "mirrorable"])
def test_exact_mode_side_by_side_is_valid_and_no_worse_than_the_heuristic(
    seed: int, workers: int, releases: bool
) -> None:
    # Without releases, with two workers, the first core's GA ends on the mirrored problem.
    problem = random_problem(200 + seed, n=25, releases=releases)
    assert mirrorable(compile_problem(problem)) is not releases
    heuristic = level(problem, LevelingOptions(mode=Mode.HEURISTIC, time_limit_seconds=0.05))
    options = LevelingOptions(mode=Mode.EXACT, time_limit_seconds=0.4, workers=workers)
    exact = level(problem, options)
    starts = {t.id: t.start for t in exact.tasks}
    assert violations(problem, starts) == []
    assert exact.makespan <= heuristic.makespan
    assert exact.bound <= exact.makespan
    if exact.status is LevelingStatus.OPTIMAL:
        assert exact.bound == exact.makespan


@pytest.mark.parametrize("seed", range(4))
def test_window_search_keeps_schedules_valid_and_never_longer(seed: int) -> None:
    problem = random_problem(300 + seed, n=40)
    net = compile_problem(problem)
    first, _ = solve_heuristic(
        net,
        problem.resources,
        rule=PriorityRule.SHORTEST_DURATION,
        time_limit=0.0,
        seed=0,
        lower_bound=0,
    )
    shared = Incumbent()
    shared.offer(first.makespan, np.array(first.start, dtype=np.int64))
    steps = improve_windows(
        net, problem.resources, shared=shared, time_limit=0.3, seed=seed, lower_bound=0
    )
    assert steps >= 1
    length, start = shared.best()
    assert start is not None
    ids = [t.id for t in problem.activities]
    assert violations(problem, dict(zip(ids, start.tolist(), strict=True))) == []
    assert length == max(int(s) + d for s, d in zip(start, net.duration, strict=True))
    assert length <= first.makespan


def test_window_search_shortens_a_poor_schedule() -> None:
    # Crew of 2; eight independent 2-period tasks needing 1 crew each, started one after
    # the other (makespan 16): any window of the chain can run two side by side.
    problem = LevelingProblem(
        tuple(Activity(f"T{i}", 2, {"crew": 1}) for i in range(8)), (Resource("crew", 2),)
    )
    net = compile_problem(problem)
    shared = Incumbent()
    shared.offer(16, np.arange(0, 16, 2, dtype=np.int64))
    improve_windows(net, problem.resources, shared=shared, time_limit=1.0, seed=0, lower_bound=8)
    assert shared.best()[0] < 16


@pytest.mark.parametrize(
    ("seed", "releases"), [(400, True), (401, False)], ids=["window search", "backward island"]
)
def test_exact_mode_on_a_large_network_is_valid(seed: int, releases: bool) -> None:
    # With release dates the second core re-solves time windows, without them it runs the
    # backward GA island.
    problem = random_problem(seed, n=OWN_SEARCH_TASKS, releases=releases)
    net = compile_problem(problem)
    assert applicable(net, problem.resources) and mirrorable(net) is not releases
    heuristic = level(problem, LevelingOptions(mode=Mode.HEURISTIC, time_limit_seconds=0.05))
    result = level(problem, LevelingOptions(mode=Mode.EXACT, time_limit_seconds=1.0, workers=2))
    start = {t.id: t.start for t in result.tasks}
    assert violations(problem, start) == []
    assert result.makespan <= heuristic.makespan
    assert result.status in (LevelingStatus.OPTIMAL, LevelingStatus.FEASIBLE)


@pytest.mark.parametrize("seed", range(6))
def test_backward_search_gives_valid_forward_schedules(seed: int) -> None:
    # Every link type with lags and leads: the mirrored problem reverses each link, and its
    # schedules come back on the forward time axis (returned and offered to the others).
    problem = random_problem(500 + seed, n=30, releases=False)
    net = compile_problem(problem)
    assert mirrorable(net) and applicable(net, problem.resources)
    shared = Incumbent()
    best, evaluated = evolve_schedule(
        net,
        problem.resources,
        seeds=(),
        time_limit=0.05,
        seed=seed,
        lower_bound=0,
        shared=shared,
        backward=True,
        receive=False,
    )
    assert evaluated >= 200
    ids = [t.id for t in problem.activities]
    assert violations(problem, dict(zip(ids, best.start, strict=True))) == []
    assert min(best.start) >= 0
    length, offered = shared.best()
    assert offered is not None and length == best.makespan
    assert violations(problem, dict(zip(ids, offered.tolist(), strict=True))) == []
    assert length == max(int(s) + d for s, d in zip(offered, net.duration, strict=True))


def test_backward_search_needs_every_task_free_to_start_at_zero() -> None:
    problem = LevelingProblem(
        (Activity("A", 2, {"crew": 1}), Activity("B", 2, {"crew": 1}, earliest_start=3)),
        (Resource("crew", 1),),
    )
    net = compile_problem(problem)
    assert not mirrorable(net)
    with pytest.raises(ValueError, match="start at 0"):
        evolve_schedule(
            net, problem.resources, seeds=(), time_limit=0.01, seed=0, lower_bound=0, backward=True
        )
