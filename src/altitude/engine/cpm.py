"""Critical path method over a prebuilt :class:`~altitude.engine.network.Network`.

``schedule(network)`` runs the forward pass (early dates), the backward pass (late dates)
and derives total and free float, the critical tasks and each task's driving predecessor.
Everything stays in integer working offsets (see :mod:`altitude.engine.calendars`);
:class:`ScheduleResult` converts to date-times only when asked.  Semantics, with worked
examples, are in ``docs/algorithms/cpm.md``.

``earliest_starts(network, durations)`` re-runs only the forward pass for other duration
vectors, shape ``(n,)`` or ``(runs, n)``: what Monte Carlo simulation needs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from altitude.engine import kernels as k
from altitude.engine.calendars import MAX_HORIZON_DAYS, from_minutes
from altitude.engine.errors import CalendarError
from altitude.engine.network import ConstraintType, LinkType, Network

I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]


class ScheduleStatus(StrEnum):
    OK = "ok"
    NEGATIVE_FLOAT = "negative_float"  # constraints or the deadline cannot all be met


@dataclass(frozen=True)
class TaskSchedule:
    """One task's dates (naive local date-times) and floats (working minutes)."""

    id: str
    start: dt.datetime
    finish: dt.datetime
    early_start: dt.datetime
    early_finish: dt.datetime
    late_start: dt.datetime
    late_finish: dt.datetime
    total_float_minutes: int
    free_float_minutes: int
    critical: bool
    driving_predecessor: str | None


@dataclass(frozen=True, eq=False)
class ScheduleResult:
    """Arrays indexed like ``network.ids``; dates are working offsets of each task's
    calendar (``start``/``finish`` are the scheduled dates: early, or late for ALAP tasks
    and backward scheduling)."""

    status: ScheduleStatus
    network: Network
    early_start: I64
    early_finish: I64
    late_start: I64
    late_finish: I64
    start: I64
    finish: I64
    total_float: I64
    free_float: I64
    critical: Bool
    longest_path: Bool
    driving_predecessor: npt.NDArray[np.int32]
    driving_link: I64  # index into the network's link arrays, -1: none
    project_start: int  # instant, minutes since network.epoch
    project_finish: int

    @property
    def project_start_date(self) -> dt.datetime:
        return from_minutes(self.project_start, self.network.epoch)

    @property
    def project_finish_date(self) -> dt.datetime:
        return from_minutes(self.project_finish, self.network.epoch)

    def instants(self, which: str) -> I64:
        """Instants of one date column: ``early_start``, ``late_finish``, ``start``..."""
        net = self.network
        values = getattr(self, which)
        if which.startswith("late"):
            # MS Project shows a milestone's late dates at the end of the work before it.
            zero = (self.late_finish == self.late_start) & ~net.summary
            finish_side = which.endswith("finish") | zero
            return offsets_to_instants(net, values, finish_side, at_epoch=False)
        zero = (self.early_finish == self.early_start) & ~net.summary
        finish_side = np.where(zero, self.milestone_finish_side(), which.endswith("finish"))
        return offsets_to_instants(net, values, finish_side)

    def dates(self, which: str) -> list[dt.datetime]:
        return [from_minutes(int(t), self.network.epoch) for t in self.instants(which)]

    def milestone_finish_side(self) -> Bool:
        """A zero-length task shows at the end of the work it follows (Monday 17:00)
        when the date it follows is a finish, or is reached by adding a positive lag
        (MS Project's date arithmetic), else at the start of the next work (Tuesday 08:00):
        a negative lag, a start with no lag, the project start."""
        net = self.network
        zero = (self.early_finish == self.early_start) & ~net.summary
        drv = self.driving_predecessor >= 0
        by_finish = np.zeros(len(drv), dtype=np.bool_)
        link = self.driving_link[drv]
        lag = net.link_lag[link]
        from_finish = np.isin(net.link_type[link], (LinkType.FS, LinkType.FF))
        by_finish[drv] = (lag > 0) | ((lag == 0) & from_finish)
        by_constraint = np.isin(net.ctype, (ConstraintType.FNET, ConstraintType.MFO))
        out: Bool = zero & np.where(drv, by_finish, by_constraint)
        return out

    def task(self, task_id: str) -> TaskSchedule:
        i = self.network.ids.index(task_id)
        return self.tasks([i])[0]

    def tasks(self, indices: list[int] | None = None) -> list[TaskSchedule]:
        idx = np.arange(self.network.size) if indices is None else np.asarray(indices)
        cols = {
            c: self.instants(c)[idx]
            for c in ("start", "finish", "early_start", "early_finish", "late_start", "late_finish")
        }
        ids = self.network.ids
        epoch = self.network.epoch
        out = []
        for j, i in enumerate(idx):
            dp = int(self.driving_predecessor[i])
            out.append(
                TaskSchedule(
                    id=ids[i],
                    **{c: from_minutes(int(v[j]), epoch) for c, v in cols.items()},
                    total_float_minutes=int(self.total_float[i]),
                    free_float_minutes=int(self.free_float[i]),
                    critical=bool(self.critical[i]),
                    driving_predecessor=ids[dp] if dp >= 0 else None,
                )
            )
        return out


def offsets_to_instants(
    net: Network, offsets: I64, finish_side: Bool | bool, *, at_epoch: bool = True
) -> I64:
    """Instants of per-task offsets (each in its task's calendar).

    ``at_epoch``: a finish at offset 0 shows at the epoch (a milestone at the project
    start), not at the end of the previous working day; late dates keep the plain rule.
    """
    out = np.empty(len(offsets), dtype=np.int64)
    fin = np.broadcast_to(np.asarray(finish_side, dtype=np.bool_), offsets.shape)
    for c, wt in enumerate(net.calendars):
        mask = net.cal == c
        if not mask.any():
            continue
        for side, conv in ((True, wt.finish_instants), (False, wt.start_instants)):
            sel = mask & (fin == side)
            if sel.any():
                out[sel] = conv(offsets[sel])
    # A finish at the epoch's offset shows at the epoch, not at the end of the previous
    # working day (a milestone at the project start is on the start date).
    if at_epoch:
        out[fin & (out < 0) & (offsets == 0)] = 0
    return out


def _pack(net: Network) -> tuple[I64, I64, I64, I64]:
    ptr = np.zeros(len(net.calendars) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(w.starts) for w in net.calendars])
    return (
        ptr,
        np.concatenate([w.starts for w in net.calendars]),
        np.concatenate([w.ends for w in net.calendars]),
        np.concatenate([w.cum for w in net.calendars]),
    )


def _per_calendar(net: Network, instant: int) -> I64:
    return np.array([int(w.offsets([instant])[0]) for w in net.calendars], dtype=np.int64)


def _forward(
    net: Network,
    packed: tuple[I64, I64, I64, I64],
    floor: I64,
    status: I64,
    alap: I64,
    err: I64,
    duration: I64 | None = None,
) -> tuple[I64, I64, I64]:
    n = net.size
    es, ef, drv = (np.empty(n, dtype=np.int64) for _ in range(3))
    k.forward_pass(
        net.order,
        net.pred_ptr,
        net.link_from,
        net.link_type,
        net.link_lag,
        net.link_elapsed,
        net.duration if duration is None else duration,
        net.cal,
        net.ctype,
        net.coff,
        net.astart,
        net.afinish,
        net.remaining,
        floor,
        status,
        alap,
        *packed,
        es,
        ef,
        drv,
        err,
    )
    return es, ef, drv


def _backward(
    net: Network, packed: tuple[I64, I64, I64, I64], es: I64, ef: I64, ceiling: I64, err: I64
) -> tuple[I64, I64]:
    n = net.size
    ls, lf = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    k.backward_pass(
        net.order,
        net.succ_ptr,
        net.succ_links,
        net.link_to,
        net.link_type,
        net.link_lag,
        net.link_elapsed,
        net.duration,
        net.cal,
        net.summary,
        net.ctype,
        net.coff,
        net.remaining,
        net.afinish,
        es,
        ef,
        ceiling,
        *packed,
        ls,
        lf,
        err,
    )
    if net.summary.any():
        k.rollup_late(
            net.order, net.pred_ptr, net.link_from, net.link_type, net.cal, *packed, ls, lf, err
        )
    return ls, lf


def _extremes(net: Network, values: I64, mask: Bool | None, latest: bool) -> dict[int, int]:
    """Calendar -> the latest (or earliest) offset of its tasks (calendars in use only).

    Offset -> instant conversion is monotone, so the project's extreme instant is the
    extreme of these few conversions: no need to convert every task (1M tasks: ~70 ms).
    """
    cal = net.cal if mask is None else net.cal[mask]
    vals = values if mask is None else values[mask]
    if not len(vals):
        return {}
    if len(net.calendars) == 1:
        return {0: int(vals.max() if latest else vals.min())}
    out = {}
    for c in range(len(net.calendars)):
        sel = vals[cal == c]
        if len(sel):
            out[c] = int(sel.max() if latest else sel.min())
    return out


def _finish_instant(net: Network, ef: I64) -> int:
    best = 0
    for c, w in _extremes(net, ef, None, True).items():
        t = int(net.calendars[c].finish_instants([w])[0])
        best = max(best, 0 if (t < 0 and w == 0) else t)  # offset 0 shows at the epoch
    return best


def _start_instant(net: Network, ls: I64) -> int:
    firsts = [
        int(net.calendars[c].start_instants([w])[0])
        for c, w in _extremes(net, ls, ~net.summary, False).items()
    ]
    return min([0, *firsts])


def _run(net: Network, critical_threshold: int) -> ScheduleResult | None:
    packed = _pack(net)
    err = np.zeros(1, dtype=np.int64)
    n = net.size
    status = (
        np.full(len(net.calendars), k.NONE, dtype=np.int64)
        if net.status_instant is None
        else _per_calendar(net, net.status_instant)
    )
    no_alap = np.full(n, k.NONE, dtype=np.int64)
    if net.backward:
        floor = np.full(len(net.calendars), k.NONE // 2, dtype=np.int64)
        es, ef, drv = _forward(net, packed, floor, status, no_alap, err)  # actuals only
        ceiling = _per_calendar(net, 0)
        ls, lf = _backward(net, packed, es, ef, ceiling, err)
        start = _start_instant(net, ls)
        es, ef, drv = _forward(net, packed, _per_calendar(net, start), status, no_alap, err)
        finish = 0
        sched_start, sched_finish = ls, lf
    else:
        start = 0
        es, ef, drv = _forward(
            net, packed, np.zeros(len(net.calendars), dtype=np.int64), status, no_alap, err
        )
        finish = _finish_instant(net, ef) if net.deadline is None else net.deadline
        ceiling = _per_calendar(net, finish)
        ls, lf = _backward(net, packed, es, ef, ceiling, err)
        alap = (net.ctype == ConstraintType.ALAP) & ~net.summary & (net.remaining < 0)
        if alap.any():
            es, ef, drv = _forward(
                net,
                packed,
                np.zeros(len(net.calendars), dtype=np.int64),
                status,
                np.where(alap, ls, k.NONE),
                err,
            )
        finish = _finish_instant(net, ef) if net.deadline is None else finish
        sched_start, sched_finish = es, ef
    if err[0]:
        return None
    started = net.remaining >= 0
    complete = net.afinish != k.NONE
    tf = np.where(started, lf - ef, np.minimum(ls - es, lf - ef))
    tf = np.where(complete, 0, tf)
    ff_raw = np.empty(n, dtype=np.int64)
    k.free_float(
        n,
        net.succ_ptr,
        net.succ_links,
        net.link_to,
        net.link_type,
        net.link_lag,
        net.link_elapsed,
        net.cal,
        es,
        ef,
        ceiling,
        *packed,
        ff_raw,
        err,
    )
    if err[0]:
        return None
    ff = np.where(complete, 0, np.clip(np.minimum(ff_raw, tf), 0, None))
    critical = (tf <= critical_threshold) & ~complete
    open_tasks = ~complete & ~net.summary
    min_tf = tf[open_tasks].min(initial=0) if open_tasks.any() else 0
    longest = (tf == min_tf) & open_tasks
    pred = np.full(n, -1, dtype=np.int32)
    driven = drv >= 0
    pred[driven] = net.link_from[drv[driven]]
    result = ScheduleResult(
        status=ScheduleStatus.NEGATIVE_FLOAT if (tf < 0).any() else ScheduleStatus.OK,
        network=net,
        early_start=es,
        early_finish=ef,
        late_start=ls,
        late_finish=lf,
        start=sched_start,
        finish=sched_finish,
        total_float=tf,
        free_float=ff,
        critical=critical,
        longest_path=longest,
        driving_predecessor=pred,
        driving_link=drv,
        project_start=start,
        project_finish=finish,
    )
    return result


def _grow(net: Network) -> None:
    for w in net.calendars:
        if w.last_day > MAX_HORIZON_DAYS:
            raise CalendarError("schedule runs out of the supported date range", field="start")
        w.ensure_offsets(int(w.cum[0]) * 2 - 1, int(w.cum[-1]) * 2 + 1)


def schedule(network: Network, *, critical_threshold: int = 0) -> ScheduleResult:
    """Early and late dates, floats and critical tasks of ``network``.

    ``critical_threshold``: a task is critical when its total float (working minutes)
    is at most this; negative float is always critical and sets the status
    ``NEGATIVE_FLOAT``.
    """
    while True:
        result = _run(network, critical_threshold)
        if result is not None:
            return result
        _grow(network)


def earliest_starts(network: Network, durations: npt.ArrayLike) -> I64:
    """Early starts for other durations, shape ``(n,)`` or ``(runs, n)``; the early
    finish of a not-started task is its early start plus its duration."""
    d = np.asarray(durations, dtype=np.int64)
    flat = d.reshape(-1, network.size)
    out = np.empty_like(flat)
    n_cal = len(network.calendars)
    status = (
        np.full(n_cal, k.NONE, dtype=np.int64)
        if network.status_instant is None
        else _per_calendar(network, network.status_instant)
    )
    floor = np.zeros(n_cal, dtype=np.int64)
    no_alap = np.full(network.size, k.NONE, dtype=np.int64)
    for r in range(flat.shape[0]):
        while True:
            err = np.zeros(1, dtype=np.int64)
            es, _, _ = _forward(
                network, _pack(network), floor, status, no_alap, err, np.ascontiguousarray(flat[r])
            )
            if not err[0]:
                break
            _grow(network)
        out[r] = es
    return out.reshape(d.shape)
