"""Validation of a :class:`~altitude.engine.network.ScheduleInput` and its conversion to arrays.

Every check names the task and the field; the first problem found raises
:class:`~altitude.engine.errors.ScheduleValidationError` before anything is built.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from altitude.engine.calendars import Calendar, WorkingTime, to_minutes
from altitude.engine.errors import ScheduleValidationError
from altitude.engine.kernels import NONE
from altitude.engine.network import (
    ConstraintType,
    Link,
    LinkType,
    Network,
    ScheduleInput,
    Task,
    assemble,
)

_DATED = {
    ConstraintType.SNET,
    ConstraintType.SNLT,
    ConstraintType.FNET,
    ConstraintType.FNLT,
    ConstraintType.MSO,
    ConstraintType.MFO,
}


def _err(msg: str, task: str | None, fld: str) -> ScheduleValidationError:
    return ScheduleValidationError(msg, task=task, field=fld)


def _check_task(t: Task, cal_names: set[str], status: dt.datetime | None) -> None:
    if not isinstance(t.id, str) or not t.id:
        raise _err("a task needs a non-empty string id", None, "id")
    d = t.duration_minutes
    if isinstance(d, bool) or not isinstance(d, int | np.integer):
        raise _err(
            f"duration must be an integer number of minutes, got {d!r}", t.id, "duration_minutes"
        )
    if d < 0:
        raise _err(f"duration must not be negative, got {d}", t.id, "duration_minutes")
    if t.milestone and d > 0:
        raise _err(f"a milestone has no duration, got duration_minutes={d}", t.id, "milestone")
    if t.calendar is not None and t.calendar not in cal_names:
        raise _err(f"unknown calendar {t.calendar!r}", t.id, "calendar")
    c = t.constraint
    try:
        ctype = ConstraintType(c.type)
    except ValueError:
        raise _err(f"unknown constraint type {c.type!r}", t.id, "constraint.type") from None
    if ctype in _DATED and c.date is None:
        raise _err(f"constraint {ctype.name} needs a date", t.id, "constraint.date")
    p = t.progress
    if p is not None:
        if not 0 <= p.percent_complete <= 100:
            raise _err(
                f"percent complete must be within 0..100, got {p.percent_complete}",
                t.id,
                "progress.percent_complete",
            )
        if p.remaining_minutes is not None and not p.remaining_minutes >= 0:
            raise _err(
                "remaining duration must not be negative", t.id, "progress.remaining_minutes"
            )
        if p.actual_start and p.actual_finish and p.actual_finish < p.actual_start:
            raise _err("actual finish is before actual start", t.id, "progress.actual_finish")
        if (p.actual_start or p.actual_finish or p.percent_complete) and status is None:
            raise _err("progress needs the schedule's status_date", t.id, "progress")


def _check_link(k: Link, index: dict[str, int]) -> None:
    for end, name in ((k.predecessor, "from"), (k.successor, "to")):
        if end not in index:
            raise _err(f"link refers to unknown task {end!r}", end, f"links.{name}")
    if k.predecessor == k.successor:
        raise _err("a task cannot depend on itself", k.predecessor, "links.to")
    try:
        LinkType(k.type)
    except ValueError:
        raise _err(f"unknown link type {k.type!r}", k.successor, "links.type") from None
    lag = k.lag_minutes
    if isinstance(lag, bool) or not isinstance(lag, int | np.integer):
        raise _err(
            f"lag must be an integer number of minutes, got {lag!r}",
            k.successor,
            "links.lag_minutes",
        )


def build(spec: ScheduleInput) -> Network:
    calendars = dict(spec.calendars)
    if spec.default_calendar not in calendars:
        if calendars:
            raise _err(
                f"unknown default calendar {spec.default_calendar!r}", None, "default_calendar"
            )
        calendars[spec.default_calendar] = Calendar(name=spec.default_calendar)
    if spec.start is None and spec.finish is None:
        raise _err("the schedule needs a project start or a must-finish-by date", None, "start")
    names = list(calendars)
    cal_index = {c: i for i, c in enumerate(names)}
    epoch = spec.start if spec.start is not None else spec.finish
    assert epoch is not None
    times = tuple(WorkingTime(calendars[c], epoch) for c in names)
    default_cal = cal_index[spec.default_calendar]

    tasks = spec.tasks
    index: dict[str, int] = {}
    for i, t in enumerate(tasks):
        _check_task(t, set(names), spec.status_date)
        if t.id in index:
            raise _err("duplicate task id", t.id, "id")
        index[t.id] = i
    n = len(tasks)
    parent = np.full(n, -1, dtype=np.int32)
    for i, t in enumerate(tasks):
        if t.parent is not None:
            if t.parent not in index:
                raise _err(f"unknown parent task {t.parent!r}", t.id, "parent")
            if t.parent == t.id:
                raise _err("a task cannot be its own parent", t.id, "parent")
            parent[i] = index[t.parent]
    children: dict[int, list[int]] = {}
    for c in np.nonzero(parent >= 0)[0]:
        children.setdefault(int(parent[c]), []).append(int(c))
    ancestors = _ancestors(parent, [t.id for t in tasks])

    def leaves(s: int) -> list[int]:
        out, stack = [], [s]
        while stack:
            x = stack.pop()
            if x in children:
                stack.extend(children[x])
            else:
                out.append(x)
        return out

    lf: list[int] = []
    lt: list[int] = []
    ty: list[int] = []
    lag: list[int] = []
    el: list[bool] = []
    for k in spec.links:
        _check_link(k, index)
        a, b = index[k.predecessor], index[k.successor]
        if a in ancestors.get(b, ()) or b in ancestors.get(a, ()):
            raise _err(
                "a link cannot join a summary task and its own subtask", k.successor, "links.to"
            )
        for target in leaves(b) if b in children else (b,):
            lf.append(a)
            lt.append(target)
            ty.append(int(k.type))
            lag.append(int(k.lag_minutes))
            el.append(bool(k.lag_elapsed))

    cal = np.array(
        [cal_index[t.calendar] if t.calendar else default_cal for t in tasks], dtype=np.int16
    )
    ctype = np.array([int(t.constraint.type) for t in tasks], dtype=np.int8)
    coff = np.zeros(n, dtype=np.int64)
    astart = np.full(n, NONE, dtype=np.int64)
    afinish = np.full(n, NONE, dtype=np.int64)
    remaining = np.full(n, -1, dtype=np.int64)
    duration = np.array([t.duration_minutes for t in tasks], dtype=np.int64)
    for i, t in enumerate(tasks):
        wt = times[cal[i]]
        if t.constraint.date is not None and ctype[i] >= ConstraintType.SNET:
            coff[i] = wt.offset_of(t.constraint.date)
        p = t.progress
        if p is None or i in children:
            continue
        if p.actual_start is not None:
            astart[i] = wt.offset_of(p.actual_start)
        if p.actual_finish is not None:
            afinish[i] = wt.offset_of(p.actual_finish)
            remaining[i] = 0
        elif p.remaining_minutes is not None or p.percent_complete > 0 or p.actual_start:
            done, left = _progress_split(int(duration[i]), p.percent_complete, p.remaining_minutes)
            # MS Project: duration = actual duration + remaining duration.
            duration[i] = done + left
            remaining[i] = left
        if remaining[i] == 0 and afinish[i] == NONE:
            if astart[i] == NONE:
                raise _err(
                    "a finished task needs an actual start or finish",
                    t.id,
                    "progress.actual_finish",
                )
            afinish[i] = astart[i] + duration[i]

    deadline = to_minutes(spec.finish, epoch) if spec.finish is not None else None
    status = to_minutes(spec.status_date, epoch) if spec.status_date is not None else None
    return assemble(
        ids=[t.id for t in tasks],
        epoch=epoch,
        calendars=times,
        duration=duration,
        link_from=np.array(lf, dtype=np.int32),
        link_to=np.array(lt, dtype=np.int32),
        link_type=np.array(ty, dtype=np.int8),
        link_lag=np.array(lag, dtype=np.int64),
        link_elapsed=np.array(el, dtype=np.bool_),
        cal=cal,
        parent=parent,
        milestone=np.array([t.milestone for t in tasks], dtype=np.bool_),
        ctype=ctype,
        coff=coff,
        astart=astart,
        afinish=afinish,
        remaining=remaining,
        backward=spec.start is None,
        deadline=deadline,
        status_instant=status,
        default_cal=default_cal,
    )


def _progress_split(duration: int, percent: float, remaining: int | None) -> tuple[int, int]:
    """(work done, work left) in working minutes, MS Project's rules.

    Without ``remaining``, percent complete splits the planned duration.  With it, the
    work done is the percent of the planned duration when a percent is given (so an
    overrun grows the duration: done + remaining), else planned minus remaining (never
    below zero: a remaining duration longer than planned becomes the whole duration).
    """
    if remaining is None:
        done = round(duration * percent / 100)
        return done, duration - done
    if percent > 0:
        return round(duration * percent / 100), remaining
    return max(duration - remaining, 0), remaining


def _ancestors(parent: np.ndarray, ids: list[str]) -> dict[int, set[int]]:
    """Ancestors of each task that has a parent; a loop of parents is a cycle."""
    from altitude.engine.errors import ParentCycle

    out: dict[int, set[int]] = {}
    for i in map(int, np.nonzero(parent >= 0)[0]):
        seen: list[int] = []
        p = int(parent[i])
        members: set[int] = set()
        while p >= 0:
            if p == i or p in members:
                loop = seen[seen.index(p) :] if p in members else [i, *seen]
                raise ParentCycle([ids[x] for x in loop])
            seen.append(p)
            members.add(p)
            p = int(parent[p])
        out[i] = set(seen)
    return out
