"""The ``altitude simulate`` file contract: input extension, result schema, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from altitude.cli import app
from altitude.engine.errors import ScheduleValidationError
from altitude.interop.simulation_json import parse_simulation

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "schemas" / "simulation-result.schema.json"
WEEK = {d: [["08:00", "12:00"], ["13:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def network() -> dict[str, Any]:
    return {
        "start": "2026-01-05T08:00",
        "calendars": {"std": {"week": WEEK, "exceptions": [{"date": "2026-01-16",
                                                            "working": False}]}},
        "default_calendar": "std",
        "tasks": [
            {"id": "design", "duration_minutes": 2400, "project": "P1",
             "estimate": {"optimistic_minutes": 1920, "most_likely_minutes": 2400,
                          "pessimistic_minutes": 4800, "distribution": "pert"}},
            {"id": "build", "duration_minutes": 4800, "project": "P1",
             "estimate": {"optimistic_minutes": 3840, "most_likely_minutes": 4800,
                          "pessimistic_minutes": 7200}},
            {"id": "docs", "duration_minutes": 1920, "project": "P2", "category": "testing"},
            {"id": "done", "duration_minutes": 0, "milestone": True, "project": "P2"},
        ],
        "links": [{"from": "design", "to": "build"}, {"from": "build", "to": "done"},
                  {"from": "design", "to": "docs", "type": "SS", "lag_minutes": 480},
                  {"from": "docs", "to": "done"}],
        "risks": [
            {"id": "R1", "name": "supplier late", "probability": 0.3,
             "impacts": [{"task": "build", "add_minutes": 960}]},
            {"id": "O1", "name": "reuse", "probability": 0.5,
             "impacts": [{"task": "design", "multiplier": 0.8}]},
        ],
        "drivers": [{"id": "team", "tasks": {"design": 0.5, "build": 0.5}}],
    }


def validate(value: Any, schema: dict[str, Any], path: str = "$") -> None:
    """The subset of JSON Schema our schema uses (no validator package needed)."""
    types = schema.get("type")
    if types is not None:
        names = types if isinstance(types, list) else [types]
        ok: dict[str, type | tuple[type, ...]] = {"object": dict, "array": list, "string": str, "integer": int,
              "number": (int, float), "null": type(None)}
        assert any(isinstance(value, ok[t]) and not (t in ("integer", "number")
                   and isinstance(value, bool)) for t in names), f"{path}: {value!r} not {names}"
    if "enum" in schema:
        assert value in schema["enum"], path
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        assert value >= schema.get("minimum", value), path
        assert value <= schema.get("maximum", value), path
    if isinstance(value, str) and "pattern" in schema:
        assert re.match(schema["pattern"], value), f"{path}: {value!r}"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{path}: missing {key}"
        props = schema.get("properties", {})
        for key, item in value.items():
            if key in props:
                validate(item, props[key], f"{path}.{key}")
            else:
                assert schema.get("additionalProperties", True) is not False, f"{path}.{key}"
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            validate(item, schema["items"], f"{path}[{i}]")


def run(tmp_path: Path, doc: Any, *args: str) -> Any:
    src = tmp_path / "net.json"
    src.write_text(json.dumps(doc) if not isinstance(doc, str) else doc, encoding="utf-8")
    return CliRunner().invoke(app, ["simulate", str(src), *args])


def test_simulate_command_writes_a_valid_result(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    res = run(tmp_path, network(), "--runs", "3000", "--seed", "5", "-o", str(out),
              "--target-date", "2026-01-30T17:00")
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
    pct = doc["finish_percentiles"]
    assert list(pct) == ["P10", "P20", "P30", "P40", "P50", "P60", "P70", "P80", "P90", "P95"]
    assert sorted(pct.values()) == list(pct.values())
    assert doc["deterministic_finish"] <= pct["P95"]
    assert sum(b["runs"] for b in doc["histogram"]) == 3000
    names = [t["name"] for t in doc["targets"]]
    assert names == ["project:P1", "project:P2", "done"]
    tasks = {t["id"]: t for t in doc["tasks"]}
    assert tasks["build"]["criticality"] > 0.5 and tasks["build"]["sensitivity"] > 0.3
    assert [r["id"] for r in doc["risks"]] == ["R1", "O1"]  # ranked by finish shift
    assert doc["risks"][0]["type"] == "threat" and doc["risks"][1]["type"] == "opportunity"
    assert doc["risks"][0]["finish_shift_minutes"] > 0 > doc["risks"][1]["finish_shift_minutes"]
    assert 0.0 <= doc["target"]["probability"] <= 1.0


def test_same_seed_same_document(tmp_path: Path) -> None:
    first = run(tmp_path, network(), "--runs", "500", "--seed", "1")
    second = run(tmp_path, network(), "--runs", "500", "--seed", "1")
    third = run(tmp_path, network(), "--runs", "500", "--seed", "2")
    assert first.exit_code == 0 and first.stdout == second.stdout
    assert first.stdout != third.stdout


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda d: d["risks"][0]["impacts"][0].update(task="ghost"), "ghost"),
        (lambda d: d["tasks"][0]["estimate"].update(optimistic_minutes=9999), "estimate"),
        (lambda d: d["tasks"][1]["estimate"].update(distribution="normal"),
         "estimate.distribution"),
        (lambda d: d["risks"][1].update(probability=1.5), "risks[1].probability"),
        (lambda d: d["tasks"][0].update(estimate={"most_likely_minutes": 1}),
         "estimate.optimistic_minutes"),
        (lambda d: d["drivers"][0]["tasks"].update(build=2.0), "drivers[0]"),
    ],
)
def test_errors_name_the_task_and_field(tmp_path: Path, mutate: Any, needle: str) -> None:
    doc = network()
    mutate(doc)
    res = run(tmp_path, doc, "--runs", "10")
    assert res.exit_code == 2
    assert needle in res.stderr


def test_cycle_and_bad_arguments(tmp_path: Path) -> None:
    doc = network()
    doc["links"].append({"from": "done", "to": "design"})
    res = run(tmp_path, doc, "--runs", "10")
    assert res.exit_code == 3 and "design" in res.stderr
    assert run(tmp_path, network(), "--runs", "0").exit_code == 2
    assert run(tmp_path, "{not json", "--runs", "10").exit_code == 2


def test_parse_keeps_the_engine_contract() -> None:
    spec, model, targets = parse_simulation(network())
    assert [t.id for t in spec.tasks] == ["design", "build", "docs", "done"]
    assert model.estimates["design"].distribution.value == "pert"
    assert model.categories == {"docs": "testing"}
    assert targets == {"project:P1": ["design", "build"], "project:P2": ["docs", "done"]}
    with pytest.raises(ScheduleValidationError) as info:
        parse_simulation({**network(), "targets": {"x": "design"}})
    assert info.value.field == "targets.x"
