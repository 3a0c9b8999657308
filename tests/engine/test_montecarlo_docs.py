"""The worked examples of docs/algorithms/montecarlo.md, number for number."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from altitude.engine.montecarlo import (
    RiskEvent,
    RiskImpact,
    UncertaintyModel,
    prepare,
    simulate,
)
from altitude.engine.montecarlo.distributions import TRIANGULAR, quantile
from altitude.engine.montecarlo.sampling import key_from_seed, run_stream, uniform
from altitude.engine.network import Link, ScheduleInput, Task, build_network

START = dt.datetime(2026, 1, 5, 8, 0)


def test_example_1_triangular_quantile() -> None:
    x = quantile(TRIANGULAR, np.array([0.25, 0.9]), 480.0, 960.0, 1920.0)
    assert x[0] == pytest.approx(895.69, abs=0.01)
    assert x[1] == pytest.approx(1548.19, abs=0.01)
    assert [int(np.floor(v + 0.5)) for v in x] == [896, 1548]


def test_counter_random_numbers() -> None:
    key = key_from_seed(7)
    assert key == 16920295385781661272
    assert uniform(np.uint64(run_stream(np.uint64(key), 0)), 0) == 0.43182180508127144


def test_example_2_risk_shifts_exactly_its_runs() -> None:
    tasks = (Task("A", 960), Task("B", 1440), Task("C", 480))
    links = (Link("A", "B"), Link("B", "C"))
    risk = RiskEvent("R", 0.3, (RiskImpact("B", add_minutes=960),))
    plan = prepare(build_network(ScheduleInput(tasks=tasks, links=links, start=START)),
                   UncertaintyModel(risks=(risk,)))
    res = simulate(plan, runs=10_000, seed=9)
    prog = res.target()
    assert prog.deterministic == 2880
    assert plan.finish_date(prog.deterministic) == dt.datetime(2026, 1, 12, 17, 0)
    assert int((prog.finishes == 3840).sum()) == 3003
    assert set(prog.finishes.tolist()) == {2880, 3840}
    assert [prog.percentiles[q] for q in (10, 20, 30, 40, 50, 60)] == [2880] * 6
    assert [prog.percentiles[q] for q in (70, 80, 90, 95)] == [3840] * 4
    assert plan.finish_date(prog.percentiles[80]) == dt.datetime(2026, 1, 14, 17, 0)
    assert prog.probability_by(prog.deterministic) == 0.6997
    assert prog.contingency(80) == 960
    (driver,) = res.risk_drivers
    assert driver.occurred_share == 0.3003
    assert driver.finish_shift_minutes == 960.0
    whole_blocks = simulate(plan, runs=4096, seed=9).target().finishes
    assert int((whole_blocks == 3840).sum()) == 1228 == 4 * int(0.3 * 1024)


def test_example_3_parallel_paths_analytic_value() -> None:
    fa = 1 - 3**2 / (8 * 5)
    fb = 1 - 5**2 / (9 * 8)
    assert fa == 0.775
    assert round(fb, 4) == 0.6528
    assert round(fa * fb, 4) == 0.5059
