"""An over-allocation no schedule removes (two started tasks of one person overlap) must not
stop the levelling of the rest of the plan.

No schedule is resource-feasible then, so CP-SAT can only say "infeasible" and the heuristic
cannot justify its schedules. Both now search on capacities raised to the unavoidable
over-allocation (:func:`relaxed_to`): the rest of the plan gets as short as without it,
and the over-allocation reported is the same one.
"""

from __future__ import annotations

from altitude.engine.leveling import (
    Activity,
    LevelingOptions,
    LevelingProblem,
    Link,
    Mode,
    Resource,
    level,
)
from altitude.engine.leveling.model import CapacityChange
from altitude.engine.leveling.profiles import relaxed_to

RESOURCES = (Resource("R1", 3), Resource("R2", 2))
# A 12-task instance on which the priority rules alone end at 30, the optimum being 26.
ACTIVITIES = (
    Activity("T0", 4, {"R1": 1}),
    Activity("T1", 3, {"R1": 3, "R2": 2}),
    Activity("T2", 3, {"R1": 2, "R2": 1}),
    Activity("T3", 3, {}),
    Activity("T4", 6, {"R1": 1, "R2": 2}),
    Activity("T5", 2, {"R1": 2, "R2": 2}),
    Activity("T6", 6, {"R2": 2}),
    Activity("T7", 5, {"R1": 3}),
    Activity("T8", 6, {"R2": 1}),
    Activity("T9", 2, {"R1": 3, "R2": 1}),
    Activity("T10", 5, {"R1": 2}),
    Activity("T11", 4, {"R1": 2, "R2": 1}),
)
LINKS = tuple(Link(a, b) for a, b in (("T0", "T1"), ("T1", "T3"), ("T2", "T3"), ("T2", "T5"), ("T3", "T6"),
                                       ("T7", "T10")))
# Two tasks of one person, both under way: they stay where they are, overlapping.
STARTED = (Activity("P1", 4, {"X": 1}, earliest_start=0, latest_start=0),
           Activity("P2", 4, {"X": 1}, earliest_start=0, latest_start=0))


def with_overlap() -> LevelingProblem:
    return LevelingProblem(ACTIVITIES + STARTED, (*RESOURCES, Resource("X", 1)), LINKS)


def test_the_plan_alone_has_the_optimum_26() -> None:
    result = level(LevelingProblem(ACTIVITIES, RESOURCES, LINKS), LevelingOptions(mode=Mode.EXACT, time_limit_seconds=5))
    assert (result.makespan, result.status.value) == (26, "optimal")


def test_the_exact_mode_shortens_the_rest_around_the_overlap() -> None:
    result = level(with_overlap(), LevelingOptions(mode=Mode.EXACT, time_limit_seconds=5))
    assert result.makespan == 26, "as short as without the overlap"
    assert result.status.value == "infeasible"
    assert [(o.resource, o.start, o.end, o.load, o.capacity) for o in result.overallocations] == [("X", 0, 4, 2, 1)]


def test_the_heuristic_keeps_the_overlap_and_levels_the_rest() -> None:
    result = level(with_overlap(), LevelingOptions(mode=Mode.HEURISTIC, time_limit_seconds=1))
    assert 26 <= result.makespan < 30, "better than the priority rules' 30"
    assert [(o.resource, o.start, o.end, o.load) for o in result.overallocations] == [("X", 0, 4, 2)]


def test_a_removable_overload_is_still_removed() -> None:
    """The relaxed search comes only after looking for a schedule without over-allocation: a
    demand that the first pass placed badly (a deadline forced it) is still resolved."""
    problem = LevelingProblem(
        (Activity("A", 4, {"X": 1}), Activity("B", 4, {"X": 1}, latest_start=4), Activity("C", 2, {"X": 1})),
        (Resource("X", 1),), (),
    )
    for mode in Mode:
        result = level(problem, LevelingOptions(mode=mode, time_limit_seconds=1))
        assert result.overallocations == (), mode
        assert result.makespan == 10


def test_relaxed_capacities_rise_only_where_the_load_is_over() -> None:
    resource = Resource("X", 2, (CapacityChange(6, 1), CapacityChange(20, 3)))
    demands = ((( 0, 1),), ((0, 1),), ((0, 1),), ((0, 1),))
    pieces = (((0, 4),), ((2, 5),), ((1, 3),), ((7, 9),))
    (relaxed,) = relaxed_to((resource,), demands, pieces)
    # load 1,2,3,2,1 then 0 on [5,7), 1 on [7,9): over only on [2,3) (3 > 2) and nowhere after 6 (1 <= 1)
    assert [relaxed.capacity_at(t) for t in range(12)] == [2, 2, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1]
    assert relaxed.capacity_at(25) == 3, "later changes are kept"
    untouched = Resource("Y", 5)
    assert relaxed_to((untouched,), (((0, 1),),), (((0, 3),),)) == (untouched,)
