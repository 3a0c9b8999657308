"""Priority 1000, MS Project's "do not level": levelling never delays the task itself.

The worked example is example 8 of ``docs/algorithms/leveling.md``; the property test checks
the rule on random networks with its own link arithmetic (not the engine's).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altitude.engine.leveling import (
    DO_NOT_LEVEL,
    Activity,
    LevelingInputError,
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
from altitude.engine.leveling.ga import applicable
from altitude.engine.leveling.network import compile_problem
from tests.engine.test_leveling_properties import check, problems

CREW = Resource("crew", 1)
MODES = [Mode.HEURISTIC, Mode.EXACT]


def dates(result: LevelingResult) -> dict[str, tuple[int, int]]:
    return {t.id: (t.start, t.finish) for t in result.tasks}


def options(mode: Mode, seconds: float = 0.3) -> LevelingOptions:
    return LevelingOptions(mode=mode, time_limit_seconds=seconds)


@pytest.mark.parametrize("mode", MODES)
def test_the_others_level_around_a_task_that_is_not_levelled(mode: Mode) -> None:
    """Crew of 1. Y (priority 900) and F (1000) could both start at 0: at 900 alone Y would
    go first; F is not levelled, so it keeps 0-3 and Y waits until 3. A (500) leads to X
    (1000): A waits for F, and X follows A (levelling delayed A, not X)."""
    problem = LevelingProblem(
        (
            Activity("Y", 2, {"crew": 1}, priority=900),
            Activity("F", 3, {"crew": 1}, priority=DO_NOT_LEVEL),
            Activity("A", 1, {"crew": 1}),
            Activity("X", 2, {"crew": 1}, priority=DO_NOT_LEVEL),
        ),
        (CREW,),
        (Link("A", "X"),),
    )
    result = level(problem, options(mode))
    got = dates(result)
    assert got["F"] == (0, 3)
    assert got["X"][0] == got["A"][1]  # right after A, wherever levelling put A
    assert result.overallocations == ()
    assert result.makespan == 8
    delay = {d.task: d for d in result.delays}
    assert "F" not in delay
    assert delay["X"].predecessor == "A" and delay["X"].resource is None
    assert delay["Y"].resource == "crew"


@pytest.mark.parametrize("mode", MODES)
def test_two_tasks_not_levelled_stay_over_allocated_and_are_held(mode: Mode) -> None:
    """F1 (0-3) and F2 (2 periods, no earlier than 1) share a crew of 1 and neither may move:
    the over-allocation 1-3 is reported with both held, the status is infeasible, and N (500)
    waits until 3 instead of joining it."""
    problem = LevelingProblem(
        (
            Activity("F1", 3, {"crew": 1}, priority=DO_NOT_LEVEL),
            Activity("F2", 2, {"crew": 1}, priority=DO_NOT_LEVEL, earliest_start=1),
            Activity("N", 2, {"crew": 1}),
        ),
        (CREW,),
    )
    result = level(problem, options(mode))
    got = dates(result)
    assert (got["F1"], got["F2"], got["N"]) == ((0, 3), (1, 3), (3, 5))
    assert result.status is LevelingStatus.INFEASIBLE
    [over] = result.overallocations
    assert (over.resource, over.start, over.end, over.load, over.capacity) == ("crew", 1, 3, 2, 1)
    assert set(over.tasks) == set(over.held) == {"F1", "F2"}


@pytest.mark.parametrize("mode", MODES)
def test_levelling_may_delay_what_a_task_not_levelled_waits_for(mode: Mode) -> None:
    """F1 (1000) holds the crew 0-4; P (500, no resources) starts F2 (1000). P is delayed until
    F1 is done and F2 follows it: nothing is over-allocated, and neither task not levelled was
    delayed by a resource. Until 2026-12-08 only the exact mode did; the heuristic started P
    at once, left F2 on F1 and reported the plan infeasible."""
    problem = LevelingProblem(
        (
            Activity("F1", 4, {"crew": 1}, priority=DO_NOT_LEVEL),
            Activity("P", 1),
            Activity("F2", 2, {"crew": 1}, priority=DO_NOT_LEVEL),
        ),
        (CREW,),
        (Link("P", "F2", LinkType.START_TO_START, 0),),
    )
    result = level(problem, options(mode, 1.0))
    check(problem, result)
    assert dates(result) == {"F1": (0, 4), "P": (4, 5), "F2": (4, 6)}
    assert result.overallocations == ()
    assert result.status is (LevelingStatus.OPTIMAL if mode is Mode.EXACT else LevelingStatus.FEASIBLE)
    why = {d.task: d for d in result.delays}
    # P uses no resource: its delay is F2's, so that applying it (a constraint on each task a
    # resource delays) gives the same plan
    assert (why["P"].successor, why["P"].resource, why["P"].competing_tasks, why["P"].predecessor) == (
        "F2", "crew", ("F1",), None)
    assert (why["F2"].predecessor, why["F2"].successor) == ("P", None)


@pytest.mark.parametrize("mode", MODES)
def test_a_free_task_is_not_left_where_a_task_not_levelled_lands(mode: Mode) -> None:
    """Found by the property test. F1 (1000) needs the crew and the crane at 0, G (1000) the
    crane at 0 too, F2 (1000, 2 periods) the crew from 0; those overlaps stay. T (500, crew)
    leads F2 by 2 (start-to-start -2), so it may start up to 2. The exact mode's justification
    in order of start put T at 1, before F2 was placed, and F2 then landed on it; kept because
    it was shorter with as many forced placements. T waits until 2 instead."""
    problem = LevelingProblem(
        (
            Activity("F1", 1, {"crane": 1, "crew": 1}, priority=DO_NOT_LEVEL),
            Activity("T", 1, {"crew": 1}),
            Activity("F2", 2, {"crew": 1}, priority=DO_NOT_LEVEL),
            Activity("G", 1, {"crane": 1}, priority=DO_NOT_LEVEL),
        ),
        (Resource("crane", 1), CREW),
        (Link("T", "F2", LinkType.START_TO_START, -2),),
    )
    result = level(problem, options(mode, 0.1))
    assert dates(result) == {"F1": (0, 1), "T": (2, 3), "F2": (0, 2), "G": (0, 1)}
    assert [(o.resource, o.start, o.end, set(o.tasks), set(o.held)) for o in result.overallocations] == [
        ("crane", 0, 1, {"F1", "G"}, {"F1", "G"}), ("crew", 0, 1, {"F1", "F2"}, {"F1", "F2"})]


@pytest.mark.parametrize("mode", MODES)
def test_a_free_task_does_not_take_the_place_of_one_a_task_not_levelled_waits_for(mode: Mode) -> None:
    """Found by the property test. F (1000, crew, 2 periods) starts with T (500, crew, 2
    periods; start-to-start -1 from T), so T and F overlap wherever T goes. N (crew, 1 period)
    is followed one period later by a milestone M. The exact mode once kept a shorter
    schedule (N at 0 on F, T at 1): as many over-allocated periods, but N could have waited
    and T could not; an over-allocation counted as avoidable any task not do-not-level, even
    one a do-not-level task waits for."""
    problem = LevelingProblem(
        (
            Activity("T", 2, {"crew": 1}),
            Activity("F", 2, {"crew": 1}, priority=DO_NOT_LEVEL),
            Activity("N", 1, {"crew": 1}),
            Activity("M", 0),
        ),
        (CREW,),
        (Link("T", "F", LinkType.START_TO_START, -1), Link("N", "M", lag=1)),
    )
    result = level(problem, options(mode, 0.1))
    assert dates(result) == {"T": (0, 2), "F": (0, 2), "N": (2, 3), "M": (4, 4)}
    [over] = result.overallocations
    assert (over.start, over.end, set(over.tasks), set(over.held)) == (0, 2, {"T", "F"}, {"T", "F"})


@pytest.mark.parametrize("mode", MODES)
def test_a_wait_for_a_task_not_levelled_names_what_its_move_would_overload(mode: Mode) -> None:
    """Found by the property test: T (500) leads F (1000) by one period (finish-to-start -1, so
    F starts with T), and G (1000) holds one of the crew's 2 at 0. Started at 0, T would take
    F with it: three on a crew of 2. Both modes start both at 1 (the heuristic since
    2026-12-08), and T's delay says F follows it and the crew is busy with G."""
    problem = LevelingProblem(
        (
            Activity("T", 1, {"crew": 1}),
            Activity("F", 1, {"crew": 1}, priority=DO_NOT_LEVEL),
            Activity("G", 1, {"crew": 1}, priority=DO_NOT_LEVEL),
        ),
        (Resource("crew", 2),),
        (Link("T", "F", lag=-1),),
    )
    result = level(problem, options(mode, 0.5))
    check(problem, result)
    assert dates(result) == {"T": (1, 2), "F": (1, 2), "G": (0, 1)}
    assert result.overallocations == ()
    why = {d.task: d for d in result.delays}
    assert (why["T"].successor, why["T"].resource, why["T"].competing_tasks) == ("F", "crew", ("G",))


def test_the_genetic_algorithm_is_not_used_when_a_task_is_not_levelled() -> None:
    """Every task at 1000 is one priority class, but the kernels cannot place a task whatever
    the load: such a problem goes to CP-SAT after the heuristic."""
    problem = LevelingProblem(
        tuple(Activity(name, 2, {"crew": 1}, priority=DO_NOT_LEVEL) for name in "ABC"), (CREW,)
    )
    net = compile_problem(problem)
    assert net.uniform_priorities and not applicable(net, problem.resources)
    result = level(problem, options(Mode.EXACT))
    assert {d for d in dates(result).values()} == {(0, 2)}
    assert result.status is LevelingStatus.INFEASIBLE


def test_a_task_not_levelled_is_not_split() -> None:
    """Splitting is levelling too: a splittable task at 1000 runs in one piece where its links
    put it, over the others' load if need be."""
    problem = LevelingProblem(
        (Activity("A", 2, {"crew": 1}), Activity("S", 3, {"crew": 1}, priority=DO_NOT_LEVEL, splittable=True)),
        (CREW,),
        (Link("A", "S", LinkType.START_TO_START, 1),),
    )
    result = level(problem, options(Mode.HEURISTIC))
    assert result.task("S").pieces == ((1, 4),)


@pytest.mark.parametrize("mode", MODES)
def test_a_splittable_task_makes_room_in_pieces_for_a_task_not_levelled(mode: Mode) -> None:
    """Found by stressing the rule with splittable tasks. T (splittable, 2 periods) and N (not
    levelled, 1 period, started one period after T) share a crew of 1. T works at 0, steps
    aside for N at 1 and finishes at 3: nothing over-allocated. Unsplit, no schedule avoids
    the overlap, and the exact mode used to report the plan infeasible on CP-SAT's proof of
    that, over the split schedule it returned."""
    problem = LevelingProblem(
        (Activity("T", 2, {"crew": 1}, splittable=True), Activity("N", 1, {"crew": 1}, priority=DO_NOT_LEVEL)),
        (CREW,),
        (Link("T", "N", LinkType.START_TO_START, 1),),
    )
    result = level(problem, options(mode, 0.05))
    check(problem, result)
    assert (result.task("T").pieces, result.task("N").pieces) == (((0, 1), (2, 3)), ((1, 2),))
    assert result.status is not LevelingStatus.INFEASIBLE and result.overallocations == ()


def test_a_task_is_not_left_late_where_a_predecessor_of_a_task_not_levelled_moved_out() -> None:
    """Found by the rule's property with another seed. D is not levelled; Q, before it (it
    goes first, in D's class), is placed at 1 and overlaps D on R1, so Q moves out to 3 after
    the search. F, placed last, had met Q on R0 and waited until 5 (R2 is P's, then T5's
    from 2 to 5); once Q moved, F was still at 5 with no reason to give. Now the heuristic
    justifies the plan after such a move, as the exact mode always does: F starts at 1."""
    problem = LevelingProblem(
        (
            Activity("P", 2, {"R2": 1}, priority=DO_NOT_LEVEL, earliest_start=2),
            Activity("F", 1, {"R0": 1, "R2": 1}, earliest_start=1),
            Activity("Q", 2, {"R0": 1, "R1": 1}, earliest_start=1),
            Activity("D", 1, {"R1": 1}, priority=DO_NOT_LEVEL),
            Activity("T5", 1, {"R2": 1}, priority=DO_NOT_LEVEL),
        ),
        (Resource("R0", 1), Resource("R1", 1), Resource("R2", 1)),
        (
            Link("P", "D", LinkType.START_TO_START),
            Link("Q", "D", LinkType.START_TO_FINISH),
            Link("P", "T5"),
        ),
    )
    result = level(problem, options(Mode.HEURISTIC, 0.05))
    check(problem, result)
    assert dates(result) == {"P": (2, 4), "F": (1, 2), "Q": (3, 5), "D": (2, 3), "T5": (4, 5)}
    assert result.overallocations == ()
    assert all(d.predecessor or d.resource or d.successor for d in result.delays), result.delays


def test_a_task_held_by_a_free_tasks_place_takes_it_and_that_task_goes_elsewhere() -> None:
    """The example above without T5. Q must finish by D's start plus one (start to finish),
    so it can start at 1 or 3 only: at 1 it meets D on R1, and at 3 F (placed last, after Q
    took R0 at 1) sits on R0. Neither moves alone, so the heuristic reported Q and D as a
    held over-allocation until 2026-12-08; the exact mode found F at 1 and Q at 3. Now the
    heuristic puts Q where F is and F at its first free place, as the exact mode does."""
    problem = LevelingProblem(
        (
            Activity("P", 2, {"R2": 1}, priority=DO_NOT_LEVEL, earliest_start=2),
            Activity("F", 1, {"R0": 1, "R2": 1}, earliest_start=1),
            Activity("Q", 2, {"R0": 1, "R1": 1}, earliest_start=1),
            Activity("D", 1, {"R1": 1}, priority=DO_NOT_LEVEL),
        ),
        (Resource("R0", 1), Resource("R1", 1), Resource("R2", 1)),
        (Link("P", "D", LinkType.START_TO_START), Link("Q", "D", LinkType.START_TO_FINISH)),
    )
    for mode in MODES:
        result = level(problem, options(mode, 0.05))
        check(problem, result)
        assert dates(result) == {"P": (2, 4), "F": (1, 2), "Q": (3, 5), "D": (2, 3)}, mode
        assert result.overallocations == ()


def test_a_task_is_not_left_late_beside_the_gap_a_split_task_left() -> None:
    """Found by a stress run of the properties. T2 (2 units of 2, splittable) starts T5 (not
    levelled) one period later, so the two overlap; T2 moves its second period out, to 3,
    since T4 (1 period, no earlier than 1) had taken period 2. T4 could then start at 1,
    beside T5 in T2's gap, but stayed at 2 with no reason to give: one split task kept the
    justification from moving any task."""
    problem = LevelingProblem(
        (
            Activity("T2", 2, {"R0": 2}, splittable=True),
            Activity("T4", 1, {"R0": 1}, earliest_start=1),
            Activity("T5", 1, {"R0": 1}, priority=DO_NOT_LEVEL),
        ),
        (Resource("R0", 2),),
        (Link("T2", "T5", LinkType.START_TO_START, 1),),
    )
    result = level(problem, options(Mode.HEURISTIC, 0.05))
    check(problem, result)
    assert dates(result)["T4"] == (1, 2) and dates(result)["T5"] == (1, 2)
    assert result.overallocations == ()
    assert all(d.predecessor or d.resource or d.successor for d in result.delays), result.delays


@pytest.mark.parametrize("priority", [-1, 1001])
def test_a_priority_outside_ms_projects_scale_is_refused(priority: int) -> None:
    with pytest.raises(LevelingInputError, match="priority must be 0 to 1000") as error:
        Activity("A", 1, priority=priority)
    assert error.value.field == "priority"


def link_bound(link: Link, predecessor: tuple[int, int], duration: int) -> int:
    """Earliest start of the successor this link allows (the property's own arithmetic)."""
    start, finish = predecessor
    return {
        LinkType.FINISH_TO_START: finish + link.lag,
        LinkType.START_TO_START: start + link.lag,
        LinkType.FINISH_TO_FINISH: finish + link.lag - duration,
        LinkType.START_TO_FINISH: start + link.lag - duration,
    }[link.type]


@st.composite
def problems_not_levelled(draw: st.DrawFn, *, anything: bool = False) -> LevelingProblem:
    """Random networks where some tasks are at priority 1000 (every demand fits its resource;
    ``anything``: also capacity that varies, splittable tasks and within float)."""
    problem = draw(problems() if anything else problems(varying_capacity=False, within_float=False))
    return replace(problem, activities=tuple(
        replace(a, priority=DO_NOT_LEVEL) if draw(st.integers(0, 2)) == 0 else a for a in problem.activities))


def waited_for(problem: LevelingProblem, tasks: set[str]) -> set[str]:
    """``tasks`` and every task they wait for through links, transitively."""
    found = set(tasks)
    changed = True
    while changed:
        changed = False
        for link in problem.links:
            if link.successor in found and link.predecessor not in found:
                found.add(link.predecessor)
                changed = True
    return found


def check_not_levelled(problem: LevelingProblem, result: LevelingResult) -> None:
    """The property tests' shared checks: links, capacities and reports (:func:`check`); each
    task not levelled, in one piece, at its earliest start or its links' bound from its
    predecessors' levelled dates, whichever is later; every delay with a reason (the web app
    constrains the tasks a resource delays, the rest follow their predecessors)."""
    check(problem, result)
    got = dates(result)
    duration = {a.id: a.duration for a in problem.activities}
    for activity in problem.activities:
        if activity.priority == DO_NOT_LEVEL:
            bounds = [link_bound(link, got[link.predecessor], duration[activity.id])
                      for link in problem.links if link.successor == activity.id]
            assert got[activity.id][0] == max([activity.earliest_start, *bounds]), activity.id
            assert len(result.task(activity.id).pieces) <= 1
    for delay in result.delays:
        assert delay.predecessor is not None or delay.resource is not None, delay


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems_not_levelled(), st.sampled_from(MODES))
def test_a_task_not_levelled_starts_where_its_links_put_it(problem: LevelingProblem, mode: Mode) -> None:
    """Whatever the load: at its earliest start or the bound of a link from its (levelled)
    predecessors, whichever is later. Over-allocations hold only tasks not levelled and
    tasks they wait for, and each of those is named as held. Every delay has a reason."""
    result = level(problem, options(mode, 0.05))
    check_not_levelled(problem, result)
    fixed = {a.id for a in problem.activities if a.priority == DO_NOT_LEVEL}
    allowed = waited_for(problem, fixed)
    for over in result.overallocations:
        assert set(over.tasks) <= allowed, (over, fixed)
        assert set(over.held) == set(over.tasks), over


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems_not_levelled(anything=True), st.sampled_from(MODES))
def test_the_rule_holds_with_splits_varying_capacity_and_within_float(problem: LevelingProblem, mode: Mode) -> None:
    """Links and capacities respected (over-allocations reported), a task not levelled where
    its links put it, and every delay explained: the exact mode's schedule is left-justified
    with tasks not levelled moving along with what they follow (a resource-free task it left
    late for nothing used to have no reason, and "apply" skipped it)."""
    check_not_levelled(problem, level(problem, options(mode, 0.05)))
