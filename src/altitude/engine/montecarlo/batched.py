"""The lane kernel: 32 (or 16) runs at a time, one fused topological pass per batch.

A batch holds :data:`LANES` consecutive runs side by side.  For each task, in topological
order, its durations in those runs are drawn (counter-based, :func:`.sampling.task_uniform`: no
duration matrix is ever drawn ahead), hit by the risks that occurred, and scheduled, while
the task's rows of the (task, lane) arrays are in cache.  Times are integer working
minutes in ``int32`` when the network's offsets fit (:func:`.plan.lane_dtype`), so one
AVX2 register holds 8 runs.

*Plain* tasks (no constraint, no progress, not a summary, only same-calendar working-lag
links in) take a branch-free path: ``es = max(floor, pred + lag)`` over their links, then
the status date, with the driving link kept by a select.  Every other task goes
through the CPM engine's own :func:`~altitude.engine.kernels.forward_pass`, one lane at a
time (a strided view of that lane), so calendars, elapsed lags, constraints, progress and
summaries mean exactly what they mean in ``altitude schedule``.  ALAP tasks and
total-float criticality need several passes per run: they take :mod:`.kernel`.

After the pass: each target's finish per run, the sensitivity sums (one streaming pass
over the duration rows), the risk sums, and the driving path of each run walked back from
its finish (O(path), not O(tasks)).  Results are those of :mod:`.kernel`, bit for bit.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from altitude.engine.kernels import NONE, forward_pass, to_instant, to_offset
from altitude.engine.montecarlo._jit import jit, jit_parallel, prange, thread_id
from altitude.engine.montecarlo.distributions import FIXED, LEVELS, PERT, TRIANGULAR
from altitude.engine.montecarlo.draws import hit, sample_task
from altitude.engine.montecarlo.sampling import (
    beta_quantile,
    normal_ppf,
    run_stream,
    slot_key,
    stratified,
    stream_words,
    task_uniform,
    triangular,
    uniform,
    whole_minutes,
)

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
LANES = 32
"""Runs per batch (the work arrays' width) for networks up to :data:`WIDE_TASKS` tasks;
16 above (the (task x lane) arrays of each thread stay below ~130 MB).  The width changes
no result: every run draws from its own counter."""
WIDE_TASKS = 200_000


def lanes_for(n_tasks: int) -> int:
    """Batch width for a network of ``n_tasks`` tasks."""
    return LANES if n_tasks <= WIDE_TASKS else LANES // 2


@jit
def simulate_block_lanes(key: np.uint64, first_run: int, n_runs: int, net: tuple, unc: tuple,  # type: ignore[type-arg]
                         tgt: tuple, criticality: int, ref_finish: int,  # type: ignore[type-arg]
                         work: tuple, finish: I64, crit: I64, s_d: I64, s_dd: I64,  # type: ignore[type-arg]
                         s_df: I64, s_f: I64, risk_n: I64, risk_f: I64, err: I64) -> None:
    """Runs ``first_run .. first_run + n_runs - 1`` into one block's accumulators.

    ``finish[r, t]``: finish of target ``t`` in run ``r`` (offset of the default
    calendar).  ``crit[i]``: runs with task ``i`` on the driving path.  ``s_d``, ``s_dd``,
    ``s_df``: sums of ``d``, ``d*d``, ``d*f`` with ``d`` = duration - planned and ``f`` =
    program finish - ``ref_finish``; ``s_f`` = [sum f, sum f*f].  ``risk_n``/``risk_f``:
    occurrences and sum of ``f`` when the risk occurred.  ``work``: this block's (task,
    lane) arrays ``es, ef, dur, rem, drv``.
    """
    (order, pred_ptr, link_from, _link_to, link_type, link_lag, link_elapsed, plain,
     _succ_ptr, _succ_links, cal, _summary, ctype, coff, astart, afinish, remaining0,
     start_floor, status_off, cal_ptr, cs, ce, cc, _alap_mask, _deadline) = net
    (kind, low, mode, high, shape_row, shape_frac, done, started, base, driver_of, rho,
     n_drivers, risk_prob, table_pert, table_classic, countable, timp_ptr, timp_risk,
     timp_add, timp_mult) = unc
    tgt_ptr, grp_cal, grp_ptr, grp_members, default_cal = tgt
    es, ef, dur, rem, drv = work
    nl = es.shape[1]  # the batch width, a run-time count: loops vectorise (alias checks)
    n = len(order)
    n_risks = len(risk_prob)
    n_targets = len(tgt_ptr) - 1
    no_alap = np.full(n, NONE, dtype=np.int64)
    for i in range(n):
        for j in range(nl):
            rem[i, j] = remaining0[i]
    lo = np.empty(nl, dtype=np.uint32)
    hi = np.empty(nl, dtype=np.uint32)
    streams = np.empty(nl, dtype=np.uint64)
    vals = np.empty(nl, dtype=np.float64)
    us = np.empty(nl, dtype=np.float64)
    zdrv = np.empty((max(n_drivers, 1), nl), dtype=np.float64)
    occurred = np.zeros((max(n_risks, 1), nl), dtype=np.bool_)
    fvals = np.zeros(nl, dtype=np.int64)
    best = np.empty(nl, dtype=np.int64)
    end_task = np.empty(nl, dtype=np.int64)
    acc = np.empty_like(es[0])
    dk = np.empty_like(drv[0])
    late = np.empty_like(ef[0])
    who = np.empty_like(drv[0])
    for b0 in range(0, n_runs, nl):
        m = min(nl, n_runs - b0)
        # every lane is computed (lanes past the block are real runs, simply not kept):
        # full-width lane loops, no per-batch remainder
        for j in range(nl):
            streams[j] = run_stream(key, first_run + b0 + j)
            lo[j], hi[j] = stream_words(streams[j])
        for d in range(n_drivers):
            for j in range(nl):
                zdrv[d, j] = normal_ppf(uniform(streams[j], n + n_risks + d))
        for q in range(n_risks):  # risk occurrences do not depend on durations
            for j in range(nl):
                occurred[q, j] = (stratified(key, first_run + b0 + j, n + q, streams[j])
                                  < risk_prob[q])
        for idx in range(n):
            v = order[idx]
            k = kind[v]
            # -- durations of this task in the batch's runs: triangular (vectorised), PERT
            # (vectorised uniforms, scalar table reads), anything with a driver
            if k == TRIANGULAR and driver_of[v] < 0 and high[v] > low[v]:
                kv = slot_key(v)
                lo_ = low[v]
                mo_ = mode[v]
                hi_ = high[v]
                for j in range(nl):
                    vals[j] = triangular(task_uniform(lo[j], hi[j], kv), lo_, mo_, hi_)
            elif k != FIXED and k != TRIANGULAR and driver_of[v] < 0 and high[v] > low[v]:
                kv = slot_key(v)
                lo_ = low[v]
                hi_ = high[v]
                frac = shape_frac[v]
                ia = shape_row[v] * LEVELS
                flat = table_pert if k == PERT else table_classic
                for j in range(nl):
                    us[j] = task_uniform(lo[j], hi[j], kv)
                for j in range(nl):
                    vals[j] = beta_quantile(us[j], lo_, hi_, frac, flat, ia)
            elif k != FIXED:
                kv = slot_key(v)
                lo_ = low[v]
                mo_ = mode[v]
                hi_ = high[v]
                row = shape_row[v]
                frac = shape_frac[v]
                dv = driver_of[v]
                r_ = rho[v]
                for j in range(nl):  # the uniforms, vectorised; then the quantiles
                    us[j] = task_uniform(lo[j], hi[j], kv)
                for j in range(nl):
                    z = zdrv[dv, j] if dv >= 0 else 0.0
                    vals[j] = sample_task(k, us[j], lo_, mo_, hi_, row, frac, dv, r_, z,
                                          table_pert, table_classic)
            if timp_ptr[v + 1] > timp_ptr[v]:
                if k == FIXED:
                    for j in range(nl):
                        vals[j] = mode[v]
                for j in range(nl):
                    dur[v, j] = hit(vals[j], v, k, j, timp_ptr, timp_risk, timp_mult, timp_add,
                                    occurred, mode, base)
            elif k == FIXED:
                for j in range(nl):
                    dur[v, j] = base[v]
            else:
                for j in range(nl):
                    dur[v, j] = whole_minutes(vals[j])
            if started[v]:
                for j in range(nl):
                    rem[v, j] = dur[v, j]
                    dur[v, j] += done[v]
            # -- schedule it in those runs
            if not plain[v]:
                step = order[idx:idx + 1]
                for j in range(nl):
                    forward_pass(step, pred_ptr, link_from, link_type, link_lag, link_elapsed,
                                 dur[:, j], cal, ctype, coff, astart, afinish, rem[:, j],
                                 start_floor, status_off, no_alap, cal_ptr, cs, ce, cc,
                                 es[:, j], ef[:, j], drv[:, j], err)
                continue
            # plain task: the latest of the floor and its links, branch-free across lanes
            # (local accumulators: the compiler cannot prove es[v] and ef[p] apart)
            floor = start_floor[cal[v]]
            for j in range(nl):
                acc[j] = floor
                dk[j] = -1
            dv_row = dur[v]
            for kk in range(pred_ptr[v], pred_ptr[v + 1]):
                t = link_type[kk]
                src = ef[link_from[kk]] if (t == 0 or t == 2) else es[link_from[kk]]
                lag = link_lag[kk]
                if t < 2:  # FS, SS
                    for j in range(nl):
                        cand = src[j] + lag
                        dk[j] = kk if cand > acc[j] else dk[j]
                        acc[j] = max(cand, acc[j])
                else:  # FF, SF: the finish is bound, the start is that minus the duration
                    for j in range(nl):
                        cand = src[j] + lag - dv_row[j]
                        dk[j] = kk if cand > acc[j] else dk[j]
                        acc[j] = max(cand, acc[j])
            status = status_off[cal[v]]
            if status != NONE:  # work not started cannot start before the status date
                for j in range(nl):
                    dk[j] = -1 if status > acc[j] else dk[j]
                    acc[j] = max(status, acc[j])
            for j in range(nl):
                es[v, j] = acc[j]
                ef[v, j] = acc[j] + dv_row[j]
                drv[v, j] = dk[j]
        # -- finish of each target: latest early finish of its members, per calendar group
        for t in range(n_targets):
            for j in range(nl):
                best[j] = NONE
            for g in range(tgt_ptr[t], tgt_ptr[t + 1]):
                v0 = grp_members[grp_ptr[g]]
                for j in range(nl):
                    late[j] = ef[v0, j]
                    who[j] = v0
                for a in range(grp_ptr[g] + 1, grp_ptr[g + 1]):
                    v = grp_members[a]
                    row = ef[v]
                    for j in range(nl):  # ties: the last member (most downstream)
                        who[j] = v if row[j] >= late[j] else who[j]
                        late[j] = max(row[j], late[j])
                for j in range(m):
                    inst = to_instant(late[j], grp_cal[g], True, cal_ptr, cs, ce, cc, err)
                    if inst > best[j]:
                        best[j] = inst
                        if t == 0:
                            end_task[j] = who[j]
            for j in range(m):
                finish[b0 + j, t] = to_offset(best[j], default_cal, cal_ptr, cs, ce, cc, err)
        # -- sensitivity sums (lanes past the block count as f = 0 and are masked below)
        for j in range(nl):
            fvals[j] = 0
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
                dd = np.int64(dur[i, j]) - bi
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
            # walk the driving paths back from each run's finish, in lockstep
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
def simulate_chunk_lanes(key: np.uint64, first_run: int, n_runs: int, net: tuple, unc: tuple,  # type: ignore[type-arg]
                         tgt: tuple, criticality: int, ref_finish: int,  # type: ignore[type-arg]
                         bounds: I64, work: tuple, finish: I64, crit: I64, s_d: I64,  # type: ignore[type-arg]
                         s_dd: I64, s_df: I64, s_f: I64, risk_n: I64, risk_f: I64,
                         err: I64) -> None:
    """Block ``b`` (runs ``bounds[b] .. bounds[b + 1] - 1``) on whichever thread is free,
    in that thread's work arrays ``work[i][thread]``; one accumulator row per block."""
    es, ef, dur, rem, drv = work
    slots = es.shape[0]
    for b in prange(len(bounds) - 1):
        r0 = bounds[b]
        r1 = bounds[b + 1]
        s = min(thread_id(), slots - 1)
        simulate_block_lanes(key, first_run + r0, r1 - r0, net, unc, tgt, criticality,
                             ref_finish, (es[s], ef[s], dur[s], rem[s], drv[s]), finish[r0:r1],
                             crit[b], s_d[b], s_dd[b], s_df[b], s_f[b], risk_n[b], risk_f[b],
                             err[b:b + 1])
