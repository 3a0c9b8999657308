"""The problem compiled to integer indices: links as start-to-start lags, CPM dates, deadlines.

Every link type reduces to a bound on the successor's start given the predecessor's actual
start and finish (so split tasks work too), and, for unsplit tasks, to a start-to-start
distance ``delta``: ``start[j] >= start[i] + delta``. Both solvers and the explainer use
this one compiled form so that they agree on what "respects the links" means.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from altitude.engine.leveling.model import (
    DO_NOT_LEVEL,
    Activity,
    CyclicDependency,
    LevelingProblem,
    LinkType,
)

FS, SS, FF, SF = 0, 1, 2, 3
_CODES = {
    LinkType.FINISH_TO_START: FS,
    LinkType.START_TO_START: SS,
    LinkType.FINISH_TO_FINISH: FF,
    LinkType.START_TO_FINISH: SF,
}
NO_DEADLINE = 1 << 60
NOT_LEVELLED_CLASS = -(1 << 40)
"""The priority class of a do-not-level task (and, inherited, of every task it waits for):
above every project's, so that none of their tasks is placed where it then has to go."""

Edge = tuple[int, int, int]
"""(other task index, link type code, lag)."""


def link_bound(code: int, lag: int, start_i: int, finish_i: int, duration_j: int) -> int:
    """Earliest start of the successor allowed by one link, from the predecessor's dates."""
    if code == FS:
        return finish_i + lag
    if code == SS:
        return start_i + lag
    if code == FF:
        return finish_i + lag - duration_j
    return start_i + lag - duration_j


def link_delta(code: int, lag: int, duration_i: int, duration_j: int) -> int:
    """Start-to-start distance of a link between two unsplit tasks."""
    return link_bound(code, lag, 0, duration_i, duration_j)


def links_floor(net: Network, j: int, start: Sequence[int], finish: Sequence[int], without: int = -1) -> int:
    """The earliest start of ``j`` that its release and its links from its predecessors' dates
    allow (leaving out the link from ``without``)."""
    d = net.duration[j]
    return max([net.release[j], *(link_bound(code, lag, start[i], finish[i], d)
                                  for i, code, lag in net.preds[j] if i != without)])


def with_predecessors(net: Network, tasks: Iterable[int]) -> set[int]:
    """``tasks`` and every task they wait for, transitively."""
    found: set[int] = set()
    frontier = list(tasks)
    while frontier:
        j = frontier.pop()
        if j not in found:
            found.add(j)
            frontier.extend(i for i, _, _ in net.preds[j])
    return found


@dataclass(frozen=True, slots=True)
class Network:
    """Index-based view of a :class:`LevelingProblem` with its resource-free CPM dates."""

    ids: tuple[str, ...]
    duration: tuple[int, ...]
    release: tuple[int, ...]
    deadline: tuple[int, ...]
    preds: tuple[tuple[Edge, ...], ...]
    succs: tuple[tuple[Edge, ...], ...]
    topo: tuple[int, ...]
    demands: tuple[tuple[tuple[int, int], ...], ...]
    early_start: tuple[int, ...]
    late_start: tuple[int, ...]
    tail: tuple[int, ...]
    cpm_makespan: int
    rank: tuple[tuple[int, int], ...]
    uniform_priorities: bool
    splittable: tuple[bool, ...]
    not_levelled: tuple[bool, ...]
    """Tasks at :data:`~altitude.engine.leveling.model.DO_NOT_LEVEL`: each starts at the
    first period its links and release allow, whatever its resources have left."""
    unmet_links: tuple[tuple[str, str], ...] = ()
    """Links a pinned task's own latest start leaves unmet (predecessor, successor): see
    :func:`compile_problem`."""

    @property
    def size(self) -> int:
        return len(self.ids)

    def bound_to_not_levelled(self, i: int) -> bool:
        """Whether task ``i`` is do-not-level or one waits for it (its priority class, which
        every task a do-not-level task waits for inherits): levelling cannot move it out of an
        over-allocation without moving that task."""
        return self.rank[i][0] == NOT_LEVELLED_CLASS


def _topological_order(n: int, succs: list[list[Edge]], ids: list[str]) -> list[int]:
    indegree = [0] * n
    for edges in succs:
        for j, _, _ in edges:
            indegree[j] += 1
    stack = [i for i in range(n) if indegree[i] == 0]
    stack.reverse()
    order: list[int] = []
    while stack:
        i = stack.pop()
        order.append(i)
        for j, _, _ in succs[i]:
            indegree[j] -= 1
            if indegree[j] == 0:
                stack.append(j)
    if len(order) < n:
        raise CyclicDependency(_find_cycle(n, succs, indegree, ids))
    return order


def _find_cycle(
    n: int, succs: list[list[Edge]], indegree: list[int], ids: list[str]
) -> tuple[str, ...]:
    """Walk forward inside the unresolved part of the graph until a task repeats."""
    remaining = [indegree[i] > 0 for i in range(n)]
    node = next(i for i in range(n) if remaining[i])
    seen: dict[int, int] = {}
    path: list[int] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(j for j, _, _ in succs[node] if remaining[j])
    return tuple(ids[i] for i in path[seen[node] :])


def _late_starts_per_project(
    activities: Sequence[Activity], topo: Sequence[int], succs: Sequence[Sequence[Edge]], early: Sequence[int]
) -> list[int]:
    """Latest starts that keep the finish of every project: each task finishes by its own
    project's (the latest early finish among its tasks) and leaves its successors, in any
    project, their latest starts.

    "Within float" levelling across a program or portfolio keeps each project's finish, not
    only the last one's: measured against the last project alone, a 3-month project's tasks
    had the float of a 2-year one beside it and could slip by up to 21 months "within float".
    With one project (or none named) these are the plain CPM latest starts.
    """
    finish: dict[str | None, int] = {}
    for a, start in zip(activities, early, strict=True):
        finish[a.project] = max(finish.get(a.project, 0), start + a.duration)
    late = [finish[a.project] - a.duration for a in activities]
    for i in reversed(topo):
        d = activities[i].duration
        for j, code, lag in succs[i]:
            bound = late[j] - link_delta(code, lag, d, activities[j].duration)
            if bound < late[i]:
                late[i] = bound
    return late


def compile_problem(problem: LevelingProblem) -> Network:
    """Index the problem, order it topologically and compute CPM dates and deadlines.

    Priorities (project first, then task) are inherited backwards through the links: a
    task's rank is that of the most urgent task it leads to, so the predecessors of a
    high-priority task are placed before the tasks it should win the resource from (else,
    in a serial pass, a low-priority task already placed would keep the resource and the
    high-priority task would wait for it, which is what priorities are meant to prevent).

    A task with its own latest start (pinned by a must-start/finish-on constraint, already
    started, start/finish no later than) keeps it when a link from a predecessor cannot hold
    with it, whatever the resources: the link is left out and listed in ``unmet_links``.
    The scheduler lets such a constraint win over the link too (MS Project's "honour
    constraint dates"); keeping the link would move the pinned task in the preview and give
    its predecessors a deadline before their earliest start, which no schedule meets.
    """
    activities = problem.activities
    n = len(activities)
    ids = [a.id for a in activities]
    index = {task_id: i for i, task_id in enumerate(ids)}
    resource_index = {r.id: k for k, r in enumerate(problem.resources)}
    duration = [a.duration for a in activities]
    preds: list[list[Edge]] = [[] for _ in range(n)]
    succs: list[list[Edge]] = [[] for _ in range(n)]
    for link in problem.links:
        i, j, code = index[link.predecessor], index[link.successor], _CODES[link.type]
        succs[i].append((j, code, link.lag))
        preds[j].append((i, code, link.lag))
    topo = _topological_order(n, succs, ids)

    release = [a.earliest_start for a in activities]
    early = list(release)
    unmet: list[tuple[str, str]] = []
    for j in topo:
        latest = activities[j].latest_start
        if latest is not None:
            for edge in [e for e in preds[j] if early[e[0]] + link_delta(e[1], e[2], duration[e[0]], duration[j]) > latest]:
                i, code, lag = edge
                unmet.append((ids[i], ids[j]))
                preds[j].remove(edge)
                succs[i].remove((j, code, lag))
        best = early[j]
        for i, code, lag in preds[j]:
            bound = early[i] + link_delta(code, lag, duration[i], duration[j])
            if bound > best:
                best = bound
        early[j] = best
    makespan = max((early[i] + duration[i] for i in range(n)), default=0)

    tail = list(duration)
    for i in reversed(topo):
        best = tail[i]
        for j, code, lag in succs[i]:
            candidate = link_delta(code, lag, duration[i], duration[j]) + tail[j]
            if candidate > best:
                best = candidate
        tail[i] = best
    late = [makespan - tail[i] for i in range(n)]

    deadline = [NO_DEADLINE if a.latest_start is None else a.latest_start for a in activities]
    if problem.within_float:
        keep = _late_starts_per_project(activities, topo, succs, early)
        deadline = [min(deadline[i], max(keep[i], early[i])) for i in range(n)]
    for i in reversed(topo):
        for j, code, lag in succs[i]:
            if deadline[j] < NO_DEADLINE:
                bound = deadline[j] - link_delta(code, lag, duration[i], duration[j])
                if bound < deadline[i]:
                    deadline[i] = bound

    demands = tuple(
        tuple((resource_index[r], q) for r, q in a.demands.items() if q > 0) for a in activities
    )
    project_priority = problem.project_priorities
    rank = [
        (NOT_LEVELLED_CLASS, -a.priority)
        if a.priority >= DO_NOT_LEVEL
        else (-project_priority.get(a.project or "", 0), -a.priority)
        for a in activities
    ]
    for i in reversed(topo):  # a task goes as early in the order as the most urgent task it leads to
        for j, _, _ in succs[i]:
            if rank[j] < rank[i]:
                rank[i] = rank[j]
    return Network(
        ids=tuple(ids),
        duration=tuple(duration),
        release=tuple(release),
        deadline=tuple(deadline),
        preds=tuple(tuple(p) for p in preds),
        succs=tuple(tuple(s) for s in succs),
        topo=tuple(topo),
        demands=demands,
        early_start=tuple(early),
        late_start=tuple(late),
        tail=tuple(tail),
        cpm_makespan=makespan,
        rank=tuple(rank),
        uniform_priorities=len(set(rank)) <= 1,
        splittable=tuple(
            a.splittable and a.duration > 0 and a.priority < DO_NOT_LEVEL for a in activities
        ),
        not_levelled=tuple(a.priority >= DO_NOT_LEVEL for a in activities),
        unmet_links=tuple(unmet),
    )
