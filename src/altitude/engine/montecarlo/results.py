"""Statistics of a (merged) simulation: percentiles, histograms, criticality, tornado.

Conventions (see ``docs/algorithms/montecarlo.md``):

* ``P(q)`` is an order statistic, not an interpolation: the finish of the run of rank
  ``ceil(q/100 x runs)``, so "q % of the runs finished by P(q)" holds exactly.
* Finishes are working minutes of the default calendar (offsets), dates only at the edge.
* Criticality index: share of runs in which the task had no finish float against that
  run's program end.
* Sensitivity: Pearson correlation between the task's duration and the program finish
  over the runs (from exact integer sums, so it merges exactly).
* Risk drivers: mean program finish of the runs where the risk occurred minus that of the
  runs where it did not (working minutes), and the correlation of occurrence with finish.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from altitude.engine.montecarlo.plan import PROGRAM, SimulationPlan
from altitude.engine.montecarlo.simulation import ChunkResult, SimulationStatus

PERCENTILES = (10, 20, 30, 40, 50, 60, 70, 80, 90, 95)
I64 = npt.NDArray[np.int64]


def order_percentile(sorted_values: I64, q: float) -> int:
    """Smallest value with at least ``q`` % of the runs at or below it."""
    n = len(sorted_values)
    rank = max(1, math.ceil(q / 100.0 * n - 1e-9))
    return int(sorted_values[min(rank, n) - 1])


@dataclass(frozen=True)
class FinishDistribution:
    """Finish of one target over the runs (working-minute offsets, default calendar)."""

    name: str
    deterministic: int
    percentiles: dict[int, int]
    mean: float
    std: float
    histogram_edges: tuple[int, ...]
    histogram_counts: tuple[int, ...]
    finishes: I64  # sorted

    def probability_by(self, offset: int) -> float:
        """Share of runs finished at or before ``offset``."""
        return float(np.searchsorted(self.finishes, offset, side="right")) / len(self.finishes)

    def contingency(self, confidence: float = 80.0) -> int:
        """Working minutes to add to the plan's finish to reach ``confidence`` %."""
        return order_percentile(self.finishes, confidence) - self.deterministic


@dataclass(frozen=True)
class RiskDriver:
    id: str
    probability: float  # given
    occurred_share: float  # observed
    finish_shift_minutes: float  # mean finish if occurred - mean finish if not
    correlation: float


@dataclass(frozen=True)
class SimulationResult:
    status: SimulationStatus
    runs: int
    seed: int
    targets: tuple[FinishDistribution, ...]
    task_ids: tuple[str, ...]
    criticality: tuple[float, ...] | None
    sensitivity: tuple[float | None, ...]
    risk_drivers: tuple[RiskDriver, ...]  # ranked by |finish shift|, largest first

    def target(self, name: str = PROGRAM) -> FinishDistribution:
        for t in self.targets:
            if t.name == name:
                return t
        raise KeyError(name)


def _histogram(values: I64, bins: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    lo, hi = int(values[0]), int(values[-1])
    if lo == hi:
        return (lo, hi), (len(values),)
    step = max(1, math.ceil((hi - lo + 1) / bins))
    edges = np.arange(lo, hi + step + 1, step, dtype=np.int64)
    counts = np.histogram(values, bins=edges)[0]
    return tuple(int(e) for e in edges), tuple(int(c) for c in counts)


def _corr(n: int, sx: int, sxx: int, sxy: int, sy: int, syy: int) -> float | None:
    vx = n * sxx - sx * sx
    vy = n * syy - sy * sy
    if vx <= 0 or vy <= 0:
        return None
    return (n * sxy - sx * sy) / math.sqrt(float(vx) * float(vy))


def _sensitivities(n: int, raw: ChunkResult) -> tuple[float | None, ...]:
    """:func:`_corr` for every task at once (float64 from the exact sums: the same sums
    give the same bits, so merged chunks still equal one run)."""
    sx = np.array(raw.sum_d, dtype=np.float64)
    sxx = np.array(raw.sum_dd, dtype=np.float64)
    sxy = np.array(raw.sum_df, dtype=np.float64)
    vy = float(n) * float(raw.sum_ff) - float(raw.sum_f) * float(raw.sum_f)
    vx = n * sxx - sx * sx
    if vy <= 0 or not len(sx):
        return tuple(None for _ in range(len(sx)))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (n * sxy - sx * float(raw.sum_f)) / np.sqrt(np.maximum(vx, 0.0) * vy)
    return tuple(float(c) if ok else None for c, ok in zip(r.tolist(), (vx > 0).tolist(),
                                                           strict=True))


def summarise(plan: SimulationPlan, raw: ChunkResult, *, bins: int = 20) -> SimulationResult:
    """Turn merged raw sums into the user-facing statistics."""
    n = raw.runs
    if n == 0:
        return SimulationResult(SimulationStatus.NO_RUNS, 0, raw.seed, (), plan.network.ids,
                                None, (), ())
    targets = []
    for t, name in enumerate(plan.target_names):
        col = np.sort(raw.finish[:, t])
        edges, counts = _histogram(col, bins)
        targets.append(FinishDistribution(
            name=name, deterministic=int(plan.deterministic[t]),
            percentiles={q: order_percentile(col, q) for q in PERCENTILES},
            mean=float(col.mean()), std=float(col.std()),
            histogram_edges=edges, histogram_counts=counts, finishes=col,
        ))
    sens = _sensitivities(n, raw)
    crit = tuple(c / n for c in raw.critical) if raw.criticality.code else None
    drivers = []
    for q, rid in enumerate(plan.risk_ids):
        k = raw.risk_runs[q]
        sf_k = raw.risk_sum_f[q]
        shift = (sf_k / k - (raw.sum_f - sf_k) / (n - k)) if 0 < k < n else 0.0
        corr = _corr(n, k, k, sf_k, raw.sum_f, raw.sum_ff)
        drivers.append(RiskDriver(
            id=rid, probability=plan.model.risks[q].probability, occurred_share=k / n,
            finish_shift_minutes=float(shift), correlation=0.0 if corr is None else corr,
        ))
    drivers.sort(key=lambda d: (-abs(d.finish_shift_minutes), d.id))
    return SimulationResult(
        status=SimulationStatus.OK, runs=n, seed=raw.seed, targets=tuple(targets),
        task_ids=plan.network.ids, criticality=crit, sensitivity=sens,
        risk_drivers=tuple(drivers),
    )
