"""The simulation kernel: one compiled loop over the runs of a chunk.

For each run (global index ``r``): draw every task's duration from its quantile at the
counter uniform ``(key, r, task)`` (through the driver copula when the task has one),
decide which risk events occur, apply their impacts, then run the CPM engine's own
forward pass (:func:`altitude.engine.kernels.forward_pass`) on those durations, so link
types, lags, calendars, constraints and progress mean exactly what they mean in
``altitude schedule``.  When asked, the engine's backward pass gives each task's float
in that run (criticality).  Per run we keep only the finish instant of each target
(program end, project ends, milestones); per task, integer sums for the criticality
count and the duration/finish correlation.  Every accumulator is an integer, so chunk
results add up exactly, in any order.

Memory is O(tasks + runs x targets): no (runs x tasks) matrix is ever held.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from altitude.engine.kernels import NONE, backward_pass, to_instant, to_offset
from altitude.engine.montecarlo._jit import jit, jit_parallel, prange
from altitude.engine.montecarlo.distributions import FIXED
from altitude.engine.montecarlo.passes import forward
from altitude.engine.montecarlo.sampling import (
    normal_cdf,
    normal_ppf,
    run_stream,
    sample_quantile,
    stratified,
    uniform,
)

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
I16 = npt.NDArray[np.int16]
I8 = npt.NDArray[np.int8]
F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
B = npt.NDArray[np.bool_]


@jit
def sample_run(
    key: np.uint64, run: int, stream: np.uint64, n: int, kind: I8, low: F64, mode: F64, high: F64, shape_row: I32,
    shape_frac: F64, done: I64, started: B, driver_of: I32, rho: F64, n_drivers: int,
    risk_prob: F64, imp_ptr: I64, imp_task: I32, imp_add: F64, imp_mult: F64,
    impacted: I32, table_pert: F32, table_classic: F32, base: I64,
    zdrv: F64, occurred: B, x: F64, add: F64, duration: I64, remaining: I64,
) -> None:
    """Durations of one run into ``duration`` (and ``remaining`` for started tasks).

    ``impacted`` lists the tasks some risk can hit: only their samples are kept in ``x``
    until the risks are drawn; every other task is rounded at once.
    """
    n_risks = len(risk_prob)
    for d in range(n_drivers):
        zdrv[d] = normal_ppf(uniform(stream, n + n_risks + d))
    for i in range(n):
        k = kind[i]
        if k == FIXED:
            v = mode[i]
            w = base[i]
        else:
            u = uniform(stream, i)
            dv = driver_of[i]
            if dv >= 0:
                r = rho[i]
                u = normal_cdf(r * zdrv[dv] + np.sqrt(1.0 - r * r) * normal_ppf(u))
                if u >= 1.0:
                    u = 1.0 - 1e-16
            v = sample_quantile(k, u, low[i], mode[i], high[i], shape_row[i], shape_frac[i],
                                table_pert, table_classic)
            w = int(v + 0.5) if v > 0.0 else 0
        x[i] = v
        if started[i]:
            remaining[i] = w
            duration[i] = done[i] + w
        else:
            duration[i] = w
    if n_risks == 0:
        return
    for j in range(len(impacted)):
        add[impacted[j]] = 0.0
    for q in range(n_risks):
        occurred[q] = stratified(key, run, n + q, stream) < risk_prob[q]
        if occurred[q]:
            for j in range(imp_ptr[q], imp_ptr[q + 1]):
                x[imp_task[j]] *= imp_mult[j]
    for q in range(n_risks):
        if occurred[q]:
            for j in range(imp_ptr[q], imp_ptr[q + 1]):
                add[imp_task[j]] += imp_add[j]
    for j in range(len(impacted)):
        i = impacted[j]
        v = x[i] + add[i]
        w = int(v + 0.5) if v > 0.0 else 0
        if kind[i] == FIXED and add[i] == 0.0 and x[i] == mode[i]:
            w = base[i]
        if started[i]:
            remaining[i] = w
            duration[i] = done[i] + w
        else:
            duration[i] = w


@jit
def simulate_block(key: np.uint64, first_run: int, n_runs: int, net: tuple, unc: tuple,  # type: ignore[type-arg]
                   tgt: tuple, criticality: int, ref_finish: int,  # type: ignore[type-arg]
                   finish: I64, crit: I64, s_d: I64, s_dd: I64, s_df: I64, s_f: I64,
                   risk_n: I64, risk_f: I64, err: I64) -> None:
    """Simulate runs ``first_run .. first_run + n_runs - 1`` into one block's accumulators.

    ``finish[r, t]``: finish of target ``t`` in run ``r`` (offset of the default
    calendar).  ``crit[i]``: runs where task ``i`` had no finish float.  ``s_d``, ``s_dd``,
    ``s_df``: sums of ``d``, ``d*d``, ``d*f`` with ``d`` = duration - base and ``f`` =
    program finish - ``ref_finish``; ``s_f`` = [sum f, sum f*f].  ``risk_n``/``risk_f``:
    occurrences and sum of ``f`` when the risk occurred.
    """
    (order, pred_ptr, link_from, link_to, link_type, link_lag, link_elapsed, slow, plain, succ_ptr,
     succ_links, cal, summary, ctype, coff, astart, afinish, remaining0, start_floor,
     status_off, cal_ptr, cs, ce, cc) = net
    (kind, low, mode, high, shape_row, shape_frac, done, started, base, driver_of, rho,
     n_drivers, risk_prob, imp_ptr, imp_task, imp_add, imp_mult, impacted, table_pert,
     table_classic, countable, _timp_ptr, _timp_risk, _timp_add, _timp_mult) = unc
    tgt_ptr, grp_cal, grp_ptr, grp_members, default_cal = tgt
    n = len(order)
    n_cal = len(cal_ptr) - 1
    n_risks = len(risk_prob)
    duration = np.empty(n, dtype=np.int64)
    remaining = remaining0.copy()
    es = np.empty(n, dtype=np.int64)
    ef = np.empty(n, dtype=np.int64)
    ls = np.empty(n, dtype=np.int64)
    drv = np.empty(n, dtype=np.int64)
    lf = np.empty(n, dtype=np.int64)
    x = np.empty(n, dtype=np.float64)
    add = np.empty(n, dtype=np.float64)
    zdrv = np.empty(max(n_drivers, 1), dtype=np.float64)
    occurred = np.zeros(max(n_risks, 1), dtype=np.bool_)
    ceiling = np.empty(n_cal, dtype=np.int64)
    n_targets = len(tgt_ptr) - 1
    for r in range(n_runs):
        stream = run_stream(key, first_run + r)
        sample_run(key, first_run + r, stream, n, kind, low, mode, high, shape_row,
                   shape_frac, done, started, driver_of, rho, n_drivers, risk_prob, imp_ptr,
                   imp_task, imp_add, imp_mult, impacted, table_pert, table_classic, base, zdrv,
                   occurred, x, add, duration, remaining)
        forward(order, pred_ptr, link_from, link_type, link_lag, link_elapsed, slow, plain, duration,
                cal, ctype, coff, astart, afinish, remaining, start_floor, status_off,
                cal_ptr, cs, ce, cc, es, ef, drv, err)
        end = NONE
        end_task = -1
        for t in range(n_targets):
            best = NONE
            for g in range(tgt_ptr[t], tgt_ptr[t + 1]):
                w = NONE
                wv = -1
                for j in range(grp_ptr[g], grp_ptr[g + 1]):
                    v = grp_members[j]
                    if ef[v] > w:
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
            d = duration[i] - base[i]
            s_d[i] += d
            s_dd[i] += d * d
            s_df[i] += d * f
        for q in range(n_risks):
            if occurred[q]:
                risk_n[q] += 1
                risk_f[q] += f
        if criticality == 1:  # the driving path that set this run's program finish
            v = end_task
            while v >= 0:
                if countable[v]:
                    crit[v] += 1
                k = drv[v]
                v = link_from[k] if k >= 0 else -1
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
                   finish: I64, crit: I64, s_d: I64, s_dd: I64, s_df: I64, s_f: I64,
                   risk_n: I64, risk_f: I64, err: I64) -> None:
    """Split the chunk into ``len(crit)`` blocks of consecutive runs, one per thread.

    Accumulators have one row per block (summed by the caller, in integers: the result
    does not depend on the number of threads).
    """
    n_blocks = crit.shape[0]
    per = (n_runs + n_blocks - 1) // n_blocks
    for b in prange(n_blocks):
        r0 = min(b * per, n_runs)
        r1 = min(r0 + per, n_runs)
        simulate_block(key, first_run + r0, r1 - r0, net, unc, tgt, criticality,
                       ref_finish, finish[r0:r1], crit[b], s_d[b], s_dd[b], s_df[b], s_f[b],
                       risk_n[b], risk_f[b], err[b:b + 1])
