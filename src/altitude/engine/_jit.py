"""Optional numba compilation of the engine's linear-time loops.

The CPM passes walk tasks in topological order and links in CSR order: O(tasks + links)
whatever the depth of the network.  NumPy cannot vectorise that recurrence without one
Python step per topological level, which is too slow for deep (realistic) networks, so
the loops are compiled with numba when it is installed (``cache=True``: compiled once per
machine).  Without numba the same functions run as plain Python: correct, only slower.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])

try:  # pragma: no cover - exercised by whichever branch the machine has
    from numba import njit as _njit

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover
    _njit = None  # type: ignore[assignment]
    HAVE_NUMBA = False


def jit(func: F) -> F:
    """Compile ``func`` with numba (nopython, cached) when available."""
    if _njit is None:
        return func
    return cast(F, _njit(cache=True, nogil=True)(func))
