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

from altitude.engine.montecarlo.batched import simulate_chunk_batched
from altitude.engine.montecarlo.kernel import simulate_chunk
from altitude.engine.montecarlo.plan import SimulationPlan, grow_calendars, pack_calendars
from altitude.engine.montecarlo.sampling import key_from_seed

I64 = npt.NDArray[np.int64]

DEFAULT_CHUNK_RUNS = 2000
"""Runs per kernel call: keeps memory at O(tasks + chunk x targets)."""


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


def run_chunk(
    plan: SimulationPlan, seed: int, first_run: int, runs: int, *,
    criticality: Criticality | str = Criticality.DRIVING_PATH,
    threads: int | None = None, batched: bool | None = None,
) -> ChunkResult:
    """Simulate global runs ``first_run .. first_run + runs - 1`` (a worker's share)."""
    if runs < 0 or first_run < 0:
        raise ValueError("first_run and runs must be >= 0")
    mode = Criticality(criticality)
    can_batch = bool(plan.arrays["batchable"]) and mode is not Criticality.TOTAL_FLOAT
    if batched and not can_batch:
        raise ValueError("the batched kernel needs a plain network and no total-float mode")
    kernel = simulate_chunk_batched if (can_batch if batched is None else batched) else simulate_chunk
    key = np.uint64(key_from_seed(seed))
    net = plan.network
    a = plan.arrays
    n = net.size
    n_risks = len(plan.risk_ids)
    # more blocks than threads, taken one at a time: a thread the OS pauses (shared
    # machine) does not hold the whole chunk back; results do not depend on blocks
    n_threads = threads or _threads()
    blocks = max(1, min(n_threads * 4 if n_threads > 1 else 1, runs or 1))
    net_t = None
    while True:
        packed = pack_calendars(net)
        net_t = (net.order, net.pred_ptr, net.link_from, net.link_to, net.link_type,
                 net.link_lag, net.link_elapsed, a["slow"], a["plain"], net.succ_ptr, net.succ_links,
                 net.cal, net.summary, net.ctype, net.coff, net.astart, net.afinish,
                 net.remaining, a["start_floor"], a["status_off"], *packed)
        unc_t = (a["kind"], a["low"], a["mode"], a["high"], a["shape_row"], a["shape_frac"],
                 a["done"], a["started"], a["base"], a["driver_of"], a["rho"],
                 len(plan.model.drivers), a["risk_prob"], a["imp_ptr"], a["imp_task"],
                 a["imp_add"], a["imp_mult"], a["impacted"], a["table_pert"],
                 a["table_classic"], a["countable"], a["timp_ptr"], a["timp_risk"],
                 a["timp_add"], a["timp_mult"])
        tgt_t = (a["tgt_ptr"], a["grp_cal"], a["grp_ptr"], a["grp_members"], net.default_cal)
        finish = np.zeros((runs, len(plan.target_names)), dtype=np.int64)
        crit, s_d, s_dd, s_df = (np.zeros((blocks, n), dtype=np.int64) for _ in range(4))
        s_f = np.zeros((blocks, 2), dtype=np.int64)
        risk_n = np.zeros((blocks, n_risks), dtype=np.int64)
        risk_f = np.zeros((blocks, n_risks), dtype=np.int64)
        err = np.zeros(blocks, dtype=np.int64)
        with np.errstate(over="ignore"), _dynamic_schedule():
            kernel(key, first_run, runs, net_t, unc_t, tgt_t, mode.code,
                   int(plan.deterministic[0]), finish, crit, s_d, s_dd, s_df, s_f,
                   risk_n, risk_f, err)
        if not err.any():
            break
        grow_calendars(net)  # a run went past the generated calendar: widen, redo

    def total(x: I64) -> tuple[int, ...]:
        return tuple(sum(int(v) for v in col) for col in x.T.tolist()) if x.shape[1] else ()

    s_ft = total(s_f)
    return ChunkResult(
        seed=seed, first_run=first_run, runs=runs, finish=finish,
        critical=total(crit), sum_d=total(s_d), sum_dd=total(s_dd), sum_df=total(s_df),
        sum_f=s_ft[0], sum_ff=s_ft[1], risk_runs=total(risk_n), risk_sum_f=total(risk_f),
        criticality=mode,
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
