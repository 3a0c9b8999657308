"""``altitude level`` on a PSPLIB file and on the scheduling engine's JSON network."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest
from typer.testing import CliRunner

from altitude.cli import app
from tests.interop.test_psplib import SMALL
from tests.interop.test_psplib_rcp import TINY_RCP

WEEK = {
    day: [["08:00", "12:00"], ["13:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")
}


def network(**extra: object) -> dict[str, object]:
    return {
        "start": "2026-01-05T08:00",
        "calendars": {"std": {"week": WEEK}},
        "default_calendar": "std",
        "resources": [{"id": "dev", "capacity": 1}],
        "tasks": [
            {"id": "A", "duration_minutes": 960, "demands": {"dev": 1}},
            {"id": "B", "duration_minutes": 480, "demands": {"dev": 1}, "priority": 100},
            {"id": "C", "duration_minutes": 480},
        ],
        "links": [{"from": "A", "to": "C"}],
        **extra,
    }


@pytest.mark.parametrize(("name", "text"), [("tiny.sm", SMALL), ("tiny.rcp", TINY_RCP)])
def test_level_psplib_file(tmp_path: Path, name: str, text: str) -> None:
    """The same instance as PSPLIB ``.sm`` and as Patterson's ``.rcp`` (by suffix)."""
    source = tmp_path / name
    source.write_text(text, encoding="latin-1")
    out = tmp_path / "result.json"
    result = CliRunner().invoke(app, ["level", str(source), "--mode", "exact", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert (data["makespan"], data["status"], data["bound"]) == (5, "optimal", 5)
    dates = {t["id"]: (t["start"], t["finish"]) for t in data["tasks"]}
    assert sorted([dates["2"], dates["3"]]) in ([(0, 2), (2, 5)], [(0, 3), (3, 5)])


def test_level_json_network_gives_dates_and_reasons(tmp_path: Path) -> None:
    source = tmp_path / "net.json"
    source.write_text(json.dumps(network()))
    result = CliRunner().invoke(app, ["level", str(source), "--time-limit", "0.2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    tasks = {t["id"]: t for t in data["tasks"]}
    assert (tasks["A"]["start"], tasks["A"]["finish"]) == ("2026-01-05T08:00", "2026-01-06T17:00")
    assert (tasks["B"]["start"], tasks["B"]["finish"]) == ("2026-01-07T08:00", "2026-01-07T17:00")
    assert data["makespan"] == 1440 and data["status"] == "optimal"
    assert data["delays"] == [
        {
            "task": "B",
            "delay": 960,
            "predecessor": None,
            "resource": "dev",
            "competing_tasks": ["A"],
            "successor": None,
        }
    ]
    assert data["load_before"]["dev"] == [[0, 480, 2, 1], [480, 960, 1, 1]]


def test_level_json_tasks_at_1000_are_not_levelled(tmp_path: Path) -> None:
    """B at 1000 ("do not level") keeps its first day and A waits for the developer instead;
    with A at 1000 too, neither moves: the output reports their overlap with both held, and
    the status infeasible."""
    doc: dict[str, Any] = network()
    doc["tasks"][1]["priority"] = 1000
    source = tmp_path / "net.json"

    def run() -> dict[str, Any]:
        source.write_text(json.dumps(doc))
        result = CliRunner().invoke(app, ["level", str(source), "--time-limit", "0.2"])
        assert result.exit_code == 0, result.output
        return cast(dict[str, Any], json.loads(result.stdout))

    data = run()
    tasks = {t["id"]: t for t in data["tasks"]}
    assert (tasks["B"]["start"], tasks["B"]["finish"]) == ("2026-01-05T08:00", "2026-01-05T17:00")
    assert tasks["A"]["start"] == "2026-01-06T08:00"
    assert [(d["task"], d["resource"], d["competing_tasks"]) for d in data["delays"]] == [("A", "dev", ["B"]), ("C", None, [])]
    assert data["overallocations"] == [] and data["status"] in ("optimal", "feasible")
    doc["tasks"][0]["priority"] = 1000
    data = run()
    tasks = {t["id"]: t for t in data["tasks"]}
    assert tasks["A"]["start"] == tasks["B"]["start"] == "2026-01-05T08:00"
    assert data["status"] == "infeasible"
    [over] = data["overallocations"]
    assert over["resource"] == "dev" and sorted(over["held"]) == ["A", "B"]


@pytest.mark.parametrize("budget", ["-1", "nan", "inf"])
def test_a_bad_time_limit_is_refused_before_the_input_is_read(tmp_path: Path, budget: str) -> None:
    result = CliRunner().invoke(app, ["level", str(tmp_path / "missing.json"), "--time-limit", budget])
    assert result.exit_code == 2
    assert "--time-limit" in result.stderr and "cannot read" not in result.stderr


def test_level_json_cycle_is_an_error_naming_the_tasks(tmp_path: Path) -> None:
    source = tmp_path / "net.json"
    source.write_text(
        json.dumps(network(links=[{"from": "A", "to": "C"}, {"from": "C", "to": "A"}]))
    )
    result = CliRunner().invoke(app, ["level", str(source)])
    assert result.exit_code != 0
    assert "A" in result.stderr and "C" in result.stderr and "cycl" in result.stderr


def test_level_unknown_resource_names_the_task(tmp_path: Path) -> None:
    doc = network()
    doc["tasks"][0]["demands"] = {"ghost": 1}  # type: ignore[index]
    source = tmp_path / "net.json"
    source.write_text(json.dumps(doc))
    result = CliRunner().invoke(app, ["level", str(source)])
    assert result.exit_code != 0
    assert "task A" in result.stderr and "ghost" in result.stderr


def test_milestones_sit_at_the_finish_they_follow(tmp_path: Path) -> None:
    """As the scheduler shows them: a milestone after a levelled task is on that task's
    finish (start and finish alike), not at the start of the next working day."""
    spec = network()
    spec["tasks"] = [
        {"id": "A", "duration_minutes": 480, "demands": {"dev": 1}, "priority": 900},
        {"id": "B", "duration_minutes": 480, "demands": {"dev": 1}},
        {"id": "M", "duration_minutes": 0, "milestone": True},
        {"id": "K", "duration_minutes": 0, "milestone": True},
    ]
    spec["links"] = [{"from": "B", "to": "M"}, {"from": "A", "to": "K"}]
    source = tmp_path / "net.json"
    source.write_text(json.dumps(spec))
    result = CliRunner().invoke(app, ["level", str(source), "--time-limit", "0.2"])
    assert result.exit_code == 0, result.output
    tasks = {t["id"]: (t["start"], t["finish"]) for t in json.loads(result.stdout)["tasks"]}
    assert tasks["B"] == ("2026-01-06T08:00", "2026-01-06T17:00")
    assert tasks["M"] == ("2026-01-06T17:00", "2026-01-06T17:00")  # moved with B
    assert tasks["K"] == ("2026-01-05T17:00", "2026-01-05T17:00")  # unmoved: the scheduler's date


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"resources": {"dev": 1}}, "resources: expected a list"),
        ({"resources": [{"id": "dev", "capacity": 1, "units": 2}]}, "resource dev: unknown field(s) ['units']"),
        ({"resources": [{"id": "dev", "capacity": 1, "changes": {"start": 5}}]}, "resource dev changes"),
        ({"within_float": "yes"}, "within_float: expected true or false"),
        ({"project_priorities": {"P1": "high"}}, "project_priorities.P1: expected an integer"),
        ({"task": {"priority": 5000}}, "task A priority: expected 0 to 1000, got 5000"),
        ({"task": {"splittable": "no"}}, "task A splittable: expected true or false"),
        ({"task": {"demands": {"dev": 0.5}}}, "task A demands.dev: expected an integer"),
    ],
)
def test_bad_levelling_fields_are_named(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    doc = network()
    doc["tasks"][0].update(change.pop("task", {}))  # type: ignore[index]
    doc.update(change)
    source = tmp_path / "net.json"
    source.write_text(json.dumps(doc))
    result = CliRunner().invoke(app, ["level", str(source)])
    assert result.exit_code == 1
    assert message in result.stderr


def level_json(path: Path, doc: dict[str, object], *options: str) -> dict[str, Any]:
    """``altitude level`` on ``doc`` written to ``path``; its JSON answer (exit code 0 checked)."""
    path.write_text(json.dumps(doc))
    result = CliRunner().invoke(app, ["level", str(path), *options])
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def test_overallocations_have_dates_and_json_is_read_whatever_the_suffix(tmp_path: Path) -> None:
    doc = network()
    doc["tasks"][0]["demands"] = {"dev": 2}  # type: ignore[index]
    data = level_json(tmp_path / "net.txt", doc, "--time-limit", "0.1")
    assert data["status"] == "infeasible"
    over = data["overallocations"][0]
    assert (over["resource"], over["load"], over["capacity"], over["tasks"]) == ("dev", 2, 1, ["A"])
    assert (over["start_date"], over["end_date"]) == ("2026-01-05T08:00", "2026-01-06T17:00")
    assert over["held"] == [], "A is too big for dev, not held by a date"


def test_an_overallocation_says_which_tasks_cannot_leave_it(tmp_path: Path) -> None:
    """Two must-start-on tasks of dev overlap on Tuesday: both are held; A and B, free to
    move, are levelled around them."""
    doc = network()
    doc["tasks"] += [  # type: ignore[operator]
        {"id": "M1", "duration_minutes": 960, "constraint": {"type": "MSO", "date": "2026-01-05T08:00"},
         "demands": {"dev": 1}},
        {"id": "M2", "duration_minutes": 480, "constraint": {"type": "MSO", "date": "2026-01-06T08:00"},
         "demands": {"dev": 1}},
    ]
    data = level_json(tmp_path / "net.json", doc, "--time-limit", "0.2")
    assert data["status"] == "infeasible"
    (over,) = data["overallocations"]
    assert (over["tasks"], over["held"], over["start"], over["end"]) == (["M1", "M2"], ["M1", "M2"], 480, 960)


@pytest.mark.parametrize("mode", ["heuristic", "exact"])
def test_a_must_finish_on_date_wins_over_a_link_it_cannot_meet(tmp_path: Path, mode: str) -> None:
    """M must finish on Tuesday 08:00, but follows A (two days from Monday): the scheduler
    keeps M's date, and so does levelling; the link is listed, and nothing is said infeasible."""
    doc = network()
    doc["tasks"].append(  # type: ignore[attr-defined]
        {"id": "M", "duration_minutes": 0, "milestone": True,
         "constraint": {"type": "MFO", "date": "2026-01-06T08:00"}, "demands": {"dev": 1}})
    doc["links"].append({"from": "A", "to": "M"})  # type: ignore[attr-defined]
    data = level_json(tmp_path / "net.json", doc, "--mode", mode, "--time-limit", "0.3")
    assert data["unmet_links"] == [{"from": "A", "to": "M"}]
    tasks = {t["id"]: t for t in data["tasks"]}
    assert tasks["M"]["start_offset"] == 480 and data["status"] == "optimal", data["status"]
    assert data["overallocations"] == []


def test_the_heuristic_mode_does_not_load_or_tools(tmp_path: Path) -> None:
    """A quarter of a second of imports the command line's interactive mode never uses:
    OR-Tools (which loads pandas) is loaded by the exact mode only (:mod:`.exact_search`)."""
    source = tmp_path / "net.json"
    source.write_text(json.dumps(network()))
    script = (
        "import sys\n"
        "from altitude.cli import app\n"
        f"try: app(['level', {str(source)!r}, '--time-limit', '0.1', '-o', {str(tmp_path / 'out.json')!r}])\n"
        "except SystemExit as stop: assert not stop.code, stop.code\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'ortools', 'pandas'}))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]", run.stdout + run.stderr
    assert json.loads((tmp_path / "out.json").read_text())["status"] == "optimal"
    script = script.replace("'--time-limit'", "'--mode', 'exact', '--time-limit'")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "['ortools', 'pandas']", "the check itself sees the imports"


def test_the_result_has_a_task_a_line(tmp_path: Path) -> None:
    """Readable and quick to write for 10,000 tasks: each field, each task, each delay and each
    resource's profile on a line of its own; empty lists stay ``[]``."""
    source = tmp_path / "net.json"
    source.write_text(json.dumps(network()))
    result = CliRunner().invoke(app, ["level", str(source), "--time-limit", "0.1"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    data = json.loads(result.stdout)
    assert [json.loads(line.rstrip(",")) for line in lines if line.startswith('  {"id": ')] == data["tasks"]
    assert ' "overallocations": [],' in lines and ' "unmet_links": [],' in lines
    assert '  "dev": [[0, 480, 2, 1], [480, 960, 1, 1]]' in lines
    assert (lines[0], lines[-1]) == ("{", "}")
