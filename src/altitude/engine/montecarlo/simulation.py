"""Run a simulation, in one call or as chunks that workers compute and merge.

``simulate(plan, runs=N, seed=S)`` equals, bit for bit, ``merge([run_chunk(plan, S, a,
b - a) for a, b in any partition of 0..N])``: run ``r`` only depends on ``(seed, r)``
(counter-based random numbers, :mod:`.sampling`) and every accumulator is an integer.
"""

from __future__ import annotations

import contextlib
import enum
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from altitude.engine.montecarlo.batched import lanes_for, simulate_chunk_lanes
from altitude.engine.montecarlo.kernel import simulate_chunk
from altitude.engine.montecarlo.plan import (
    SimulationPlan,
    grow_calendars,
    lane_dtype,
    pack_calendars,
)
from altitude.engine.montecarlo.sampling import key_from_seed

I64 = npt.NDArray[np.int64]

DEFAULT_CHUNK_RUNS = 16384
"""Runs per kernel call.  Memory is O(threads x tasks x 16 + runs x targets) whatever the
chunk; chunks only bound the per-run finish matrix of one call."""


class Criticality(enum.StrEnum):
    """How a task counts as critical in one run (the criticality index is the share)."""

    NONE = "none"
    DRIVING_PATH = "driving_path"  # on the chain of driving links that sets the finish
    TOTAL_FLOAT = "total_float"  # total float <= 0 against the run's finish (backward pass)

    @property
    def code(self) -> int:
        return {"none": 0, "driving_path": 1, "total_float": 2}[self.value]


class SimulationStatus(enum.StrEnum):
    OK = "ok"
    NO_RUNS = "no_runs"


@dataclass(frozen=True, eq=False)
class ChunkResult:
    """Raw, mergeable outcome of runs ``first_run .. first_run + runs - 1``.

    Sums are Python ints (exact, unbounded) so merging never rounds or overflows.
    """

    seed: int
    first_run: int
    runs: int
    finish: I64  # (runs, targets): finish offsets, default calendar
    critical: tuple[int, ...]
    sum_d: tuple[int, ...]
    sum_dd: tuple[int, ...]
    sum_df: tuple[int, ...]
    sum_f: int
    sum_ff: int
    risk_runs: tuple[int, ...]
    risk_sum_f: tuple[int, ...]
    criticality: Criticality


@contextlib.contextmanager
def _dynamic_schedule() -> Iterator[None]:
    """prange hands out one block at a time while the kernel runs (numba >= 0.57)."""
    try:
        import numba

        previous = numba.set_parallel_chunksize(1)
    except (ImportError, AttributeError):  # pragma: no cover
        yield
        return
    try:
        yield
    finally:
        numba.set_parallel_chunksize(previous)


def _threads() -> int:
    try:
        import numba

        return int(numba.get_num_threads())
    except ImportError:  # pragma: no cover
        return 1


def needs_reference_kernel(plan: SimulationPlan, criticality: Criticality) -> bool:
    """True when the run needs more than one forward pass (ALAP tasks, total float)."""
    return criticality is Criticality.TOTAL_FLOAT or bool(plan.arrays["alap"].any())


def _block_bounds(runs: int, blocks: int, step: int) -> I64:
    """Start of each block of runs (multiples of ``step`` runs, the last one shorter)."""
    per = max(step, -(-max(runs, 1) // blocks // step) * step)
    return np.minimum(np.arange(0, runs + per, per, dtype=np.int64), runs)[
        : max(2, -(-runs // per) + 1)]


def _sum_rows(x: I64) -> tuple[int, ...]:
    """Column sums of per-block int64 rows as Python ints (exact: int64 when it cannot
    overflow, Python integers otherwise)."""
    if not x.shape[1]:
        return ()
    if float(np.abs(x).max(initial=0)) * x.shape[0] < 2.0**62:
        return tuple(x.sum(axis=0).tolist())
    return tuple(sum(int(v) for v in col) for col in x.T.tolist())


def run_chunk(
    plan: SimulationPlan, seed: int, first_run: int, runs: int, *,
    criticality: Criticality | str = Criticality.DRIVING_PATH,
    threads: int | None = None, batched: bool | None = None,
) -> ChunkResult:
    """Simulate global runs ``first_run .. first_run + runs - 1`` (a worker's share).

    ``batched``: force the lane kernel (True) or the reference kernel (False); by default
    the lane kernel unless the plan needs the reference one (:func:`needs_reference_kernel`).
    ``threads``: how many blocks to hand out per thread count (results do not change).
    """
    if runs < 0 or first_run < 0:
        raise ValueError("first_run and runs must be >= 0")
    mode = Criticality(criticality)
    reference = needs_reference_kernel(plan, mode)
    if batched and reference:
        raise ValueError("the lane kernel cannot do ALAP tasks or total-float criticality")
    lanes = not reference if batched is None else batched
    key = np.uint64(key_from_seed(seed))
    net = plan.network
    a = plan.arrays
    n = net.size
    n_risks = len(plan.risk_ids)
    # more blocks than threads, taken one at a time: a thread the OS pauses (shared
    # machine) does not hold the whole chunk back; results do not depend on blocks
    n_threads = max(1, threads or _threads())
    width = lanes_for(n)
    bounds = _block_bounds(runs, n_threads * 4 if n_threads > 1 else 1, width if lanes else 1)
    blocks = len(bounds) - 1
    unc_t = (a["kind"], a["low"], a["mode"], a["high"], a["shape_row"], a["shape_frac"],
             a["done"], a["started"], a["base"], a["driver_of"], a["rho"],
             len(plan.model.drivers), a["risk_prob"], a["table_pert"].reshape(-1),
             a["table_classic"].reshape(-1),
             a["countable"], a["timp_ptr"], a["timp_risk"], a["timp_add"], a["timp_mult"])
    tgt_t = (a["tgt_ptr"], a["grp_cal"], a["grp_ptr"], a["grp_members"], net.default_cal)
    while True:
        net_t = (net.order, net.pred_ptr, net.link_from, net.link_to, net.link_type,
                 net.link_lag, net.link_elapsed, a["plain"], net.succ_ptr, net.succ_links,
                 net.cal, net.summary, net.ctype, net.coff, net.astart, net.afinish,
                 net.remaining, a["start_floor"], a["status_off"], *pack_calendars(net),
                 a["alap"], int(a["deadline"]))
        finish = np.zeros((runs, len(plan.target_names)), dtype=np.int64)
        crit, s_d, s_dd, s_df = (np.zeros((blocks, n), dtype=np.int64) for _ in range(4))
        s_f = np.zeros((blocks, 2), dtype=np.int64)
        risk_n = np.zeros((blocks, n_risks), dtype=np.int64)
        risk_f = np.zeros((blocks, n_risks), dtype=np.int64)
        err = np.zeros(blocks, dtype=np.int64)
        args = (crit, s_d, s_dd, s_df, s_f, risk_n, risk_f, err)
        with np.errstate(over="ignore"), _dynamic_schedule():
            if lanes:
                dt = lane_dtype(plan)
                slots = min(blocks, n_threads)
                es, ef, dur, rem = (np.empty((slots, n, width), dtype=dt) for _ in range(4))
                work = (es, ef, dur, rem, np.empty((slots, n, width), dtype=np.int32))
                simulate_chunk_lanes(key, first_run, runs, net_t, unc_t, tgt_t, mode.code,
                                     int(plan.deterministic[0]), bounds, work, finish, *args)
            else:
                simulate_chunk(key, first_run, runs, net_t, unc_t, tgt_t, mode.code,
                               int(plan.deterministic[0]), bounds, finish, *args)
        if not err.any():
            break
        grow_calendars(net)  # a run went past the generated calendar: widen, redo

    s_ft = _sum_rows(s_f)
    return ChunkResult(
        seed=seed, first_run=first_run, runs=runs, finish=finish,
        critical=_sum_rows(crit), sum_d=_sum_rows(s_d), sum_dd=_sum_rows(s_dd),
        sum_df=_sum_rows(s_df), sum_f=s_ft[0], sum_ff=s_ft[1], risk_runs=_sum_rows(risk_n),
        risk_sum_f=_sum_rows(risk_f), criticality=mode,
    )


def _add(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def merge(chunks: Sequence[ChunkResult]) -> ChunkResult:
    """Combine chunks of one simulation (same seed, contiguous runs, any order given)."""
    if not chunks:
        raise ValueError("nothing to merge")
    parts = sorted(chunks, key=lambda c: c.first_run)
    for before, after in itertools.pairwise(parts):
        if after.seed != before.seed:
            raise ValueError("chunks come from different seeds")
        if after.first_run != before.first_run + before.runs:
            raise ValueError(f"runs missing or repeated before run {after.first_run}")
        if after.criticality != before.criticality:
            raise ValueError("chunks disagree on criticality")
    out = parts[0]
    for c in parts[1:]:
        out = ChunkResult(
            seed=out.seed, first_run=out.first_run, runs=out.runs + c.runs,
            finish=np.concatenate([out.finish, c.finish]),
            critical=_add(out.critical, c.critical), sum_d=_add(out.sum_d, c.sum_d),
            sum_dd=_add(out.sum_dd, c.sum_dd), sum_df=_add(out.sum_df, c.sum_df),
            sum_f=out.sum_f + c.sum_f, sum_ff=out.sum_ff + c.sum_ff,
            risk_runs=_add(out.risk_runs, c.risk_runs),
            risk_sum_f=_add(out.risk_sum_f, c.risk_sum_f), criticality=out.criticality,
        )
    return out


def run_all(
    plan: SimulationPlan, runs: int, seed: int, *, chunk_runs: int = DEFAULT_CHUNK_RUNS,
    criticality: Criticality | str = Criticality.DRIVING_PATH,
) -> ChunkResult:
    """Every run, chunk by chunk in this process (memory stays bounded)."""
    if runs < 1:
        raise ValueError("runs must be >= 1")
    chunks = [run_chunk(plan, seed, a, min(chunk_runs, runs - a), criticality=criticality)
              for a in range(0, runs, max(1, chunk_runs))]
    return merge(chunks)
