"""The CPM passes as linear loops over the arrays of :class:`~altitude.engine.network.Network`.

Every time value is a working offset in the calendar of the task it belongs to (see
:mod:`altitude.engine.calendars`).  Where a link joins tasks of different calendars, or
carries an elapsed lag, the value crosses through the instant axis with a binary search
over the packed calendar intervals; otherwise it is plain integer arithmetic.  Lags in
working time are counted in the successor's calendar.

The packed calendars: calendar ``c`` owns intervals ``cal_ptr[c]:cal_ptr[c+1]`` of the
arrays ``cs`` (start instants), ``ce`` (end instants), ``cc`` (offset at start).  If a
conversion falls outside the generated horizon, ``err[0]`` is set and the caller grows
the horizon and runs the pass again.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from altitude.engine._jit import jit

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
I16 = npt.NDArray[np.int16]
I8 = npt.NDArray[np.int8]
B = npt.NDArray[np.bool_]

FS, SS, FF, SF, ROLLUP = 0, 1, 2, 3, 4
ASAP, ALAP, SNET, SNLT, FNET, FNLT, MSO, MFO = 0, 1, 2, 3, 4, 5, 6, 7
NONE = np.iinfo(np.int64).min // 4
"""Sentinel for "no value" (no actual date, no status date); far below any real offset."""
INF = np.iinfo(np.int64).max // 4


@jit
def to_instant(
    w: int, c: int, finish: bool, cal_ptr: I64, cs: I64, ce: I64, cc: I64, err: I64
) -> int:
    lo = cal_ptr[c]
    hi = cal_ptr[c + 1]
    a = lo
    b = hi
    if finish:  # first interval whose end offset >= w
        while a < b:
            m = (a + b) // 2
            if cc[m] + ce[m] - cs[m] < w:
                a = m + 1
            else:
                b = m
        i = a
    else:  # last interval whose start offset <= w
        while a < b:
            m = (a + b) // 2
            if cc[m] <= w:
                a = m + 1
            else:
                b = m
        i = a - 1
    if i <= lo or i >= hi - 1:
        err[0] = 1
        i = min(max(i, lo), hi - 1)
    t = cs[i] + w - cc[i]
    if finish and w == 0 and t < 0:
        # A finish at offset 0 is the project start itself, not the end of the work
        # before it (a milestone at the project start is on the start date).
        t = 0
    return int(t)


@jit
def to_offset(t: int, c: int, cal_ptr: I64, cs: I64, ce: I64, cc: I64, err: I64) -> int:
    lo = cal_ptr[c]
    hi = cal_ptr[c + 1]
    a = lo
    b = hi
    while a < b:
        m = (a + b) // 2
        if cs[m] <= t:
            a = m + 1
        else:
            b = m
    i = a - 1
    if i <= lo or i >= hi - 1:
        err[0] = 1
        i = min(max(i, lo), hi - 1)
    return int(cc[i] + min(t - cs[i], ce[i] - cs[i]))


@jit
def carry(
    w: int,
    cf: int,
    ct: int,
    finish: bool,
    lag: int,
    elapsed: bool,
    cal_ptr: I64,
    cs: I64,
    ce: I64,
    cc: I64,
    err: I64,
) -> int:
    """Offset ``w`` of calendar ``cf`` shifted by ``lag``, expressed in calendar ``ct``."""
    if elapsed:
        t = to_instant(w, cf, finish, cal_ptr, cs, ce, cc, err) + lag
        return to_offset(t, ct, cal_ptr, cs, ce, cc, err)
    if cf == ct:
        return w + lag
    t = to_instant(w, cf, finish, cal_ptr, cs, ce, cc, err)
    return to_offset(t, ct, cal_ptr, cs, ce, cc, err) + lag


@jit
def carry_back(
    w: int,
    cf: int,
    ct: int,
    finish: bool,
    lag: int,
    elapsed: bool,
    to_start: bool,
    cal_ptr: I64,
    cs: I64,
    ce: I64,
    cc: I64,
    err: I64,
) -> int:
    """The latest offset of calendar ``ct`` whose date, plus ``lag``, is not after offset
    ``w`` of calendar ``cf``: the inverse of :func:`carry` for the backward pass.

    ``to_start``: the result is a start (its date is the next working minute), so when the
    bound falls in non-working time the start must come one minute earlier.
    """
    if not elapsed and cf == ct:
        return w - lag
    # The latest instant that still has offset ``w`` bounds the date we may reach: the
    # start side, whether ``w`` is a start or a finish (``finish`` is kept for symmetry).
    if elapsed:
        t = to_instant(w, cf, False, cal_ptr, cs, ce, cc, err) - lag
    else:
        t = to_instant(w - lag, cf, False, cal_ptr, cs, ce, cc, err)
    r = to_offset(t, ct, cal_ptr, cs, ce, cc, err)
    if to_start and to_instant(r, ct, False, cal_ptr, cs, ce, cc, err) > t:
        r -= 1
    return r


@jit
def forward_pass(
    order: I32,
    pred_ptr: I64,
    link_from: I32,
    link_type: I8,
    link_lag: I64,
    link_elapsed: B,
    duration: I64,
    cal: I16,
    ctype: I8,
    coff: I64,
    astart: I64,
    afinish: I64,
    remaining: I64,
    start_floor: I64,
    status_off: I64,
    alap_floor: I64,
    cal_ptr: I64,
    cs: I64,
    ce: I64,
    cc: I64,
    es: I64,
    ef: I64,
    driver: I64,
    err: I64,
) -> None:
    """Early start/finish of every task in topological order; ``driver`` = driving link."""
    for v in order:
        c = cal[v]
        d = duration[v]
        lo = pred_ptr[v]
        hi = pred_ptr[v + 1]
        if hi > lo and link_type[lo] == ROLLUP:  # summary: roll up its children
            s = INF
            f = -INF
            for k in range(lo, hi):
                p = link_from[k]
                s = min(s, carry(es[p], cal[p], c, False, 0, False, cal_ptr, cs, ce, cc, err))
                f = max(f, carry(ef[p], cal[p], c, True, 0, False, cal_ptr, cs, ce, cc, err))
            es[v] = s
            ef[v] = f
            driver[v] = -1
            continue
        s = start_floor[c]
        drv = -1
        for k in range(lo, hi):
            p = link_from[k]
            t = link_type[k]
            if t in (FS, FF):
                cand = carry(
                    ef[p], cal[p], c, True, link_lag[k], link_elapsed[k], cal_ptr, cs, ce, cc, err
                )
            else:
                cand = carry(
                    es[p], cal[p], c, False, link_lag[k], link_elapsed[k], cal_ptr, cs, ce, cc, err
                )
            if t in (FF, SF):
                cand -= d
            if cand > s:
                s = cand
                drv = k
        ct = ctype[v]
        if ct == SNET and coff[v] > s:
            s = coff[v]
            drv = -1
        elif ct == FNET and coff[v] - d > s:
            s = coff[v] - d
            drv = -1
        elif ct == MSO:
            s = coff[v]
            drv = -1
        elif ct == MFO:
            s = coff[v] - d
            drv = -1
        if alap_floor[v] > s:
            s = alap_floor[v]
            drv = -1
        status = status_off[c]
        rem = remaining[v]
        if rem >= 0:  # started: actual start fixed, remaining work after the status date
            if astart[v] != NONE:
                s = astart[v]
                drv = -1
            if afinish[v] != NONE:
                f = afinish[v]
                if astart[v] == NONE:
                    s = f - d
                    drv = -1
            else:
                f = s + (d - rem)
                if status != NONE and f < status:
                    f = status
                f += rem
        else:
            if status != NONE and s < status:
                s = status
                drv = -1
            f = s + d
        es[v] = s
        ef[v] = f
        driver[v] = drv


@jit
def backward_pass(
    order: I32,
    succ_ptr: I64,
    succ_links: I64,
    link_to: I32,
    link_type: I8,
    link_lag: I64,
    link_elapsed: B,
    duration: I64,
    cal: I16,
    summary: B,
    ctype: I8,
    coff: I64,
    remaining: I64,
    afinish: I64,
    es: I64,
    ef: I64,
    finish_ceiling: I64,
    cal_ptr: I64,
    cs: I64,
    ce: I64,
    cc: I64,
    ls: I64,
    lf: I64,
    err: I64,
) -> None:
    """Late start/finish in reverse topological order.

    For a summary task, ``ls``/``lf`` hold the bounds its own links put on its children
    (rolled up to the children's extremes afterwards by :func:`rollup_late`).
    """
    for j in range(len(order) - 1, -1, -1):
        v = order[j]
        c = cal[v]
        d = duration[v]
        f = finish_ceiling[c]
        s = INF
        for q in range(succ_ptr[v], succ_ptr[v + 1]):
            k = succ_links[q]
            x = link_to[k]
            t = link_type[k]
            lag = link_lag[k]
            el = link_elapsed[k]
            if t == ROLLUP:
                f = min(f, carry(lf[x], cal[x], c, True, 0, False, cal_ptr, cs, ce, cc, err))
                if ls[x] < INF:
                    s = min(s, carry(ls[x], cal[x], c, False, 0, False, cal_ptr, cs, ce, cc, err))
            elif t == FS:
                f = min(
                    f, carry_back(ls[x], cal[x], c, False, lag, el, False, cal_ptr, cs, ce, cc, err)
                )
            elif t == SS:
                s = min(
                    s, carry_back(ls[x], cal[x], c, False, lag, el, True, cal_ptr, cs, ce, cc, err)
                )
            elif t == FF:
                f = min(
                    f, carry_back(lf[x], cal[x], c, True, lag, el, False, cal_ptr, cs, ce, cc, err)
                )
            else:
                s = min(
                    s, carry_back(lf[x], cal[x], c, True, lag, el, True, cal_ptr, cs, ce, cc, err)
                )
        if summary[v]:
            ls[v] = s
            lf[v] = f
            continue
        s = min(s, f - d)
        ct = ctype[v]
        if ct == SNLT:
            s = min(s, coff[v])
        elif ct == FNLT:
            s = min(s, coff[v] - d)
        elif ct == MSO:
            s = coff[v]
        elif ct == MFO:
            s = coff[v] - d
        if remaining[v] >= 0:  # started: the start is history, only the finish can move
            ls[v] = es[v]
            lf[v] = ef[v] if afinish[v] != NONE else f
        else:
            ls[v] = s
            lf[v] = s + d


@jit
def rollup_late(
    order: I32,
    pred_ptr: I64,
    link_from: I32,
    link_type: I8,
    cal: I16,
    cal_ptr: I64,
    cs: I64,
    ce: I64,
    cc: I64,
    ls: I64,
    lf: I64,
    err: I64,
) -> None:
    """Replace each summary's late bounds by the extremes of its children's late dates."""
    for v in order:
        lo = pred_ptr[v]
        hi = pred_ptr[v + 1]
        if hi > lo and link_type[lo] == ROLLUP:
            c = cal[v]
            s = INF
            f = -INF
            for k in range(lo, hi):
                p = link_from[k]
                s = min(s, carry(ls[p], cal[p], c, False, 0, False, cal_ptr, cs, ce, cc, err))
                f = max(f, carry(lf[p], cal[p], c, True, 0, False, cal_ptr, cs, ce, cc, err))
            ls[v] = s
            lf[v] = f


@jit
def free_float(
    n: int,
    succ_ptr: I64,
    succ_links: I64,
    link_to: I32,
    link_type: I8,
    link_lag: I64,
    link_elapsed: B,
    cal: I16,
    es: I64,
    ef: I64,
    finish_ceiling: I64,
    cal_ptr: I64,
    cs: I64,
    ce: I64,
    cc: I64,
    out: I64,
    err: I64,
) -> None:
    """Slack before the first successor link (or the project finish) would move.

    The successor links of a task's summary tasks (parent, grandparent, ...) count too,
    measured from the task's own dates: a child that ends later would push the summary's
    successors.  The project finish counts only when neither the task nor any of its
    summaries has a successor link.
    """
    for v in range(n):
        c = cal[v]
        best = INF
        real = False
        node = v
        while node >= 0:
            up = -1
            for q in range(succ_ptr[node], succ_ptr[node + 1]):
                k = succ_links[q]
                t = link_type[k]
                if t == ROLLUP:
                    up = link_to[k]
                    continue
                real = True
                x = link_to[k]
                cx = cal[x]
                if t in (FS, FF):
                    base = carry(
                        ef[v], c, cx, True, link_lag[k], link_elapsed[k], cal_ptr, cs, ce, cc, err
                    )
                else:
                    base = carry(
                        es[v], c, cx, False, link_lag[k], link_elapsed[k], cal_ptr, cs, ce, cc, err
                    )
                target = es[x] if (t in (FS, SS)) else ef[x]
                best = min(best, target - base)
            node = up
        if not real:
            best = finish_ceiling[c] - ef[v]
        out[v] = best
