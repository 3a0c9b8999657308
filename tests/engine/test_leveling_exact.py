"""The CP-SAT model's redundant constraints: which tasks can never run at the same time."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from altitude.engine.leveling import (
    Activity,
    LevelingOptions,
    LevelingProblem,
    LevelingStatus,
    Link,
    LinkType,
    Mode,
    Resource,
    exact,
    level,
)
from altitude.engine.leveling.exact import ExactOutcome, disjunctive_cliques, solve_exact
from altitude.engine.leveling.network import compile_problem
from altitude.engine.leveling.sgs import Generator

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


@st.composite
def tight_problems(draw: st.DrawFn) -> LevelingProblem:
    """Small networks on scarce resources with every link type: cliques are common."""
    resources = tuple(Resource(f"R{k}", draw(st.integers(1, 3))) for k in range(draw(st.integers(1, 3))))
    n = draw(st.integers(3, 8))
    activities = tuple(
        Activity(
            f"T{i}",
            draw(st.integers(0, 4)),
            {r.id: draw(st.integers(1, r.capacity)) for r in resources if draw(st.booleans())},
            earliest_start=draw(st.integers(0, 2)),
        )
        for i in range(n)
    )
    links = tuple(
        Link(f"T{i}", f"T{j}", draw(st.sampled_from(list(LinkType))), draw(st.integers(-2, 3)))
        for j in range(1, n)
        for i in draw(st.sets(st.integers(0, j - 1), max_size=2))
    )
    return LevelingProblem(activities, resources, links)


def optimum(problem: LevelingProblem, *, cliques: bool) -> tuple[ExactOutcome, int | None]:
    net = compile_problem(problem)
    saved = exact.CROSS_RESOURCE_CLIQUES
    exact.CROSS_RESOURCE_CLIQUES = cliques
    try:
        result = solve_exact(
            net,
            problem.resources,
            hint=None,
            horizon=Generator(net, problem.resources).search_cap,
            lower_bound=net.cpm_makespan,
            time_limit=5.0,
            seed=0,
            workers=1,
        )
    finally:
        exact.CROSS_RESOURCE_CLIQUES = saved
    if result.start is None:
        return result.outcome, None
    return result.outcome, max((s + d for s, d in zip(result.start, net.duration, strict=True)), default=0)


@given(tight_problems())
@settings(max_examples=200, deadline=None)
def test_the_cliques_never_cut_off_an_optimum(problem: LevelingProblem) -> None:
    """Redundant means redundant: the proven optimum is the same with and without them."""
    with_cliques = optimum(problem, cliques=True)
    assert with_cliques == optimum(problem, cliques=False)
    assert with_cliques[0] is ExactOutcome.OPTIMAL
