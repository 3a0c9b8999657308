"""The schedule network: validated input dataclasses, built once into arrays.

Input (users' vocabulary, frozen, validated by :func:`build_network`):
:class:`ScheduleInput` holds :class:`Task` s, :class:`Link` s (FS/SS/FF/SF, lag in
working or elapsed minutes, negative = lead), :class:`Calendar` s, a project ``start``
(forward scheduling) and/or ``finish`` (must-finish-by; alone it means backward
scheduling), and a ``status_date`` for progress.

Array layout of :class:`Network` (``n`` tasks, ``m`` links; index ``i`` = position of the
task in ``ids``, which is the input order):

* ``duration[n]`` int64: working minutes in the task's own calendar (0 = milestone);
  summary tasks' durations are ignored (rolled up).
* ``cal[n]`` int16: index into ``calendars`` (a tuple of
  :class:`~altitude.engine.calendars.WorkingTime`, all sharing the epoch).
* ``order[n]`` int32: a topological order (predecessors, and children of a summary,
  come before).
* links, sorted by successor (CSR): the links into task ``v`` are
  ``pred_ptr[v]:pred_ptr[v+1]`` of ``link_from[m]`` int32, ``link_to[m]`` int32,
  ``link_type[m]`` int8 (0 FS, 1 SS, 2 FF, 3 SF, 4 ROLLUP child->summary),
  ``link_lag[m]`` int64 minutes, ``link_elapsed[m]`` bool.
* successors: ``succ_links[succ_ptr[v]:succ_ptr[v+1]]`` are the indices (into the link
  arrays) of the links out of ``v``.
* ``summary[n]`` bool, ``parent[n]`` int32 (-1: none).
* ``ctype[n]`` int8 (0 ASAP 1 ALAP 2 SNET 3 SNLT 4 FNET 5 FNLT 6 MSO 7 MFO) and
  ``coff[n]`` int64: constraint date as a working offset of the task's calendar.
* progress: ``astart[n]``/``afinish[n]`` int64 offsets (``kernels.NONE`` if absent),
  ``remaining[n]`` int64 working minutes left (-1: not started).

Links into a summary task are replaced by links into each of its leaf tasks; links out
of a summary stay (they start from the rolled-up dates).  A network with only FS/SS/
FF/SF links between leaves of one calendar is therefore a plain CSR graph on which
``early = earliest_starts(network, durations)`` (in :mod:`altitude.engine.cpm`) runs the
forward pass for any duration vector (e.g. Monte Carlo samples).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from altitude.engine.calendars import Calendar, WorkingTime
from altitude.engine.errors import ScheduleValidationError
from altitude.engine.kernels import NONE

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]


class LinkType(IntEnum):
    """Dependency types: which end of the predecessor drives which end of the successor."""

    FS = 0  # finish-to-start
    SS = 1  # start-to-start
    FF = 2  # finish-to-finish
    SF = 3  # start-to-finish


ROLLUP = 4


class ConstraintType(IntEnum):
    ASAP = 0  # as soon as possible
    ALAP = 1  # as late as possible
    SNET = 2  # start no earlier than
    SNLT = 3  # start no later than
    FNET = 4  # finish no earlier than
    FNLT = 5  # finish no later than
    MSO = 6  # must start on
    MFO = 7  # must finish on


@dataclass(frozen=True)
class Constraint:
    type: ConstraintType = ConstraintType.ASAP
    date: dt.datetime | None = None


@dataclass(frozen=True)
class Progress:
    """Progress at the status date; ``remaining_minutes`` wins over ``percent_complete``."""

    percent_complete: float = 0.0
    actual_start: dt.datetime | None = None
    actual_finish: dt.datetime | None = None
    remaining_minutes: int | None = None


@dataclass(frozen=True)
class Task:
    id: str
    duration_minutes: int = 0
    calendar: str | None = None
    milestone: bool = False
    constraint: Constraint = Constraint()
    parent: str | None = None
    progress: Progress | None = None
    project: str | None = None
    name: str = ""


@dataclass(frozen=True)
class Link:
    predecessor: str
    successor: str
    type: LinkType = LinkType.FS
    lag_minutes: int = 0
    lag_elapsed: bool = False


@dataclass(frozen=True)
class ScheduleInput:
    tasks: tuple[Task, ...]
    links: tuple[Link, ...] = ()
    start: dt.datetime | None = None
    finish: dt.datetime | None = None
    calendars: Mapping[str, Calendar] = field(default_factory=dict)
    default_calendar: str = "standard"
    status_date: dt.datetime | None = None


@dataclass(frozen=True, eq=False)
class Network:
    """The arrays the passes run on (layout in the module docstring); built once."""

    ids: tuple[str, ...]
    epoch: dt.datetime
    backward: bool
    deadline: int | None  # project must-finish-by, instant (minutes since epoch)
    status_instant: int | None
    calendars: tuple[WorkingTime, ...]
    default_cal: int
    duration: I64
    cal: npt.NDArray[np.int16]
    order: I32
    pred_ptr: I64
    link_from: I32
    link_to: I32
    link_type: npt.NDArray[np.int8]
    link_lag: I64
    link_elapsed: npt.NDArray[np.bool_]
    succ_ptr: I64
    succ_links: I64
    summary: npt.NDArray[np.bool_]
    parent: I32
    milestone: npt.NDArray[np.bool_]
    ctype: npt.NDArray[np.int8]
    coff: I64
    astart: I64
    afinish: I64
    remaining: I64

    @property
    def size(self) -> int:
        return len(self.ids)

    def index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.ids)}


def _fail(msg: str, task: str | None, fld: str) -> ScheduleValidationError:
    return ScheduleValidationError(msg, task=task, field=fld)


def assemble(
    *,
    ids: Sequence[str],
    epoch: dt.datetime,
    calendars: Sequence[WorkingTime],
    duration: npt.ArrayLike,
    link_from: npt.ArrayLike,
    link_to: npt.ArrayLike,
    link_type: npt.ArrayLike | None = None,
    link_lag: npt.ArrayLike | None = None,
    link_elapsed: npt.ArrayLike | None = None,
    cal: npt.ArrayLike | None = None,
    parent: npt.ArrayLike | None = None,
    milestone: npt.ArrayLike | None = None,
    ctype: npt.ArrayLike | None = None,
    coff: npt.ArrayLike | None = None,
    astart: npt.ArrayLike | None = None,
    afinish: npt.ArrayLike | None = None,
    remaining: npt.ArrayLike | None = None,
    backward: bool = False,
    deadline: int | None = None,
    status_instant: int | None = None,
    default_cal: int = 0,
) -> Network:
    """Build a :class:`Network` straight from arrays (index-based links, no summaries
    expanded here: ``parent`` only adds the rollup links).  Raises
    :class:`~altitude.engine.errors.CyclicDependency` on a cycle."""
    from altitude.engine.errors import CyclicDependency
    from altitude.engine.topology import topological_order

    n = len(ids)
    dur = np.ascontiguousarray(duration, dtype=np.int64)
    lf_ = np.asarray(link_from, dtype=np.int32)
    lt_ = np.asarray(link_to, dtype=np.int32)
    m = len(lf_)

    def arr(x: npt.ArrayLike | None, fill: int, dtype: type, size: int) -> np.ndarray:
        return np.full(size, fill, dtype=dtype) if x is None else np.asarray(x, dtype=dtype)

    ty = arr(link_type, 0, np.int8, m)
    lag = arr(link_lag, 0, np.int64, m)
    el = arr(link_elapsed, 0, np.bool_, m)
    par = arr(parent, -1, np.int32, n)
    child = np.nonzero(par >= 0)[0].astype(np.int32)
    if len(child):
        lf_ = np.concatenate([lf_, child])
        lt_ = np.concatenate([lt_, par[child]])
        ty = np.concatenate([ty, np.full(len(child), ROLLUP, dtype=np.int8)])
        lag = np.concatenate([lag, np.zeros(len(child), dtype=np.int64)])
        el = np.concatenate([el, np.zeros(len(child), dtype=np.bool_)])
    summary = np.zeros(n, dtype=np.bool_)
    summary[par[child]] = True
    order, cycle = topological_order(n, lf_, lt_)
    if cycle is not None:
        raise CyclicDependency([ids[int(i)] for i in cycle])
    # Links grouped by successor; rollup links of a summary come first within its group
    # (it has no others after expansion, but keep the kernels' test cheap and safe).
    key = lt_.astype(np.int64) * 8 + (ty != ROLLUP)
    by_to = np.argsort(key, kind="stable")
    lf_, lt_, ty, lag, el = lf_[by_to], lt_[by_to], ty[by_to], lag[by_to], el[by_to]
    pred_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(lt_, minlength=n), out=pred_ptr[1:])
    succ_links = np.argsort(lf_, kind="stable").astype(np.int64)
    succ_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(lf_, minlength=n), out=succ_ptr[1:])
    return Network(
        ids=tuple(ids),
        epoch=epoch,
        backward=backward,
        deadline=deadline,
        status_instant=status_instant,
        calendars=tuple(calendars),
        default_cal=default_cal,
        duration=dur,
        cal=arr(cal, default_cal, np.int16, n),
        order=order,
        pred_ptr=pred_ptr,
        link_from=np.ascontiguousarray(lf_),
        link_to=np.ascontiguousarray(lt_),
        link_type=np.ascontiguousarray(ty),
        link_lag=np.ascontiguousarray(lag),
        link_elapsed=np.ascontiguousarray(el),
        succ_ptr=succ_ptr,
        succ_links=succ_links,
        summary=summary,
        parent=par,
        milestone=arr(milestone, 0, np.bool_, n) | (dur == 0),
        ctype=arr(ctype, 0, np.int8, n),
        coff=arr(coff, 0, np.int64, n),
        astart=arr(astart, NONE, np.int64, n),
        afinish=arr(afinish, NONE, np.int64, n),
        remaining=arr(remaining, -1, np.int64, n),
    )


def build_network(spec: ScheduleInput) -> Network:
    """Validate ``spec`` fully, then build the arrays.  Nothing is returned on error."""
    from altitude.engine.network_build import build

    return build(spec)
