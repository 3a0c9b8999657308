"""The batched kernel: 8 runs at a time (vectorised across runs).

Each task's parameters and links are read once for 8 runs and the inner loops run over
those 8 runs (constant width: unrolled, SIMD-friendly); the sensitivity sums are written
once per task per batch instead of once per run.  *Plain* tasks (no constraint, no
progress, no status date, not a summary, only same-calendar working-lag links in: see
:mod:`.passes`) take a branch-free path; the others go through
:func:`.passes.forward_task_lane`, lane by lane.  The draws, the arithmetic and the tie
rules are those of :mod:`.kernel`, so the results are the same bits (tested).  Total-float
criticality needs the engine's backward pass per run: that mode uses :mod:`.kernel`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from altitude.engine.kernels import NONE, to_instant, to_offset
from altitude.engine.montecarlo._jit import jit, jit_parallel, prange
from altitude.engine.montecarlo.distributions import FIXED
from altitude.engine.montecarlo.passes import forward_task_lane
from altitude.engine.montecarlo.sampling import (
    normal_cdf,
    normal_ppf,
    run_stream,
    sample_quantile,
    stratified,
    uniform,
)

I64 = npt.NDArray[np.int64]
BATCH = 8


@jit
def simulate_block_batched(key: np.uint64, first_run: int, n_runs: int, net: tuple, unc: tuple,  # type: ignore[type-arg]
                           tgt: tuple, criticality: int, ref_finish: int,  # type: ignore[type-arg]
                           finish: I64, crit: I64, s_d: I64, s_dd: I64, s_df: I64, s_f: I64,
                           risk_n: I64, risk_f: I64, err: I64) -> None:
    """Same contract as :func:`.kernel.simulate_block` (plain networks only)."""
    (order, pred_ptr, link_from, _link_to, link_type, link_lag, link_elapsed, slow, plain,
     _succ_ptr, _succ_links, cal, _summary, ctype, coff, astart, afinish, remaining0,
     start_floor, status_off, cal_ptr, cs, ce, cc) = net
    (kind, low, mode, high, shape_row, shape_frac, done, started, base, driver_of, rho,
     n_drivers, risk_prob, _imp_ptr, _imp_task, _imp_add, _imp_mult, _impacted, table_pert,
     table_classic, countable, timp_ptr, timp_risk, timp_add, timp_mult) = unc
    tgt_ptr, grp_cal, grp_ptr, grp_members, default_cal = tgt
    n = len(order)
    n_risks = len(risk_prob)
    dur = np.empty((n, BATCH), dtype=np.int64)
    rem = np.empty((n, BATCH), dtype=np.int64)
    for i in range(n):
        for j in range(BATCH):
            rem[i, j] = remaining0[i]
    es = np.empty((n, BATCH), dtype=np.int64)
    ef = np.empty((n, BATCH), dtype=np.int64)
    drv = np.empty((n, BATCH), dtype=np.int64)
    addv = np.empty(BATCH, dtype=np.float64)
    streams = np.empty(BATCH, dtype=np.uint64)
    zdrv = np.empty((max(n_drivers, 1), BATCH), dtype=np.float64)
    occurred = np.zeros((max(n_risks, 1), BATCH), dtype=np.bool_)
    fvals = np.empty(BATCH, dtype=np.int64)
    vals = np.empty(BATCH, dtype=np.float64)
    best = np.empty(BATCH, dtype=np.int64)
    end_task = np.empty(BATCH, dtype=np.int64)
    w = np.empty(BATCH, dtype=np.int64)
    wv = np.empty(BATCH, dtype=np.int64)
    n_targets = len(tgt_ptr) - 1
    for b0 in range(0, n_runs, BATCH):
        m = min(BATCH, n_runs - b0)
        # every lane is computed (runs past the chunk are real runs, simply not kept):
        # constant trip counts let the compiler unroll and vectorise the lane loops
        for j in range(BATCH):
            streams[j] = run_stream(key, first_run + b0 + j)
        for d in range(n_drivers):
            for j in range(BATCH):
                zdrv[d, j] = normal_ppf(uniform(streams[j], n + n_risks + d))
        # risk occurrences first: they do not depend on durations
        for q in range(n_risks):
            for j in range(BATCH):
                occurred[q, j] = (stratified(key, first_run + b0 + j, n + q, streams[j])
                                  < risk_prob[q])
        # one pass in topological order: each task's durations are drawn (and hit by the
        # risks that occurred) right before its forward step, while its row is in cache
        for idx in range(n):
            v = order[idx]
            k = kind[v]
            if k == FIXED:
                for j in range(BATCH):
                    vals[j] = mode[v]
            else:
                lo_ = low[v]
                mo_ = mode[v]
                hi_ = high[v]
                row = shape_row[v]
                frac = shape_frac[v]
                dv = driver_of[v]
                if dv < 0:  # the common case, kept free of per-lane branches
                    for j in range(BATCH):
                        vals[j] = sample_quantile(k, uniform(streams[j], v), lo_, mo_, hi_, row,
                                                  frac, table_pert, table_classic)
                else:
                    r = rho[v]
                    for j in range(BATCH):
                        u = uniform(streams[j], v)
                        u = normal_cdf(r * zdrv[dv, j] + np.sqrt(1.0 - r * r) * normal_ppf(u))
                        if u >= 1.0:
                            u = 1.0 - 1e-16
                        vals[j] = sample_quantile(k, u, lo_, mo_, hi_, row, frac, table_pert,
                                                  table_classic)
            i0 = timp_ptr[v]
            i1 = timp_ptr[v + 1]
            if i1 > i0:  # risks can hit this task: multipliers first, then added minutes
                for j in range(BATCH):
                    addv[j] = 0.0
                for a in range(i0, i1):
                    q = timp_risk[a]
                    for j in range(BATCH):
                        if occurred[q, j]:
                            vals[j] *= timp_mult[a]
                for a in range(i0, i1):
                    q = timp_risk[a]
                    for j in range(BATCH):
                        if occurred[q, j]:
                            addv[j] += timp_add[a]
                for j in range(BATCH):
                    x = vals[j] + addv[j]
                    wd = int(x + 0.5) if x > 0.0 else 0
                    if k == FIXED and addv[j] == 0.0 and vals[j] == mode[v]:
                        wd = base[v]
                    dur[v, j] = wd
            elif k == FIXED:
                for j in range(BATCH):
                    dur[v, j] = base[v]
            else:
                for j in range(BATCH):
                    x = vals[j]
                    dur[v, j] = int(x + 0.5) if x > 0.0 else 0
            if started[v]:
                for j in range(BATCH):
                    rem[v, j] = dur[v, j]
                    dur[v, j] += done[v]
            if not plain[v]:
                for j in range(BATCH):
                    forward_task_lane(v, j, pred_ptr, link_from, link_type, link_lag,
                                      link_elapsed, slow, cal, ctype, coff, astart, afinish,
                                      start_floor, status_off, cal_ptr, cs, ce, cc, dur, rem,
                                      es, ef, drv, err)
                continue
            floor = start_floor[cal[v]]
            for j in range(BATCH):
                es[v, j] = floor
                drv[v, j] = -1
            for kk in range(pred_ptr[v], pred_ptr[v + 1]):
                p = link_from[kk]
                t = link_type[kk]
                lag = link_lag[kk]
                md = 1 if t >= 2 else 0
                if t == 0 or t == 2:  # from the predecessor's finish
                    for j in range(BATCH):
                        cand = ef[p, j] + lag - md * dur[v, j]
                        if cand > es[v, j]:
                            es[v, j] = cand
                            drv[v, j] = kk
                else:
                    for j in range(BATCH):
                        cand = es[p, j] + lag - md * dur[v, j]
                        if cand > es[v, j]:
                            es[v, j] = cand
                            drv[v, j] = kk
            for j in range(BATCH):
                ef[v, j] = es[v, j] + dur[v, j]
        # targets
        for t in range(n_targets):
            for j in range(BATCH):
                best[j] = NONE
            for g in range(tgt_ptr[t], tgt_ptr[t + 1]):
                for j in range(BATCH):
                    w[j] = NONE
                    wv[j] = -1
                for a in range(grp_ptr[g], grp_ptr[g + 1]):
                    v = grp_members[a]
                    for j in range(BATCH):
                        if ef[v, j] > w[j]:
                            w[j] = ef[v, j]
                            wv[j] = v
                for j in range(BATCH):
                    if w[j] != NONE:
                        inst = to_instant(w[j], grp_cal[g], True, cal_ptr, cs, ce, cc, err)
                        if inst > best[j]:
                            best[j] = inst
                            if t == 0:
                                end_task[j] = wv[j]
            for j in range(m):
                finish[b0 + j, t] = to_offset(best[j], default_cal, cal_ptr, cs, ce, cc, err)
        for j in range(m):
            f = finish[b0 + j, 0] - ref_finish
            fvals[j] = f
            s_f[0] += f
            s_f[1] += f * f
        for i in range(n):
            a1 = 0
            a2 = 0
            a3 = 0
            bi = base[i]
            for j in range(m):
                dd = dur[i, j] - bi
                a1 += dd
                a2 += dd * dd
                a3 += dd * fvals[j]
            s_d[i] += a1
            s_dd[i] += a2
            s_df[i] += a3
        for q in range(n_risks):
            for j in range(m):
                if occurred[q, j]:
                    risk_n[q] += 1
                    risk_f[q] += fvals[j]
        if criticality == 1:
            # walk the m driving paths in lockstep: independent loads overlap in memory
            alive = m
            while alive > 0:
                alive = 0
                for j in range(m):
                    v = end_task[j]
                    if v >= 0:
                        if countable[v]:
                            crit[v] += 1
                        kk = drv[v, j]
                        end_task[j] = link_from[kk] if kk >= 0 else -1
                        alive += 1


@jit_parallel
def simulate_chunk_batched(key: np.uint64, first_run: int, n_runs: int, net: tuple, unc: tuple,  # type: ignore[type-arg]
                           tgt: tuple, criticality: int, ref_finish: int,  # type: ignore[type-arg]
                           finish: I64, crit: I64, s_d: I64, s_dd: I64, s_df: I64, s_f: I64,
                           risk_n: I64, risk_f: I64, err: I64) -> None:
    """Blocks of consecutive runs over threads, as :func:`.kernel.simulate_chunk`."""
    n_blocks = crit.shape[0]
    per = (n_runs + n_blocks - 1) // n_blocks
    for b in prange(n_blocks):
        r0 = min(b * per, n_runs)
        r1 = min(r0 + per, n_runs)
        simulate_block_batched(key, first_run + r0, r1 - r0, net, unc, tgt, criticality,
                               ref_finish, finish[r0:r1], crit[b], s_d[b], s_dd[b], s_df[b],
                               s_f[b], risk_n[b], risk_f[b], err[b:b + 1])
