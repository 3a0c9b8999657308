"""Acceptance 1b: dates equal MPXJ's MicrosoftScheduler on networks with all four link types,
lags and leads, milestones and holidays.

MPXJ runs in a subprocess (its JVM cannot restart inside one process).  Where a lead or an
FF/SF link would put a task before the project start, MPXJ 16.10 clamps the start but not
the finish (finish < start + duration); we clamp the start and keep the duration (see
docs/algorithms/cpm.md, "Project start clamp", tested in test_cpm_examples.py), so networks
where that happens are compared against our rule, not MPXJ, and are not counted here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from altitude.engine.cpm import ScheduleResult, schedule
from altitude.engine.network import build_network
from altitude.interop.network_json import parse_network, result_to_json
from tests.engine.peers.networks import random_network

pytestmark = pytest.mark.peer

RUNNER = Path(__file__).with_name("mpxj_runner.py")
HOLIDAYS = ["2026-01-07", "2026-01-19", "2026-02-02", "2026-02-03"]
WANTED = 50


def _clamped(result: ScheduleResult) -> bool:
    """True if some task's links alone would start it before the project start."""
    net = result.network
    es, ef, d = result.early_start, result.early_finish, net.duration
    for v in range(net.size):
        lo, hi = net.pred_ptr[v], net.pred_ptr[v + 1]
        for k in range(lo, hi):
            p, t, lag = net.link_from[k], net.link_type[k], net.link_lag[k]
            base = ef[p] if t in (0, 2) else es[p]
            cand = base + lag - (d[v] if t in (2, 3) else 0)
            if cand < 0:
                return True
    return bool((es < 0).any())


def _networks() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    seed = 10_000
    while len(docs) < WANTED:
        doc = random_network(
            seed,
            size=(3, 25),
            types=("FS", "SS", "FF", "SF"),
            lags=(0, 0, 60, 240, 480, 960, -60, -240, -480),
            milestone_rate=0.15,
            holidays=HOLIDAYS,
            whole_days=seed % 2 == 0,
        )
        seed += 1
        if not _clamped(schedule(build_network(parse_network(doc)))):
            docs.append(doc)
    return docs


@pytest.fixture(scope="module")
def mpxj_results() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    pytest.importorskip("mpxj", reason="mpxj is not installed")
    pytest.importorskip("jpype", reason="jpype1 is not installed")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime (install openjdk-17-jre-headless)")
    docs = _networks()
    proc = subprocess.run(
        [sys.executable, str(RUNNER)],
        input=json.dumps(docs),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return docs, json.loads(proc.stdout)


@pytest.mark.parametrize("case", range(WANTED))
def test_dates_equal_mpxj(case: int, mpxj_results: tuple[list[dict[str, Any]], list[Any]]) -> None:
    docs, results = mpxj_results
    doc, theirs = docs[case], results[case]
    assert "error" not in theirs, theirs
    ours = result_to_json(schedule(build_network(parse_network(doc))))
    for row in ours["tasks"]:
        peer = theirs[row["id"]]
        for column in ("early_start", "early_finish", "late_start", "late_finish"):
            assert row[column] == peer[column], (case, row["id"], column, doc)


def test_enough_networks_were_compared() -> None:
    assert len(_networks()) == WANTED
    assert np.unique([len(d["tasks"]) for d in _networks()]).size > 5
