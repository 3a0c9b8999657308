"""Acceptance 1a: early/late dates and total float equal trueppm-scheduler's on 200 networks.

Mon-Fri calendar, whole-day durations, FS/SS/FF links without lags (trueppm's lag arithmetic
differs from MS Project's, so lags are checked against MPXJ instead).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from altitude.engine.cpm import schedule
from altitude.engine.network import build_network
from altitude.interop.network_json import parse_network, result_to_json
from tests.engine.peers.networks import DAY, random_network

trueppm = pytest.importorskip("trueppm_scheduler", reason="trueppm-scheduler is not installed")

pytestmark = pytest.mark.peer


def _trueppm(doc: dict[str, Any]) -> dict[str, Any]:
    tasks = [
        trueppm.Task(
            id=t["id"], name=t["id"], duration=dt.timedelta(days=t["duration_minutes"] // DAY)
        )
        for t in doc["tasks"]
    ]
    deps = [
        trueppm.Dependency(
            predecessor_id=k["from"],
            successor_id=k["to"],
            dep_type=trueppm.DependencyType[k["type"]],
        )
        for k in doc["links"]
    ]
    project = trueppm.Project(
        id="p",
        name="p",
        start_date=dt.date(2026, 1, 5),
        tasks=tasks,
        dependencies=deps,
        calendar=trueppm.Calendar(),
    )
    return {t.id: t for t in trueppm.schedule(project).tasks}


@pytest.mark.parametrize("seed", range(200))
def test_dates_and_total_float_equal_trueppm(seed: int) -> None:
    doc = random_network(seed, size=(3, 30), types=("FS", "SS", "FF"))
    ours = {
        row["id"]: row
        for row in result_to_json(schedule(build_network(parse_network(doc))))["tasks"]
    }
    theirs = _trueppm(doc)
    for tid, row in ours.items():
        peer = theirs[tid]
        got = {
            c: dt.datetime.fromisoformat(row[c]).date()
            for c in ("early_start", "early_finish", "late_start", "late_finish")
        }
        expected = {c: getattr(peer, c) for c in got}
        assert got == expected, (seed, tid)
        assert row["total_float_minutes"] == peer.total_float.days * DAY, (seed, tid)
