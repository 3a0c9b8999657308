"""Acceptance 1c: early dates equal TaskJuggler's (``tj3``) on 20 networks.

FS links with working-time lags (``gaplength``), whole-hour durations (``length``), a
Mon-Fri 08:00-12:00/13:00-17:00 calendar with a holiday.  By design TaskJuggler starts a
successor at the instant its predecessor ends (17:00); we start it at the next working
minute (08:00 next working day), as MS Project does: the test normalises TaskJuggler's
starts to the next working minute and says so here.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from altitude.engine.cpm import schedule
from altitude.engine.network import build_network
from altitude.interop.network_json import parse_network, result_to_json
from tests.engine.peers.networks import random_network

pytestmark = pytest.mark.peer

HOLIDAYS = ["2026-01-07", "2026-01-19"]


def _tjp(doc: dict[str, Any]) -> str:
    lines = [
        'project p "p" 2026-01-05-08:00 +24m {',
        '  timezone "UTC"',
        "  timingresolution 60min",
        "  workinghours mon - fri 8:00 - 12:00, 13:00 - 17:00",
        "  workinghours sat, sun off",
        "}",
        *[f'leaves holiday "h{i}" {h}' for i, h in enumerate(HOLIDAYS)],
    ]
    preds: dict[str, list[str]] = {}
    for k in doc["links"]:
        gap = f" {{ gaplength {k['lag_minutes'] // 60}h }}" if k["lag_minutes"] else ""
        preds.setdefault(k["to"], []).append(f"{k['from']}{gap}")
    for t in doc["tasks"]:
        hours = t["duration_minutes"] // 60
        dep = f" depends {', '.join(preds[t['id']])}" if t["id"] in preds else ""
        body = f"length {hours}h" if hours else "milestone"
        lines.append(f'task {t["id"]} "{t["id"]}" {{ {body}{dep} }}')
    lines += [
        'taskreport "out" {',
        "  formats csv",
        "  columns id, start, end",
        '  timeformat "%Y-%m-%dT%H:%M"',
        "}",
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.skipif(shutil.which("tj3") is None, reason="TaskJuggler (tj3) is not installed")
@pytest.mark.parametrize("seed", range(20))
def test_early_dates_equal_taskjuggler(seed: int, tmp_path: Path) -> None:
    doc = random_network(
        seed + 500,
        size=(3, 20),
        lags=(0, 0, 60, 240, 480),
        holidays=HOLIDAYS,
        whole_days=seed % 2 == 0,
    )
    net = build_network(parse_network(doc))
    ours = {row["id"]: row for row in result_to_json(schedule(net))["tasks"]}
    (tmp_path / "p.tjp").write_text(_tjp(doc))
    subprocess.run(
        ["tj3", "--no-color", "p.tjp"], cwd=tmp_path, check=True, capture_output=True, timeout=120
    )
    wt = net.calendars[0]
    with (tmp_path / "out.csv").open() as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert len(rows) == len(ours)
    for row in rows:
        start = dt.datetime.fromisoformat(row["Start"])
        normalised = wt.start_at(wt.offset_of(start))  # TaskJuggler's 17:00 -> next 08:00
        mine = ours[row["Id"]]
        assert mine["early_start"] == normalised.isoformat(timespec="minutes"), (seed, row)
        assert mine["early_finish"] == row["End"], (seed, row)
