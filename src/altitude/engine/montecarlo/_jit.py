"""Optional numba compilation of the simulation loops (plain Python when numba is absent).

The kernel walks runs x tasks with scalar recurrences that NumPy cannot vectorise well;
numba compiles them (``cache=True``: once per machine).  Without numba the same functions
run as plain Python: identical results, only slower (fine for small tests).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])

_njit: Any
try:  # pragma: no cover - whichever branch the machine has
    from numba import njit as _njit

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover
    _njit = None
    HAVE_NUMBA = False

if TYPE_CHECKING or not HAVE_NUMBA:
    prange = range

    def thread_id() -> int:
        """Index of the calling thread of a parallel loop (0 without numba)."""
        return 0
else:  # pragma: no cover
    from numba import get_thread_id as thread_id
    from numba import prange


def jit(func: F) -> F:
    """Compile ``func`` with numba (nopython, cached) when available."""
    if _njit is None:
        return func
    return cast(F, _njit(cache=True, nogil=True)(func))


def jit_inline(func: F) -> F:
    """Like :func:`jit`, and inlined into its callers (small hot helpers)."""
    if _njit is None:
        return func
    return cast(F, _njit(cache=True, nogil=True, inline="always")(func))


def jit_parallel(func: F) -> F:
    """Like :func:`jit`, with ``prange`` loops spread over threads."""
    if _njit is None:
        return func
    return cast(F, _njit(cache=True, nogil=True, parallel=True)(func))


__all__ = ["HAVE_NUMBA", "jit", "jit_inline", "jit_parallel", "prange", "thread_id"]
