"""Project workspace writes on a small plan: inline edit, predecessors column, indent, board moves.

The plan (tests/web/planning.py) in DCX-01, rows in outline order: 1 Phase 1 (summary),
2 Design (5 d), 3 Build (3 d, assigned to the member), 4 Go-live; Design -> Build -> Go-live.
Project start Monday 2 March 2026: Design 2-6 March, Build 9-11 March, Go-live 11 March.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from altitude.core.errors import InvalidInput, StaleVersion
from altitude.delivery import services, workspace
from altitude.delivery.models import Dependency, Task, TaskStatus
from altitude.delivery.services.tasks import renumber
from tests.personas import Demo
from tests.web.planning import Plan, task

pytestmark = pytest.mark.django_db
Clients = Callable[[str], Client]


def _local_day(value: dt.datetime | None) -> dt.date | None:
    from django.utils import timezone

    return value.astimezone(timezone.get_current_timezone()).date() if value else None


def _row_post(t: Task, **changes: Any) -> dict[str, Any]:
    columns = services.predecessor_columns(t.project_id, [t.pk])
    values = {"version": t.version, "name": t.name, "duration_days": t.duration_minutes / 480,
              "percent_complete": t.percent_complete, "status": t.status,
              "predecessors": columns[t.pk].text if t.pk in columns else ""}
    values.update(changes)
    return {f"t{t.pk}-{k}": v for k, v in values.items()}


def _edit(client: Client, demo: Demo, t: Task, **changes: Any) -> Any:
    return client.post(f"/projects/{demo.dcx01.pk}/tasks/{t.pk}/edit/", _row_post(t, **changes), headers={"HX-Request": "true"})


# -- predecessors column service ---------------------------------------------------------

def test_predecessor_column_reads_row_ids(demo: Demo, plan: Plan) -> None:
    columns = services.predecessor_columns(demo.dcx01.pk)
    assert columns[plan.build.pk].text == "2"
    assert columns[plan.golive.pk].text == "3"
    assert plan.design.pk not in columns


def test_replace_predecessors_writes_types_and_lags(demo: Demo, plan: Plan) -> None:
    pm = demo.user("project")
    updated = services.replace_predecessors(pm, plan.golive.pk, plan.golive.version, "3FS+2d, 2SS-1d")
    links = {d.predecessor_id: (d.type, d.lag_minutes, d.lag_elapsed)
             for d in Dependency.objects.filter(successor=plan.golive)}
    assert links == {plan.build.pk: ("FS", 960, False), plan.design.pk: ("SS", -480, False)}
    assert updated.version == plan.golive.version + 1
    assert services.predecessor_columns(demo.dcx01.pk)[plan.golive.pk].text == "2SS-1d, 3FS+2d"
    services.replace_predecessors(pm, plan.golive.pk, updated.version, "")
    assert not Dependency.objects.filter(successor=plan.golive).exists()


def test_a_cycle_is_refused_by_name_and_nothing_is_saved(demo: Demo, plan: Plan) -> None:
    pm = demo.user("project")
    with pytest.raises(InvalidInput) as caught:
        services.replace_predecessors(pm, plan.design.pk, plan.design.version, "4")  # Go-live -> Design closes a loop
    assert caught.value.field == "predecessors"
    assert "Design" in caught.value.message and "Go-live" in caught.value.message
    assert not Dependency.objects.filter(successor=plan.design).exists()
    plan.design.refresh_from_db()
    assert plan.design.version == Task.objects.get(pk=plan.design.pk).version


@pytest.mark.parametrize(("text", "words"), [
    ("3XY", "'3XY': unknown link type 'XY'"),
    ("99", "there is no row 99"),
    ("4", "cannot be its own predecessor"),
])
def test_bad_entries_name_the_entry(demo: Demo, plan: Plan, text: str, words: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.replace_predecessors(demo.user("project"), plan.golive.pk, plan.golive.version, text)
    assert words in caught.value.message and caught.value.field == "predecessors"
    assert Dependency.objects.filter(successor=plan.golive).count() == 1


def test_stale_version_changes_nothing(demo: Demo, plan: Plan) -> None:
    with pytest.raises(StaleVersion):
        services.replace_predecessors(demo.user("project"), plan.golive.pk, plan.golive.version - 1, "2")
    assert [d.predecessor_id for d in Dependency.objects.filter(successor=plan.golive)] == [plan.build.pk]


# -- task list inline edit (htmx) -----------------------------------------------------------

def test_inline_edit_saves_reschedules_and_returns_the_table(client_for: Clients, demo: Demo, plan: Plan) -> None:
    response = _edit(client_for("project"), demo, plan.golive, predecessors="3FS+2d", name="Go-live!")
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#task-table"
    html = response.content.decode()
    assert "Task 4 saved." in html and "3FS+2d" in html and "Go-live!" in html
    plan.golive.refresh_from_db()
    assert plan.golive.name == "Go-live!"
    assert _local_day(plan.golive.start) == dt.date(2026, 3, 13)  # Build ends Wed 11 March, +2 working days
    assert "2026-03-13" in html


def test_inline_edit_duration_and_progress(client_for: Clients, demo: Demo, plan: Plan) -> None:
    client = client_for("project")
    assert _edit(client, demo, plan.design, duration_days="7").status_code == 200
    plan.design.refresh_from_db()
    assert plan.design.duration_minutes == 7 * 480
    plan.build.refresh_from_db()
    assert _local_day(plan.build.start) == dt.date(2026, 3, 11)  # successors moved by two working days
    assert _edit(client, demo, plan.design, percent_complete="40", status="in_progress").status_code == 200
    plan.design.refresh_from_db()
    assert (plan.design.percent_complete, plan.design.status) == (40, "in_progress")


def test_invalid_predecessors_show_the_error_and_change_nothing(client_for: Clients, demo: Demo, plan: Plan) -> None:
    response = _edit(client_for("project"), demo, plan.golive, predecessors="3FS+2q", name="Renamed")
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#task-{plan.golive.pk}"
    html = response.content.decode()
    assert "unknown lag unit" in html and "3FS+2q" in html
    plan.golive.refresh_from_db()
    assert plan.golive.name == "Go-live" and plan.golive.version == Task.objects.get(pk=plan.golive.pk).version
    assert [d.lag_minutes for d in Dependency.objects.filter(successor=plan.golive)] == [0]


def test_cycle_in_the_column_is_named(client_for: Clients, demo: Demo, plan: Plan) -> None:
    response = _edit(client_for("project"), demo, plan.design, predecessors="4")
    assert response.status_code == 422
    assert "Go-live" in response.content.decode()
    assert not Dependency.objects.filter(successor=plan.design).exists()


def test_conflict_answers_409_with_the_fresh_row(client_for: Clients, demo: Demo, plan: Plan) -> None:
    stale = Task.objects.get(pk=plan.golive.pk)
    services.update_task(demo.user("admin"), plan.golive.pk, plan.golive.version, {"name": "Launch"})
    response = _edit(client_for("project"), demo, stale, name="Go-live tomorrow")
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed by someone else since you loaded it; reloaded" in html
    assert 'value="Launch"' in html
    assert Task.objects.get(pk=plan.golive.pk).name == "Launch"


def test_milestone_duration_error_names_the_field(client_for: Clients, demo: Demo, plan: Plan) -> None:
    response = _edit(client_for("project"), demo, plan.golive, duration_days="2")
    assert response.status_code == 422
    assert "A milestone has no duration" in response.content.decode()


def test_member_may_not_edit_rows(client_for: Clients, demo: Demo, plan: Plan) -> None:
    client = client_for("member")
    assert _edit(client, demo, plan.golive, name="x").status_code == 403
    assert client.get(f"/projects/{demo.dcx01.pk}/tasks/{plan.golive.pk}/edit/").status_code == 403
    assert "Edit row" not in client.get(f"/projects/{demo.dcx01.pk}/tasks/").content.decode()


def test_task_of_another_project_is_404(client_for: Clients, demo: Demo, plan: Plan) -> None:
    assert client_for("project").get(f"/projects/{demo.dcx01.pk}/tasks/{plan.app.pk}/edit/").status_code == 404
    assert client_for("outsider").get(f"/projects/{demo.dcx01.pk}/tasks/").status_code == 404


def test_edit_without_javascript_redirects(client_for: Clients, demo: Demo, plan: Plan) -> None:
    client = client_for("project")
    assert "Edit task 4" in client.get(f"/projects/{demo.dcx01.pk}/tasks/{plan.golive.pk}/edit/").content.decode()
    response = client.post(f"/projects/{demo.dcx01.pk}/tasks/{plan.golive.pk}/edit/", _row_post(plan.golive, name="Live"))
    assert response.status_code == 302
    assert Task.objects.get(pk=plan.golive.pk).name == "Live"


def test_indent_and_outdent(client_for: Clients, demo: Demo, plan: Plan) -> None:
    client = client_for("project")
    url = f"/projects/{demo.dcx01.pk}/tasks/{plan.golive.pk}/"
    response = client.post(url + "indent/", {"version": plan.golive.version}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "indented" in response.content.decode()
    golive = Task.objects.get(pk=plan.golive.pk)
    assert golive.parent_id == plan.phase.pk and golive.wbs == "1.3"
    response = client.post(url + "outdent/", {"version": golive.version}, headers={"HX-Request": "true"})
    golive = Task.objects.get(pk=plan.golive.pk)
    assert golive.parent_id is None and golive.wbs == "2"
    response = client.post(url + "outdent/", {"version": golive.version}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "already at the top level" in response.content.decode()
    response = client.post(url + "indent/", {"version": golive.version - 1}, headers={"HX-Request": "true"})
    assert response.status_code == 409 and "changed by someone else" in response.content.decode()
    assert Task.objects.get(pk=plan.golive.pk).parent_id is None


def test_task_list_filters_persist(client_for: Clients, demo: Demo, plan: Plan) -> None:
    html = client_for("member").get(f"/projects/{demo.dcx01.pk}/tasks/?q=Build").content.decode()
    assert "Build" in html and "Design</td>" not in html and 'value="Build"' in html
    html = client_for("member").get(f"/projects/{demo.dcx01.pk}/tasks/?q=nothing-like-this").content.decode()
    assert "No task matches these filters" in html


# -- board -----------------------------------------------------------------------------------

def _move(client: Client, demo: Demo, t: Task, status: str, version: int | None = None, **extra: Any) -> Any:
    data = {"status": status, "version": t.version if version is None else version, **extra}
    return client.post(f"/projects/{demo.dcx01.pk}/board/{t.pk}/move/", data, headers={"HX-Request": "true"})


def test_board_columns_and_wip(client_for: Clients, demo: Demo, plan: Plan) -> None:
    html = client_for("project").get(f"/projects/{demo.dcx01.pk}/board/").content.decode()
    assert "To do <span class=\"wip\">3 tasks</span>" in html  # Design, Build, Go-live; not the summary
    assert "Phase 1" not in html


def test_member_moves_own_card_not_others(client_for: Clients, demo: Demo, plan: Plan) -> None:
    client = client_for("member")
    response = _move(client, demo, plan.build, TaskStatus.IN_PROGRESS)
    assert response.status_code == 200 and "moved to In progress" in response.content.decode()
    assert Task.objects.get(pk=plan.build.pk).status == TaskStatus.IN_PROGRESS
    assert _move(client, demo, plan.design, TaskStatus.DONE).status_code == 403
    assert Task.objects.get(pk=plan.design.pk).status == TaskStatus.TODO


def test_board_move_conflict_and_bad_status(client_for: Clients, demo: Demo, plan: Plan) -> None:
    client = client_for("project")
    response = _move(client, demo, plan.design, TaskStatus.BLOCKED, version=plan.design.version - 1)
    assert response.status_code == 409 and "changed by someone else" in response.content.decode()
    assert _move(client, demo, plan.design, "nowhere").status_code == 422
    assert Task.objects.get(pk=plan.design.pk).status == TaskStatus.TODO


def test_board_filter_by_assignee(client_for: Clients, demo: Demo, plan: Plan) -> None:
    html = client_for("project").get(f"/projects/{demo.dcx01.pk}/board/?assignee={plan.resource.pk}").content.decode()
    assert f'value="{plan.resource.pk}" selected' in html
    assert "Build" in html and "Design" not in html


# -- gantt data, overview, resources -------------------------------------------------------------

def test_gantt_data_has_rows_baseline_and_edit_flag(client_for: Clients, demo: Demo, plan: Plan) -> None:
    data = client_for("project").get(f"/projects/{demo.dcx01.pk}/schedule/data/").json()
    rows = {t["name"]: t for t in data["tasks"]}
    assert [rows[n]["row"] for n in ("Phase 1", "Design", "Build", "Go-live")] == [1, 2, 3, 4]
    assert rows["Build"]["baseline_start"] == "2026-03-09" and data["baseline"] == "Approved plan"
    assert rows["Build"]["critical"] is True and rows["Build"]["version"] == plan.build.version
    assert data["can_edit"] is True
    assert client_for("member").get(f"/projects/{demo.dcx01.pk}/schedule/data/").json()["can_edit"] is False
    assert client_for("outsider").get(f"/projects/{demo.dcx01.pk}/schedule/data/").status_code == 404


def test_overview_summary_slip_after_a_change(demo: Demo, plan: Plan) -> None:
    pm = demo.user("project")
    services.update_task(pm, plan.build.pk, plan.build.version, {"duration_minutes": 5 * 480})
    services.reschedule_project(pm, demo.dcx01.pk)
    summary = workspace.overview(pm, demo.dcx01)
    assert summary["slip_days"] == 2 and summary["critical_count"] == 3 and summary["leaf_count"] == 3
    html = Client()
    html.force_login(pm)
    page = html.get(f"/projects/{demo.dcx01.pk}/").content.decode()
    assert "▲ 2 days late" in page


def test_resource_load_spreads_work_by_week(demo: Demo, plan: Plan) -> None:
    """Build (3 d, 9-11 March) at 100 %: 24 h in the week of 9 March; a second full-time task overloads it."""
    pm = demo.user("project")
    load = workspace.resource_load(pm, demo.dcx01, dt.date(2026, 3, 2), weeks=2)
    (row,) = load["load"]
    assert [c["hours"] for c in row["weeks"]] == [0.0, 24.0] and not row["over_weeks"]
    extra = task(pm, demo.dcx01, "Hotfix", 5)
    from altitude.resources.models import Assignment

    Assignment.objects.create(task=extra, resource=plan.resource)
    renumber(demo.dcx01.pk)
    services.reschedule_project(pm, demo.dcx01.pk)
    load = workspace.resource_load(pm, demo.dcx01, dt.date(2026, 3, 2), weeks=2)
    (row,) = load["load"]
    assert [c["hours"] for c in row["weeks"]] == [40.0, 24.0]
    extra2 = task(pm, demo.dcx01, "Second hotfix", 5)
    Assignment.objects.create(task=extra2, resource=plan.resource)
    services.reschedule_project(pm, demo.dcx01.pk)
    row = workspace.resource_load(pm, demo.dcx01, dt.date(2026, 3, 2), weeks=2)["load"][0]
    assert row["weeks"][0]["over"] and row["weeks"][0]["percent"] == 200 and row["over_weeks"] == 1
    client = Client()
    client.force_login(pm)
    assert "over 200 %" in client.get(f"/projects/{demo.dcx01.pk}/resources/?from=2026-03-02").content.decode()



def test_summary_duration_is_not_typed(client_for: Clients, demo: Demo, plan: Plan) -> None:
    client = client_for("project")
    html = client.get(f"/projects/{demo.dcx01.pk}/tasks/{plan.phase.pk}/edit/", headers={"HX-Request": "true"}).content.decode()
    assert "disabled" in html
    phase = Task.objects.get(pk=plan.phase.pk)
    assert _edit(client, demo, phase, duration_days="30", name="Phase one").status_code == 200
    phase.refresh_from_db()
    assert phase.name == "Phase one" and phase.duration_minutes == plan.phase.duration_minutes


# -- the same column through the API ------------------------------------------------------------

def test_predecessors_api(client_for: Clients, demo: Demo, plan: Plan) -> None:
    from tests.web.planning import call

    client = client_for("project")
    url = f"/api/v1/tasks/{plan.golive.pk}/predecessors"
    status, body = call(client, "PUT", url, {"predecessors": "3FS+1d"})
    assert status == 428 and body["field"] == "version"
    status, body = call(client, "PUT", url, {"predecessors": "3FS+1d, 9"}, **{"If-Match": f'"{plan.golive.version}"'})
    assert status == 422 and body["field"] == "predecessors" and "no row 9" in body["detail"]
    status, body = call(client, "PUT", url, {"predecessors": "3FS+1d"}, **{"If-Match": f'"{plan.golive.version}"'})
    assert status == 200 and body["version"] == plan.golive.version + 1
    assert Dependency.objects.get(successor=plan.golive).lag_minutes == 480
    status, body = call(client, "PUT", url, {"predecessors": "2", "version": plan.golive.version})
    assert status == 409
    status, _ = call(client_for("member"), "PUT", url, {"predecessors": "", "version": plan.golive.version + 1})
    assert status == 403
    assert Dependency.objects.filter(successor=plan.golive).count() == 1


def test_inline_edit_sets_the_levelling_priority(client_for: Clients, demo: Demo, plan: Plan) -> None:
    client = client_for("project")
    html = client.get(f"/projects/{demo.dcx01.pk}/tasks/{plan.build.pk}/edit/", headers={"HX-Request": "true"}).content.decode()
    assert f'name="t{plan.build.pk}-leveling_priority"' in html and 'value="500"' in html
    assert _edit(client, demo, plan.build, leveling_priority="800").status_code == 200
    assert Task.objects.get(pk=plan.build.pk).leveling_priority == 800
    build = Task.objects.get(pk=plan.build.pk)
    refused = _edit(client, demo, build, leveling_priority="1001").content.decode()
    assert "less than or equal to 1000" in refused and Task.objects.get(pk=plan.build.pk).version == build.version
    phase = client.get(f"/projects/{demo.dcx01.pk}/tasks/{plan.phase.pk}/edit/", headers={"HX-Request": "true"}).content.decode()
    assert f'name="t{plan.phase.pk}-leveling_priority"' in phase and "disabled" in phase
