"""Topological order of a dependency graph held as CSR arrays, and cycle extraction.

Kahn's algorithm, O(tasks + edges).  When a cycle exists, :func:`find_cycle` walks
predecessor edges among the tasks Kahn could not order (each of them has a predecessor
in that set) until a task repeats: the repeated stretch is one cycle.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from altitude.engine._jit import jit

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]


@jit
def _kahn(n: int, succ_ptr: I64, succ_to: I32, indegree: I64, order: I32) -> int:
    head = 0
    tail = 0
    for v in range(n):
        if indegree[v] == 0:
            order[tail] = v
            tail += 1
    while head < tail:
        v = order[head]
        head += 1
        for k in range(succ_ptr[v], succ_ptr[v + 1]):
            s = succ_to[k]
            indegree[s] -= 1
            if indegree[s] == 0:
                order[tail] = s
                tail += 1
    return tail


@jit
def _walk_cycle(
    n: int, pred_ptr: I64, pred_from: I32, blocked: npt.NDArray[np.bool_], out: I32
) -> int:
    start = -1
    for v in range(n):
        if blocked[v]:
            start = v
            break
    seen = np.full(n, -1, dtype=np.int64)
    v = start
    step = 0
    while seen[v] < 0:
        seen[v] = step
        out[step] = v
        step += 1
        nxt = -1
        for k in range(pred_ptr[v], pred_ptr[v + 1]):
            p = pred_from[k]
            if blocked[p]:
                nxt = p
                break
        v = nxt
    # out[seen[v]:step] walks predecessors; the caller reverses it.
    first = seen[v]
    length = step - first
    for i in range(length):
        out[i] = out[first + i]
    return int(length)


def topological_order(n: int, edge_from: I32, edge_to: I32) -> tuple[I32, I32 | None]:
    """Return ``(order, None)`` or, if there is a cycle, ``(partial, cycle_nodes)``.

    ``cycle_nodes`` lists the node indices of one cycle in link direction.
    """
    by_from = np.argsort(edge_from, kind="stable")
    succ_to = np.ascontiguousarray(edge_to[by_from])
    succ_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(edge_from, minlength=n), out=succ_ptr[1:])
    indegree = np.bincount(edge_to, minlength=n).astype(np.int64)
    order = np.empty(n, dtype=np.int32)
    count = _kahn(n, succ_ptr, succ_to, indegree, order)
    if count == n:
        return order, None
    blocked = np.ones(n, dtype=np.bool_)
    blocked[order[:count]] = False
    by_to = np.argsort(edge_to, kind="stable")
    pred_from = np.ascontiguousarray(edge_from[by_to])
    pred_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(edge_to, minlength=n), out=pred_ptr[1:])
    out = np.empty(n, dtype=np.int32)
    length = _walk_cycle(n, pred_ptr, pred_from, blocked, out)
    cycle = out[:length][::-1].copy()
    return order[:count], cycle
