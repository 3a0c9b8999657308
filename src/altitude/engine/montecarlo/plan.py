"""A simulation plan: the network's pass arrays plus the encoded uncertainty, built once.

:func:`prepare` validates the :class:`UncertaintyModel` against the network (unknown
task ids raise :class:`ScheduleValidationError` naming the task and field), encodes
estimates, risks, drivers and finish targets into flat arrays, and computes the
deterministic plan (the CPM finish) that contingency is measured from.

Progress: a completed task is fixed.  A started task keeps its done part; its estimate
applies to the remaining work (scaled by remaining / planned).  ALAP tasks start as late
as the run's own finish allows (see :mod:`.kernel`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from altitude.engine import cpm
from altitude.engine import kernels as k
from altitude.engine.errors import CalendarError, ScheduleValidationError
from altitude.engine.montecarlo._jit import jit
from altitude.engine.montecarlo.distributions import (
    FIXED,
    PERT,
    PERT_CLASSIC,
    quantile_table,
    shape_position,
)
from altitude.engine.montecarlo.risks import UncertaintyModel
from altitude.engine.network import Network

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

PROGRAM = "program"
"""Name of the target that is the end of the whole network (every non-summary task)."""


@dataclass(frozen=True, eq=False)
class SimulationPlan:
    network: Network
    model: UncertaintyModel
    target_names: tuple[str, ...]
    arrays: dict[str, npt.NDArray[np.generic]]
    deterministic: I64  # per target: finish offset of the plan, default calendar
    risk_ids: tuple[str, ...]

    def finish_date(self, offset: int) -> dt.datetime:
        """Date-time shown for a finish ``offset`` of the default calendar."""
        wt = self.network.calendars[self.network.default_cal]
        inst = int(wt.finish_instants(np.array([offset], dtype=np.int64))[0])
        if offset == 0 and inst < 0:
            inst = 0
        return self.network.epoch + dt.timedelta(minutes=inst)

    def finish_offset(self, when: dt.datetime) -> int:
        """Offset of the default calendar for a date-time (work done by then)."""
        wt = self.network.calendars[self.network.default_cal]
        minutes = int((when - self.network.epoch).total_seconds() // 60)
        return int(wt.offsets([minutes])[0])


INT32_SAFE = 2**30
"""Bound on any offset a run can reach for the lane kernel to work in ``int32``."""


@jit
def longest_reach(order: npt.NDArray[np.int32], pred_ptr: I64, link_from: npt.NDArray[np.int32],
                  link_lag: I64, reach: F64, start: float) -> float:
    """Upper bound of every early date of a run: the longest path from ``start`` with each
    task at its longest duration ``reach`` and each lag at least 0 (leads and FF/SF links
    only lower dates; a value carried between calendars restarts below the horizon, which
    ``start`` covers)."""
    top = np.empty(len(order), dtype=np.float64)
    best = start
    for v in order:
        s = start
        for q in range(pred_ptr[v], pred_ptr[v + 1]):
            s = max(s, top[link_from[q]] + max(link_lag[q], 0))
        top[v] = s + reach[v]
        best = max(best, top[v])
    return best


def lane_dtype(plan: SimulationPlan) -> type[np.integer[Any]]:
    """``int32`` when no run can leave +-2**30 working minutes (about 2,000 years of
    24-hour days), else ``int64`` (same results, more memory traffic).

    The bound: the largest fixed offset (calendar horizon, constraint and actual dates,
    start floor, status date) plus the longest path through the network with every task
    at its longest possible duration (estimate, multipliers and added minutes)."""
    net = plan.network
    a = plan.arrays
    _ptr, cs, ce, cc = pack_calendars(net)
    fixed = [np.abs(cc).max(initial=0) + np.abs(ce - cs).max(initial=0)]
    for arr in (net.coff, net.astart, net.afinish, a["start_floor"], a["status_off"]):
        vals = np.asarray(arr)[np.asarray(arr) != k.NONE]
        fixed.append(np.abs(vals).max(initial=0))
    reach = np.asarray(a["reach"], dtype=np.float64)
    bound = longest_reach(net.order, net.pred_ptr, net.link_from, net.link_lag, reach,
                          float(max(fixed))) + float(reach.max(initial=0.0))
    return np.int32 if bound < INT32_SAFE else np.int64


def pack_calendars(net: Network) -> tuple[I64, I64, I64, I64]:
    ptr = np.zeros(len(net.calendars) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(w.starts) for w in net.calendars])
    return (ptr, np.concatenate([w.starts for w in net.calendars]).astype(np.int64),
            np.concatenate([w.ends for w in net.calendars]).astype(np.int64),
            np.concatenate([w.cum for w in net.calendars]).astype(np.int64))


def grow_calendars(net: Network) -> None:
    """Double every calendar's generated horizon (a run went past it)."""
    for w in net.calendars:
        if w.last_day > 20000 * 366:
            raise CalendarError("simulation runs out of the supported date range", field="start")
        w.ensure_offsets(int(w.cum[0]) * 2 - 1, int(w.cum[-1]) * 2 + 1)


def _per_calendar(net: Network, instant: int) -> I64:
    return np.array([int(w.offsets([instant])[0]) for w in net.calendars], dtype=np.int64)


def _encode_tasks(net: Network, model: UncertaintyModel) -> dict[str, npt.NDArray[np.generic]]:
    n = net.size
    index = net.index()
    for task in sorted(model.task_ids()):
        if task not in index:
            raise ScheduleValidationError("unknown task", task=task, field="estimate/risks")
    kind = np.zeros(n, dtype=np.int8)
    low = net.duration.astype(np.float64)
    mode = low.copy()
    high = low.copy()
    complete = net.afinish != k.NONE
    started = (net.remaining >= 0) & ~complete  # history keeps its planned duration
    done = np.where(started, np.maximum(net.duration - net.remaining, 0), 0).astype(np.int64)
    base = np.where(started, np.maximum(net.remaining, 0), net.duration).astype(np.int64)
    for i, tid in enumerate(net.ids):
        if net.summary[i] or complete[i]:
            continue
        est = model.estimate_for(tid, float(net.duration[i]))
        if est is None:
            continue
        if started[i]:
            planned = float(net.duration[i])
            est = est.scaled(float(base[i]) / planned if planned > 0 else 0.0)
        kind[i] = est.distribution.code
        low[i], mode[i], high[i] = (est.optimistic_minutes, est.most_likely_minutes,
                                    est.pessimistic_minutes)
    mode = np.where(kind == FIXED, base.astype(np.float64), mode)
    shape_row = np.zeros(n, dtype=np.int32)
    shape_frac = np.zeros(n, dtype=np.float64)
    for j in np.nonzero(kind >= PERT)[0].tolist():
        shape_row[j], shape_frac[j] = shape_position(float(low[j]), float(mode[j]), float(high[j]))
    driver_of = np.full(n, -1, dtype=np.int32)
    rho = np.zeros(n, dtype=np.float64)
    for d, driver in enumerate(model.drivers):
        for tid, r in driver.correlations.items():
            if driver_of[index[tid]] >= 0:
                raise ScheduleValidationError("task is in two drivers", task=tid, field="drivers")
            driver_of[index[tid]] = d
            rho[index[tid]] = r
    fixed = net.summary | complete
    imp_ptr = [0]
    imp_task: list[int] = []
    imp_add: list[float] = []
    imp_mult: list[float] = []
    reach = np.array(high, dtype=np.float64)  # longest possible duration (int32 check)
    for risk in model.risks:
        for imp in risk.impacts:
            i = index[imp.task]
            if fixed[i]:
                continue  # history (or a rolled-up summary) cannot be delayed
            imp_task.append(i)
            imp_add.append(imp.add_minutes)
            imp_mult.append(imp.multiplier)
            reach[i] = reach[i] * max(imp.multiplier, 1.0) + max(imp.add_minutes, 0.0)
        imp_ptr.append(len(imp_task))
    # the same impacts grouped by task (risk order kept): the batched kernel's layout
    per_risk = [b - a for a, b in itertools.pairwise(imp_ptr)]
    imp_risk = np.repeat(np.arange(len(model.risks), dtype=np.int32), per_risk)
    tasks_of = np.array(imp_task, dtype=np.int32)
    by_task = np.argsort(tasks_of, kind="stable")
    timp_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tasks_of, minlength=n), out=timp_ptr[1:])
    return {
        "timp_ptr": timp_ptr, "timp_risk": np.ascontiguousarray(imp_risk[by_task]),
        "timp_add": np.ascontiguousarray(np.array(imp_add, dtype=np.float64)[by_task]),
        "timp_mult": np.ascontiguousarray(np.array(imp_mult, dtype=np.float64)[by_task]),
        "kind": kind, "low": low, "mode": mode, "high": high, "shape_row": shape_row,
        "shape_frac": shape_frac, "done": done,
        "started": started, "base": base, "driver_of": driver_of, "rho": rho,
        "risk_prob": np.array([r.probability for r in model.risks], dtype=np.float64),
        "countable": ~fixed,
        "reach": np.maximum(reach + done, base.astype(np.float64)),
    }


def _encode_targets(
    net: Network, targets: Sequence[tuple[str, Sequence[int]]]
) -> dict[str, npt.NDArray[np.generic]]:
    tgt_ptr, grp_cal, grp_ptr, members = [0], [], [0], []
    rank = np.empty(net.size, dtype=np.int64)
    rank[net.order] = np.arange(net.size)
    for _name, idx in targets:
        # members in topological order: on a tie the kernels take the last (downstream) one
        arr = np.asarray(idx, dtype=np.int64)
        arr = arr[np.argsort(rank[arr], kind="stable")]
        cals = net.cal[arr]
        for c in np.unique(cals):
            sel = arr[cals == c]
            grp_cal.append(int(c))
            members.extend(sel.tolist())
            grp_ptr.append(len(members))
        tgt_ptr.append(len(grp_cal))
    return {"tgt_ptr": np.array(tgt_ptr, dtype=np.int64),
            "grp_cal": np.array(grp_cal, dtype=np.int16),
            "grp_ptr": np.array(grp_ptr, dtype=np.int64),
            "grp_members": np.array(members, dtype=np.int32)}


def prepare(
    network: Network,
    model: UncertaintyModel,
    *,
    targets: Mapping[str, Sequence[str]] | None = None,
    milestones_as_targets: bool = True,
) -> SimulationPlan:
    """Validate and encode; ``targets`` names extra finishes (project ends, milestones).

    Target 0 is always :data:`PROGRAM`; every milestone is a target too unless
    ``milestones_as_targets`` is False.
    """
    net = network
    index = net.index()
    leaves = np.nonzero(~net.summary)[0]
    if len(leaves) == 0:
        raise ScheduleValidationError("the network has no task to simulate", field="tasks")
    named: list[tuple[str, Sequence[int]]] = [(PROGRAM, leaves.tolist())]
    for name, ids in (targets or {}).items():
        for tid in ids:
            if tid not in index:
                raise ScheduleValidationError("unknown task", task=tid, field=f"targets.{name}")
        if ids:
            named.append((name, [index[t] for t in ids]))
    if milestones_as_targets:
        taken = {name for name, _ in named}
        for i in np.nonzero(net.milestone & ~net.summary)[0]:
            if net.ids[i] not in taken:
                named.append((net.ids[i], [int(i)]))
    arrays = _encode_tasks(net, model)
    arrays.update(_encode_targets(net, named))
    det = cpm.schedule(net)
    floor = (np.zeros(len(net.calendars), dtype=np.int64) if not net.backward
             else _per_calendar(net, det.project_start))
    status = (np.full(len(net.calendars), k.NONE, dtype=np.int64)
              if net.status_instant is None else _per_calendar(net, net.status_instant))
    slow = net.link_elapsed | (net.cal[net.link_from] != net.cal[net.link_to])
    slow_in = np.zeros(net.size, dtype=np.bool_)
    slow_in[net.link_to[slow | (net.link_type == 4)]] = True
    plain = (~net.summary & (net.ctype == 0) & (net.remaining < 0) & (net.afinish == k.NONE)
             & (net.astart == k.NONE) & ~slow_in)
    alap = ((net.ctype == k.ALAP) & ~net.summary & (net.remaining < 0)
            if not net.backward else np.zeros(net.size, dtype=np.bool_))
    arrays.update(start_floor=floor, status_off=status, plain=np.ascontiguousarray(plain),
                  alap=np.ascontiguousarray(alap),
                  deadline=np.array(k.NONE if net.deadline is None or net.backward
                                    else net.deadline, dtype=np.int64),
                  table_pert=quantile_table(PERT), table_classic=quantile_table(PERT_CLASSIC))
    wt = net.calendars[net.default_cal]
    ef_inst = cpm.offsets_to_instants(net, det.early_finish, True)
    det_fin = np.array([
        int(wt.offsets([int(ef_inst[np.asarray(idx)].max())])[0]) for _n, idx in named
    ], dtype=np.int64)
    return SimulationPlan(network=net, model=model, target_names=tuple(n for n, _ in named),
                          arrays=arrays, deterministic=det_fin,
                          risk_ids=tuple(r.id for r in model.risks))
