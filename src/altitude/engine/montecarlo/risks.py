"""What the simulation varies: estimates, risk events from the register, shared drivers.

* A :class:`RiskEvent` occurs in a run with its ``probability``.  When it occurs, each of
  its impacts changes one task: ``multiplier`` scales the sampled duration, then
  ``add_minutes`` is added (negative for an opportunity).  An event with several impacts
  moves those tasks together: that is the simplest correlation, a common cause.
* A :class:`SharedDriver` correlates the *uncertainty* of several tasks (e.g. one
  productivity factor for all the concrete work): a Gaussian copula, where task ``i``
  reads ``u_i = Phi(rho_i * Z + sqrt(1 - rho_i^2) * Z_i)`` with ``Z`` the driver's
  standard normal in that run.  Each task keeps its own distribution; only the ranks
  move together (a negative ``rho`` moves against the driver).

The duration of task ``i`` in a run is therefore
``max(0, round(sample_i * product(multipliers) + sum(add_minutes)))`` minutes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from altitude.engine.montecarlo.distributions import (
    DEFAULT_BANDS,
    ThreePointEstimate,
    UncertaintyBand,
)


@dataclass(frozen=True)
class RiskImpact:
    """Effect of an occurred risk on one task."""

    task: str
    add_minutes: float = 0.0
    multiplier: float = 1.0

    def __post_init__(self) -> None:
        if not math.isfinite(self.add_minutes):
            raise ValueError(f"impact on task {self.task!r}: add_minutes must be finite")
        if not (math.isfinite(self.multiplier) and self.multiplier >= 0):
            raise ValueError(f"impact on task {self.task!r}: multiplier must be >= 0")


@dataclass(frozen=True)
class RiskEvent:
    """A register risk: occurs in a share ``probability`` of runs, then hits its impacts."""

    id: str
    probability: float
    impacts: tuple[RiskImpact, ...]
    name: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.probability) and 0.0 <= self.probability <= 1.0):
            raise ValueError(f"risk {self.id!r}: probability must be within [0, 1]")

    @property
    def is_opportunity(self) -> bool:
        """True when every impact shortens work (negative minutes or multiplier < 1)."""
        return bool(self.impacts) and all(
            i.add_minutes <= 0 and i.multiplier <= 1 for i in self.impacts
        ) and any(i.add_minutes < 0 or i.multiplier < 1 for i in self.impacts)


@dataclass(frozen=True)
class SharedDriver:
    """A common factor correlating the durations of tasks (Gaussian copula)."""

    id: str
    correlations: Mapping[str, float]

    def __post_init__(self) -> None:
        for task, rho in self.correlations.items():
            if not (math.isfinite(rho) and -1.0 <= rho <= 1.0):
                raise ValueError(f"driver {self.id!r}, task {task!r}: correlation must be in [-1, 1]")


@dataclass(frozen=True)
class UncertaintyModel:
    """Everything a simulation varies, keyed by task id.

    ``categories`` map tasks to a band in ``bands`` used when a task has no estimate.
    """

    estimates: Mapping[str, ThreePointEstimate] = field(default_factory=dict)
    risks: tuple[RiskEvent, ...] = ()
    drivers: tuple[SharedDriver, ...] = ()
    categories: Mapping[str, str] = field(default_factory=dict)
    bands: Mapping[str, UncertaintyBand] = field(default_factory=lambda: dict(DEFAULT_BANDS))

    def estimate_for(self, task: str, planned_minutes: float) -> ThreePointEstimate | None:
        """The task's own estimate, else its category's band, else None (fixed)."""
        own = self.estimates.get(task)
        if own is not None:
            return own
        category = self.categories.get(task)
        if category is not None and category in self.bands:
            return self.bands[category].estimate(planned_minutes)
        return None

    def task_ids(self) -> set[str]:
        """Every task id this model mentions (validated against the network)."""
        ids = set(self.estimates) | set(self.categories)
        for risk in self.risks:
            ids.update(i.task for i in risk.impacts)
        for driver in self.drivers:
            ids.update(driver.correlations)
        return ids
