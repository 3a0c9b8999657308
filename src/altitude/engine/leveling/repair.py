"""Move tasks out of an over-allocation they are free to leave, every other task staying put.

A serial pass places a task only after its predecessors, each at its earliest free start. A
link that lets the successor start before its predecessor (start-to-finish, or a lead on a
start-to-start link) then leaves no room for it: the predecessor took the resource early,
the successor must start by its own latest start, and it is squeezed in beside the
predecessor, which could have started later. No priority order fixes that (the predecessor
always comes first), so after the search each task that shares an over-allocation and has
a free start between its neighbours' dates is moved to the first one. What remains is held
(:func:`altitude.engine.leveling.explain.overallocations` says by what).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np

from altitude.engine.leveling.model import Resource
from altitude.engine.leveling.network import (
    NO_DEADLINE,
    Network,
    link_bound,
    link_delta,
    links_floor,
)
from altitude.engine.leveling.profiles import IntArray, capacity_array, load_arrays
from altitude.engine.leveling.sgs import Schedule, runs_of

Pieces = Sequence[Sequence[tuple[int, int]]]

ROUNDS = 4
"""Sweeps over the over-allocated tasks; a move can free room for another task's move."""


def free_start(net: Network, resources: Sequence[Resource], j: int, start: Sequence[int], finish: Sequence[int],
               pieces: Pieces, loads: Sequence[IntArray], latest: int = NO_DEADLINE, drag: bool = False) -> int | None:
    """The first start of task ``j`` that lets it run without over-allocating, every other task
    where it is, between its predecessors' dates and its latest start, its successors' dates
    and ``latest``; None when there is none. A do-not-level task's is its predecessors' bound.
    A task that holds a do-not-level task where it is (:func:`held_successors`) does not start
    earlier, unless ``drag``: the caller then moves that task with it (:func:`dragged`)."""
    d = net.duration[j]
    lo, hi = _start_window(net, j, start, finish, latest, drag)
    if hi < lo:
        return None
    if d == 0 or not net.demands[j] or net.not_levelled[j]:
        return lo  # a do-not-level task goes where its links put it, whatever the load
    free = _fitting(_short(net, resources, j, lo, hi + d, pieces, loads), d)
    return lo + int(free[0]) if len(free) else None


def _fitting(short: np.ndarray, d: int) -> np.ndarray:
    """Offsets where ``d`` periods in a row are all free (``short``: per period, whether it is not)."""
    count = np.concatenate(([0], np.cumsum(short)))
    return np.flatnonzero(count[d:] == count[:-d])


def _start_window(net: Network, j: int, start: Sequence[int], finish: Sequence[int], latest: int,
                  drag: bool = False) -> tuple[int, int]:
    """The starts of task ``j`` that its links (the other tasks where they are), its latest
    start and ``latest`` allow: ``(lo, hi)``, empty when ``hi < lo``. The successors' bound
    takes ``j`` in one piece: in pieces it finishes no sooner, so the bound still holds."""
    lo = links_floor(net, j, start, finish)
    if not drag and held_successors(net, j, start, finish):
        lo = max(lo, start[j])
    d = net.duration[j]
    hi = min([net.deadline[j], latest,
              *(start[s] - link_delta(code, lag, d, net.duration[s]) for s, code, lag in net.succs[j])])
    return lo, hi


def _short(net: Network, resources: Sequence[Resource], j: int, lo: int, end: int, pieces: Pieces,
           loads: Sequence[IntArray]) -> np.ndarray:
    """Per period of ``[lo, end)``: whether task ``j`` working there would over-allocate one
    of its resources, with every other task where it is (its own load left out)."""
    short = np.zeros(end - lo, dtype=bool)
    for k, units in net.demands[j]:
        others = np.zeros(end - lo, dtype=np.int64)
        load = loads[k][lo:end]
        others[: len(load)] = load
        for a, b in pieces[j]:  # the task's own load is not in its way
            a, b = max(a, lo), min(b, end)
            if a < b:
                others[a - lo : b - lo] -= units
        short |= others + units > capacity_array(resources[k], lo, end)
    return short


def free_pieces(net: Network, resources: Sequence[Resource], j: int, start: Sequence[int], finish: Sequence[int],
                pieces: Pieces, loads: Sequence[IntArray], latest: int = NO_DEADLINE) -> list[tuple[int, int]] | None:
    """Where task ``j`` can run without over-allocating, every other task where it is: in one
    piece at its first free start (:func:`free_start`); else, for a splittable task, in the
    first free periods from the earliest start that lets it finish in time for its
    successors and by its latest start (and ``latest``) plus its duration, as the serial pass
    places a splittable task. None when there is no such place; a zero-duration task has no
    pieces (``[]``)."""
    d = net.duration[j]
    at = free_start(net, resources, j, start, finish, pieces, loads, latest)
    if at is not None or not net.splittable[j] or d == 0 or not net.demands[j] or net.not_levelled[j]:
        return None if at is None else [(at, at + d)] if d else []
    lo, hi = _start_window(net, j, start, finish, latest)
    latest_finish = min(net.deadline[j], latest) + d  # as the serial pass places it
    # beyond every booked load and capacity change the periods are alike: a start after the
    # first of them is no better than that one, and d periods more are enough to finish
    alike = max([lo, *(len(load) for load in loads), *(c.start for r in resources for c in r.changes)])
    hi = min(hi, alike)
    if hi < lo:
        return None
    periods = np.flatnonzero(~_short(net, resources, j, lo, alike + d + 1, pieces, loads)) + lo
    for n in range(len(periods) - d + 1):
        first = int(periods[n])
        if first > hi:
            break
        work = periods[n : n + d]
        last = int(work[-1]) + 1
        if last > latest_finish:
            break  # later starts finish later still
        if all(link_bound(code, lag, first, last, net.duration[t]) <= start[t] for t, code, lag in net.succs[j]):
            return list(runs_of(work))
    return None


def held_successors(net: Network, j: int, start: Sequence[int], finish: Sequence[int]) -> list[tuple[int, int]]:
    """The do-not-level successors of ``j`` that start where they do because of ``j`` alone
    (its tight link), each with the start its release and other links alone would give it:
    ``j`` moving earlier would move them, which levelling never does, and ``j``'s delay, if
    any, is theirs (the exact mode may delay ``j`` to take one out of an over-allocation)."""
    held = []
    for s, code, lag in net.succs[j]:
        if not net.not_levelled[s]:
            continue
        others = links_floor(net, s, start, finish, without=j)
        if others < start[s] and link_bound(code, lag, start[j], finish[j], net.duration[s]) >= start[s]:
            held.append((s, others))
    return held


def _over_allocated(net: Network, resources: Sequence[Resource], pieces: Pieces,
                    loads: Sequence[IntArray]) -> list[int]:
    """Tasks working in a period where one of their resources carries more than its capacity
    (a split task only in its pieces, not in the gaps between them)."""
    over = [load > capacity_array(r, 0, len(load)) for r, load in zip(resources, loads, strict=True)]
    busy = [bool(o.any()) for o in over]
    return [j for j, demand in enumerate(net.demands)
            if any(busy[k] and bool(over[k][a:b].any()) for k, _ in demand for a, b in pieces[j])]


def dragged(net: Network, j: int, to: int, start: Sequence[int]) -> dict[int, int]:
    """New starts of the do-not-level tasks that move when ``j`` starts at ``to`` instead (each
    goes to its links' new bound, transitively), ``j`` included. Unsplit tasks."""
    new = {j: to}
    frontier = [j]
    while frontier:
        i = frontier.pop()
        for s, _, _ in net.succs[i]:
            if not net.not_levelled[s]:
                continue
            d = net.duration[s]
            bound = max([net.release[s], *(
                link_bound(code, lag, new.get(p, start[p]), new.get(p, start[p]) + net.duration[p], d)
                for p, code, lag in net.preds[s])])
            if bound != new.get(s, start[s]):
                new[s] = bound
                frontier.append(s)
    return new


def book_move(net: Network, loads: list[IntArray], j: int, to: int, start: Sequence[int]) -> None:
    """Book task ``j``'s load at ``to`` instead of ``start[j]`` (unsplit)."""
    d = net.duration[j]
    _book_pieces(net, loads, j, [(start[j], start[j] + d)], [(to, to + d)])


def _book_pieces(net: Network, loads: list[IntArray], j: int, old: Sequence[tuple[int, int]],
                 new: Sequence[tuple[int, int]]) -> None:
    """Book task ``j``'s load in the pieces ``new`` instead of ``old``."""
    top = max((b for _, b in new), default=0)
    for k, units in net.demands[j]:
        if top > len(loads[k]):
            loads[k] = np.concatenate([loads[k], np.zeros(top - len(loads[k]), dtype=np.int64)])
        for a, b in old:
            loads[k][a:b] -= units
        for a, b in new:
            loads[k][a:b] += units


def _copied(net: Network, loads: Sequence[IntArray], tasks: Iterable[int]) -> list[IntArray]:
    """``loads`` for a trial move of ``tasks``: the arrays of their resources copied, the others shared."""
    trial = list(loads)
    for k in {k for i in tasks for k, _ in net.demands[i]}:
        trial[k] = loads[k].copy()
    return trial


def _moved_together(net: Network, resources: Sequence[Resource], moves: dict[int, int], start: list[int],
                    finish: list[int], pieces: list[list[tuple[int, int]]],
                    loads: Sequence[IntArray]) -> list[IntArray] | None:
    """The unsplit tasks of ``moves`` at their new starts, when they all run within capacity
    there: the new loads, with ``start``, ``finish`` and ``pieces`` updated; else None, and
    nothing changed."""
    trial = _copied(net, loads, moves)
    for i, at in moves.items():
        book_move(net, trial, i, at, start)
    if not _fits(net, resources, trial, moves):
        return None
    for i, at in moves.items():
        d = net.duration[i]
        start[i], finish[i], pieces[i] = at, at + d, [(at, at + d)] if d else []
    return trial


def _fits(net: Network, resources: Sequence[Resource], loads: Sequence[IntArray], tasks: dict[int, int]) -> bool:
    """Whether every one of ``tasks`` (at its start there, loads already booked) runs within capacity."""
    for j, at in tasks.items():
        d = net.duration[j]
        for k, _ in net.demands[j]:
            if d and bool((loads[k][at : at + d] > capacity_array(resources[k], at, at + d)).any()):
                return False
    return True


def _sweeps(net: Network, resources: Sequence[Resource], start: list[int], finish: list[int],
            pieces: list[list[tuple[int, int]]], candidates: Callable[[list[IntArray]], list[int]],
            latest: Callable[[int], int], drag: bool = False) -> bool:
    """Move each candidate task (in the order given, from the current loads) to its first free
    start no later than ``latest(task)``, keeping the loads up to date; up to :data:`ROUNDS`
    sweeps, until one moves nothing. Returns whether any task moved. ``drag``: a task that
    holds do-not-level tasks where they are may move earlier with them, when they all still
    run within capacity."""
    loads, _ = load_arrays(resources, net.demands, pieces)
    changed = False
    for _ in range(ROUNDS):
        moved = False
        for j in candidates(loads):
            if not drag:
                new = free_pieces(net, resources, j, start, finish, pieces, loads, latest(j))
                if not new or new == pieces[j]:  # nowhere, or a milestone (no pieces)
                    continue
                _book_pieces(net, loads, j, pieces[j], new)
                start[j], finish[j], pieces[j] = new[0][0], new[-1][1], new
                moved = changed = True
                continue
            to = free_start(net, resources, j, start, finish, pieces, loads, latest(j), drag)
            if to is None or to == start[j]:
                continue
            moves = dragged(net, j, to, start)
            if len(moves) > 1:
                trial = _moved_together(net, resources, moves, start, finish, pieces, loads)
                if trial is None:
                    continue
                loads = trial
            else:
                d = net.duration[j]
                book_move(net, loads, j, to, start)
                start[j], finish[j], pieces[j] = to, to + d, [(to, to + d)] if d else []
            moved = changed = True
        if not moved:
            break
    return changed


EJECT_STARTS = 64
"""Starts :func:`_ejections` tries per over-allocated task (the earliest first)."""

EJECT_TASKS = 4
"""Most tasks :func:`_ejections` moves aside for one over-allocated task."""


def _ejections(net: Network, resources: Sequence[Resource], start: list[int], finish: list[int],
               pieces: list[list[tuple[int, int]]], latest: int) -> bool:
    """Move each task still over-allocated to a start that tasks free to move elsewhere are
    using, when they all find a free place again (each no later than ``latest``), every other
    task staying put; returns whether any task moved.

    A task can be held only by the place a free task took: a do-not-level task's predecessor
    must finish before its successor's fixed date, and the slot it needs was given, earlier in
    the serial pass, to a task that could as well have gone elsewhere. Moving one task at a
    time never frees it (until 2026-12-08 the heuristic then reported an over-allocation the
    exact mode removes). Each move keeps every link: a task is placed with the others where
    they are at that moment."""
    fixed, _ = load_arrays(resources, net.demands,
                           [p if net.not_levelled[i] else [] for i, p in enumerate(pieces)])
    movable: list[list[int]] = [[] for _ in resources]  # per resource, the tasks that may move
    for i, demand in enumerate(net.demands):
        for k, _ in demand:
            if not net.not_levelled[i] and net.duration[i]:
                movable[k].append(i)

    def tries(j: int, loads: list[IntArray]) -> Iterator[list[IntArray] | None]:
        d = net.duration[j]
        if net.not_levelled[j] or d == 0:
            return
        lo, hi = _start_window(net, j, start, finish, latest)
        if hi < lo:
            return
        # the starts where j fits beside the do-not-level tasks alone (the others may move)
        starts = lo + _fitting(_short(net, resources, j, lo, hi + d, [[] for _ in pieces], fixed), d)[:EJECT_STARTS]
        sharing = np.array(sorted({i for k, _ in net.demands[j] for i in movable[k]} - {j}), dtype=np.int64)
        begin = np.array([start[i] for i in sharing], dtype=np.int64)
        end = np.array([finish[i] for i in sharing], dtype=np.int64)
        for t in starts.tolist():
            aside = sharing[(begin < t + d) & (end > t)].tolist()
            if aside and len(aside) <= EJECT_TASKS:
                yield _placed_aside(net, resources, j, t, aside, start, finish, pieces, loads, latest)

    return _relieved(net, resources, start, pieces, tries)


def _relieved(net: Network, resources: Sequence[Resource], start: Sequence[int], pieces: Pieces,
              tries: Callable[[int, list[IntArray]], Iterator[list[IntArray] | None]]) -> bool:
    """For each over-allocated task, latest-starting first and while it still is, the first of
    ``tries(task, loads)`` that succeeds (each try applies its moves and answers the new loads,
    or None and changes nothing); returns whether any did."""
    loads, _ = load_arrays(resources, net.demands, pieces)
    moved = False
    for j in sorted(_over_allocated(net, resources, pieces, loads), key=lambda t: -start[t]):
        if not _over_allocated_task(net, resources, j, pieces, loads):
            continue
        for trial in tries(j, loads):
            if trial is not None:
                loads = trial
                moved = True
                break
    return moved


def _over_allocated_task(net: Network, resources: Sequence[Resource], j: int, pieces: Pieces,
                         loads: Sequence[IntArray]) -> bool:
    """Whether task ``j`` works where one of its resources carries more than its capacity."""
    return any(bool((loads[k][a:b] > capacity_array(resources[k], a, b)).any())
               for k, _ in net.demands[j] for a, b in pieces[j])


def _placed_aside(net: Network, resources: Sequence[Resource], j: int, t: int, aside: Sequence[int],
                  start: list[int], finish: list[int], pieces: list[list[tuple[int, int]]],
                  loads: Sequence[IntArray], latest: int) -> list[IntArray] | None:
    """Task ``j`` at ``t`` and the tasks ``aside`` each at its first free place after that (in
    order of start): the new loads, with ``start``, ``finish`` and ``pieces`` updated; None,
    and nothing changed, when ``j`` does not fit at ``t`` without them or one of them finds
    no place."""
    trial = _copied(net, loads, (j, *aside))
    new_start, new_finish, new_pieces = list(start), list(finish), list(pieces)  # entries replaced, never changed
    for i in aside:
        _book_pieces(net, trial, i, new_pieces[i], [])
        new_pieces[i] = []
    d = net.duration[j]
    if _short(net, resources, j, t, t + d, new_pieces, trial).any():
        return None
    _book_pieces(net, trial, j, new_pieces[j], [(t, t + d)])
    new_start[j], new_finish[j], new_pieces[j] = t, t + d, [(t, t + d)]
    for i in sorted(aside, key=lambda a: start[a]):
        place = free_pieces(net, resources, i, new_start, new_finish, new_pieces, trial, latest)
        if not place:
            return None
        _book_pieces(net, trial, i, [], place)
        new_start[i], new_finish[i], new_pieces[i] = place[0][0], place[-1][1], place
    start[:], finish[:], pieces[:] = new_start, new_finish, new_pieces
    return trial


PUSH_STEPS = 64
"""Later starts :func:`_pushed_later` tries per task that would move a do-not-level task."""


def _pushed_later(net: Network, resources: Sequence[Resource], start: list[int], finish: list[int],
                  pieces: list[list[tuple[int, int]]], latest: int) -> bool:
    """Take do-not-level tasks out of over-allocations by starting, later, a task they follow:
    each still over-allocated do-not-level task (or free task holding one where it is) moves
    with that task to the first start, no later than ``latest``, where every task that moves
    runs within capacity and every link holds; returns whether any task moved.

    Levelling never delays a do-not-level task, but the task follows its predecessors'
    levelled dates: the exact mode delays a predecessor to take it out of an over-allocation
    (example 8 of docs/algorithms/leveling.md). Until 2026-12-08 the heuristic never did,
    and reported such a plan as infeasible."""

    def tries(o: int, loads: list[IntArray]) -> Iterator[list[IntArray] | None]:
        for mover, slack in _movers(net, o, start, finish):
            yield _pushed(net, resources, mover, slack, o, start, finish, pieces, loads, latest)

    return _relieved(net, resources, start, pieces, tries)


def _movers(net: Network, o: int, start: Sequence[int], finish: Sequence[int]) -> list[tuple[int, int]]:
    """The free tasks whose later start moves ``o``, each with how much later it may start
    before ``o`` moves: ``o`` itself, when it holds a do-not-level task where it is; for a
    do-not-level ``o``, the free tasks it waits for through links, through other
    do-not-level tasks, the ones whose links hold it most tightly first."""
    if not net.not_levelled[o]:
        return [(o, 0)] if held_successors(net, o, start, finish) else []
    slack: dict[int, int] = {}
    frontier, seen = [(o, 0)], {o}
    while frontier:
        i, behind = frontier.pop()
        for p, code, lag in net.preds[i]:
            if p in seen:
                continue
            seen.add(p)
            gap = behind + start[i] - link_bound(code, lag, start[p], finish[p], net.duration[i])
            if net.not_levelled[p]:
                frontier.append((p, gap))
            else:
                slack[p] = gap
    return sorted(slack.items(), key=lambda item: (item[1], item[0]))


def _pushed(net: Network, resources: Sequence[Resource], mover: int, slack: int, o: int, start: list[int],
            finish: list[int], pieces: list[list[tuple[int, int]]], loads: Sequence[IntArray],
            latest: int) -> list[IntArray] | None:
    """``mover`` at the first start more than ``slack`` periods later (at most
    :data:`PUSH_STEPS` tried, none after ``latest``) that moves ``o`` and where it and the
    do-not-level tasks it drags run within capacity, every link and latest start holding: the
    new loads, with ``start``, ``finish`` and ``pieces`` updated; None, and nothing changed,
    when there is none."""
    if len(pieces[mover]) > 1:
        return None
    first = start[mover] + max(slack, 0) + 1
    for to in range(first, min(latest, net.deadline[mover], first + PUSH_STEPS - 1) + 1):
        moves = dragged(net, mover, to, start)
        if moves.get(o, start[o]) == start[o]:
            continue
        if not _links_hold(net, moves, start):
            return None  # the tasks that move only go later with ``to``: it breaks for good
        trial = _moved_together(net, resources, moves, start, finish, pieces, loads)
        if trial is not None:
            return trial
    return None


def _links_hold(net: Network, moves: dict[int, int], start: Sequence[int]) -> bool:
    """Whether the tasks of ``moves``, at their new starts, keep their latest starts and their
    links to the tasks that stay (a move later never breaks a link from a predecessor)."""
    for i, at in moves.items():
        if at > net.deadline[i]:
            return False
        for s, code, lag in net.succs[i]:
            if s not in moves and link_bound(code, lag, at, at + net.duration[i], net.duration[s]) > start[s]:
                return False
    return True


def repaired(net: Network, resources: Sequence[Resource], schedule: Schedule, joint_moves: bool = True) -> Schedule:
    """``schedule`` with each over-allocated task that has a free place moved to the first one
    (latest-starting first: the later task is the one a serial pass squeezed in): in one
    piece, else, for a splittable task, in pieces (:func:`free_pieces`); with ``joint_moves``,
    then the moves of several tasks at once (:func:`_ejections`, :func:`_pushed_later`). No
    task starts after the makespan, and ``forced`` keeps the squeezed tasks still
    over-allocated. Until 2026-12-07 a problem with any splittable task skipped this, and
    such a plan kept an over-allocation it could lose."""
    if not schedule.forced:
        return schedule
    start, finish = list(schedule.start), list(schedule.finish)
    pieces = [list(p) for p in schedule.pieces]
    makespan = schedule.makespan

    def candidates(loads: list[IntArray]) -> list[int]:
        return sorted(_over_allocated(net, resources, pieces, loads), key=lambda t: -start[t])

    moved = _sweeps(net, resources, start, finish, pieces, candidates, lambda _: makespan)
    for step in (_ejections, _pushed_later) if joint_moves else ():
        if step(net, resources, start, finish, pieces, makespan):
            _sweeps(net, resources, start, finish, pieces, candidates, lambda _: makespan)
            moved = True
    if not moved:
        return schedule
    loads, _ = load_arrays(resources, net.demands, pieces)
    still = set(_over_allocated(net, resources, pieces, loads))
    return Schedule(tuple(start), tuple(finish), tuple(tuple(p) for p in pieces),
                    tuple(j for j in schedule.forced if j in still) or tuple(sorted(still)))


def left_shifted(net: Network, resources: Sequence[Resource], schedule: Schedule) -> Schedule:
    """``schedule`` with each task, in order of start, moved to its first free start no later
    than where it is, every other task staying put: never longer, never more over-allocated,
    and no task delayed for nothing. Where a whole serial pass in order of start would
    lengthen the schedule (a lead on a link makes a later-starting task a predecessor, which
    the pass places first), this still moves what can move. A task in pieces stays as it is
    (the others move around it): until 2026-12-08 one split task kept every task where it
    was, and a task could stay late beside a gap a split task had left."""
    start, finish = list(schedule.start), list(schedule.finish)
    pieces = [list(p) for p in schedule.pieces]

    def candidates(_: list[IntArray]) -> list[int]:
        # a task at its links' bound has no earlier start to take
        return sorted((t for t in range(net.size)
                       if len(pieces[t]) <= 1 and start[t] > links_floor(net, t, start, finish)),
                      key=lambda t: start[t])

    if not _sweeps(net, resources, start, finish, pieces, candidates, lambda j: start[j], drag=True):
        return schedule
    return Schedule(tuple(start), tuple(finish), tuple(tuple(p) for p in pieces), schedule.forced)
