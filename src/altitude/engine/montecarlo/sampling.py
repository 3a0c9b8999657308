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

Task durations, the bulk of the draws (one per task and run), use :func:`task_uniform`: the
run's 64-bit stream split in two 32-bit words and two rounds of a 32-bit integer hash
(``lowbias32``), so that 16 runs are drawn at once in 8-lane SIMD registers (AVX2 has no
64-bit multiply).  Within a run it is a bijection of the task index (no two tasks of a
run share a number); across runs the 64-bit stream decorrelates.  Risks and drivers (a few
per run) keep the 64-bit :func:`uniform`.
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


_H1 = np.uint32(0x7FEB352D)
_H2 = np.uint32(0x846CA68B)
_GOLDEN32 = np.uint32(0x9E3779B9)
_S16 = np.uint32(16)
_S15 = np.uint32(15)
_MASK32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_INV31 = 1.0 / 2147483648.0


@jit_inline
def mix32(x: np.uint32) -> np.uint32:
    """``lowbias32`` (Wellons' hash prospector): a 32-bit bijection with good avalanche.

    The casts keep 32-bit wrap-around in compiled code (numba widens to 64 bits)."""
    x = np.uint32(np.uint32(x ^ (x >> _S16)) * _H1)
    x = np.uint32(np.uint32(x ^ (x >> _S15)) * _H2)
    return np.uint32(x ^ (x >> _S16))


@jit_inline
def stream_words(stream: np.uint64) -> tuple[np.uint32, np.uint32]:
    """The two 32-bit halves of a run stream (low, high) for :func:`task_uniform`."""
    return np.uint32(stream & _MASK32), np.uint32(stream >> _S32)


@jit_inline
def slot_key(slot: int) -> np.uint32:
    """Per-task constant of :func:`task_uniform` (hoisted out of the run loop)."""
    return np.uint32(np.uint32(slot) * _GOLDEN32)


@jit_inline
def task_uniform(lo: np.uint32, hi: np.uint32, key32: np.uint32) -> float:
    """Uniform in [0, 1) with 31 random bits for the task of ``key32`` (:func:`slot_key`)
    in the run of stream words ``lo``/``hi`` (:func:`stream_words`)."""
    z = mix32(np.uint32(mix32(np.uint32(lo + key32)) ^ hi))
    return float(np.int32(z >> np.uint32(1))) * _INV31


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
def triangular(u: float, low: float, mode: float, high: float) -> float:
    """Triangular quantile, branch-free (vectorises across runs); ``high > low``."""
    span = high - low
    a = mode - low
    left = u * span < a
    w = u * a if left else (1.0 - u) * (high - mode)
    r = math.sqrt(w * span)
    return low + r if left else high - r


@jit_inline
def beta_quantile(u: float, low: float, high: float, fs: float, flat: F32, ia: int) -> float:
    """Bilinear read of a PERT quantile table (:func:`.distributions.quantile_table`,
    flattened): rows ``ia // LEVELS`` and the next one, at fraction ``fs`` between them.

    Branch-free and with unsigned indices (no wrap-around code), so the lane kernel's loop
    over 16 runs vectorises (gathers)."""
    v = u * (LEVELS - 1)
    jj = min(int(v), LEVELS - 2)
    fv = v - jj
    a = np.uint64(ia + jj)
    b = np.uint64(ia + LEVELS + jj)
    t00 = float(flat[a])
    t01 = float(flat[a + np.uint64(1)])
    t10 = float(flat[b])
    t11 = float(flat[b + np.uint64(1)])
    q0 = t00 + (t01 - t00) * fv
    q1 = t10 + (t11 - t10) * fv
    return float(low + (high - low) * (q0 + (q1 - q0) * fs))


@jit_inline
def sample_quantile(kind: int, u: float, low: float, mode: float, high: float, i: int,
                    fs: float, table_pert: F32, table_classic: F32) -> float:
    """Quantile of one task's distribution at ``u`` (see :mod:`.distributions`);
    ``i``/``fs``: row and fraction of the shape in the PERT tables (:func:`shape_position`),
    given flattened."""
    if high - low <= 0.0:
        return mode
    if kind == TRIANGULAR:
        return triangular(u, low, mode, high)
    # no array variable here: numba would reference-count it (atomic ops) on every call
    if kind == PERT:
        return beta_quantile(u, low, high, fs, table_pert, i * LEVELS)
    return beta_quantile(u, low, high, fs, table_classic, i * LEVELS)


@jit_inline
def copula(u: float, rho: float, z: float) -> float:
    """Gaussian copula: the uniform ``u`` moved towards the driver's normal ``z`` by ``rho``."""
    u = normal_cdf(rho * z + np.sqrt(1.0 - rho * rho) * normal_ppf(u))
    return u if u < 1.0 else 1.0 - 1e-16


@jit_inline
def whole_minutes(x: float) -> int:
    """Round a sampled duration to whole minutes, never below zero (branch-free)."""
    return int(max(x, 0.0) + 0.5)


__all__ = [
    "PERT_CLASSIC",
    "beta_quantile",
    "copula",
    "key_from_seed",
    "mix32",
    "mix64",
    "normal_cdf",
    "normal_ppf",
    "run_stream",
    "sample_quantile",
    "slot_key",
    "stream_words",
    "task_uniform",
    "triangular",
    "uniform",
    "whole_minutes",
]
