"""Monte Carlo schedule risk: analytic checks, reproducibility, chunk merging, semantics."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from altitude.engine import cpm
from altitude.engine.errors import ScheduleValidationError
from altitude.engine.montecarlo import (
    PROGRAM,
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
    summarise,
)
from altitude.engine.montecarlo.distributions import PERT, PERT_CLASSIC, TRIANGULAR, quantile
from altitude.engine.network import Link, LinkType, ScheduleInput, Task, build_network

START = dt.datetime(2026, 1, 5, 8, 0)
DAY = 480


def chain(durations: list[int], prefix: str = "T") -> tuple[tuple[Task, ...], tuple[Link, ...]]:
    tasks = tuple(Task(id=f"{prefix}{i}", duration_minutes=d) for i, d in enumerate(durations))
    links = tuple(Link(f"{prefix}{i}", f"{prefix}{i + 1}") for i in range(len(durations) - 1))
    return tasks, links


def net_of(tasks: tuple[Task, ...], links: tuple[Link, ...] = ()):  # type: ignore[no-untyped-def]
    return build_network(ScheduleInput(tasks=tasks, links=links, start=START))


def tri_cdf(x: float, a: float, m: float, b: float) -> float:
    if x <= a:
        return 0.0
    if x >= b:
        return 1.0
    if x <= m:
        return (x - a) ** 2 / ((b - a) * (m - a))
    return 1.0 - (b - x) ** 2 / ((b - a) * (b - m))


def test_chain_of_triangulars_matches_analytic_mean_and_variance() -> None:
    est = [ThreePointEstimate(DAY * (2 + i % 3), DAY * (4 + i % 3), DAY * (9 + 2 * (i % 4)))
           for i in range(12)]
    tasks, links = chain([int(e.most_likely_minutes) for e in est])
    net = net_of(tasks, links)
    plan = prepare(net, UncertaintyModel(estimates={t.id: e for t, e in zip(tasks, est, strict=True)}))
    res = simulate(plan, runs=20000, seed=11, criticality="none")
    fin = res.target().finishes.astype(np.float64)
    mean = sum(e.mean for e in est)
    var = sum(e.variance for e in est)
    assert abs(fin.mean() / mean - 1) < 0.01
    assert abs(fin.var() / var - 1) < 0.01 * 5  # sampling error of a variance: ~1.4 % (1 sd)


def test_chain_variance_is_within_one_percent_with_more_runs() -> None:
    est = [ThreePointEstimate(DAY * 2, DAY * 3, DAY * 8) for _ in range(5)]
    tasks, links = chain([DAY * 3] * 5)
    plan = prepare(net_of(tasks, links), UncertaintyModel(
        estimates={t.id: e for t, e in zip(tasks, est, strict=True)}))
    fin = simulate(plan, runs=200_000, seed=5, criticality="none").target().finishes
    assert abs(fin.mean() / (5 * est[0].mean) - 1) < 0.01
    assert abs(fin.astype(np.float64).var() / (5 * est[0].variance) - 1) < 0.01


def test_two_parallel_paths_probability_is_the_product() -> None:
    a = ThreePointEstimate(DAY * 2, DAY * 5, DAY * 10)
    b = ThreePointEstimate(DAY * 3, DAY * 4, DAY * 12)
    tasks = (Task("A", DAY * 5), Task("B", DAY * 4))
    plan = prepare(net_of(tasks), UncertaintyModel(estimates={"A": a, "B": b}))
    res = simulate(plan, runs=40000, seed=2)
    prog = res.target()
    for days in (5, 6, 7, 8, 9):
        x = days * DAY
        expected = tri_cdf(x, *_abc(a)) * tri_cdf(x, *_abc(b))
        assert abs(prog.probability_by(x) - expected) < 0.01, days
    crit = dict(zip(res.task_ids, res.criticality or (), strict=True))
    assert crit["A"] + crit["B"] == 1.0  # one driving path per run


def _abc(e: ThreePointEstimate) -> tuple[float, float, float]:
    return e.optimistic_minutes, e.most_likely_minutes, e.pessimistic_minutes


def test_risk_event_shifts_exactly_the_runs_where_it_occurs() -> None:
    tasks, links = chain([DAY * 2, DAY * 3, DAY])
    p = 0.3
    risk = RiskEvent("R1", p, (RiskImpact("T1", add_minutes=DAY * 2),))
    plan = prepare(net_of(tasks, links), UncertaintyModel(risks=(risk,)))
    runs = 10000
    res = simulate(plan, runs=runs, seed=9)
    fin = res.target().finishes
    det = res.target().deterministic
    assert set(np.unique(fin).tolist()) == {det, det + 2 * DAY}
    delayed = int((fin == det + 2 * DAY).sum())
    (driver,) = res.risk_drivers
    assert delayed == round(driver.occurred_share * runs)
    assert abs(delayed - p * runs) < 4 * math.sqrt(runs * p * (1 - p))
    assert driver.finish_shift_minutes == pytest.approx(2 * DAY)
    # stratified draws: over whole blocks of 1,024 runs the share is exact, for any p/seed
    for prob, seed in ((0.3, 1), (0.05, 2), (0.777, 3)):
        plan_p = prepare(net_of(tasks, links), UncertaintyModel(risks=(
            RiskEvent("R1", prob, (RiskImpact("T1", add_minutes=DAY * 2),)),)))
        raw = run_all(plan_p, 3 * 1024, seed=seed, chunk_runs=1000)
        assert raw.risk_runs[0] in range(3 * math.floor(prob * 1024), 3 * math.floor(prob * 1024) + 4)


def test_opportunity_and_multiplier() -> None:
    tasks, links = chain([DAY * 10, DAY * 2])
    risks = (RiskEvent("O1", 1.0, (RiskImpact("T0", multiplier=0.5),)),
             RiskEvent("R2", 1.0, (RiskImpact("T0", add_minutes=-DAY),)))
    plan = prepare(net_of(tasks, links), UncertaintyModel(risks=risks))
    res = simulate(plan, runs=50, seed=1)
    # multiplier first, then the added minutes: 10 d * 0.5 - 1 d + 2 d = 6 d
    assert set(res.target().finishes.tolist()) == {6 * DAY}
    assert risks[0].is_opportunity and risks[1].is_opportunity


def _model_for(tasks: tuple[Task, ...]) -> UncertaintyModel:
    kinds = list(DistributionKind)
    est = {t.id: ThreePointEstimate(t.duration_minutes * 0.8, t.duration_minutes,
                                    t.duration_minutes * 1.7, kinds[i % 3])
           for i, t in enumerate(tasks)}
    return UncertaintyModel(
        estimates=est,
        risks=(RiskEvent("R", 0.4, (RiskImpact(tasks[1].id, add_minutes=600),
                                    RiskImpact(tasks[3].id, multiplier=1.3))),),
        drivers=(SharedDriver("D", {tasks[0].id: 0.7, tasks[2].id: -0.5}),),
    )


def _assert_same(x, y) -> None:  # type: ignore[no-untyped-def]
    assert x.runs == y.runs
    assert np.array_equal(x.finish, y.finish)
    assert (x.critical, x.sum_d, x.sum_dd, x.sum_df, x.sum_f, x.sum_ff, x.risk_runs,
            x.risk_sum_f) == (y.critical, y.sum_d, y.sum_dd, y.sum_df, y.sum_f, y.sum_ff,
                              y.risk_runs, y.risk_sum_f)


def test_seed_reproduces_bit_for_bit_and_chunks_merge_to_one_run() -> None:
    tasks, links = chain([DAY * (1 + i % 4) for i in range(8)])
    plan = prepare(net_of(tasks, links), _model_for(tasks))
    whole = run_all(plan, 3000, seed=42, chunk_runs=3000)
    again = run_all(plan, 3000, seed=42, chunk_runs=3000)
    _assert_same(whole, again)
    parts = [run_chunk(plan, 42, 2000, 1000), run_chunk(plan, 42, 0, 700),
             run_chunk(plan, 42, 700, 1300, threads=1)]
    merged = merge(parts)
    _assert_same(whole, merged)
    assert _summaries_equal(summarise(plan, whole), summarise(plan, merged))
    other = run_all(plan, 3000, seed=43)
    assert not np.array_equal(other.finish, whole.finish)


def _summaries_equal(a, b) -> bool:  # type: ignore[no-untyped-def]
    assert a.criticality == b.criticality and a.sensitivity == b.sensitivity
    assert a.risk_drivers == b.risk_drivers
    for x, y in zip(a.targets, b.targets, strict=True):
        assert x.percentiles == y.percentiles and np.array_equal(x.finishes, y.finishes)
    return True


def test_merge_refuses_gaps_and_other_seeds() -> None:
    tasks, links = chain([DAY, DAY])
    plan = prepare(net_of(tasks, links), UncertaintyModel())
    with pytest.raises(ValueError):
        merge([run_chunk(plan, 1, 0, 10), run_chunk(plan, 1, 11, 10)])
    with pytest.raises(ValueError):
        merge([run_chunk(plan, 1, 0, 10), run_chunk(plan, 2, 10, 10)])


def test_plain_python_kernel_gives_the_same_bits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without numba the kernels run as plain Python: they must give the same bits."""
    from numba.core.registry import CPUDispatcher

    from altitude.engine import kernels
    from altitude.engine.montecarlo import batched, draws, kernel, sampling, simulation

    if not hasattr(kernel.simulate_block, "py_func"):
        pytest.skip("numba absent: the kernel already runs as plain Python")
    tasks, links = chain([DAY * (1 + i % 3) for i in range(5)])
    plan = prepare(net_of(tasks, links), _model_for(tasks))
    compiled = [run_chunk(plan, 3, 0, 40, threads=2, batched=b) for b in (False, True)]
    for module in (kernels, sampling, draws, kernel, batched, simulation):
        for name, obj in list(vars(module).items()):
            if isinstance(obj, CPUDispatcher):
                monkeypatch.setattr(module, name, obj.py_func)
    monkeypatch.setattr(batched, "thread_id", lambda: 0)
    for b, expected in zip((False, True), compiled, strict=True):
        plain = run_chunk(plan, 3, 0, 40, threads=1, batched=b)
        _assert_same(expected, plain)


def test_fixed_durations_reproduce_the_cpm_schedule_with_every_feature() -> None:
    from altitude.interop.network_json import parse_network

    doc = {
        "start": "2026-01-05T08:00", "status_date": "2026-01-07T12:00",
        "calendars": {
            "std": {"week": {d: [["08:00", "12:00"], ["13:00", "17:00"]]
                             for d in ("mon", "tue", "wed", "thu", "fri")},
                    "exceptions": [{"date": "2026-01-09", "working": False}]},
            "night": {"week": {d: [["20:00", "23:00"]] for d in ("mon", "tue", "wed", "thu")}},
        },
        "default_calendar": "std",
        "tasks": [
            {"id": "A", "duration_minutes": 960, "actual_start": "2026-01-05T08:00",
             "remaining_minutes": 480},
            {"id": "B", "duration_minutes": 1440},
            {"id": "C", "duration_minutes": 600, "calendar": "night"},
            {"id": "D", "duration_minutes": 480, "constraint": {"type": "SNET",
                                                                 "date": "2026-01-14T08:00"}},
            {"id": "E", "duration_minutes": 0, "milestone": True},
            {"id": "F", "duration_minutes": 960, "parent": "S"},
            {"id": "G", "duration_minutes": 480, "parent": "S"},
            {"id": "S", "duration_minutes": 0},
        ],
        "links": [
            {"from": "A", "to": "B", "type": "FS", "lag_minutes": 120},
            {"from": "A", "to": "C", "type": "SS", "lag_minutes": 240},
            {"from": "B", "to": "D", "type": "FF", "lag_minutes": -60},
            {"from": "C", "to": "E", "type": "FS", "lag_minutes": 1440, "lag_kind": "elapsed"},
            {"from": "D", "to": "E", "type": "SF", "lag_minutes": 30},
            {"from": "B", "to": "F"},
            {"from": "F", "to": "G", "type": "SS", "lag_minutes": 480},
        ],
    }
    net = build_network(parse_network(doc))
    plan = prepare(net, UncertaintyModel(
        estimates={"B": ThreePointEstimate(1440, 1440, 1440)}))
    res = simulate(plan, runs=20, seed=0)
    det = cpm.schedule(net)
    ef = cpm.offsets_to_instants(net, det.early_finish, True)
    wt = net.calendars[net.default_cal]
    expected = int(wt.offsets([int(ef[~net.summary].max())])[0])
    assert set(res.target().finishes.tolist()) == {expected}
    assert res.target().deterministic == expected
    e = res.target("E")
    assert set(e.finishes.tolist()) == {int(wt.offsets([int(ef[net.index()["E"]])])[0])}


def test_criticality_and_sensitivity() -> None:
    tasks = (Task("long", DAY * 10), Task("short", DAY * 2), Task("end", DAY))
    links = (Link("long", "end"), Link("short", "end"))
    model = UncertaintyModel(estimates={
        "long": ThreePointEstimate(DAY * 8, DAY * 10, DAY * 16),
        "short": ThreePointEstimate(DAY, DAY * 2, DAY * 3),
    })
    plan = prepare(net_of(tasks, links), model)
    for mode in ("driving_path", "total_float"):
        res = simulate(plan, runs=2000, seed=4, criticality=mode)
        crit = dict(zip(res.task_ids, res.criticality or (), strict=True))
        assert crit == {"long": 1.0, "short": 0.0, "end": 1.0}, mode
    sens = dict(zip(res.task_ids, res.sensitivity, strict=True))
    assert sens["long"] == pytest.approx(1.0)
    assert abs(sens["short"] or 0.0) < 0.1
    assert sens["end"] is None  # no variation: no correlation


def test_total_float_criticality_counts_tied_paths_driving_path_one() -> None:
    tasks = (Task("A", DAY * 3), Task("B", DAY * 3), Task("C", DAY))
    links = (Link("A", "C"), Link("B", "C"))
    plan = prepare(net_of(tasks, links), UncertaintyModel())
    by_float = simulate(plan, runs=10, seed=1, criticality="total_float").criticality
    by_path = simulate(plan, runs=10, seed=1, criticality="driving_path").criticality
    assert by_float == (1.0, 1.0, 1.0)
    assert by_path is not None and by_path[2] == 1.0 and by_path[0] + by_path[1] == 1.0
    assert simulate(plan, runs=10, seed=1, criticality="none").criticality is None


def test_shared_driver_correlates_durations() -> None:
    tasks = (Task("A", DAY * 5), Task("B", DAY * 5))
    est = ThreePointEstimate(DAY * 3, DAY * 5, DAY * 9)
    runs = 20000
    results = {}
    for rho in (0.0, 0.9):
        drivers = (SharedDriver("D", {"A": rho, "B": rho}),) if rho else ()
        plan = prepare(net_of(tasks), UncertaintyModel(estimates={"A": est, "B": est},
                                                      drivers=drivers), targets={"a": ["A"],
                                                                                  "b": ["B"]})
        raw = run_all(plan, runs, seed=8)
        a, b = raw.finish[:, 1].astype(float), raw.finish[:, 2].astype(float)
        results[rho] = (np.corrcoef(a, b)[0, 1], a.mean(), a.var())
    assert abs(results[0.0][0]) < 0.03
    assert 0.75 < results[0.9][0] < 0.85  # normal correlation 0.81, margins preserved:
    assert results[0.9][1] == pytest.approx(est.mean, rel=0.01)
    assert results[0.9][2] == pytest.approx(est.variance, rel=0.05)


@pytest.mark.parametrize("kind", [TRIANGULAR, PERT, PERT_CLASSIC])
@pytest.mark.parametrize("mode", [0.0, 0.2, 0.5, 0.85, 1.0])
def test_quantile_functions_have_the_analytic_moments(kind: int, mode: float) -> None:
    e = ThreePointEstimate(100.0, 100.0 + 300.0 * mode, 400.0,
                           {TRIANGULAR: DistributionKind.TRIANGULAR, PERT: DistributionKind.PERT,
                            PERT_CLASSIC: DistributionKind.PERT_CLASSIC}[kind])
    u = (np.arange(400_000) + 0.5) / 400_000
    x = quantile(kind, u, 100.0, 100.0 + 300.0 * mode, 400.0)
    assert x.mean() == pytest.approx(e.mean, rel=1e-3)
    assert x.var() == pytest.approx(e.variance, rel=5e-3)
    assert np.all(np.diff(x) >= 0)


def test_progress_fixes_completed_work_and_scales_remaining() -> None:
    tasks = (Task("A", DAY * 4, progress=_progress(done=True)), Task("B", DAY * 4))
    links = (Link("A", "B"),)
    spec = ScheduleInput(tasks=tasks, links=links, start=START,
                         status_date=dt.datetime(2026, 1, 9, 17, 0))
    net = build_network(spec)
    model = UncertaintyModel(estimates={"A": ThreePointEstimate(DAY, DAY * 4, DAY * 20),
                                        "B": ThreePointEstimate(DAY * 4, DAY * 4, DAY * 4)},
                             risks=(RiskEvent("R", 1.0, (RiskImpact("A", add_minutes=DAY),)),))
    res = simulate(prepare(net, model), runs=100, seed=1)
    assert set(res.target().finishes.tolist()) == {res.target().deterministic}
    crit = dict(zip(res.task_ids, res.criticality or (), strict=True))
    assert crit["A"] == 0.0  # history is never critical


def _progress(done: bool):  # type: ignore[no-untyped-def]
    from altitude.engine.network import Progress

    return Progress(percent_complete=100.0, actual_start=START,
                    actual_finish=dt.datetime(2026, 1, 8, 17, 0)) if done else None


def test_validation_names_task_and_field() -> None:
    tasks, links = chain([DAY, DAY])
    net = net_of(tasks, links)
    with pytest.raises(ScheduleValidationError) as info:
        prepare(net, UncertaintyModel(risks=(RiskEvent("R", 0.5, (RiskImpact("nope", 10),)),)))
    assert info.value.task == "nope"
    with pytest.raises(ValueError):
        ThreePointEstimate(10, 5, 20)
    with pytest.raises(ValueError):
        RiskEvent("R", 1.5, ())
    with pytest.raises(ScheduleValidationError):
        prepare(net, UncertaintyModel(), targets={"x": ["missing"]})


def test_default_band_applies_to_categorised_tasks_only() -> None:
    tasks = (Task("A", DAY * 10), Task("B", DAY * 10))
    plan = prepare(net_of(tasks), UncertaintyModel(categories={"A": "testing"}),
                   targets={"a": ["A"], "b": ["B"]})
    res = simulate(plan, runs=2000, seed=3)
    assert res.target("b").std == 0.0
    assert res.target("a").std > 0
    assert res.target("a").mean == pytest.approx(DAY * 10 * (0.9 + 1 + 1.6) / 3, rel=0.01)
    assert res.target(PROGRAM).percentiles[95] <= DAY * 16


def test_batched_kernel_equals_the_scalar_kernel_on_plain_networks() -> None:
    rng = np.random.default_rng(3)
    n = 60
    tasks = tuple(Task(f"t{i}", int(rng.integers(1, 6)) * DAY) for i in range(n))
    links = tuple(
        Link(f"t{p}", f"t{i}", [LinkType.FS, LinkType.SS, LinkType.FF][int(rng.integers(0, 3))],
             int(rng.integers(-1, 3)) * 240)
        for i in range(1, n) for p in set(rng.integers(0, i, size=2).tolist())
    )
    plan = prepare(net_of(tasks, links), _model_for(tasks))
    assert plan.arrays["plain"].all()
    for first, runs in ((0, 37), (5, 101)):
        a = run_chunk(plan, 11, first, runs, batched=True, threads=2)
        b = run_chunk(plan, 11, first, runs, batched=False, threads=1)
        _assert_same(a, b)
    with pytest.raises(ValueError):
        run_chunk(plan, 11, 0, 5, batched=True, criticality="total_float")


def test_batched_kernel_equals_the_scalar_kernel_with_every_feature() -> None:
    from altitude.interop.network_json import parse_network

    rng = np.random.default_rng(21)
    for case in range(6):
        n = 40
        tasks: list[dict[str, object]] = []
        for i in range(n):
            t: dict[str, object] = {"id": f"t{i}", "duration_minutes": int(rng.integers(0, 6)) * 240}
            if rng.random() < 0.3:
                t["calendar"] = "late"
            if rng.random() < 0.1:
                t["constraint"] = {"type": str(rng.choice(["SNET", "FNET", "SNLT", "MSO"])),
                                   "date": f"2026-01-{int(rng.integers(6, 28)):02d}T10:00"}
            if i < 6 and rng.random() < 0.5:
                t["actual_start"] = "2026-01-05T08:00"
                t["remaining_minutes"] = int(rng.integers(0, 3)) * 120
            if 30 <= i < 34:
                t["parent"] = "t39"
            tasks.append(t)
        links = [{"from": f"t{p}", "to": f"t{i}", "type": str(rng.choice(["FS", "SS", "FF", "SF"])),
                  "lag_minutes": int(rng.integers(-2, 4)) * 120,
                  "lag_kind": "elapsed" if rng.random() < 0.2 else "working"}
                 for i in range(1, 30) for p in set(rng.integers(0, i, size=2).tolist())]
        doc = {"start": "2026-01-05T08:00", "status_date": "2026-01-06T12:00",
               "calendars": {"std": {"week": {d: [["08:00", "17:00"]]
                                              for d in ("mon", "tue", "wed", "thu", "fri")}},
                             "late": {"week": {d: [["10:00", "19:00"]]
                                               for d in ("mon", "tue", "wed", "thu", "sat")}}},
               "default_calendar": "std", "tasks": tasks, "links": links}
        net = build_network(parse_network(doc))
        leaf = [t for t in net.ids if not net.summary[net.index()[t]]]
        plan = prepare(net, _model_for(tuple(Task(t, 480) for t in leaf)))
        for first, runs in ((0, 29), (3, 16)):
            a = run_chunk(plan, 5, first, runs, batched=True, threads=2)
            b = run_chunk(plan, 5, first, runs, batched=False, threads=1)
            _assert_same(a, b)
        assert case >= 0
