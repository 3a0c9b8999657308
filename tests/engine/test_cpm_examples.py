"""The worked examples of docs/algorithms/cpm.md, number for number."""

from __future__ import annotations

from typing import Any

import pytest

from altitude.engine.cpm import schedule
from altitude.engine.errors import CyclicDependency
from altitude.engine.network import build_network
from altitude.interop.network_json import parse_network, result_to_json

WEEK = {d: [["08:00", "12:00"], ["13:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def run(tasks: list[dict[str, Any]], links: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    doc = {
        "start": "2026-01-05T08:00",
        "calendars": {
            "std": {"week": WEEK, "exceptions": [{"date": "2026-01-07", "working": False}]}
        },
        "default_calendar": "std",
        "tasks": tasks,
        "links": links,
        **extra,
    }
    out = result_to_json(schedule(build_network(parse_network(doc))))
    out["by_id"] = {t["id"]: t for t in out["tasks"]}
    return out


def dates(row: dict[str, Any]) -> tuple[str, str, str, str]:
    return row["early_start"], row["early_finish"], row["late_start"], row["late_finish"]


def test_example_1_links_and_holiday() -> None:
    r = run(
        [
            {"id": "A", "duration_minutes": 480},
            {"id": "B", "duration_minutes": 960},
            {"id": "C", "duration_minutes": 240},
            {"id": "M", "duration_minutes": 0},
        ],
        [
            {"from": "A", "to": "B"},
            {"from": "A", "to": "C", "type": "SS", "lag_minutes": 240},
            {"from": "B", "to": "M"},
            {"from": "C", "to": "M", "type": "FF"},
        ],
    )
    t = r["by_id"]
    assert dates(t["A"]) == ("2026-01-05T08:00", "2026-01-05T17:00") * 2
    assert dates(t["B"]) == ("2026-01-06T08:00", "2026-01-08T17:00") * 2
    assert dates(t["C"]) == (
        "2026-01-05T13:00",
        "2026-01-05T17:00",
        "2026-01-08T13:00",
        "2026-01-08T17:00",
    )
    assert t["C"]["total_float_minutes"] == t["C"]["free_float_minutes"] == 960
    assert t["M"]["early_start"] == t["M"]["early_finish"] == "2026-01-08T17:00"
    assert [x for x in t if t[x]["critical"]] == ["A", "B", "M"]
    assert r["finish"] == "2026-01-08T17:00" and r["status"] == "ok"
    assert t["B"]["driving_predecessor"] == "A" and t["A"]["driving_predecessor"] is None


def test_example_2_project_start_clamp_keeps_duration() -> None:
    t = run(
        [{"id": "A", "duration_minutes": 480}, {"id": "B", "duration_minutes": 960}],
        [{"from": "A", "to": "B", "type": "FF"}],
    )["by_id"]
    assert dates(t["B"]) == ("2026-01-05T08:00", "2026-01-06T17:00") * 2
    assert t["A"]["total_float_minutes"] == 480


def test_example_3_lead() -> None:
    t = run(
        [{"id": "A", "duration_minutes": 960}, {"id": "B", "duration_minutes": 480}],
        [{"from": "A", "to": "B", "lag_minutes": -240}],
    )["by_id"]
    assert (t["B"]["early_start"], t["B"]["early_finish"]) == (
        "2026-01-06T13:00",
        "2026-01-08T12:00",
    )


def test_example_4_negative_float_is_reported() -> None:
    r = run(
        [
            {"id": "A", "duration_minutes": 960},
            {
                "id": "B",
                "duration_minutes": 480,
                "constraint": {"type": "FNLT", "date": "2026-01-06T17:00"},
            },
        ],
        [{"from": "A", "to": "B"}],
    )
    t = r["by_id"]
    assert r["status"] == "negative_float"
    assert dates(t["B"]) == (
        "2026-01-08T08:00",
        "2026-01-08T17:00",
        "2026-01-06T08:00",
        "2026-01-06T17:00",
    )
    assert t["A"]["total_float_minutes"] == t["B"]["total_float_minutes"] == -480
    assert t["A"]["critical"] and t["B"]["critical"]


def test_example_5_summary_rolls_up() -> None:
    t = run(
        [
            {"id": "P", "duration_minutes": 0},
            {"id": "A", "duration_minutes": 480, "parent": "P"},
            {"id": "B", "duration_minutes": 480, "parent": "P"},
            {"id": "X", "duration_minutes": 480},
        ],
        [{"from": "A", "to": "B"}, {"from": "P", "to": "X"}],
    )["by_id"]
    assert (t["P"]["early_start"], t["P"]["early_finish"]) == (
        "2026-01-05T08:00",
        "2026-01-06T17:00",
    )
    assert t["P"]["summary"] and not t["X"]["summary"]
    assert (t["X"]["early_start"], t["X"]["early_finish"]) == (
        "2026-01-08T08:00",
        "2026-01-08T17:00",
    )
    assert t["X"]["driving_predecessor"] == "P"


def test_example_6_must_finish_by_date_gives_float() -> None:
    t = run(
        [{"id": "A", "duration_minutes": 480}, {"id": "B", "duration_minutes": 480}],
        [{"from": "A", "to": "B"}],
        finish="2026-01-09T17:00",
    )["by_id"]
    assert dates(t["A"]) == (
        "2026-01-05T08:00",
        "2026-01-05T17:00",
        "2026-01-08T08:00",
        "2026-01-08T17:00",
    )
    assert dates(t["B"]) == (
        "2026-01-06T08:00",
        "2026-01-06T17:00",
        "2026-01-09T08:00",
        "2026-01-09T17:00",
    )
    assert [t["A"]["total_float_minutes"], t["B"]["total_float_minutes"]] == [960, 960]
    assert [t["A"]["free_float_minutes"], t["B"]["free_float_minutes"]] == [0, 960]


def test_example_7_cycle_names_its_tasks() -> None:
    with pytest.raises(CyclicDependency) as info:
        run(
            [{"id": "A", "duration_minutes": 480}, {"id": "B", "duration_minutes": 480}],
            [{"from": "A", "to": "B"}, {"from": "B", "to": "A"}],
        )
    assert set(info.value.tasks) == {"A", "B"}
    assert "A -> B -> A" in str(info.value) or "B -> A -> B" in str(info.value)
