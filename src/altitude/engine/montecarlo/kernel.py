"""The reference kernel: one run at a time through the CPM engine's own passes.

For each run (global index ``r``) it draws every task's duration (:mod:`.draws`, the same
statements as the lane kernel), decides which risk events occur, and calls the engine's
:func:`~altitude.engine.kernels.forward_pass` on those durations, so link types, lags,
calendars, constraints and progress mean exactly what they mean in ``altitude schedule``.
Two features need more than one forward pass per run and therefore take this kernel:

* ``total_float`` criticality: the engine's backward pass against the run's finish;
* ALAP tasks: forward, backward against the run's finish (or the deadline), then forward
  again with each ALAP task pushed to its late start, exactly as ``cpm.schedule`` does.

It also serves as the oracle of the lane kernel (same bits, tested).  Accumulators are
those of :func:`.batched.simulate_block_lanes`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from altitude.engine.kernels import NONE, backward_pass, forward_pass, to_instant, to_offset
from altitude.engine.montecarlo._jit import jit, jit_parallel, prange
from altitude.engine.montecarlo.distributions import FIXED
from altitude.engine.montecarlo.draws import hit, sample_task
from altitude.engine.montecarlo.sampling import (
    normal_ppf,
    run_stream,
    slot_key,
    stratified,
    stream_words,
    task_uniform,
    uniform,
    whole_minutes,
)

I64 = npt.NDArray[np.int64]


@jit
def simulate_block(key: np.uint64, first_run: int, n_runs: int, net: tuple, unc: tuple,  # type: ignore[type-arg]
                   tgt: tuple, criticality: int, ref_finish: int,  # type: ignore[type-arg]
                   finish: I64, crit: I64, s_d: I64, s_dd: I64, s_df: I64, s_f: I64,
                   risk_n: I64, risk_f: I64, err: I64) -> None:
    """Simulate runs ``first_run .. first_run + n_runs - 1`` one by one (see module doc)."""
    (order, pred_ptr, link_from, link_to, link_type, link_lag, link_elapsed, _plain, succ_ptr,
     succ_links, cal, summary, ctype, coff, astart, afinish, remaining0, start_floor,
     status_off, cal_ptr, cs, ce, cc, alap_mask, deadline) = net
    (kind, low, mode, high, shape_row, shape_frac, done, started, base, driver_of, rho,
     n_drivers, risk_prob, table_pert, table_classic, countable, timp_ptr, timp_risk,
     timp_add, timp_mult) = unc
    tgt_ptr, grp_cal, grp_ptr, grp_members, default_cal = tgt
    n = len(order)
    n_cal = len(cal_ptr) - 1
    n_risks = len(risk_prob)
    n_targets = len(tgt_ptr) - 1
    has_alap = alap_mask.any()
    duration = np.empty(n, dtype=np.int64)
    remaining = remaining0.copy()
    es = np.empty(n, dtype=np.int64)
    ef = np.empty(n, dtype=np.int64)
    drv = np.empty(n, dtype=np.int64)
    ls = np.empty(n, dtype=np.int64)
    lf = np.empty(n, dtype=np.int64)
    no_alap = np.full(n, NONE, dtype=np.int64)
    alap_floor = np.full(n, NONE, dtype=np.int64)
    zdrv = np.empty((max(n_drivers, 1), 1), dtype=np.float64)
    occurred = np.zeros((max(n_risks, 1), 1), dtype=np.bool_)
    ceiling = np.empty(n_cal, dtype=np.int64)
    for r in range(n_runs):
        run = first_run + r
        stream = run_stream(key, run)
        lo, hi = stream_words(stream)
        for d in range(n_drivers):
            zdrv[d, 0] = normal_ppf(uniform(stream, n + n_risks + d))
        for q in range(n_risks):
            occurred[q, 0] = stratified(key, run, n + q, stream) < risk_prob[q]
        for v in range(n):
            k = kind[v]
            x = mode[v]
            if k != FIXED:
                dv = driver_of[v]
                x = sample_task(k, task_uniform(lo, hi, slot_key(v)), low[v], mode[v], high[v],
                                shape_row[v], shape_frac[v], dv, rho[v],
                                zdrv[dv, 0] if dv >= 0 else 0.0, table_pert, table_classic)
            if timp_ptr[v + 1] > timp_ptr[v]:
                w = hit(x, v, k, 0, timp_ptr, timp_risk, timp_mult, timp_add, occurred, mode,
                        base)
            elif k == FIXED:
                w = base[v]
            else:
                w = whole_minutes(x)
            if started[v]:
                remaining[v] = w
                duration[v] = done[v] + w
            else:
                duration[v] = w
        forward_pass(order, pred_ptr, link_from, link_type, link_lag, link_elapsed, duration,
                     cal, ctype, coff, astart, afinish, remaining, start_floor, status_off,
                     no_alap, cal_ptr, cs, ce, cc, es, ef, drv, err)
        if has_alap:  # as cpm.schedule: late dates against the finish, then ALAP pushed late
            end = 0
            if deadline != NONE:
                end = deadline
            else:
                for c in range(n_cal):
                    w = NONE
                    for v in range(n):
                        if cal[v] == c and ef[v] > w:
                            w = ef[v]
                    if w != NONE:
                        end = max(end, to_instant(w, c, True, cal_ptr, cs, ce, cc, err))
            for c in range(n_cal):
                ceiling[c] = to_offset(end, c, cal_ptr, cs, ce, cc, err)
            backward_pass(order, succ_ptr, succ_links, link_to, link_type, link_lag,
                          link_elapsed, duration, cal, summary, ctype, coff, remaining,
                          afinish, es, ef, ceiling, cal_ptr, cs, ce, cc, ls, lf, err)
            for v in range(n):
                alap_floor[v] = ls[v] if alap_mask[v] else NONE
            forward_pass(order, pred_ptr, link_from, link_type, link_lag, link_elapsed,
                         duration, cal, ctype, coff, astart, afinish, remaining, start_floor,
                         status_off, alap_floor, cal_ptr, cs, ce, cc, es, ef, drv, err)
        end = NONE
        end_task = -1
        for t in range(n_targets):
            best = NONE
            for g in range(tgt_ptr[t], tgt_ptr[t + 1]):
                w = NONE
                wv = -1
                for a in range(grp_ptr[g], grp_ptr[g + 1]):
                    v = grp_members[a]
                    if ef[v] >= w:  # ties: the last member (most downstream)
                        w = ef[v]
                        wv = v
                if w != NONE:
                    inst = to_instant(w, grp_cal[g], True, cal_ptr, cs, ce, cc, err)
                    if inst > best:
                        best = inst
                        if t == 0:
                            end_task = wv
            if t == 0:
                end = best
            finish[r, t] = to_offset(best, default_cal, cal_ptr, cs, ce, cc, err)
        f = finish[r, 0] - ref_finish
        s_f[0] += f
        s_f[1] += f * f
        for i in range(n):
            dd = duration[i] - base[i]
            s_d[i] += dd
            s_dd[i] += dd * dd
            s_df[i] += dd * f
        for q in range(n_risks):
            if occurred[q, 0]:
                risk_n[q] += 1
                risk_f[q] += f
        if criticality == 1:  # the driving path that set this run's program finish
            v = end_task
            while v >= 0:
                if countable[v]:
                    crit[v] += 1
                kk = drv[v]
                v = link_from[kk] if kk >= 0 else -1
        elif criticality == 2:  # total float <= 0 against this run's program finish
            for c in range(n_cal):
                ceiling[c] = to_offset(end, c, cal_ptr, cs, ce, cc, err)
            backward_pass(order, succ_ptr, succ_links, link_to, link_type, link_lag,
                          link_elapsed, duration, cal, summary, ctype, coff, remaining,
                          afinish, es, ef, ceiling, cal_ptr, cs, ce, cc, ls, lf, err)
            for i in range(n):
                if countable[i] and lf[i] - ef[i] <= 0:
                    crit[i] += 1


@jit_parallel
def simulate_chunk(key: np.uint64, first_run: int, n_runs: int, net: tuple, unc: tuple,  # type: ignore[type-arg]
                   tgt: tuple, criticality: int, ref_finish: int,  # type: ignore[type-arg]
                   bounds: I64, finish: I64, crit: I64, s_d: I64, s_dd: I64, s_df: I64,
                   s_f: I64, risk_n: I64, risk_f: I64, err: I64) -> None:
    """Block ``b`` simulates runs ``bounds[b] .. bounds[b + 1] - 1`` of the chunk; blocks go
    to threads one at a time.  Accumulators have one row per block (summed by the caller
    in integers: the result does not depend on the number of threads)."""
    for b in prange(len(bounds) - 1):
        r0 = bounds[b]
        r1 = bounds[b + 1]
        simulate_block(key, first_run + r0, r1 - r0, net, unc, tgt, criticality,
                       ref_finish, finish[r0:r1], crit[b], s_d[b], s_dd[b], s_df[b], s_f[b],
                       risk_n[b], risk_f[b], err[b:b + 1])
