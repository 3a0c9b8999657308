"""The CPM forward pass, specialised for many runs of one network.

Same semantics as :func:`altitude.engine.kernels.forward_pass` (a test checks equality
on random networks with every link type, lags, constraints, progress and several
calendars), but a link between two tasks of one calendar with a
working-time lag, which is nearly every link, is plain integer arithmetic inline here;
only the other links (``slow[k]``) cross through the instant axis with ``carry``.
That keeps a run of 10,000 tasks at a few microseconds.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from altitude.engine.kernels import FNET, INF, MFO, MSO, NONE, ROLLUP, SNET, carry
from altitude.engine.montecarlo._jit import jit

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
I16 = npt.NDArray[np.int16]
I8 = npt.NDArray[np.int8]
B = npt.NDArray[np.bool_]


@jit
def forward(
    order: I32, pred_ptr: I64, link_from: I32, link_type: I8, link_lag: I64, link_elapsed: B,
    slow: B, plain: B, duration: I64, cal: I16, ctype: I8, coff: I64, astart: I64,
    afinish: I64, remaining: I64, start_floor: I64, status_off: I64,
    cal_ptr: I64, cs: I64, ce: I64, cc: I64, es: I64, ef: I64, drv: I64, err: I64,
) -> None:
    """Early dates; ``drv[v]``: the link that set ``v``'s start (-1: none, a constraint,
    the status date or progress), from which the driving path is walked back.

    ``plain[v]``: no constraint, no progress, no status date, not a summary and only
    same-calendar working-lag links in: the branch-free path (most tasks).
    """
    for idx in range(len(order)):
        v = order[idx]
        c = cal[v]
        d = duration[v]
        lo = pred_ptr[v]
        hi = pred_ptr[v + 1]
        if plain[v]:
            s = start_floor[c]
            dk = -1
            for k in range(lo, hi):
                p = link_from[k]
                t = link_type[k]
                cand = (ef[p] if (t == 0 or t == 2) else es[p]) + link_lag[k] - (d if t >= 2 else 0)
                dk = k if cand > s else dk
                s = max(s, cand)
            es[v] = s
            ef[v] = s + d
            drv[v] = dk
            continue
        if hi > lo and link_type[lo] == ROLLUP:
            s = INF
            f = -INF
            for k in range(lo, hi):
                p = link_from[k]
                if slow[k]:
                    s = min(s, carry(es[p], cal[p], c, False, 0, False, cal_ptr, cs, ce, cc, err))
                    f = max(f, carry(ef[p], cal[p], c, True, 0, False, cal_ptr, cs, ce, cc, err))
                else:
                    s = min(s, es[p])
                    f = max(f, ef[p])
            es[v] = s
            ef[v] = f
            drv[v] = -1
            continue
        s = start_floor[c]
        dk = -1
        for k in range(lo, hi):
            p = link_from[k]
            t = link_type[k]
            by_finish = t == 0 or t == 2
            if slow[k]:
                if by_finish:
                    cand = carry(ef[p], cal[p], c, True, link_lag[k], link_elapsed[k],
                                 cal_ptr, cs, ce, cc, err)
                else:
                    cand = carry(es[p], cal[p], c, False, link_lag[k], link_elapsed[k],
                                 cal_ptr, cs, ce, cc, err)
            else:
                cand = (ef[p] if by_finish else es[p]) + link_lag[k]
            if t >= 2:
                cand -= d
            if cand > s:
                s = cand
                dk = k
        ct = ctype[v]
        if ct != 0:
            if ct == SNET and coff[v] > s:
                s = coff[v]
                dk = -1
            elif ct == FNET and coff[v] - d > s:
                s = coff[v] - d
                dk = -1
            elif ct == MSO:
                s = coff[v]
                dk = -1
            elif ct == MFO:
                s = coff[v] - d
                dk = -1
        status = status_off[c]
        rem = remaining[v]
        if rem >= 0:
            if astart[v] != NONE:
                s = astart[v]
                dk = -1
            if afinish[v] != NONE:
                f = afinish[v]
                if astart[v] == NONE:
                    s = f - d
                    dk = -1
            else:
                f = s + (d - rem)
                if status != NONE and f < status:
                    f = status
                f += rem
        else:
            if status != NONE and s < status:
                s = status
                dk = -1
            f = s + d
        es[v] = s
        ef[v] = f
        drv[v] = dk


@jit
def forward_task_lane(
    v: int, j: int, pred_ptr: I64, link_from: I32, link_type: I8, link_lag: I64,
    link_elapsed: B, slow: B, cal: I16, ctype: I8, coff: I64, astart: I64, afinish: I64,
    start_floor: I64, status_off: I64, cal_ptr: I64, cs: I64, ce: I64, cc: I64,
    dur: I64, rem: I64, es: I64, ef: I64, drv: I64, err: I64,
) -> None:
    """:func:`forward` for one task that is not plain, in lane ``j`` of 2-D (task, lane)
    arrays (the batched kernel); same statements, same order."""
    c = cal[v]
    d = dur[v, j]
    lo = pred_ptr[v]
    hi = pred_ptr[v + 1]
    if hi > lo and link_type[lo] == ROLLUP:
        s = INF
        f = -INF
        for k in range(lo, hi):
            p = link_from[k]
            if slow[k]:
                s = min(s, carry(es[p, j], cal[p], c, False, 0, False, cal_ptr, cs, ce, cc, err))
                f = max(f, carry(ef[p, j], cal[p], c, True, 0, False, cal_ptr, cs, ce, cc, err))
            else:
                s = min(s, es[p, j])
                f = max(f, ef[p, j])
        es[v, j] = s
        ef[v, j] = f
        drv[v, j] = -1
        return
    s = start_floor[c]
    dk = -1
    for k in range(lo, hi):
        p = link_from[k]
        t = link_type[k]
        by_finish = t == 0 or t == 2
        if slow[k]:
            if by_finish:
                cand = carry(ef[p, j], cal[p], c, True, link_lag[k], link_elapsed[k],
                             cal_ptr, cs, ce, cc, err)
            else:
                cand = carry(es[p, j], cal[p], c, False, link_lag[k], link_elapsed[k],
                             cal_ptr, cs, ce, cc, err)
        else:
            cand = (ef[p, j] if by_finish else es[p, j]) + link_lag[k]
        if t >= 2:
            cand -= d
        if cand > s:
            s = cand
            dk = k
    ct = ctype[v]
    if ct != 0:
        if ct == SNET and coff[v] > s:
            s = coff[v]
            dk = -1
        elif ct == FNET and coff[v] - d > s:
            s = coff[v] - d
            dk = -1
        elif ct == MSO:
            s = coff[v]
            dk = -1
        elif ct == MFO:
            s = coff[v] - d
            dk = -1
    status = status_off[c]
    r = rem[v, j]
    if r >= 0:
        if astart[v] != NONE:
            s = astart[v]
            dk = -1
        if afinish[v] != NONE:
            f = afinish[v]
            if astart[v] == NONE:
                s = f - d
                dk = -1
        else:
            f = s + (d - r)
            if status != NONE and f < status:
                f = status
            f += r
    else:
        if status != NONE and s < status:
            s = status
            dk = -1
        f = s + d
    es[v, j] = s
    ef[v, j] = f
    drv[v, j] = dk
