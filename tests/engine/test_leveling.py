"""Worked examples of docs/algorithms/leveling.md, reproduced exactly."""

from __future__ import annotations

import pytest

from altitude.engine.errors import CyclicDependency as EngineCyclicDependency
from altitude.engine.errors import ScheduleValidationError
from altitude.engine.leveling import (
    Activity,
    CapacityChange,
    CyclicDependency,
    LevelingInputError,
    LevelingOptions,
    LevelingProblem,
    LevelingStatus,
    Link,
    LinkType,
    LoadSegment,
    Mode,
    PriorityRule,
    Resource,
    level,
)

CREW2 = Resource("crew", 2)


def example_1() -> LevelingProblem:
    return LevelingProblem(
        activities=(
            Activity("A", 2, {"crew": 2}),
            Activity("B", 3, {"crew": 1}),
            Activity("C", 2, {"crew": 1}),
        ),
        resources=(CREW2,),
        links=(Link("A", "C"),),
    )


@pytest.mark.parametrize("mode", [Mode.HEURISTIC, Mode.EXACT])
def test_example_1_serial_sgs_and_proof_by_energy_bound(mode: Mode) -> None:
    result = level(example_1(), LevelingOptions(mode=mode))
    dates = {t.id: (t.start, t.finish) for t in result.tasks}
    assert dates == {"A": (0, 2), "B": (2, 5), "C": (2, 4)}
    assert result.makespan == 5
    assert result.bound == 5
    assert result.status is LevelingStatus.OPTIMAL
    assert result.gap == 0.0
    assert result.overallocations == ()


def test_example_1_delay_reason_names_resource_and_competing_task() -> None:
    result = level(example_1())
    (delay,) = result.delays
    assert (delay.task, delay.delay, delay.resource, delay.competing_tasks) == (
        "B",
        2,
        "crew",
        ("A",),
    )
    assert delay.predecessor is None


def test_example_1_load_profiles_before_and_after() -> None:
    result = level(example_1())
    (before,) = result.load_before
    (after,) = result.load_after
    assert before.segments == (
        LoadSegment(0, 2, 3, 2),
        LoadSegment(2, 3, 2, 2),
        LoadSegment(3, 4, 1, 2),
    )
    assert before.peak == 3
    assert after.segments == (LoadSegment(0, 4, 2, 2), LoadSegment(4, 5, 1, 2))
    assert after.peak == 2


def example_2(within_float: bool) -> LevelingProblem:
    crew = Resource("crew", 1)
    return LevelingProblem(
        activities=(
            Activity("A", 3, {"crew": 1}),
            Activity("B", 2, {"crew": 1}),
            Activity("C", 4),
        ),
        resources=(crew,),
        within_float=within_float,
    )


def test_example_2_within_float_keeps_finish_and_reports_overallocation() -> None:
    result = level(example_2(within_float=True))
    dates = {t.id: (t.start, t.finish) for t in result.tasks}
    assert dates == {"A": (1, 4), "B": (0, 2), "C": (0, 4)}
    assert result.makespan == 4
    assert result.status is LevelingStatus.INFEASIBLE
    (over,) = result.overallocations
    assert (over.resource, over.start, over.end, over.load, over.capacity) == ("crew", 1, 2, 2, 1)
    assert over.tasks == ("A", "B")


def test_example_2_without_float_limit_delays_the_finish() -> None:
    result = level(example_2(within_float=False))
    assert result.task("B").start == 3
    assert result.makespan == 5
    assert result.status is LevelingStatus.OPTIMAL
    assert result.overallocations == ()


@pytest.mark.parametrize("mode", list(Mode))
def test_example_2b_within_float_keeps_every_projects_finish(mode: Mode) -> None:
    """A alone in project P1 has no float of its own; B leads P2's longer chain."""
    crew = (Resource("crew", 1),)
    tasks = (Activity("A", 2, {"crew": 1}, project="P1"), Activity("B", 2, {"crew": 1}, project="P2"),
             Activity("C", 10, project="P2"))
    links = (Link("B", "C"),)
    options = LevelingOptions(mode=mode, time_limit_seconds=0.3)
    kept = level(LevelingProblem(tasks, crew, links, within_float=True), options)
    assert {t.id: (t.start, t.finish) for t in kept.tasks} == {"A": (0, 2), "B": (0, 2), "C": (2, 12)}
    (over,) = kept.overallocations
    assert (over.start, over.end, over.tasks, over.held) == (0, 2, ("A", "B"), ("A", "B"))
    with_room = level(LevelingProblem((*tasks, Activity("E", 4, project="P1")), crew, links, within_float=True),
                      options)
    assert (with_room.task("A").start, with_room.task("A").finish, with_room.overallocations) == (2, 4, ())


def example_3(splittable: bool) -> LevelingProblem:
    crew = Resource("crew", 1, (CapacityChange(2, 0), CapacityChange(4, 1)))
    return LevelingProblem((Activity("A", 3, {"crew": 1}, splittable=splittable),), (crew,))


def test_example_3_capacity_per_period_pushes_unsplit_task_past_the_holiday() -> None:
    result = level(example_3(splittable=False))
    assert (result.task("A").start, result.task("A").finish) == (4, 7)
    assert result.delays[0].resource == "crew"
    assert result.delays[0].competing_tasks == ()


def test_example_3_splittable_task_works_around_the_holiday() -> None:
    result = level(example_3(splittable=True))
    a = result.task("A")
    assert (a.start, a.finish, a.pieces) == (0, 5, ((0, 2), (4, 5)))
    assert result.overallocations == ()


def test_example_3_exact_mode_respects_capacity_per_period() -> None:
    result = level(example_3(splittable=False), LevelingOptions(mode=Mode.EXACT))
    assert (result.task("A").start, result.makespan, result.status) == (
        4,
        7,
        LevelingStatus.OPTIMAL,
    )


def test_example_4_task_and_project_priorities_decide_who_goes_first() -> None:
    crew = Resource("crew", 1)
    by_task = LevelingProblem(
        (Activity("X", 2, {"crew": 1}, priority=100), Activity("Y", 2, {"crew": 1}, priority=900)),
        (crew,),
    )
    result = level(by_task)
    assert (result.task("Y").start, result.task("X").start) == (0, 2)
    by_project = LevelingProblem(
        (
            Activity("X", 2, {"crew": 1}, project="alpha"),
            Activity("Y", 2, {"crew": 1}, project="beta"),
        ),
        (crew,),
        project_priorities={"alpha": 2, "beta": 1},
    )
    result = level(by_project)
    assert (result.task("X").start, result.task("Y").start) == (0, 2)


def test_example_4_a_priority_reaches_back_to_the_predecessors() -> None:
    """Y (priority 900) can only start after D (no resource, 5 periods); X (the default 500,
    10 periods, the least slack) could start at once. Y still gets the crew first: X waits
    until Y is done, as D carries Y's priority; X first would make Y wait for a lower one."""
    problem = LevelingProblem(
        (
            Activity("D", 5),
            Activity("Y", 3, {"crew": 1}, priority=900),
            Activity("X", 10, {"crew": 1}),
        ),
        (Resource("crew", 1),),
        (Link("D", "Y"),),
    )
    result = level(problem, LevelingOptions(mode=Mode.HEURISTIC, time_limit_seconds=0.3))
    assert (result.task("Y").start, result.task("X").start) == (5, 8)
    shortest = level(problem, LevelingOptions(mode=Mode.EXACT, time_limit_seconds=0.3))
    assert (shortest.makespan, shortest.status.value) == (13, "optimal"), "the exact mode trades it for the finish"


def test_example_5_links_with_lags_and_leads() -> None:
    problem = LevelingProblem(
        (
            Activity("A", 4, {"crew": 1}),
            Activity("B", 3, {"crew": 1}),
            Activity("C", 2, {"crew": 2}),
        ),
        (CREW2,),
        (
            Link("A", "B", LinkType.START_TO_START, 1),
            Link("A", "C", LinkType.FINISH_TO_START, -1),
        ),
    )
    result = level(problem, LevelingOptions(mode=Mode.EXACT))
    dates = {t.id: (t.start, t.finish) for t in result.tasks}
    assert dates == {"A": (0, 4), "B": (1, 4), "C": (4, 6)}
    delay = next(d for d in result.delays if d.task == "C")
    assert (delay.delay, delay.resource, delay.competing_tasks) == (1, "crew", ("A", "B"))


def test_demand_above_capacity_is_reported_not_hidden() -> None:
    problem = LevelingProblem((Activity("A", 2, {"crane": 3}),), (Resource("crane", 2),))
    result = level(problem, LevelingOptions(mode=Mode.EXACT))
    assert result.status is LevelingStatus.INFEASIBLE
    (over,) = result.overallocations
    assert (over.resource, over.load, over.capacity, over.tasks) == ("crane", 3, 2, ("A",))


@pytest.mark.parametrize("mode", [Mode.HEURISTIC, Mode.EXACT])
def test_fixed_start_constraint_moves_the_other_task(mode: Mode) -> None:
    problem = LevelingProblem(
        (
            Activity("A", 3, {"crew": 1}),
            Activity("M", 2, {"crew": 1}, earliest_start=1, latest_start=1),
        ),
        (Resource("crew", 1),),
    )
    result = level(problem, LevelingOptions(mode=mode))
    assert (result.task("M").start, result.task("A").start, result.makespan) == (1, 3, 6)
    assert result.overallocations == ()
    expected = LevelingStatus.OPTIMAL if mode is Mode.EXACT else LevelingStatus.FEASIBLE
    assert (result.status, result.bound) == (expected, 6 if mode is Mode.EXACT else 5)


@pytest.mark.parametrize("mode", [Mode.HEURISTIC, Mode.EXACT])
def test_a_pinned_task_keeps_its_date_over_a_link_it_cannot_meet(mode: Mode) -> None:
    """M is pinned at 2 (a must-start-on date, or work already started) but follows A (5
    periods) by a finish-to-start link, as the scheduler leaves it: the pin wins and the link
    is reported unmet. Keeping the link moved M to 5 and gave A a deadline before its start."""
    problem = LevelingProblem(
        (
            Activity("A", 5, {"crew": 1}),
            Activity("B", 2, {"crew": 1}),
            Activity("M", 1, {"crew": 1}, earliest_start=2, latest_start=2),
            Activity("C", 1),
        ),
        (Resource("crew", 1),),
        (Link("A", "M"), Link("M", "C"), Link("B", "C")),
    )
    result = level(problem, LevelingOptions(mode=mode, time_limit_seconds=0.5))
    assert result.unmet_links == (("A", "M"),)
    assert result.task("M").start == 2
    assert result.overallocations == () and result.status is not LevelingStatus.INFEASIBLE
    starts = {t.id: t.start for t in result.tasks}
    assert starts["C"] >= max(starts["M"] + 1, starts["B"] + 2), "the links kept still hold"
    assert result.makespan == 8, "B, M, then A on the one crew: 8 periods of work"


@pytest.mark.parametrize("mode", [Mode.HEURISTIC, Mode.EXACT])
def test_two_pinned_tasks_keep_their_dates_and_the_overload_is_reported(mode: Mode) -> None:
    problem = LevelingProblem(
        (
            Activity("M1", 2, {"crew": 1}, earliest_start=0, latest_start=0),
            Activity("M2", 2, {"crew": 1}, earliest_start=1, latest_start=1),
        ),
        (Resource("crew", 1),),
    )
    result = level(problem, LevelingOptions(mode=mode))
    assert (result.task("M1").start, result.task("M2").start) == (0, 1)
    assert result.status is LevelingStatus.INFEASIBLE
    (over,) = result.overallocations
    assert (over.start, over.end, over.load, over.tasks) == (1, 2, 2, ("M1", "M2"))
    assert over.held == ("M1", "M2"), "neither can start after the overlap: why it stays"


@pytest.mark.parametrize("mode", [Mode.HEURISTIC, Mode.EXACT])
def test_held_names_the_tasks_that_cannot_leave_the_overload(mode: Mode) -> None:
    """P precedes the pinned M (at 3) and shares the crew with the pinned N (at 0-2): P can
    start no later than 1, where N still holds the crew, so the overlap stays; N and P are
    held (P by the latest start M gives it), while Q, free to wait, is not in it."""
    problem = LevelingProblem(
        (
            Activity("N", 2, {"crew": 1}, earliest_start=0, latest_start=0),
            Activity("P", 2, {"crew": 1}),
            Activity("M", 1, earliest_start=3, latest_start=3),
            Activity("Q", 2, {"crew": 1}),
        ),
        (Resource("crew", 1),),
        (Link("P", "M"),),
    )
    result = level(problem, LevelingOptions(mode=mode, time_limit_seconds=0.5))
    assert result.status is LevelingStatus.INFEASIBLE
    assert [(o.tasks, o.held) for o in result.overallocations] == [(("N", "P"), ("N", "P"))]
    assert result.task("Q").start >= 2, "Q waits for the crew"


def test_within_float_holds_the_tasks_that_used_their_float() -> None:
    problem = LevelingProblem(
        (Activity("A", 4, {"crew": 1}), Activity("B", 4, {"crew": 1})),
        (Resource("crew", 1),),
        within_float=True,
    )
    result = level(problem, LevelingOptions(mode=Mode.HEURISTIC, time_limit_seconds=0.2))
    assert result.status is LevelingStatus.INFEASIBLE
    (over,) = result.overallocations
    assert over.held == ("A", "B"), "no float: neither could start later"


def test_a_task_with_float_but_no_free_slot_in_it_is_held() -> None:
    """Within float, X may start anywhere from 0 to 5, but A holds the crew until 6: X has
    float left and still cannot leave the overlap, so it is held; A, on the critical path,
    is held too."""
    problem = LevelingProblem(
        (Activity("A", 6, {"crew": 1}), Activity("X", 1, {"crew": 1})),
        (Resource("crew", 1),),
        within_float=True,
    )
    result = level(problem, LevelingOptions(mode=Mode.HEURISTIC, time_limit_seconds=0.2))
    (over,) = result.overallocations
    assert over.end - over.start == 1 and set(over.held) == {"A", "X"}


def test_a_task_too_big_for_its_resource_is_not_held() -> None:
    """The crane's overload stays because A needs 3 of 2, not because of a date."""
    problem = LevelingProblem((Activity("A", 2, {"crane": 3}),), (Resource("crane", 2),))
    result = level(problem, LevelingOptions(mode=Mode.HEURISTIC, time_limit_seconds=0.2))
    assert result.overallocations[0].held == ()


def test_cycle_is_reported_with_its_tasks() -> None:
    problem = LevelingProblem(
        (Activity("A", 1), Activity("B", 1), Activity("C", 1)),
        (),
        (Link("A", "B"), Link("B", "C"), Link("C", "A")),
    )
    with pytest.raises(EngineCyclicDependency) as error:
        level(problem)
    assert isinstance(error.value, CyclicDependency)
    assert set(error.value.tasks) == {"A", "B", "C"}


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Activity("A", -1), "duration"),
        (lambda: Activity("A", 1, {"crew": -1}), "demands"),
        (lambda: Activity("A", 1, earliest_start=5, latest_start=2), "latest_start"),
        (lambda: LevelingProblem((Activity("A", 1, {"ghost": 1}),), ()), "demands"),
        (lambda: LevelingProblem((Activity("A", 1),), (), (Link("A", "Z"),)), "successor"),
        (lambda: LevelingProblem((Activity("A", 1), Activity("A", 2)), ()), "id"),
        (lambda: LevelingOptions(time_limit_seconds=-0.5), "time_limit_seconds"),
        (lambda: LevelingOptions(time_limit_seconds=float("nan")), "time_limit_seconds"),
        (lambda: LevelingOptions(time_limit_seconds=float("inf")), "time_limit_seconds"),
        (lambda: LevelingOptions(workers=0), "workers"),
        (lambda: Link("A", "B", "XX"), "type"),  # type: ignore[arg-type]
        (lambda: Activity("A", 2.5), "duration"),  # type: ignore[arg-type]
        (lambda: Activity("A", "3"), "duration"),  # type: ignore[arg-type]
        (lambda: Activity("A", True), "duration"),
        (lambda: Activity("A", 1, {"crew": 0.5}), "demands"),  # type: ignore[dict-item]
        (lambda: Activity("A", 1, earliest_start=0.5), "earliest_start"),  # type: ignore[arg-type]
        (lambda: Activity("A", 1, priority=499.5), "priority"),  # type: ignore[arg-type]
        (lambda: Resource("crew", 1.5), "capacity"),  # type: ignore[arg-type]
        (lambda: Resource("crew", 1, (CapacityChange(2.5, 1),)), "changes"),  # type: ignore[arg-type]
        (lambda: Link("A", "B", lag=1.5), "lag"),  # type: ignore[arg-type]
        (lambda: LevelingOptions(mode="fast"), "mode"),  # type: ignore[arg-type]
        (lambda: LevelingOptions(priority_rule="random"), "priority_rule"),  # type: ignore[arg-type]
    ],
)
def test_invalid_input_names_the_field(build: object, field: str) -> None:
    with pytest.raises(LevelingInputError) as error:
        build()  # type: ignore[operator]
    assert error.value.field == field
    assert isinstance(error.value, ScheduleValidationError)


def test_link_types_and_modes_may_be_written_as_users_write_them() -> None:
    """Library callers (scripts, notebooks) write "SS" and "exact" as the JSON network and the
    command line do; until 2026-12-08 a string link type failed deep in the compiler with a
    ``KeyError: 'FS'``."""
    problem = LevelingProblem(
        (Activity("A", 2, {"crew": 1}), Activity("B", 2, {"crew": 1})),
        (Resource("crew", 1),),
        (Link("A", "B", "SS", 1),),  # type: ignore[arg-type]
    )
    assert problem.links[0].type is LinkType.START_TO_START
    options = LevelingOptions(mode="heuristic", priority_rule="LFT")  # type: ignore[arg-type]
    assert (options.mode, options.priority_rule) == (Mode.HEURISTIC, PriorityRule.LATEST_FINISH)
    result = level(problem, options)
    assert {t.id: t.start for t in result.tasks} == {"A": 0, "B": 2}


def test_whole_floats_and_numpy_integers_are_taken_as_the_numbers_they_are() -> None:
    """Data read with pandas or numpy arrives as 2.0 or ``np.int64(2)``; the solvers take Python
    ints (until 2026-12-08 a float demand failed in numpy with a ``UFuncTypeError``)."""
    import numpy as np

    problem = LevelingProblem(
        (Activity("A", 2.0, {"crew": np.int64(2)}), Activity("B", np.int32(3), {"crew": 1.0})),  # type: ignore[arg-type,dict-item]
        (Resource("crew", 2.0, (CapacityChange(10.0, 3),)),),  # type: ignore[arg-type]
        (Link("A", "B", lag=np.int64(1)),),  # type: ignore[arg-type]
    )
    a, b = problem.activities
    assert (type(a.duration), type(a.demands["crew"]), type(b.duration), type(problem.links[0].lag)) == (int,) * 4
    result = level(problem)
    assert {t.id: t.start for t in result.tasks} == {"A": 0, "B": 3}


def test_each_mode_has_its_own_default_budget() -> None:
    """The heuristic answers interactively: without a budget it has half a second, so a
    10,000-task program is levelled well under the 0.8 s a user waits (``make bench``)."""
    assert LevelingOptions().budget_seconds == 0.5
    assert LevelingOptions(mode=Mode.EXACT).budget_seconds == 1.0
    assert LevelingOptions(mode=Mode.EXACT, time_limit_seconds=0).budget_seconds == 0


def test_a_no_later_than_task_gets_the_resource_before_a_task_that_can_wait() -> None:
    """P must start by period 1 (a start-no-later-than date); Q, on the crew too, could start
    as late as 2 (W sets the finish at 6). The latest-start rule counts P's own latest start,
    so P goes first and nothing is over-allocated. With priorities in the plan (X) only that
    first pass runs, and ordering by the CPM latest start (P's is 4) left Q over P."""
    problem = LevelingProblem(
        (
            Activity("Q", 3, {"crew": 1}),
            Activity("Z", 1),
            Activity("W", 6),
            Activity("X", 1, {"saw": 1}, priority=900),
            Activity("P", 2, {"crew": 1}, latest_start=1),
        ),
        (Resource("crew", 1), Resource("saw", 1)),
        (Link("Q", "Z"),),
    )
    result = level(problem, LevelingOptions(mode=Mode.HEURISTIC, time_limit_seconds=0.2))
    assert result.overallocations == () and result.status is LevelingStatus.OPTIMAL
    assert (result.task("P").start, result.task("Q").start) == (0, 2)
