"""Counter-based random numbers, quantiles and the Gaussian copula, compiled for the kernel.

Why a counter-based generator: the uniform used by task ``i`` in run ``r`` is a hash of
``(key, r, i)``.  It does not depend on which chunk computes run ``r`` nor on the order
in which tasks are visited, so chunks can run on different workers and their merge is,
bit for bit, the result of one big run.  ``key`` comes from ``numpy.random.SeedSequence``
(seed entropy well mixed); the hash is the SplitMix64 finaliser applied twice (once per
run, once per slot), whose output passes BigCrush.

Slots of one run: ``0..n_tasks-1`` task durations, then one per risk event (occurrence,
stratified over blocks of runs: :func:`stratified`), then one per shared driver (its
standard normal value).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from altitude.engine.montecarlo._jit import jit, jit_inline
from altitude.engine.montecarlo.distributions import LEVELS, PERT, PERT_CLASSIC, TRIANGULAR

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_ONE = np.uint64(1)
_INV53 = 1.0 / 9007199254740992.0


def key_from_seed(seed: int) -> int:
    """64-bit stream key of a seed (via SeedSequence, so nearby seeds are unrelated)."""
    if seed < 0:
        raise ValueError("seed must be >= 0")
    return int(np.random.SeedSequence(seed).generate_state(1, dtype=np.uint64)[0])


@jit_inline
def mix64(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@jit_inline
def run_stream(key: np.uint64, run: int) -> np.uint64:
    """Per-run base of the counter (``run`` is the global run index)."""
    return mix64(key + np.uint64(run) * _GOLDEN + _ONE)


@jit_inline
def uniform(stream: np.uint64, slot: int) -> float:
    """Uniform in [0, 1) for ``slot`` of a run (53 random bits)."""
    z = mix64(stream ^ ((np.uint64(slot) + _ONE) * _M2))
    return float(np.int64(z >> _S11)) * _INV53


STRATA = 1024
"""Runs per stratification block of the risk draws (a power of two: see :func:`stratified`)."""


@jit_inline
def stratified(key: np.uint64, run: int, slot: int, stream: np.uint64) -> float:
    """Uniform for a risk event, stratified over blocks of :data:`STRATA` runs.

    Run ``r`` of block ``r // STRATA`` gets stratum ``sigma(r % STRATA)`` of that block,
    ``sigma`` a permutation keyed by (key, block, slot) (a 4-round Feistel network on 10
    bits), plus a uniform jitter inside the stratum.  Over every whole block a risk of
    probability ``p`` occurs in ``floor(p x 1024)`` or one more runs: its share is exact to
    1/1024, not only on average, and still depends only on the run index (chunks merge).
    """
    block = np.uint64(run // STRATA)
    x = np.uint64(run % STRATA)
    k = mix64(key ^ (block * _GOLDEN) ^ ((np.uint64(slot) + _ONE) * _M1))
    left = x >> np.uint64(5)
    right = x & np.uint64(31)
    for rnd in range(4):
        f = mix64(k + (right << np.uint64(8)) + np.uint64(rnd)) & np.uint64(31)
        left, right = right, left ^ f
    stratum = (left << np.uint64(5)) | right
    return (float(np.int64(stratum)) + uniform(stream, slot)) / STRATA


@jit
def normal_ppf(p: float) -> float:
    """Inverse standard normal CDF (Acklam's rational approximation, rel. error 1.2e-9)."""
    if p <= 0.0:
        p = 1e-300
    if p < 0.02425:
        q = math.sqrt(-2.0 * math.log(p))
        return (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e00)
                  * q - 2.549732539343734e00) * q + 4.374664141464968e00) * q + 2.938163982698783e00) / (
            (((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e00) * q
             + 3.754408661907416e00) * q + 1.0)
    if p > 1.0 - 0.02425:
        q = math.sqrt(-2.0 * math.log(1.0 - p))
        return -(((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e00)
                   * q - 2.549732539343734e00) * q + 4.374664141464968e00) * q + 2.938163982698783e00) / (
            (((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e00) * q
             + 3.754408661907416e00) * q + 1.0)
    q = p - 0.5
    r = q * q
    return (((((-3.969683028665376e01 * r + 2.209460984245205e02) * r - 2.759285104469687e02) * r
              + 1.383577518672690e02) * r - 3.066479806614716e01) * r + 2.506628277459239e00) * q / (
        ((((-5.447609879822406e01 * r + 1.615858368580409e02) * r - 1.556989798598866e02) * r
          + 6.680131188771972e01) * r - 1.328068155288572e01) * r + 1.0)


@jit_inline
def normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


@jit_inline
def sample_quantile(kind: int, u: float, low: float, mode: float, high: float, i: int,
                    fs: float, table_pert: F32, table_classic: F32) -> float:
    """Quantile of one task's distribution at ``u`` (see :mod:`.distributions`);
    ``i``/``fs``: row and fraction of the shape in the PERT tables (:func:`shape_position`)."""
    span = high - low
    if span <= 0.0:
        return mode
    if kind == TRIANGULAR:
        # branch-free: the side of the mode is random, a branch would mispredict half the time
        left = u * span < mode - low
        w = u * (mode - low) if left else (1.0 - u) * (high - mode)
        r = math.sqrt(w * span)
        return low + r if left else high - r
    v = u * (LEVELS - 1)
    j = min(int(v), LEVELS - 2)
    fv = v - j
    # no array variable here: numba would reference-count it (atomic ops) on every call
    if kind == PERT:
        t00 = float(table_pert[i, j])
        t01 = float(table_pert[i, j + 1])
        t10 = float(table_pert[i + 1, j])
        t11 = float(table_pert[i + 1, j + 1])
    else:
        t00 = float(table_classic[i, j])
        t01 = float(table_classic[i, j + 1])
        t10 = float(table_classic[i + 1, j])
        t11 = float(table_classic[i + 1, j + 1])
    q0 = t00 + (t01 - t00) * fv
    q1 = t10 + (t11 - t10) * fv
    return float(low + span * (q0 + (q1 - q0) * fs))


__all__ = ["PERT_CLASSIC", "key_from_seed", "mix64", "normal_cdf", "normal_ppf", "run_stream",
           "sample_quantile", "uniform"]
