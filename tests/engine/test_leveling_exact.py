"""The CP-SAT model's redundant constraints: which tasks can never run at the same time."""

from __future__ import annotations

import itertools

from altitude.engine.leveling import (
    Activity,
    LevelingOptions,
    LevelingProblem,
    LevelingStatus,
    Link,
    LinkType,
    Mode,
    Resource,
    level,
)
from altitude.engine.leveling.exact import disjunctive_cliques
from altitude.engine.leveling.network import compile_problem

CREW2 = Resource("crew", 2)
CRANE1 = Resource("crane", 1)


def cliques_of(problem: LevelingProblem) -> set[frozenset[str]]:
    net = compile_problem(problem)
    return {frozenset(net.ids[i] for i in clique) for clique in disjunctive_cliques(net, problem.resources)}


def mixed_problem(link: Link | None) -> LevelingProblem:
    """A and B overload the crew, B and C the crane; only a link can keep A and C apart."""
    return LevelingProblem(
        (
            Activity("A", 3, {"crew": 2}),
            Activity("B", 2, {"crew": 1, "crane": 1}),
            Activity("C", 2, {"crane": 1}),
            Activity("D", 4, {"crew": 1}),
        ),
        (CREW2, CRANE1),
        (link,) if link else (),
    )


def test_a_clique_mixes_resources_and_a_link() -> None:
    assert cliques_of(mixed_problem(Link("A", "C"))) == {frozenset("ABC")}


def test_without_the_link_no_three_tasks_are_pairwise_apart() -> None:
    assert cliques_of(mixed_problem(None)) == set()


def test_a_start_to_start_link_with_a_short_lag_lets_the_tasks_overlap() -> None:
    overlapping = Link("A", "C", LinkType.START_TO_START, 2)
    apart = Link("A", "C", LinkType.START_TO_START, 3)
    assert cliques_of(mixed_problem(overlapping)) == set()
    assert cliques_of(mixed_problem(apart)) == {frozenset("ABC")}


def test_a_chain_of_links_alone_adds_nothing_the_precedences_do_not_already_say() -> None:
    chain = LevelingProblem(
        (Activity("X", 1, {"crew": 1}), Activity("Y", 1, {"crew": 1}), Activity("Z", 1, {"crew": 1})),
        (CREW2,),
        (Link("X", "Y"), Link("Y", "Z")),
    )
    assert cliques_of(chain) == set()


def test_milestones_never_join_a_clique() -> None:
    problem = LevelingProblem(
        (
            Activity("M", 0, {"crew": 3}),
            Activity("P", 2, {"crew": 2}),
            Activity("Q", 2, {"crew": 2}),
            Activity("R", 2, {"crew": 2}),
            Activity("S", 2, {"crew": 1}),
        ),
        (Resource("crew", 3),),
    )
    assert cliques_of(problem) == {frozenset("PQR")}


def test_the_exact_mode_with_cliques_proves_the_optimum() -> None:
    # A (3) and C (2) chained, B (2) conflicts with both: 7 periods, one after the other.
    result = level(mixed_problem(Link("A", "C")), LevelingOptions(mode=Mode.EXACT))
    assert result.status is LevelingStatus.OPTIMAL
    assert result.makespan == 7
    dates = sorted((t.start, t.finish, t.id) for t in result.tasks if t.id != "D")
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(dates))
