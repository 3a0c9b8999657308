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
Capacities are constant and tasks unsplit (the caller checks); ``free`` is a scratch array
``[resources, horizon]``.
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
) -> int:
    """Serial SGS; writes ``start`` and returns the makespan (-1 if the horizon is short)."""
    n = dur.shape[0]
    n_res = cap.shape[0]
    horizon = free.shape[1]
    for r in range(n_res):
        free[r, :] = cap[r]
    waiting = np.empty(n, dtype=np.int64)
    eligible = np.empty(n, dtype=np.int64)
    count = 0
    for j in range(n):
        waiting[j] = p_start[j + 1] - p_start[j]
        if waiting[j] == 0:
            eligible[count] = j
            count += 1
    makespan = 0
    for _ in range(n):
        pick = 0
        for e in range(1, count):
            a = eligible[e]
            b = eligible[pick]
            if prio[a] < prio[b] or (prio[a] == prio[b] and a < b):
                pick = e
        j = eligible[pick]
        count -= 1
        eligible[pick] = eligible[count]
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
                    return -1
                placed = True
                for p in range(t + d - 1, t - 1, -1):
                    for r in range(n_res):
                        if dem[j, r] > free[r, p]:
                            placed = False
                            break
                    if not placed:
                        t = p + 1
                        break
            for p in range(t, t + d):
                for r in range(n_res):
                    free[r, p] -= dem[j, r]
        start[j] = t
        if t + d > makespan:
            makespan = t + d
        for e in range(s_start[j], s_start[j + 1]):
            k = s_idx[e]
            waiting[k] -= 1
            if waiting[k] == 0:
                eligible[count] = k
                count += 1
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
) -> int:
    """Double justification of ``start`` in place, repeated while it shortens the schedule."""
    n = dur.shape[0]
    prio = np.empty(n, dtype=np.float64)
    mirrored = np.empty(n, dtype=np.int64)
    candidate = np.empty(n, dtype=np.int64)
    zero = np.zeros(n, dtype=np.int64)
    for _ in range(8):
        for i in range(n):
            prio[i] = -float(start[i] + dur[i])
        length = decode(
            prio, dur, dem, cap, zero, bwd[0], bwd[1], bwd[2], bwd[3], bwd[4], free, mirrored
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
            prio, dur, dem, cap, rel, fwd[0], fwd[1], fwd[2], fwd[3], fwd[4], free, candidate
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
    for row in range(lists.shape[0]):
        for k in range(n):
            prio[lists[row, k]] = float(k)
        start = starts[row]
        length = decode(
            prio, dur, dem, cap, rel, fwd[0], fwd[1], fwd[2], fwd[3], fwd[4], free, start
        )
        if length >= 0:
            length = justify(start, length, dur, dem, cap, rel, fwd, bwd, free)
            key = np.empty(n, dtype=np.float64)
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
