"""Schedule risk analysis by Monte Carlo simulation over the CPM network.

Typical use::

    plan = prepare(network, UncertaintyModel(estimates=..., risks=...))
    result = simulate(plan, runs=10_000, seed=7)
    result.target().percentiles[80]          # P80 finish, working minutes
    plan.finish_date(result.target().percentiles[80])

Workers share a big simulation with :func:`run_chunk` on disjoint run ranges and
:func:`merge`; ``summarise(plan, merge(chunks))`` equals ``simulate`` bit for bit.
Algorithms and worked examples: ``docs/algorithms/montecarlo.md``.
"""

from __future__ import annotations

from altitude.engine.montecarlo.distributions import (
    DEFAULT_BANDS,
    DistributionKind,
    ThreePointEstimate,
    UncertaintyBand,
)
from altitude.engine.montecarlo.plan import PROGRAM, SimulationPlan, prepare
from altitude.engine.montecarlo.results import (
    PERCENTILES,
    FinishDistribution,
    RiskDriver,
    SimulationResult,
    summarise,
)
from altitude.engine.montecarlo.risks import RiskEvent, RiskImpact, SharedDriver, UncertaintyModel
from altitude.engine.montecarlo.simulation import (
    DEFAULT_CHUNK_RUNS,
    ChunkResult,
    Criticality,
    SimulationStatus,
    merge,
    run_all,
    run_chunk,
)


def simulate(
    plan: SimulationPlan,
    *,
    runs: int,
    seed: int,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
    criticality: Criticality | str = Criticality.DRIVING_PATH,
    bins: int = 20,
) -> SimulationResult:
    """All runs in this process, chunk by chunk, summarised."""
    raw = run_all(plan, runs, seed, chunk_runs=chunk_runs, criticality=criticality)
    return summarise(plan, raw, bins=bins)


__all__ = [
    "DEFAULT_BANDS", "DEFAULT_CHUNK_RUNS", "PERCENTILES", "PROGRAM", "ChunkResult", "Criticality",
    "DistributionKind", "FinishDistribution", "RiskDriver", "RiskEvent", "RiskImpact",
    "SharedDriver", "SimulationPlan", "SimulationResult", "SimulationStatus",
    "ThreePointEstimate", "UncertaintyBand", "UncertaintyModel", "merge", "prepare",
    "run_all", "run_chunk", "simulate", "summarise",
]
