"""Compiled serial SGS, double justification and a genetic algorithm over activity lists.

The exact mode's warm start decides most of its quality: CP-SAT on two cores improves a
poor schedule slowly, and proves optimality only once the upper bound is close. These
loops decode an activity list into a schedule in tens of microseconds (numba; plain Python
without it), so a few seconds buy tens of thousands of schedules:

- :func:`decode`: serial schedule generation scheme. The next task is the eligible one
  (every predecessor placed) with the smallest priority; it starts at the first period
  where its links allow it and every resource has its units for its whole duration.
- :func:`justify`: double justification (Valls, Ballestin and Quintanilla 2005): right-
  justify the tasks in order of decreasing finish on the mirrored network, then left-justify
  in order of increasing start; repeat while the makespan shrinks. Never longer.
- :func:`evolve`: one generation of Hartmann's activity-list genetic algorithm: two-point
  crossover, adjacent-swap mutation, every child justified (and its list rewritten in
  start order), then the best of parents and children survive.

All arrays are int64; links are start-to-start distances ``start[j] >= start[i] + delta``
in compressed rows (``p_start[j]:p_start[j + 1]`` indexes the predecessors of ``j``).
Capacities are constant and tasks unsplit (the caller checks); ``free`` is
``[horizon, resources]``, every entry at its resource's capacity between calls (each decode
resets only the periods it used).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
F = TypeVar("F", bound=Callable[..., Any])

_njit: Any
try:  # pragma: no cover - whichever branch the machine has
    from numba import njit as _njit
except ImportError:  # pragma: no cover
    _njit = None


def _jit(func: F) -> F:
    """Compile with numba (nopython, cached once per machine) when available."""
    if _njit is None:  # pragma: no cover
        return func
    return cast(F, _njit(cache=True, nogil=True)(func))


@_jit
def seed_random(seed: int) -> None:
    """Seed the compiled code's random generator (numba keeps its own state)."""
    np.random.seed(seed)


@_jit
def _sift_down(heap: IntArray, size: int, pos: int, prio: FloatArray) -> None:
    item = heap[pos]
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        other = child + 1
        if other < size:
            a = heap[other]
            b = heap[child]
            if prio[a] < prio[b] or (prio[a] == prio[b] and a < b):
                child = other
        c = heap[child]
        if prio[c] < prio[item] or (prio[c] == prio[item] and c < item):
            heap[pos] = c
            pos = child
        else:
            break
    heap[pos] = item


@_jit
def _sift_up(heap: IntArray, pos: int, prio: FloatArray) -> None:
    item = heap[pos]
    while pos > 0:
        parent = (pos - 1) >> 1
        p = heap[parent]
        if prio[item] < prio[p] or (prio[item] == prio[p] and item < p):
            heap[pos] = p
            pos = parent
        else:
            break
    heap[pos] = item


@_jit
def decode(
    prio: FloatArray,
    dur: IntArray,
    dem: IntArray,
    cap: IntArray,
    rel: IntArray,
    p_start: IntArray,
    p_idx: IntArray,
    p_delta: IntArray,
    s_start: IntArray,
    s_idx: IntArray,
    free: IntArray,
    start: IntArray,
    work: IntArray,
) -> int:
    """Serial SGS; writes ``start`` and returns the makespan (-1 if the horizon is short).

    ``free[t, r]`` holds every resource's capacity on entry and again on return (only the
    periods used are reset, not the whole horizon); ``work`` is ``[2, tasks]`` scratch (no
    allocation per call). Eligible tasks wait in a binary heap keyed on (priority, index).
    """
    n = dur.shape[0]
    n_res = cap.shape[0]
    horizon = free.shape[0]
    waiting = work[0]
    heap = work[1]
    count = 0
    for j in range(n):
        waiting[j] = p_start[j + 1] - p_start[j]
        if waiting[j] == 0:
            heap[count] = j
            count += 1
    for pos in range(count // 2 - 1, -1, -1):
        _sift_down(heap, count, pos, prio)
    makespan = 0
    short = False
    for _ in range(n):
        j = heap[0]
        count -= 1
        if count > 0:
            heap[0] = heap[count]
            _sift_down(heap, count, 0, prio)
        t = rel[j]
        for e in range(p_start[j], p_start[j + 1]):
            bound = start[p_idx[e]] + p_delta[e]
            if bound > t:
                t = bound
        d = dur[j]
        if d > 0:
            placed = False
            while not placed:
                if t + d > horizon:
                    short = True
                    break
                placed = True
                for p in range(t + d - 1, t - 1, -1):
                    for r in range(n_res):
                        if dem[j, r] > free[p, r]:
                            placed = False
                            break
                    if not placed:
                        t = p + 1
                        break
            if short:
                break
            for p in range(t, t + d):
                for r in range(n_res):
                    free[p, r] -= dem[j, r]
        start[j] = t
        if t + d > makespan:
            makespan = t + d
        for e in range(s_start[j], s_start[j + 1]):
            k = s_idx[e]
            waiting[k] -= 1
            if waiting[k] == 0:
                heap[count] = k
                count += 1
                _sift_up(heap, count - 1, prio)
    for p in range(min(makespan, horizon)):
        for r in range(n_res):
            free[p, r] = cap[r]
    if short:
        return -1
    return makespan


@_jit
def justify(
    start: IntArray,
    makespan: int,
    dur: IntArray,
    dem: IntArray,
    cap: IntArray,
    rel: IntArray,
    fwd: tuple[IntArray, IntArray, IntArray, IntArray, IntArray],
    bwd: tuple[IntArray, IntArray, IntArray, IntArray, IntArray],
    free: IntArray,
    work: IntArray,
    fwork: FloatArray,
) -> int:
    """Double justification of ``start`` in place, repeated while it shortens the schedule.

    ``work`` is ``[5, tasks]`` int scratch (row 4 all zero), ``fwork`` ``[tasks]`` float
    scratch."""
    n = dur.shape[0]
    prio = fwork
    mirrored = work[2]
    candidate = work[3]
    zero = work[4]
    for _ in range(8):
        for i in range(n):
            prio[i] = -float(start[i] + dur[i])
        length = decode(
            prio, dur, dem, cap, zero, bwd[0], bwd[1], bwd[2], bwd[3], bwd[4], free, mirrored, work
        )
        if length < 0:
            return makespan
        ok = True
        for i in range(n):
            candidate[i] = makespan - mirrored[i] - dur[i]
            if candidate[i] < rel[i]:
                ok = False
        if not ok:
            return makespan
        for i in range(n):
            prio[i] = float(candidate[i])
        length = decode(
            prio, dur, dem, cap, rel, fwd[0], fwd[1], fwd[2], fwd[3], fwd[4], free, candidate, work
        )
        if length < 0 or length >= makespan:
            if length == makespan:
                start[:] = candidate
            return makespan
        start[:] = candidate
        makespan = length
    return makespan


@_jit
def evaluate(
    lists: IntArray,
    starts: IntArray,
    lengths: IntArray,
    dur: IntArray,
    dem: IntArray,
    cap: IntArray,
    rel: IntArray,
    fwd: tuple[IntArray, IntArray, IntArray, IntArray, IntArray],
    bwd: tuple[IntArray, IntArray, IntArray, IntArray, IntArray],
    free: IntArray,
) -> None:
    """Decode and justify every activity list (rows of ``lists``); rewrite each list in
    order of its justified starts."""
    n = dur.shape[0]
    prio = np.empty(n, dtype=np.float64)
    key = np.empty(n, dtype=np.float64)
    work = np.zeros((5, n), dtype=np.int64)
    fwork = np.empty(n, dtype=np.float64)
    for row in range(lists.shape[0]):
        for k in range(n):
            prio[lists[row, k]] = float(k)
        start = starts[row]
        length = decode(
            prio, dur, dem, cap, rel, fwd[0], fwd[1], fwd[2], fwd[3], fwd[4], free, start, work
        )
        if length >= 0:
            length = justify(start, length, dur, dem, cap, rel, fwd, bwd, free, work, fwork)
            for i in range(n):
                key[i] = float(start[i]) + prio[i] / (n + 1.0)
            lists[row, :] = np.argsort(key)
        else:
            length = 1 << 60
        lengths[row] = length


@_jit
def _fingerprint(start: IntArray) -> int:
    """A hash of a schedule's start times (equal schedules, equal hashes)."""
    h = 1469598103934665603
    for v in start:
        h = (h ^ (v + 1)) * 1099511628211
    return h


@_jit
def evolve(
    pop: IntArray,
    pop_starts: IntArray,
    pop_lengths: IntArray,
    mutation: float,
    dur: IntArray,
    dem: IntArray,
    cap: IntArray,
    rel: IntArray,
    fwd: tuple[IntArray, IntArray, IntArray, IntArray, IntArray],
    bwd: tuple[IntArray, IntArray, IntArray, IntArray, IntArray],
    free: IntArray,
) -> None:
    """One generation: as many children as parents, then the best of both survive."""
    size, n = pop.shape
    kids = np.empty_like(pop)
    taken = np.zeros(n, dtype=np.bool_)
    for c in range(0, size, 2):
        mother = np.random.randint(size)
        father = np.random.randint(size)
        q1 = np.random.randint(n + 1)
        q2 = np.random.randint(n + 1)
        if q1 > q2:
            q1, q2 = q2, q1
        for child, (a, b) in enumerate(((mother, father), (father, mother))):
            if c + child >= size:
                break
            row = kids[c + child]
            taken[:] = False
            k = 0
            for x in range(q1):
                row[k] = pop[a, x]
                taken[pop[a, x]] = True
                k += 1
            for x in range(n):
                if k >= q2:
                    break
                v = pop[b, x]
                if not taken[v]:
                    row[k] = v
                    taken[v] = True
                    k += 1
            for x in range(n):
                v = pop[a, x]
                if not taken[v]:
                    row[k] = v
                    taken[v] = True
                    k += 1
            for x in range(n - 1):
                if np.random.random() < mutation:
                    row[x], row[x + 1] = row[x + 1], row[x]
    kid_starts = np.empty_like(pop_starts)
    kid_lengths = np.empty_like(pop_lengths)
    evaluate(kids, kid_starts, kid_lengths, dur, dem, cap, rel, fwd, bwd, free)
    merged = np.empty(2 * size, dtype=np.float64)
    hashes = np.empty(2 * size, dtype=np.int64)
    for i in range(size):
        merged[i] = pop_lengths[i] + 0.5 * np.random.random()
        merged[size + i] = kid_lengths[i] + 0.5 * np.random.random()
        hashes[i] = _fingerprint(pop_starts[i])
        hashes[size + i] = _fingerprint(kid_starts[i])
    order = np.argsort(merged)
    # Survivors: the shortest schedules, each schedule once (duplicates only fill up).
    chosen = np.empty(size, dtype=np.int64)
    used = np.zeros(2 * size, dtype=np.bool_)
    k = 0
    for o in order:
        if k == size:
            break
        duplicate = False
        for c in range(k):
            if hashes[chosen[c]] == hashes[o]:
                duplicate = True
                break
        if not duplicate:
            chosen[k] = o
            used[o] = True
            k += 1
    for o in order:
        if k == size:
            break
        if not used[o]:
            chosen[k] = o
            k += 1
    new_pop = np.empty_like(pop)
    new_starts = np.empty_like(pop_starts)
    new_lengths = np.empty_like(pop_lengths)
    for k in range(size):
        o = chosen[k]
        if o < size:
            new_pop[k] = pop[o]
            new_starts[k] = pop_starts[o]
            new_lengths[k] = pop_lengths[o]
        else:
            new_pop[k] = kids[o - size]
            new_starts[k] = kid_starts[o - size]
            new_lengths[k] = kid_lengths[o - size]
    pop[:] = new_pop
    pop_starts[:] = new_starts
    pop_lengths[:] = new_lengths
