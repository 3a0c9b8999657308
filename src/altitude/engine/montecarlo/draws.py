"""One task's duration in one run: the statements both kernels share (same bits).

The lane kernel (:mod:`.batched`) and the reference kernel (:mod:`.kernel`) both call
these helpers in the same order, so a run gives the same durations in both; the lane
kernel only adds a vectorised shortcut for the commonest case (a triangular estimate
without a shared driver), which is :func:`.sampling.triangular` itself.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from altitude.engine.montecarlo._jit import jit, jit_inline
from altitude.engine.montecarlo.distributions import FIXED
from altitude.engine.montecarlo.sampling import (
    copula,
    sample_quantile,
    whole_minutes,
)

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
B2 = npt.NDArray[np.bool_]


@jit_inline
def sample_task(k: int, u: float, low: float, mode: float, high: float, row: int,
                frac: float, dv: int, rho: float, z: float, table_pert: F32,
                table_classic: F32) -> float:
    """Sampled (unrounded) duration of a task of kind ``k`` (not FIXED) at its uniform ``u``
    (:func:`.sampling.task_uniform`); ``dv``/``rho``/``z``: its driver (-1: none),
    correlation and that run's driver normal.  Scalars only: array arguments would be
    reference-counted on every call."""
    if dv >= 0:
        u = copula(u, rho, z)
    return sample_quantile(k, u, low, mode, high, row, frac, table_pert, table_classic)


@jit
def hit(x: float, v: int, k: int, lane: int, timp_ptr: I64, timp_risk: I32, timp_mult: F64,
        timp_add: F64, occurred: B2, mode: F64, base: I64) -> int:
    """Whole minutes of task ``v`` after the risks that occurred in the run of ``lane``:
    multipliers first, then added minutes (impacts in risk order), never below zero.
    (Tasks some risk can hit are few: a plain call is fine.)"""
    add = 0.0
    for a in range(timp_ptr[v], timp_ptr[v + 1]):
        if occurred[timp_risk[a], lane]:
            x *= timp_mult[a]
    for a in range(timp_ptr[v], timp_ptr[v + 1]):
        if occurred[timp_risk[a], lane]:
            add += timp_add[a]
    w = whole_minutes(x + add)
    if k == FIXED and add == 0.0 and x == mode[v]:
        w = base[v]  # untouched fixed work keeps its exact planned minutes
    return w


__all__ = ["hit", "sample_task"]
