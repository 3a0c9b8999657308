"""The fast lane kernel's guarantees: chunking and threads change no bit, criticality and
sensitivity on networks with known answers, ALAP per run, the int64 fallback."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from altitude.engine import cpm
from altitude.engine.montecarlo import (
    DistributionKind,
    RiskEvent,
    RiskImpact,
    SharedDriver,
    ThreePointEstimate,
    UncertaintyModel,
    merge,
    prepare,
    run_all,
    run_chunk,
    simulate,
)
from altitude.engine.montecarlo import plan as plan_module
from altitude.engine.montecarlo.plan import lane_dtype
from altitude.engine.montecarlo.simulation import Criticality, needs_reference_kernel
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
DAY = 480


def _random_plan(n: int, seed: int, status: dt.datetime | None = None):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    tasks = tuple(Task(f"t{i}", int(rng.integers(1, 6)) * DAY) for i in range(n))
    links = tuple(
        Link(f"t{p}", f"t{i}", [LinkType.FS, LinkType.SS, LinkType.FF, LinkType.SF][
            int(rng.integers(0, 4))], int(rng.integers(-1, 3)) * 240)
        for i in range(1, n) for p in set(rng.integers(max(0, i - 10), i, size=2).tolist())
    )
    kinds = tuple(DistributionKind)
    est = {t.id: ThreePointEstimate(t.duration_minutes * 0.7, t.duration_minutes,
                                    t.duration_minutes * 1.9, kinds[i % 3])
           for i, t in enumerate(tasks) if i % 5}
    risks = tuple(RiskEvent(f"R{r}", 0.2 + 0.1 * r, (RiskImpact(f"t{7 * r + 3}", add_minutes=DAY),
                                                     RiskImpact(f"t{5 * r + 1}", multiplier=1.5)))
                  for r in range(4))
    drivers = (SharedDriver("D", {"t2": 0.8, "t9": 0.6, "t11": -0.4}),)
    net = build_network(ScheduleInput(tasks=tasks, links=links, start=START, status_date=status))
    return prepare(net, UncertaintyModel(estimates=est, risks=risks, drivers=drivers),
                   targets={"half": [f"t{i}" for i in range(n // 2)]})


def _same(x, y) -> None:  # type: ignore[no-untyped-def]
    assert x.runs == y.runs
    assert np.array_equal(x.finish, y.finish)
    assert (x.critical, x.sum_d, x.sum_dd, x.sum_df, x.sum_f, x.sum_ff, x.risk_runs,
            x.risk_sum_f) == (y.critical, y.sum_d, y.sum_dd, y.sum_df, y.sum_f, y.sum_ff,
                              y.risk_runs, y.risk_sum_f)


def test_chunks_and_thread_counts_merge_to_one_run_bit_for_bit() -> None:
    plan = _random_plan(120, 1)
    whole = run_all(plan, 1000, seed=5, chunk_runs=1000)
    # uneven chunks, given out of order, each with its own thread/block count
    parts = [run_chunk(plan, 5, 613, 387, threads=3), run_chunk(plan, 5, 0, 17, threads=1),
             run_chunk(plan, 5, 17, 596, threads=7)]
    _same(whole, merge(parts))
    _same(whole, run_chunk(plan, 5, 0, 1000, threads=1))
    _same(whole, run_all(plan, 1000, seed=5, chunk_runs=33))
    again = run_all(plan, 1000, seed=5)
    _same(whole, again)
    other = run_all(plan, 1000, seed=6)
    assert not np.array_equal(other.finish, whole.finish)


def test_lane_kernel_equals_the_reference_kernel_run_by_run() -> None:
    plan = _random_plan(80, 2)
    for first, runs in ((0, 50), (7, 33)):
        _same(run_chunk(plan, 9, first, runs, batched=True, threads=2),
              run_chunk(plan, 9, first, runs, batched=False, threads=1))


def test_status_date_stays_on_the_fast_path_and_equals_the_reference() -> None:
    plan = _random_plan(80, 4, status=START + dt.timedelta(days=12))
    assert plan.arrays["plain"].all()
    a = run_chunk(plan, 2, 0, 48, batched=True, threads=2)
    _same(a, run_chunk(plan, 2, 0, 48, batched=False, threads=1))
    early = START + dt.timedelta(days=12)
    status_offset = plan.finish_offset(early)
    assert int(a.finish[:, 0].min()) > status_offset  # nothing left finishes before it


def test_batch_width_changes_no_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    from altitude.engine.montecarlo import simulation

    plan = _random_plan(70, 5)
    wide = run_chunk(plan, 8, 3, 90, threads=2)
    monkeypatch.setattr(simulation, "lanes_for", lambda n: 16)
    _same(wide, run_chunk(plan, 8, 3, 90, threads=2))


def test_int64_lanes_give_the_same_bits(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = _random_plan(60, 3)
    assert lane_dtype(plan) is np.int32
    narrow = run_chunk(plan, 4, 0, 40)
    monkeypatch.setattr(plan_module, "INT32_SAFE", 1)
    assert lane_dtype(plan) is np.int64
    _same(narrow, run_chunk(plan, 4, 0, 40))


def test_driving_path_criticality_on_known_paths_and_ties() -> None:
    # S -> A (5 d) -> E and S -> B (2 d..3 d) -> E: A always drives; C hangs off B.
    tasks = (Task("S", DAY), Task("A", 5 * DAY), Task("B", 2 * DAY), Task("C", DAY),
             Task("E", DAY), Task("T1", 2 * DAY), Task("T2", 2 * DAY), Task("F", 0))
    links = (Link("S", "A"), Link("S", "B"), Link("B", "C"), Link("A", "E"), Link("C", "E"),
             # a tie: T1 and T2 always equal; the first link listed (T1 -> F) drives
             Link("E", "T1"), Link("E", "T2"), Link("T1", "F"), Link("T2", "F"))
    est = {"B": ThreePointEstimate(2 * DAY, 2 * DAY, 3 * DAY),
           "A": ThreePointEstimate(5 * DAY, 6 * DAY, 8 * DAY)}
    plan = prepare(build_network(ScheduleInput(tasks=tasks, links=links, start=START)),
                   UncertaintyModel(estimates=est))
    res = simulate(plan, runs=500, seed=1)
    crit = dict(zip(res.task_ids, res.criticality or (), strict=True))
    assert crit == {"S": 1.0, "A": 1.0, "B": 0.0, "C": 0.0, "E": 1.0, "T1": 1.0, "T2": 0.0,
                    "F": 1.0}
    by_float = simulate(plan, runs=500, seed=1, criticality="total_float").criticality
    assert dict(zip(res.task_ids, by_float or (), strict=True))["T2"] == 1.0  # ties count


def test_sensitivity_sign() -> None:
    # A drives the finish; X is off the path, its duration moves against A's (rho < 0)
    tasks = (Task("A", 10 * DAY), Task("X", DAY), Task("Y", DAY))
    est = {"A": ThreePointEstimate(8 * DAY, 10 * DAY, 15 * DAY),
           "X": ThreePointEstimate(DAY / 2, DAY, 2 * DAY),
           "Y": ThreePointEstimate(DAY / 2, DAY, 2 * DAY)}
    drivers = (SharedDriver("D", {"A": 0.9, "X": -0.9}),)
    plan = prepare(build_network(ScheduleInput(tasks=tasks, start=START)),
                   UncertaintyModel(estimates=est, drivers=drivers))
    sens = dict(zip(plan.network.ids, simulate(plan, runs=4000, seed=2).sensitivity,
                    strict=True))
    assert (sens["A"] or 0) > 0.95
    assert (sens["X"] or 0) < -0.5
    assert abs(sens["Y"] or 0) < 0.1


def test_alap_tasks_start_as_late_as_each_run_allows() -> None:
    # X (uncertain) sets the finish; A is ALAP with an SS successor B that must end by it:
    # in every run A finishes one day before the program does.
    tasks = (Task("X", 5 * DAY), Task("A", DAY, constraint=Constraint(ConstraintType.ALAP)),
             Task("B", 2 * DAY))
    links = (Link("A", "B", LinkType.SS),)
    net = build_network(ScheduleInput(tasks=tasks, links=links, start=START))
    fixed = prepare(net, UncertaintyModel(), targets={"a": ["A"]})
    det = cpm.schedule(net)
    assert needs_reference_kernel(fixed, Criticality.DRIVING_PATH)
    res = simulate(fixed, runs=20, seed=0)
    assert set(res.target("a").finishes.tolist()) == {int(det.early_finish[1])} == {4 * DAY}
    plan = prepare(net, UncertaintyModel(estimates={"X": ThreePointEstimate(
        4 * DAY, 5 * DAY, 9 * DAY)}), targets={"a": ["A"]})
    raw = run_all(plan, 300, seed=3)
    assert len(set(raw.finish[:, 0].tolist())) > 10
    assert np.array_equal(raw.finish[:, 1], raw.finish[:, 0] - DAY)
    with pytest.raises(ValueError):
        run_chunk(plan, 3, 0, 10, batched=True)
