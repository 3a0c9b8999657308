"""Random networks in the JSON file contract, shared by the peer-agreement tests."""

from __future__ import annotations

import random
from typing import Any

DAY = 480
WORK_DAY = [["08:00", "12:00"], ["13:00", "17:00"]]
START = "2026-01-05T08:00"  # a Monday


def calendar_doc(holidays: list[str] | None = None) -> dict[str, Any]:
    week = {d: WORK_DAY for d in ("mon", "tue", "wed", "thu", "fri")}
    return {
        "std": {
            "week": week,
            "exceptions": [{"date": h, "working": False} for h in holidays or []],
        }
    }


def random_network(
    seed: int,
    *,
    size: tuple[int, int] = (4, 25),
    types: tuple[str, ...] = ("FS",),
    lags: tuple[int, ...] = (0,),
    milestone_rate: float = 0.0,
    holidays: list[str] | None = None,
    whole_days: bool = True,
) -> dict[str, Any]:
    """A random DAG: each task links to up to 3 earlier tasks (ids ``T0``, ``T1``...)."""
    rng = random.Random(seed)
    n = rng.randint(*size)
    tasks = []
    for i in range(n):
        if rng.random() < milestone_rate:
            minutes = 0
        elif whole_days:
            minutes = rng.randint(1, 8) * DAY
        else:
            minutes = rng.randint(1, 40) * 60
        tasks.append({"id": f"T{i}", "duration_minutes": minutes})
    links = []
    for i in range(1, n):
        for p in rng.sample(range(i), k=min(i, rng.randint(0, 3))):
            links.append(
                {
                    "from": f"T{p}",
                    "to": f"T{i}",
                    "type": rng.choice(types),
                    "lag_minutes": rng.choice(lags),
                }
            )
    return {
        "start": START,
        "calendars": calendar_doc(holidays),
        "default_calendar": "std",
        "tasks": tasks,
        "links": links,
    }
