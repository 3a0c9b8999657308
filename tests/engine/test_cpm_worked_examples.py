"""Worked examples 8-16 of docs/algorithms/cpm.md (progress, backward scheduling,
calendars, ALAP and constraints, summaries), number for number."""

from __future__ import annotations

from typing import Any

from altitude.engine.cpm import schedule
from altitude.engine.network import build_network
from altitude.interop.network_json import parse_network, result_to_json

WEEK = {d: [["08:00", "12:00"], ["13:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
STD = {"week": WEEK, "exceptions": [{"date": "2026-01-07", "working": False}]}


def run(tasks: list[dict[str, Any]], links: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "start": "2026-01-05T08:00",
        "calendars": {"std": STD},
        "default_calendar": "std",
        "tasks": tasks,
        "links": links,
    }
    doc.update(extra)
    doc = {k: v for k, v in doc.items() if v is not None}
    out = result_to_json(schedule(build_network(parse_network(doc))))
    out["by_id"] = {t["id"]: t for t in out["tasks"]}
    return out


def span(row: dict[str, Any], kind: str = "early") -> tuple[str, str]:
    return row[f"{kind}_start"], row[f"{kind}_finish"]


def test_example_8_progress_remaining_work_after_status_date() -> None:
    r = run(
        [
            {
                "id": "A",
                "duration_minutes": 960,
                "percent_complete": 50,
                "actual_start": "2026-01-05T08:00",
            },
            {"id": "B", "duration_minutes": 480},
        ],
        [{"from": "A", "to": "B"}],
        status_date="2026-01-06T12:00",
    )
    t = r["by_id"]
    assert r["status_date"] == "2026-01-06T12:00"
    # 480 done on Monday; 480 left from Tuesday 13:00 (the status date), Wednesday off.
    assert span(t["A"]) == ("2026-01-05T08:00", "2026-01-08T12:00")
    assert span(t["B"]) == ("2026-01-08T13:00", "2026-01-09T12:00")
    assert t["A"]["progress"] == "in_progress" and t["A"]["remaining_minutes"] == 480
    assert t["B"]["progress"] == "not_started" and t["B"]["remaining_minutes"] == 480
    assert t["A"]["critical"] and t["B"]["critical"]


def test_example_8b_remaining_duration_overrun_grows_the_duration() -> None:
    t = run(
        [
            {
                "id": "A",
                "duration_minutes": 960,
                "percent_complete": 50,
                "remaining_minutes": 720,
                "actual_start": "2026-01-05T08:00",
            }
        ],
        [],
        status_date="2026-01-06T12:00",
    )["by_id"]
    assert t["A"]["duration_minutes"] == 1200 and t["A"]["remaining_minutes"] == 720
    assert span(t["A"]) == ("2026-01-05T08:00", "2026-01-08T17:00")


def test_example_8c_completed_work_is_fixed() -> None:
    r = run(
        [
            {
                "id": "A",
                "duration_minutes": 480,
                "percent_complete": 100,
                "actual_start": "2026-01-05T08:00",
                "actual_finish": "2026-01-05T17:00",
            },
            {"id": "B", "duration_minutes": 480},
        ],
        [{"from": "A", "to": "B"}],
        status_date="2026-01-09T12:00",
    )
    t = r["by_id"]
    assert span(t["A"]) == span(t["A"], "late") == ("2026-01-05T08:00", "2026-01-05T17:00")
    assert t["A"]["progress"] == "complete" and not t["A"]["critical"]
    assert t["A"]["total_float_minutes"] == 0
    # B could follow A on Tuesday but nothing unstarted is scheduled before the status date.
    assert span(t["B"]) == ("2026-01-09T13:00", "2026-01-12T12:00")
    assert r["finish"] == "2026-01-12T12:00"


def test_example_9_backward_from_must_finish_by_date() -> None:
    r = run(
        [
            {"id": "A", "duration_minutes": 480},
            {"id": "B", "duration_minutes": 960},
            {"id": "C", "duration_minutes": 240},
        ],
        [{"from": "A", "to": "B"}, {"from": "A", "to": "C"}],
        start=None,
        finish="2026-01-09T17:00",
    )
    t = r["by_id"]
    assert (r["start"], r["finish"]) == ("2026-01-06T08:00", "2026-01-09T17:00")
    assert span(t["A"], "late") == ("2026-01-06T08:00", "2026-01-06T17:00")
    assert span(t["B"], "late") == ("2026-01-08T08:00", "2026-01-09T17:00")
    # Every task sits at its late dates (ALAP from the deadline).
    assert (t["C"]["start"], t["C"]["finish"]) == ("2026-01-09T13:00", "2026-01-09T17:00")
    assert t["C"]["total_float_minutes"] == 720
    assert [x for x in t if t[x]["critical"]] == ["A", "B"]


def test_example_10_deadline_before_the_work_gives_negative_float() -> None:
    r = run(
        [
            {"id": "A", "duration_minutes": 960},
            {"id": "B", "duration_minutes": 960},
            {"id": "C", "duration_minutes": 240},
        ],
        [{"from": "A", "to": "B"}, {"from": "A", "to": "C"}],
        finish="2026-01-06T17:00",
    )
    t = r["by_id"]
    assert r["status"] == "negative_float" and r["finish"] == "2026-01-06T17:00"
    assert span(t["A"], "late") == ("2026-01-01T08:00", "2026-01-02T17:00")
    assert span(t["B"]) == ("2026-01-08T08:00", "2026-01-09T17:00")
    assert [t[x]["total_float_minutes"] for x in "ABC"] == [-960, -960, -240]
    assert [x for x in t if t[x]["longest_path"]] == ["A", "B"]
    assert all(t[x]["critical"] for x in "ABC")


def test_example_11_tasks_on_different_calendars() -> None:
    calendars = {
        "std": STD,
        "late": {"base": "std", "week": {d: [["13:00", "21:00"]] for d in WEEK | {"sat": 0}}},
        "inherit": {
            "base": "std",
            "exceptions": [
                {"date": "2026-01-08", "working": False},
                {"date": "2026-01-10", "working": True},
            ],
        },
        "night": {
            "week": {
                d: [["22:00", "24:00"], ["00:00", "06:00"]]
                for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
            }
        },
    }
    t = run(
        [
            {"id": "A", "duration_minutes": 480},
            {"id": "B", "duration_minutes": 480, "calendar": "late"},
            {"id": "C", "duration_minutes": 960, "calendar": "inherit"},
            {"id": "D", "duration_minutes": 480, "calendar": "night"},
        ],
        [{"from": "A", "to": "B"}, {"from": "B", "to": "C"}, {"from": "C", "to": "D"}],
        calendars=calendars,
    )["by_id"]
    assert span(t["B"]) == ("2026-01-05T17:00", "2026-01-06T17:00")
    assert span(t["B"], "late") == ("2026-01-08T13:00", "2026-01-08T21:00")
    assert t["B"]["total_float_minutes"] == 720  # in B's own calendar
    assert span(t["C"]) == ("2026-01-09T08:00", "2026-01-10T17:00")
    assert span(t["D"]) == ("2026-01-10T22:00", "2026-01-11T06:00")
    assert span(t["A"], "late") == ("2026-01-06T13:00", "2026-01-08T12:00")


def test_example_12_elapsed_lags() -> None:
    t = run(
        [
            {"id": "A", "duration_minutes": 480},
            {"id": "B", "duration_minutes": 480},
            {"id": "C", "duration_minutes": 60},
        ],
        [
            {"from": "A", "to": "B", "lag_minutes": 1440, "lag_kind": "elapsed"},
            {"from": "A", "to": "C", "type": "SS", "lag_minutes": 90, "lag_kind": "elapsed"},
        ],
    )["by_id"]
    assert span(t["B"]) == ("2026-01-08T08:00", "2026-01-08T17:00")
    assert span(t["A"], "late") == ("2026-01-06T08:00", "2026-01-06T17:00")
    assert span(t["C"]) == ("2026-01-05T09:30", "2026-01-05T10:30")


def test_example_13_alap_task_pushes_its_successors() -> None:
    t = run(
        [
            {"id": "A", "duration_minutes": 480},
            {"id": "B", "duration_minutes": 960},
            {"id": "C", "duration_minutes": 240, "constraint": {"type": "ALAP"}},
            {"id": "D", "duration_minutes": 480},
        ],
        [{"from": "A", "to": "B"}, {"from": "C", "to": "D"}],
    )["by_id"]
    assert (t["C"]["start"], t["C"]["finish"]) == ("2026-01-06T13:00", "2026-01-06T17:00")
    assert span(t["C"]) == span(t["C"], "late")
    assert span(t["D"]) == ("2026-01-08T08:00", "2026-01-08T17:00")
    assert t["C"]["total_float_minutes"] == t["D"]["total_float_minutes"] == 0


def test_example_14_mso_wins_over_a_link_snlt_does_not() -> None:
    mso = run(
        [
            {"id": "A", "duration_minutes": 960},
            {
                "id": "B",
                "duration_minutes": 480,
                "constraint": {"type": "MSO", "date": "2026-01-06T08:00"},
            },
        ],
        [{"from": "A", "to": "B"}],
    )
    t = mso["by_id"]
    assert mso["status"] == "negative_float"
    assert span(t["B"]) == ("2026-01-06T08:00", "2026-01-06T17:00")
    assert t["A"]["late_finish"] == "2026-01-05T17:00"
    assert [t["A"]["total_float_minutes"], t["B"]["total_float_minutes"]] == [-480, 0]
    assert t["B"]["driving_predecessor"] is None
    snlt = run(
        [
            {"id": "A", "duration_minutes": 960},
            {
                "id": "B",
                "duration_minutes": 480,
                "constraint": {"type": "SNLT", "date": "2026-01-06T08:00"},
            },
        ],
        [{"from": "A", "to": "B"}],
    )
    t = snlt["by_id"]
    assert snlt["status"] == "negative_float"
    assert span(t["B"]) == ("2026-01-08T08:00", "2026-01-08T17:00")
    assert t["B"]["late_start"] == "2026-01-06T08:00"
    assert [t["A"]["total_float_minutes"], t["B"]["total_float_minutes"]] == [-480, -480]


def test_example_15_mfo_and_fnet_later_than_the_links() -> None:
    t = run(
        [
            {"id": "A", "duration_minutes": 480},
            {
                "id": "B",
                "duration_minutes": 480,
                "constraint": {"type": "MFO", "date": "2026-01-09T17:00"},
            },
            {"id": "C", "duration_minutes": 480},
            {
                "id": "D",
                "duration_minutes": 240,
                "constraint": {"type": "FNET", "date": "2026-01-06T17:00"},
            },
        ],
        [{"from": "A", "to": "B"}, {"from": "B", "to": "C"}],
    )["by_id"]
    assert span(t["B"]) == ("2026-01-09T08:00", "2026-01-09T17:00")
    assert span(t["C"]) == ("2026-01-12T08:00", "2026-01-12T17:00")
    assert t["A"]["free_float_minutes"] == t["A"]["total_float_minutes"] == 960
    assert span(t["D"]) == ("2026-01-06T13:00", "2026-01-06T17:00")


def test_example_16_summary_successor_links_bound_child_free_float() -> None:
    t = run(
        [
            {"id": "P"},
            {"id": "A", "duration_minutes": 480, "parent": "P"},
            {"id": "B", "duration_minutes": 960, "parent": "P"},
            {"id": "Y", "duration_minutes": 480},
            {"id": "C", "duration_minutes": 4800},
        ],
        [{"from": "P", "to": "Y"}],
    )["by_id"]
    assert span(t["P"]) == ("2026-01-05T08:00", "2026-01-06T17:00")
    assert span(t["P"], "late") == ("2026-01-15T08:00", "2026-01-16T17:00")
    assert t["P"]["total_float_minutes"] == 3360 and t["P"]["summary"]
    assert span(t["Y"]) == ("2026-01-08T08:00", "2026-01-08T17:00")
    # A may slip one day (Tuesday) before it pushes P's successor Y.
    assert t["A"]["free_float_minutes"] == 480
    assert t["A"]["total_float_minutes"] == 3840
    assert t["B"]["free_float_minutes"] == 0
