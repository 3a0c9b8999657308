"""Property tests: every levelled schedule respects links, constraints and capacities.

The checks here are written independently of the engine (their own link arithmetic, CPM
pass and load profile), so a bug shared by the solvers and their explainer still fails.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altitude.engine.leveling import (
    DO_NOT_LEVEL,
    Activity,
    CapacityChange,
    LevelingOptions,
    LevelingProblem,
    LevelingResult,
    LevelingStatus,
    Link,
    LinkType,
    Mode,
    Resource,
    level,
)

FAST = LevelingOptions(mode=Mode.HEURISTIC, time_limit_seconds=0.02)


@st.composite
def problems(
    draw: st.DrawFn,
    *,
    varying_capacity: bool = True,
    within_float: bool | None = None,
    projects: bool = False,
) -> LevelingProblem:
    n_resources = draw(st.integers(1, 3))
    resources = []
    for k in range(n_resources):
        capacity = draw(st.integers(1, 4))
        changes: tuple[CapacityChange, ...] = ()
        if varying_capacity and draw(st.booleans()):
            start = draw(st.integers(1, 8))
            changes = (
                CapacityChange(start, draw(st.integers(0, capacity))),
                CapacityChange(start + draw(st.integers(1, 5)), capacity),
            )
        resources.append(Resource(f"R{k}", capacity, changes))
    n = draw(st.integers(1, 10))
    activities = []
    for i in range(n):
        demands = {r.id: draw(st.integers(1, r.capacity)) for r in resources if draw(st.booleans())}
        activities.append(
            Activity(
                f"T{i}",
                draw(st.integers(0, 5)),
                demands,
                priority=draw(st.sampled_from([500, 500, 100, 900])),
                splittable=draw(st.booleans()) if varying_capacity else False,
                earliest_start=draw(st.integers(0, 3)),
                project=draw(st.sampled_from(["P1", "P2", "P3"])) if projects else None,
            )
        )
    links = []
    for j in range(1, n):
        for i in draw(st.sets(st.integers(0, j - 1), max_size=2)):
            links.append(
                Link(
                    f"T{i}",
                    f"T{j}",
                    draw(st.sampled_from(list(LinkType))),
                    draw(st.integers(-2, 3)),
                )
            )
    wf = draw(st.booleans()) if within_float is None else within_float
    return LevelingProblem(tuple(activities), tuple(resources), tuple(links), within_float=wf)


def link_ok(link: Link, dates: dict[str, tuple[int, int]]) -> bool:
    (ps, pf), (ss, sf) = dates[link.predecessor], dates[link.successor]
    if link.type is LinkType.FINISH_TO_START:
        return ss >= pf + link.lag
    if link.type is LinkType.START_TO_START:
        return ss >= ps + link.lag
    if link.type is LinkType.FINISH_TO_FINISH:
        return sf >= pf + link.lag
    return sf >= ps + link.lag


def capacity(resource: Resource, t: int) -> int:
    value = resource.capacity
    for change in resource.changes:
        if change.start <= t:
            value = change.capacity
    return value


def overloaded_periods(problem: LevelingProblem, result: LevelingResult) -> set[tuple[str, int]]:
    """(resource, period) pairs over capacity, computed from the task pieces alone."""
    load: dict[tuple[str, int], int] = {}
    for activity in problem.activities:
        dates = result.task(activity.id)
        for a, b in dates.pieces:
            for t in range(a, b):
                for r, q in activity.demands.items():
                    load[(r, t)] = load.get((r, t), 0) + q
    by_id = {r.id: r for r in problem.resources}
    return {(r, t) for (r, t), v in load.items() if v > capacity(by_id[r], t)}


def cpm_finish(problem: LevelingProblem) -> tuple[int, dict[str, int]]:
    """Resource-free early starts by repeated relaxation (independent of the engine)."""
    start = {a.id: a.earliest_start for a in problem.activities}
    duration = {a.id: a.duration for a in problem.activities}
    for _ in range(len(problem.activities) + 1):
        for link in problem.links:
            p, s = link.predecessor, link.successor
            bound = {
                LinkType.FINISH_TO_START: start[p] + duration[p] + link.lag,
                LinkType.START_TO_START: start[p] + link.lag,
                LinkType.FINISH_TO_FINISH: start[p] + duration[p] + link.lag - duration[s],
                LinkType.START_TO_FINISH: start[p] + link.lag - duration[s],
            }[link.type]
            start[s] = max(start[s], bound)
    return max((start[a] + duration[a] for a in start), default=0), start


def check(problem: LevelingProblem, result: LevelingResult) -> None:
    dates = {t.id: (t.start, t.finish) for t in result.tasks}
    by_id = {a.id: a for a in problem.activities}
    unmet = set(result.unmet_links)
    for link in problem.links:
        assert (link.predecessor, link.successor) in unmet or link_ok(link, dates), link
    for _, pinned in unmet:  # left out only for a task held at its own latest start
        latest = by_id[pinned].latest_start
        assert latest is not None and dates[pinned][0] <= latest
    for task in result.tasks:
        activity = by_id[task.id]
        assert task.start >= activity.earliest_start
        assert sum(b - a for a, b in task.pieces) == activity.duration
        if task.pieces:
            assert (task.pieces[0][0], task.pieces[-1][1]) == (task.start, task.finish)
            if not activity.splittable:
                assert len(task.pieces) == 1
        else:
            assert task.finish == task.start
    over = overloaded_periods(problem, result)
    reported = {(o.resource, t) for o in result.overallocations for t in range(o.start, o.end)}
    assert over == reported
    assert (result.status is LevelingStatus.INFEASIBLE) == bool(over)
    assert result.bound <= result.makespan
    assert result.makespan == max((t.finish for t in result.tasks), default=0)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(within_float=False))
def test_heuristic_schedule_respects_links_and_capacities(problem: LevelingProblem) -> None:
    result = level(problem, FAST)
    check(problem, result)
    # Without deadlines every task fits somewhere: nothing stays over-allocated
    # (unless a demand exceeds the capacity a resource ever has after its last change).
    if all(
        all(
            q <= capacity(r, 10**6)
            for r in problem.resources
            for rid, q in a.demands.items()
            if rid == r.id
        )
        for a in problem.activities
    ):
        assert result.overallocations == ()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(within_float=True, projects=True))
def test_within_float_never_moves_a_projects_finish(problem: LevelingProblem) -> None:
    """Each project keeps its own finish (the latest resource-free finish of its tasks), so
    the finish of the whole keeps its too."""
    result = level(problem, FAST)
    check(problem, result)
    finish, early = cpm_finish(problem)
    assert result.makespan <= finish
    for task in result.tasks:
        assert task.early_start == early[task.id]
    dates = {t.id: t.finish for t in result.tasks}
    duration = {a.id: a.duration for a in problem.activities}
    for project in {a.project for a in problem.activities}:
        ids = [a.id for a in problem.activities if a.project == project]
        assert max(dates[i] for i in ids) <= max(early[i] + duration[i] for i in ids), project


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(varying_capacity=False, within_float=False))
def test_exact_mode_is_never_worse_and_proves_what_it_claims(problem: LevelingProblem) -> None:
    heuristic = level(problem, FAST)
    exact = level(problem, LevelingOptions(mode=Mode.EXACT, time_limit_seconds=2.0))
    check(problem, exact)
    assert exact.makespan <= heuristic.makespan
    assert (
        exact.bound >= max(heuristic.bound, cpm_finish(problem)[0])
        or exact.status is LevelingStatus.OPTIMAL
    )
    if heuristic.status is LevelingStatus.OPTIMAL:
        assert exact.makespan == heuristic.makespan
    if exact.status is LevelingStatus.OPTIMAL:
        assert exact.bound == exact.makespan


@settings(max_examples=40, deadline=None)
@given(problems(), st.integers(0, 3))
def test_levelling_is_deterministic_for_a_seed(problem: LevelingProblem, seed: int) -> None:
    options = LevelingOptions(mode=Mode.HEURISTIC, time_limit_seconds=0.0, seed=seed)
    assert level(problem, options).tasks == level(problem, options).tasks


def tasks_that_could_start_earlier(problem: LevelingProblem, result: LevelingResult) -> list[str]:
    """Unsplit tasks that could start a period earlier with every other task where it is:
    links, earliest start and the capacity of that period allow it."""
    load: dict[tuple[str, int], int] = {}
    for activity in problem.activities:
        for a, b in result.task(activity.id).pieces:
            for t in range(a, b):
                for r, q in activity.demands.items():
                    load[(r, t)] = load.get((r, t), 0) + q
    by_id = {r.id: r for r in problem.resources}
    dates = {t.id: (t.start, t.finish) for t in result.tasks}
    found = []
    for activity in problem.activities:
        start, finish = dates[activity.id]
        if activity.splittable or start <= activity.earliest_start:
            continue
        moved = {**dates, activity.id: (start - 1, finish - 1)}
        links = [link for link in problem.links if link.successor == activity.id]
        if not all(link_ok(link, moved) for link in links):
            continue
        if activity.duration and any(
            load.get((r, start - 1), 0) + q > capacity(by_id[r], start - 1)
            for r, q in activity.demands.items()
        ):
            continue
        found.append(activity.id)
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.sampled_from([Mode.HEURISTIC, Mode.EXACT]))
def test_no_task_is_delayed_for_nothing(problem: LevelingProblem, mode: Mode) -> None:
    """Both modes return active schedules: a task that could start earlier without moving any
    other is a delay the user would be shown and apply for no reason (CP-SAT places tasks
    anywhere in their slack when it only minimises the makespan)."""
    result = level(problem, LevelingOptions(mode=mode, time_limit_seconds=0.3))
    check(problem, result)
    if result.status is not LevelingStatus.INFEASIBLE:
        assert tasks_that_could_start_earlier(problem, result) == []


@st.composite
def problems_with_pins(draw: st.DrawFn) -> LevelingProblem:
    """Some tasks without predecessors pinned at their earliest start (a must-start-on date,
    work under way), so pinned tasks may overlap on a resource: an over-allocation nobody can
    remove."""
    problem = draw(problems(varying_capacity=False, within_float=False))
    followers = {link.successor for link in problem.links}
    pins = {a.id for a in problem.activities if a.id not in followers and draw(st.booleans())}
    return replace(problem, activities=tuple(
        replace(a, latest_start=a.earliest_start) if a.id in pins else a for a in problem.activities))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems_with_pins(), st.sampled_from([Mode.HEURISTIC, Mode.EXACT]))
def test_only_pinned_tasks_stay_over_allocated(problem: LevelingProblem, mode: Mode) -> None:
    """Every demand fits its resource, so only pinned tasks overlapping each other can leave
    an over-allocation: a free task never joins one (it used to, when it was placed before a
    pinned task that then had to go where it sat), and every over-allocation names its tasks
    as held."""
    result = level(problem, replace(FAST, mode=mode, time_limit_seconds=0.05))
    check(problem, result)
    pinned = {a.id for a in problem.activities if a.latest_start is not None}
    for over in result.overallocations:
        assert set(over.tasks) <= pinned, (over, pinned)
        assert over.held == over.tasks


@st.composite
def problems_with_dates(draw: st.DrawFn, splittable: bool = False) -> LevelingProblem:
    """Some tasks with a latest start (a no-later-than date) a few periods after their
    earliest, so that some over-allocations cannot be removed; with ``splittable``, some
    tasks may be split."""
    problem = draw(problems(varying_capacity=False))
    return replace(problem, activities=tuple(
        replace(a, latest_start=a.earliest_start + draw(st.integers(0, 4)) if draw(st.integers(0, 3)) == 0
                else a.latest_start,
                splittable=splittable and draw(st.booleans()))
        for a in problem.activities))


def needs_more_than_capacity(problem: LevelingProblem, task: str, resource: str) -> bool:
    activity = next(a for a in problem.activities if a.id == task)
    return activity.demands.get(resource, 0) > next(r for r in problem.resources if r.id == resource).capacity


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems_with_dates(), st.sampled_from([Mode.HEURISTIC, Mode.EXACT]))
def test_every_task_left_over_allocated_is_held(problem: LevelingProblem, mode: Mode) -> None:
    """An over-allocation the heuristic leaves holds only tasks that cannot move out of it by
    themselves (no free start before their latest start): a task that could wait never stays
    in one. Before, squeezing a dated task into the slot a free task had taken left both there,
    and the search around the over-allocation froze it in."""
    assert_left_over_allocations_are_held(problem, mode)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems_with_dates(splittable=True), st.sampled_from([Mode.HEURISTIC, Mode.EXACT]))
def test_every_task_left_over_allocated_is_held_splittable_or_not(problem: LevelingProblem, mode: Mode) -> None:
    """The same with splittable tasks, which may leave in pieces. Until 2026-12-07 a splittable
    task was never held (a one-period task pinned at its latest start was said free to move),
    and a plan with any splittable task kept over-allocations its tasks could leave."""
    assert_left_over_allocations_are_held(problem, mode)


def assert_left_over_allocations_are_held(problem: LevelingProblem, mode: Mode) -> None:
    result = level(problem, replace(FAST, mode=mode, time_limit_seconds=0.05))
    check(problem, result)
    pieces = {t.id: t.pieces for t in result.tasks}
    for over in result.overallocations:
        working = {a.id for a in problem.activities if a.demands.get(over.resource)
                   and any(s < over.end and f > over.start for s, f in pieces[a.id])}
        assert set(over.tasks) == working, over
        loose = [t for t in over.tasks if t not in over.held and not needs_more_than_capacity(problem, t, over.resource)]
        assert loose == [], over


@pytest.mark.parametrize("mode", [Mode.HEURISTIC, Mode.EXACT])
def test_a_free_task_does_not_stay_beside_two_dated_ones(mode: Mode) -> None:
    """Found by the property above in CI. T3 must start by 2 and T0, through T1, by 3; both
    need R1, so one over-allocation of 3 unit-periods stays whatever happens. T0 squeezed
    in at 3 also overlapped T4 on R2 (the same 3 unit-periods in all, and a shorter plan: 8
    against 9), and the ranking by excess then length kept that. T4 has no date: it waits."""
    fs, ss, ff = LinkType.FINISH_TO_START, LinkType.START_TO_START, LinkType.FINISH_TO_FINISH
    problem = LevelingProblem(
        (Activity("T0", 5, {"R1": 1, "R2": 1}), Activity("T1", 0, {}), Activity("T2", 0, {}),
         Activity("T3", 3, {"R1": 1}, latest_start=2), Activity("T4", 4, {"R2": 1})),
        (Resource("R1", 1), Resource("R2", 1)),
        (Link("T0", "T1", ss, 1), Link("T1", "T3", ff, 1), Link("T2", "T3", fs)),
    )
    result = level(problem, replace(FAST, mode=mode, time_limit_seconds=0.05))
    check(problem, result)
    assert [(o.resource, set(o.tasks), set(o.held)) for o in result.overallocations] == [
        ("R1", {"T0", "T3"}, {"T0", "T3"})]


@pytest.mark.parametrize("mode", [Mode.HEURISTIC, Mode.EXACT])
@pytest.mark.parametrize("link", [Link("T0", "T1", LinkType.START_TO_FINISH), Link("T0", "T1", LinkType.START_TO_START, -2)])
def test_a_predecessor_a_lead_lets_start_later_makes_room(mode: Mode, link: Link) -> None:
    """Found by the property above with other seeds. T1 must start by 1; its predecessor T0
    (no date) may start after it through the link (start-to-finish, or a two-period lead), but
    a serial pass places a predecessor first, at its earliest, and T1 was squeezed in beside
    it. After the search, T0 moves to its first free start: nothing stays over-allocated."""
    problem = LevelingProblem(
        (Activity("T0", 2, {"R0": 1}), Activity("T1", 1, {"R0": 1}, latest_start=1)), (Resource("R0", 1),), (link,))
    result = level(problem, replace(FAST, mode=mode, time_limit_seconds=0.05))
    check(problem, result)
    assert result.overallocations == () and result.status is not LevelingStatus.INFEASIBLE


@pytest.mark.parametrize("mode", [Mode.HEURISTIC, Mode.EXACT])
@pytest.mark.parametrize("link", [Link("T0", "T1", LinkType.START_TO_FINISH), Link("T0", "T1", LinkType.START_TO_START, -2)])
@pytest.mark.parametrize("where", ["elsewhere", "T0"])
def test_a_splittable_task_does_not_stop_a_predecessor_making_room(mode: Mode, link: Link, where: str) -> None:
    """The case above with a splittable task, elsewhere in the plan or T0 itself. Until
    2026-12-07 the move after the search skipped any problem with a splittable task, and the
    heuristic reported T0 and T1 over-allocated (status infeasible) though T0 could leave."""
    extra = (Activity("S", 3, {"R9": 1}, splittable=True),) if where == "elsewhere" else ()
    problem = LevelingProblem(
        (Activity("T0", 2, {"R0": 1}, splittable=where == "T0"), Activity("T1", 1, {"R0": 1}, latest_start=1), *extra),
        (Resource("R0", 1), Resource("R9", 1)), (link,))
    result = level(problem, replace(FAST, mode=mode, time_limit_seconds=0.05))
    check(problem, result)
    assert result.overallocations == () and result.status is not LevelingStatus.INFEASIBLE
    assert {t.id: t.pieces for t in result.tasks}["T0"] == ((1, 3),)


@pytest.mark.parametrize("mode", [Mode.HEURISTIC, Mode.EXACT])
def test_a_splittable_task_that_cannot_leave_in_pieces_is_held(mode: Mode) -> None:
    """Found by the property above. Within float the plan must finish by 2: T0 works in
    period 1 (it starts no earlier), T3 (splittable, 2 periods) must start at 0 and finish by
    2, so both stay over-allocated in period 1 and both are held. Split around T0, T3 would
    finish at 3: leaving in pieces must keep the latest finish as the serial pass does."""
    problem = LevelingProblem(
        (Activity("T0", 1, {"R1": 1}, earliest_start=1), Activity("T3", 2, {"R1": 1}, splittable=True)),
        (Resource("R1", 1),), (), within_float=True)
    result = level(problem, replace(FAST, mode=mode, time_limit_seconds=0.05))
    check(problem, result)
    assert result.makespan == 2
    assert [(o.start, o.end, set(o.tasks), set(o.held)) for o in result.overallocations] == [
        (1, 2, {"T0", "T3"}, {"T0", "T3"})]


def test_an_over_allocation_that_changes_hands_at_equal_load_is_two_runs() -> None:
    """Found by the web's random plans (seeds 2 and 56 of 80): B holds the crew throughout, A
    until 2 and C from 2, all pinned, so the load is 2 of 1 from 0 to 4. The run took the tasks
    working at its first period, and C, over-allocated from 2, was neither listed nor explained."""
    problem = LevelingProblem(
        (Activity("A", 2, {"R": 1}, latest_start=0), Activity("B", 4, {"R": 1}, latest_start=0),
         Activity("C", 2, {"R": 1}, earliest_start=2, latest_start=2)),
        (Resource("R", 1),), ())
    result = level(problem, replace(FAST, time_limit_seconds=0.05))
    check(problem, result)
    assert [(o.start, o.end, o.load, set(o.tasks), set(o.held)) for o in result.overallocations] == [
        (0, 2, 2, {"A", "B"}, {"A", "B"}), (2, 4, 2, {"B", "C"}, {"B", "C"})]


def test_a_milestone_is_not_left_late_when_justifying_would_lengthen_the_plan() -> None:
    """Found by the "delayed for nothing" property: T3 follows T2 with a two-period lead, so the
    justifying pass in order of start places T2 first and lengthens the optimum (4 against 3);
    it was dropped whole, and CP-SAT's milestone T6 stayed at 2 instead of 0, after T0 at 0."""
    fs = LinkType.FINISH_TO_START
    problem = LevelingProblem(
        (Activity("T0", 0, {}), Activity("T2", 1, {"R1": 1}), Activity("T3", 2, {"R1": 1}), Activity("T6", 0, {})),
        (Resource("R1", 1),),
        (Link("T0", "T2", fs, 1), Link("T0", "T3", fs), Link("T2", "T3", LinkType.START_TO_START, -2), Link("T0", "T6", fs)),
    )
    result = level(problem, LevelingOptions(mode=Mode.EXACT, time_limit_seconds=0.3))
    check(problem, result)
    assert result.makespan == 3 and tasks_that_could_start_earlier(problem, result) == []


def plan_of_25_tasks(seed: int) -> LevelingProblem:
    """A random plan large enough that the heuristic does not prove it optimal, so CP-SAT
    searches (three resources, one with a dip in capacity, some tasks released late)."""
    rnd = random.Random(seed)
    activities = tuple(
        Activity(
            f"T{i}",
            rnd.randint(1, 8),
            {f"R{k}": rnd.randint(1, 3) for k in range(3) if rnd.random() < 0.5},
            earliest_start=rnd.choice([0, 0, 0, 3]),
        )
        for i in range(25)
    )
    links = tuple(
        Link(f"T{i}", f"T{j}") for i in range(25) for j in range(i + 1, 25) if rnd.random() < 0.08
    )
    resources = (
        Resource("R0", 4, (CapacityChange(10, 2), CapacityChange(20, 4))),
        Resource("R1", 3),
        Resource("R2", 4),
    )
    return LevelingProblem(activities, resources, links)


@pytest.mark.parametrize("seed", range(8))
def test_exact_mode_leaves_no_task_delayed_for_nothing(seed: int) -> None:
    problem = plan_of_25_tasks(seed)
    result = level(problem, LevelingOptions(mode=Mode.EXACT, time_limit_seconds=0.5, seed=seed))
    check(problem, result)
    assert result.status is not LevelingStatus.INFEASIBLE
    assert tasks_that_could_start_earlier(problem, result) == []


def random_plan(seed: int) -> LevelingProblem:
    """A plan of 10 to 40 tasks with everything at once: capacity that varies, splittable,
    do-not-level and dated tasks, every link type with leads and lags, projects, within
    float. Larger than the hypothesis plans, where some faults only show."""
    rng = random.Random(seed)
    n = rng.randint(10, 40)
    resources = []
    for k in range(rng.randint(1, 3)):
        units = rng.randint(1, 5)
        changes: tuple[CapacityChange, ...] = ()
        if rng.random() < 0.3:
            first = rng.randint(1, 15)
            back = first + rng.randint(1, 10)
            changes = (CapacityChange(first, rng.randint(0, units)), CapacityChange(back, units))
        resources.append(Resource(f"R{k}", units, changes))
    activities = []
    for i in range(n):
        demands = {r.id: rng.randint(1, r.capacity) for r in resources if rng.random() < 0.5}
        earliest = rng.randint(0, 5) if rng.random() < 0.3 else 0
        latest = earliest + rng.randint(0, 6) if rng.random() < 0.1 else None
        priority = DO_NOT_LEVEL if rng.random() < 0.1 else rng.choice([100, 500, 500, 900])
        duration = rng.randint(0, 6) if rng.random() < 0.9 else 0
        project = f"P{rng.randint(0, 2)}" if rng.random() < 0.5 else None
        activities.append(Activity(f"T{i}", duration, demands, priority=priority, project=project,
                                   splittable=rng.random() < 0.2, earliest_start=earliest, latest_start=latest))
    links = [Link(f"T{i}", f"T{j}", rng.choice(list(LinkType)), rng.randint(-2, 3))
             for j in range(1, n) for i in rng.sample(range(j), min(j, rng.randint(0, 2)))]
    return LevelingProblem(tuple(activities), tuple(resources), tuple(links), within_float=rng.random() < 0.15)


@pytest.mark.parametrize("seed", range(60))
def test_no_task_is_delayed_for_nothing_in_larger_plans(seed: int) -> None:
    """Every delay has a reason, in both modes, and when the plan over-allocates nothing (and
    no task is at priority 1000, which a task it holds would move) no task could start a
    period earlier with every other task where it is. Until 2026-12-08 a plan that kept an
    over-allocation was not justified at all: seeds 29, 48 (exact mode) and 51 (heuristic, after
    a task moved aside for another) had a task delayed for nothing, one without resources six
    periods late; 28 of 600 such plans had one."""
    problem = random_plan(seed)
    for mode in (Mode.HEURISTIC, Mode.EXACT):
        result = level(problem, LevelingOptions(mode=mode, time_limit_seconds=0.1))
        check(problem, result)
        assert all(d.predecessor or d.resource or d.successor for d in result.delays), (mode, result.delays)
        if (result.status is not LevelingStatus.INFEASIBLE and not problem.within_float
                and all(a.priority != DO_NOT_LEVEL for a in problem.activities)):
            assert tasks_that_could_start_earlier(problem, result) == [], mode
