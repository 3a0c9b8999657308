"""Acceptance 2: properties that hold for every generated network (hypothesis)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altitude.engine.calendars import Calendar, CalendarException
from altitude.engine.cpm import ScheduleResult, schedule
from altitude.engine.network import (
    Constraint,
    ConstraintType,
    Link,
    LinkType,
    ScheduleInput,
    Task,
    build_network,
)

START = dt.datetime(2026, 1, 5, 8, 0)
CAL = Calendar(
    "std",
    exceptions=(
        CalendarException(dt.date(2026, 1, 7)),
        CalendarException(dt.date(2026, 1, 20), dt.date(2026, 1, 22)),
    ),
)


@st.composite
def networks(draw: st.DrawFn) -> ScheduleInput:
    n = draw(st.integers(1, 25))
    tasks = []
    for i in range(n):
        duration = draw(st.sampled_from([0, 60, 240, 480, 600, 960, 2400]))
        constraint = Constraint()
        kind = draw(st.sampled_from(["ASAP"] * 6 + ["SNET", "FNET", "ALAP"]))
        if kind in ("SNET", "FNET"):
            offset_hours = draw(st.integers(0, 24 * 20))
            constraint = Constraint(ConstraintType[kind], START + dt.timedelta(hours=offset_hours))
        elif kind == "ALAP":
            constraint = Constraint(ConstraintType.ALAP)
        tasks.append(Task(f"T{i}", duration, constraint=constraint))
    links = []
    for i in range(1, n):
        preds = draw(st.lists(st.integers(0, i - 1), max_size=3, unique=True))
        for p in preds:
            links.append(
                Link(
                    f"T{p}",
                    f"T{i}",
                    draw(st.sampled_from(list(LinkType))),
                    draw(st.sampled_from([0, 0, 30, 480, 1000, -60, -480])),
                    lag_elapsed=draw(st.booleans()) and draw(st.booleans()),
                )
            )
    return ScheduleInput(
        tuple(tasks), tuple(links), start=START, calendars={"std": CAL}, default_calendar="std"
    )


def _check_links(r: ScheduleResult, early: bool) -> None:
    net = r.network
    es, ef = (r.early_start, r.early_finish) if early else (r.late_start, r.late_finish)
    wt = net.calendars[0]
    for k in range(len(net.link_from)):
        p, s, t, lag = net.link_from[k], net.link_to[k], net.link_type[k], net.link_lag[k]
        base = ef[p] if t in (LinkType.FS, LinkType.FF) else es[p]
        if net.link_elapsed[k]:
            inst = (wt.finish_instants if t in (LinkType.FS, LinkType.FF) else wt.start_instants)(
                [base]
            )[0]
            bound = wt.offsets([inst + lag])[0]
        else:
            bound = base + lag
        target = es[s] if t in (LinkType.FS, LinkType.SS) else ef[s]
        assert target >= bound, (k, LinkType(t).name, early)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_links_constraints_float_and_critical_chain(spec: ScheduleInput) -> None:
    net = build_network(spec)
    r = schedule(net)
    d = net.duration
    # Durations are kept, nothing starts before the project start.
    assert (r.early_finish - r.early_start == d).all()
    assert (r.late_finish - r.late_start == d).all()
    assert (r.early_start >= 0).all()
    _check_links(r, early=True)
    _check_links(r, early=False)
    for i, t in enumerate(spec.tasks):
        c = t.constraint
        if c.type == ConstraintType.SNET:
            assert r.early_start[i] >= net.calendars[0].offset_of(c.date)  # type: ignore[arg-type]
        if c.type == ConstraintType.FNET:
            assert r.early_finish[i] >= net.calendars[0].offset_of(c.date)  # type: ignore[arg-type]
    # No deadline: float is never negative, late dates within the project.
    assert (r.total_float >= 0).all() and (r.free_float >= 0).all()
    assert (r.free_float <= r.total_float).all()
    assert (r.late_finish <= r.early_finish.max()).all()
    # Deterministic: the same input gives the same arrays.
    again = schedule(build_network(spec))
    for name in (
        "early_start",
        "early_finish",
        "late_start",
        "late_finish",
        "total_float",
        "free_float",
        "critical",
        "driving_predecessor",
    ):
        assert np.array_equal(getattr(r, name), getattr(again, name)), name
    # A critical chain runs from a start (no driving predecessor) to the project finish.
    # (An elapsed lag ending in non-working time leaves its predecessor a little float:
    # the chain property is exact for working-time lags only.)
    if net.link_elapsed.any():
        return
    end = int(np.argmax(np.where(r.critical, r.early_finish, -1)))
    assert r.critical[end] and r.early_finish[end] == r.early_finish.max()
    v, steps = end, 0
    while r.driving_predecessor[v] >= 0:
        v = int(r.driving_predecessor[v])
        assert r.critical[v]
        steps += 1
        assert steps <= net.size
