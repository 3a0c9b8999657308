"""The result file with a status date: progress fields, documented in the schema."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from altitude.cli import app

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


def test_cli_reports_progress_fields_listed_in_the_schema(tmp_path: Path) -> None:
    network = {
        "start": "2026-01-05T08:00",
        "status_date": "2026-01-06T12:00",
        "calendars": {
            "std": {
                "week": {
                    d: [["08:00", "12:00"], ["13:00", "17:00"]]
                    for d in ("mon", "tue", "wed", "thu", "fri")
                },
                "exceptions": [{"date": "2026-01-07", "working": False}],
            }
        },
        "tasks": [
            {
                "id": "A",
                "duration_minutes": 960,
                "percent_complete": 50,
                "actual_start": "2026-01-05T08:00",
            },
            {"id": "B", "duration_minutes": 480},
            {
                "id": "D",
                "duration_minutes": 240,
                "actual_start": "2026-01-05T08:00",
                "actual_finish": "2026-01-05T12:00",
            },
        ],
        "links": [{"from": "A", "to": "B"}],
    }
    src, out = tmp_path / "net.json", tmp_path / "res.json"
    src.write_text(json.dumps(network))
    res = CliRunner().invoke(app, ["schedule", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text())
    schema = json.loads((SCHEMAS / "schedule-result.schema.json").read_text())
    assert set(doc) <= set(schema["properties"]) and doc["status_date"] == "2026-01-06T12:00"
    row_schema = schema["properties"]["tasks"]["items"]
    rows = {t["id"]: t for t in doc["tasks"]}
    for row in rows.values():
        assert set(row_schema["required"]) <= set(row) <= set(row_schema["properties"])
        assert row["progress"] in row_schema["properties"]["progress"]["enum"]
    assert (rows["A"]["progress"], rows["A"]["remaining_minutes"]) == ("in_progress", 480)
    assert rows["A"]["early_finish"] == "2026-01-08T12:00"
    assert (rows["D"]["progress"], rows["D"]["remaining_minutes"]) == ("complete", 0)
    assert rows["D"]["early_finish"] == "2026-01-05T12:00" and not rows["D"]["critical"]
    assert rows["B"]["progress"] == "not_started" and rows["B"]["early_start"] == "2026-01-08T13:00"
    network_schema = json.loads((SCHEMAS / "network.schema.json").read_text())
    task_props = network_schema["properties"]["tasks"]["items"]["properties"]
    for key in ("percent_complete", "actual_start", "actual_finish", "remaining_minutes"):
        assert task_props[key]["description"]
