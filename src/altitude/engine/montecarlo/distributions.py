"""Duration uncertainty: three-point estimates, their distributions, default bands.

A task's duration in one run is read from a uniform number ``u`` in [0, 1) through the
quantile function (inverse CDF) of its distribution.  Sampling by quantile keeps every
draw to one uniform per task and run, which is what lets the kernel draw numbers from a
counter (run, task) instead of a sequential stream, and lets a Gaussian copula (shared
drivers) correlate durations without changing their marginal distributions.

* ``triangular``: the quantile is closed-form (two square roots).
* ``pert``: the Beta-PERT of @RISK/Vose, Beta(1 + 4m', 1 + 4(1 - m')) scaled to
  [optimistic, pessimistic], with m' the relative position of the most likely value.
  Mean (o + 4m + p) / 6.
* ``pert_classic``: the Beta fitted by moments to the classic PERT mean (o + 4m + p) / 6
  and standard deviation (p - o) / 6 (what ``trueppm-scheduler`` samples).

Both PERT families have one shape parameter (m').  Their quantile functions have no
closed form, so we tabulate them once per process on a grid of m' x u (129 x 4097) and
interpolate bilinearly; the table is built by integrating the density after a change of
variable that removes the end singularities (x = smootherstep(t)).  Interpolation error is
below 1e-4 of the range, far below the one-minute rounding of durations.
"""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]

SHAPES = 129
"""Grid points on the mode position m' in [0, 1]."""
LEVELS = 4097
"""Grid points on the probability u in [0, 1]."""

FIXED, TRIANGULAR, PERT, PERT_CLASSIC = 0, 1, 2, 3
"""Kind codes used by the kernel."""


class DistributionKind(enum.StrEnum):
    """Shape of a three-point estimate."""

    TRIANGULAR = "triangular"
    PERT = "pert"
    PERT_CLASSIC = "pert_classic"

    @property
    def code(self) -> int:
        return {"triangular": TRIANGULAR, "pert": PERT, "pert_classic": PERT_CLASSIC}[self.value]


@dataclass(frozen=True)
class ThreePointEstimate:
    """Optimistic, most likely and pessimistic duration of a task, in working minutes."""

    optimistic_minutes: float
    most_likely_minutes: float
    pessimistic_minutes: float
    distribution: DistributionKind = DistributionKind.TRIANGULAR

    def __post_init__(self) -> None:
        o, m, p = self.optimistic_minutes, self.most_likely_minutes, self.pessimistic_minutes
        if not all(math.isfinite(x) for x in (o, m, p)):
            raise ValueError("estimate values must be finite numbers")
        if o < 0:
            raise ValueError("optimistic_minutes must be >= 0")
        if not o <= m <= p:
            raise ValueError(
                "estimate must satisfy optimistic <= most_likely <= pessimistic, "
                f"got {o}, {m}, {p}"
            )

    @property
    def mean(self) -> float:
        """Analytic mean of the distribution."""
        o, m, p = self.optimistic_minutes, self.most_likely_minutes, self.pessimistic_minutes
        if self.distribution is DistributionKind.TRIANGULAR:
            return (o + m + p) / 3.0
        return (o + 4.0 * m + p) / 6.0

    @property
    def variance(self) -> float:
        """Analytic variance of the distribution."""
        o, m, p = self.optimistic_minutes, self.most_likely_minutes, self.pessimistic_minutes
        if self.distribution is DistributionKind.TRIANGULAR:
            return (o * o + m * m + p * p - o * m - o * p - m * p) / 18.0
        if self.distribution is DistributionKind.PERT_CLASSIC:
            return ((p - o) / 6.0) ** 2
        mu = (o + 4.0 * m + p) / 6.0
        return (mu - o) * (p - mu) / 7.0

    def scaled(self, factor: float) -> ThreePointEstimate:
        """The same shape stretched by ``factor`` (remaining work of a started task)."""
        return ThreePointEstimate(
            self.optimistic_minutes * factor,
            self.most_likely_minutes * factor,
            self.pessimistic_minutes * factor,
            self.distribution,
        )


@dataclass(frozen=True)
class UncertaintyBand:
    """Default estimate for a task category, as factors of the planned duration."""

    optimistic_factor: float
    most_likely_factor: float
    pessimistic_factor: float
    distribution: DistributionKind = DistributionKind.TRIANGULAR

    def __post_init__(self) -> None:
        if not 0 <= self.optimistic_factor <= self.most_likely_factor <= self.pessimistic_factor:
            raise ValueError("band factors must satisfy 0 <= optimistic <= most_likely <= pessimistic")

    def estimate(self, planned_minutes: float) -> ThreePointEstimate:
        return ThreePointEstimate(
            planned_minutes * self.optimistic_factor,
            planned_minutes * self.most_likely_factor,
            planned_minutes * self.pessimistic_factor,
            self.distribution,
        )


DEFAULT_BANDS: Mapping[str, UncertaintyBand] = {
    # Ranges commonly used in schedule risk workshops (AACE RP 57R-09 style ranging).
    "design": UncertaintyBand(0.90, 1.0, 1.40, DistributionKind.PERT),
    "procurement": UncertaintyBand(0.95, 1.0, 1.50, DistributionKind.PERT),
    "construction": UncertaintyBand(0.90, 1.0, 1.30, DistributionKind.PERT),
    "development": UncertaintyBand(0.85, 1.0, 1.50, DistributionKind.PERT),
    "testing": UncertaintyBand(0.90, 1.0, 1.60, DistributionKind.TRIANGULAR),
    "approval": UncertaintyBand(1.00, 1.0, 2.00, DistributionKind.TRIANGULAR),
    "admin": UncertaintyBand(0.95, 1.0, 1.10, DistributionKind.TRIANGULAR),
}
"""Bands applied to tasks that have a category but no three-point estimate.  Tasks with
neither keep their planned duration in every run (no invented uncertainty)."""


def _shape_params(kind: int, mode: F64) -> tuple[F64, F64]:
    if kind == PERT:
        return 1.0 + 4.0 * mode, 1.0 + 4.0 * (1.0 - mode)
    mu = np.clip((1.0 + 4.0 * mode) / 6.0, 1e-4, 1.0 - 1e-4)
    kappa = mu * (1.0 - mu) * 36.0 - 1.0
    return mu * kappa, (1.0 - mu) * kappa


@functools.lru_cache(maxsize=4)
def quantile_table(kind: int) -> npt.NDArray[np.float32]:
    """Standardised quantiles Q[shape, level] of a PERT family on [0, 1] (read-only)."""
    mode = np.linspace(0.0, 1.0, SHAPES)[:, None]
    alpha, beta = _shape_params(kind, mode)
    t = np.linspace(0.0, 1.0, 16385)[None, :]
    x = t * t * t * (10.0 - 15.0 * t + 6.0 * t * t)
    dx = 30.0 * t * t * (1.0 - t) * (1.0 - t)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        dens = np.exp((alpha - 1.0) * np.log(x) + (beta - 1.0) * np.log1p(-x)) * dx
    dens = np.where(np.isfinite(dens), dens, 0.0)
    cdf = np.concatenate(
        [np.zeros((SHAPES, 1)), np.cumsum((dens[:, 1:] + dens[:, :-1]) * 0.5, axis=1)], axis=1
    )
    cdf /= cdf[:, -1:]
    levels = np.linspace(0.0, 1.0, LEVELS)
    table = np.empty((SHAPES, LEVELS))
    for i in range(SHAPES):
        table[i] = np.interp(levels, cdf[i], x[0])
    table[:, 0] = 0.0
    table[:, -1] = 1.0
    # float32 halves the table (2 MB): it stays in cache; 7 digits are far finer than a minute
    out = table.astype(np.float32)
    out.setflags(write=False)
    return out


def shape_position(low: float, mode: float, high: float) -> tuple[int, float]:
    """Row and fraction of a PERT shape (mode position) in :func:`quantile_table`."""
    span = high - low
    if span <= 0.0:
        return 0, 0.0
    s = (mode - low) / span * (SHAPES - 1)
    i = min(int(s), SHAPES - 2)
    return i, s - i


def quantile(kind: int, u: F64, low: float, mode: float, high: float) -> F64:
    """Vectorised quantile function, the same arithmetic as the kernel (tests, docs)."""
    u = np.asarray(u, dtype=np.float64)
    span = high - low
    if kind == FIXED or span <= 0.0:
        return np.full(u.shape, mode, dtype=np.float64)
    if kind == TRIANGULAR:
        return np.where(
            u * span < mode - low, low + np.sqrt(u * (mode - low) * span),
            high - np.sqrt((1.0 - u) * (high - mode) * span),
        )
    table = quantile_table(kind)
    i, fs = shape_position(low, mode, high)
    v = u * (LEVELS - 1)
    j = np.minimum(v.astype(np.int64), LEVELS - 2)
    fv = v - j
    t = table.astype(np.float64)
    q0 = t[i, j] + (t[i, j + 1] - t[i, j]) * fv
    q1 = t[i + 1, j] + (t[i + 1, j + 1] - t[i + 1, j]) * fv
    return np.asarray(low + span * (q0 + (q1 - q0) * fs), dtype=np.float64)
