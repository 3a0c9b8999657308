"""The JSON file contract: parsing, validation errors naming task and field, the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from altitude.cli import app
from altitude.engine.errors import CyclicDependency, ScheduleValidationError
from altitude.engine.network import build_network
from altitude.interop.network_json import parse_network

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


def doc(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "start": "2026-01-05T08:00",
        "calendars": {"std": {"week": {"mon": [["08:00", "12:00"], ["13:00", "17:00"]]}}},
        "default_calendar": "std",
        "tasks": [{"id": "A", "duration_minutes": 480}, {"id": "B", "duration_minutes": 60}],
        "links": [{"from": "A", "to": "B", "type": "FS", "lag_minutes": 0}],
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("change", "task", "field"),
    [
        ({"tasks": [{"id": "A", "duration_minutes": -5}]}, "A", "duration_minutes"),
        ({"links": [{"from": "A", "to": "Z"}]}, "Z", "links.to"),
        (
            {"tasks": [{"id": "A", "duration_minutes": 1, "constraint": {"type": "SNET"}}]},
            "A",
            "constraint.date",
        ),
        ({"tasks": [{"id": "A", "duration_minutes": 1, "calendar": "nope"}]}, "A", "calendar"),
        ({"tasks": [{"id": "A", "duration_minutes": 1, "parent": "Q"}]}, "A", "parent"),
        ({"tasks": [{"id": "A"}, {"id": "A"}], "links": []}, "A", "id"),
        ({"links": [{"from": "A", "to": "B", "type": "XX"}]}, "B", "links[0].type"),
    ],
)
def test_invalid_input_names_task_and_field(change: dict[str, Any], task: str, field: str) -> None:
    with pytest.raises(ScheduleValidationError) as info:
        build_network(parse_network(doc(**change)))
    assert info.value.task == task and info.value.field == field
    assert task in str(info.value)


def test_cycle_is_reported_with_members() -> None:
    d = doc(links=[{"from": "A", "to": "B"}, {"from": "B", "to": "A"}])
    with pytest.raises(CyclicDependency) as info:
        build_network(parse_network(d))
    assert sorted(info.value.tasks) == ["A", "B"]


def test_cli_writes_result_and_fails_with_a_message(tmp_path: Path) -> None:
    runner = CliRunner()
    src, out = tmp_path / "net.json", tmp_path / "res.json"
    src.write_text(json.dumps(doc()))
    ok = runner.invoke(app, ["schedule", str(src), "-o", str(out)])
    assert ok.exit_code == 0, ok.output
    result = json.loads(out.read_text())
    # Only Mondays work: B starts the next Monday.
    assert result["tasks"][1]["early_start"] == "2026-01-12T08:00"
    assert result["finish"] == "2026-01-12T09:00"
    src.write_text(json.dumps(doc(links=[{"from": "A", "to": "B"}, {"from": "B", "to": "A"}])))
    bad = runner.invoke(app, ["schedule", str(src)])
    assert bad.exit_code != 0 and "A" in bad.output and "cyclic" in bad.output


def test_schemas_are_published_and_list_the_contract_fields() -> None:
    network = json.loads((SCHEMAS / "network.schema.json").read_text())
    result = json.loads((SCHEMAS / "schedule-result.schema.json").read_text())
    assert {"start", "calendars", "tasks", "links"} <= set(network["properties"])
    row = result["properties"]["tasks"]["items"]["required"]
    assert "total_float_minutes" in row and "critical" in row
