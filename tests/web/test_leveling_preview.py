"""The levelling preview on a project's Resources tab: what levelling would delay, and why.

The plan (``tests.web.planning``): DCX-01's Design (5 d) -> Build (3 d, Lena full-time) ->
Go-live. A 10-day Hotfix for Lena from the project start overlaps Build: levelling starts
Build after the Hotfix (5 working days later, and Go-live with it), which is optimal: Lena
has 13 days of work. Nothing is ever written.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from altitude.core.errors import NotFound
from altitude.delivery.models import Project, Stage, Task
from altitude.resources import services as pool
from altitude.resources.models import Assignment
from tests.personas import Demo
from tests.web.planning import Plan, link, task

Clients = Callable[[str], Client]


@pytest.fixture
def hotfix(demo: Demo, plan: Plan) -> Task:
    extra = task(demo.user("project"), demo.dcx01, "Hotfix", 10)
    Assignment.objects.create(task=extra, resource=plan.resource)
    return extra


def _versions(project: Project) -> dict[int, tuple[int, object, object]]:
    return {t.pk: (t.version, t.start, t.finish) for t in Task.objects.filter(project=project)}


def test_the_competing_task_is_delayed_with_its_reason_and_nothing_is_saved(
        client_for: Clients, demo: Demo, plan: Plan, hotfix: Task) -> None:
    before = _versions(demo.dcx01)
    result = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    delayed = {d.label: d for d in result.delayed}
    assert set(delayed) == {"1.2 Build", "2 Go-live"}, delayed
    build = delayed["1.2 Build"]
    assert build.delay_days == 5.0 and build.resource == "Lena Fischer" and build.competing == ("3 Hotfix",)
    assert delayed["2 Go-live"].predecessor == "1.2 Build" and delayed["2 Go-live"].resource is None
    assert result.status == "optimal" and result.resources == 1
    assert [(o.resource, o.load_percent, o.capacity_percent) for o in result.before] == [("Lena Fischer", 200, 100)]
    assert set(result.before[0].tasks) == {"1.2 Build", "3 Hotfix"}
    assert result.after == ()
    assert result.finish_before is not None and result.finish_after is not None
    assert result.finish_slip_days is not None and result.finish_slip_days > 0
    assert build.levelled_start.date() > build.start.date()

    page = client_for("project").get(f"/projects/{demo.dcx01.pk}/resources/?level=1")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-fact="delayed">2 of 4' in html and "1 now, 0 after" in html
    assert "Lena Fischer is busy with 3 Hotfix" in html and "its predecessor 1.2 Build is delayed" in html
    assert _versions(demo.dcx01) == before, "a preview writes nothing"


def test_without_the_button_nothing_is_levelled(client_for: Clients, demo: Demo, plan: Plan, hotfix: Task) -> None:
    html = client_for("project").get(f"/projects/{demo.dcx01.pk}/resources/").content.decode()
    assert "Preview levelling" in html and 'id="leveling-result"' not in html


def test_half_time_assignments_share_a_person(client_for: Clients, demo: Demo, plan: Plan, hotfix: Task) -> None:
    Assignment.objects.filter(resource=plan.resource).update(units=Decimal("0.5"))
    result = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    assert result.delayed == () and result.before == () and result.after == ()
    html = client_for("project").get(f"/projects/{demo.dcx01.pk}/resources/?level=1").content.decode()
    assert "No resource is over-allocated in this plan: levelling changes nothing." in html


def test_an_assignment_above_capacity_is_reported_not_hidden(client_for: Clients, demo: Demo, plan: Plan) -> None:
    Assignment.objects.filter(pk=plan.assignment.pk).update(units=Decimal("2"))
    result = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    assert result.status == "infeasible"
    assert [(o.resource, o.load_percent, o.capacity_percent, o.tasks, o.reasons) for o in result.after] == [
        ("Lena Fischer", 200, 100, ("1.2 Build",), ("1.2 Build needs 200 % alone",))]
    assert result.before[0].reasons == (), "why it stays is said of what levelling leaves"
    html = client_for("project").get(f"/projects/{demo.dcx01.pk}/resources/?level=1").content.decode()
    assert "1 over-allocation cannot be removed (an assignment above the resource" in html
    assert '<td class="reasons">1.2 Build needs 200 % alone</td>' in html


def test_within_float_keeps_the_finish_and_reports_what_remains(demo: Demo, plan: Plan, hotfix: Task) -> None:
    """Build has 2 days of float against the Hotfix's finish: not the 5 it would need."""
    result = pool.level_preview(demo.user("project"), demo.dcx01.pk, within_float=True)
    assert result.within_float and result.finish_after == result.finish_before
    assert result.after and result.after[0].resource == "Lena Fischer"
    assert all(d.levelled_start <= d.start or d.delay_days <= 2.0 for d in result.delayed)
    assert set(result.after[0].reasons) == {"1.2 Build: no free slot within its float (within float)",
                                            "3 Hotfix: no free slot within its float (within float)"}


def test_why_an_overload_stays_names_the_started_and_the_pinned_task(
        client_for: Clients, demo: Demo, plan: Plan, hotfix: Task) -> None:
    """The Hotfix is under way and Build must start on its scheduled day, inside the Hotfix:
    neither can leave the overlap, and the page says which holds each one; a kept
    optimisation run from before reasons existed still reads."""
    from altitude.delivery.services import reschedule_project
    from altitude.resources import leveling

    start = demo.dcx01.start_date
    assert start is not None
    Project.objects.filter(pk=demo.dcx01.pk).update(status_date=start + dt.timedelta(days=1))
    Task.objects.filter(pk=hotfix.pk).update(actual_start=start, percent_complete=10)
    build = Task.objects.get(pk=plan.build.pk)
    assert build.start is not None
    day = build.start.date()
    Task.objects.filter(pk=build.pk).update(constraint_type="mso", constraint_date=day)
    reschedule_project(demo.user("project"), demo.dcx01.pk)

    result = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    assert result.status == "infeasible"
    (over,) = result.after
    assert set(over.tasks) == {"1.2 Build", "3 Hotfix"}
    assert set(over.reasons) == {f"1.2 Build: must start on {day}", "3 Hotfix: under way"}
    html = client_for("project").get(f"/projects/{demo.dcx01.pk}/resources/?level=1").content.decode()
    assert "Why it stays" in html and f"1.2 Build: must start on {day}" in html and "3 Hotfix: under way" in html
    api = client_for("project").get(f"/api/v1/projects/{demo.dcx01.pk}/leveling-preview").json()
    assert set(api["after"][0]["reasons"]) == set(over.reasons) and api["before"][0]["reasons"] == []
    kept = leveling.to_json(result)
    for row in kept["after"]:
        del row["reasons"]
    assert leveling.from_json(kept).after[0].reasons == ()
    assert leveling.from_json(leveling.to_json(result)).after == result.after


def test_a_project_without_a_start_date_says_so(client_for: Clients, demo: Demo, plan: Plan) -> None:
    Project.objects.filter(pk=demo.dcx01.pk).update(start_date=None)
    page = client_for("project").get(f"/projects/{demo.dcx01.pk}/resources/?level=1")
    assert page.status_code == 200
    assert "Levelling is not possible yet: Project DCX-01 has no start date" in page.content.decode()


def test_a_project_without_assignments_has_nothing_to_level(client_for: Clients, demo: Demo, plan: Plan) -> None:
    html = client_for("admin").get(f"/projects/{demo.dcx02.pk}/resources/?level=1").content.decode()
    assert "No resources are assigned to this project" in html


def test_only_those_who_see_the_assignments_may_preview(client_for: Clients, demo: Demo, plan: Plan) -> None:
    with pytest.raises(NotFound):  # an outsider does not learn that the project exists
        pool.level_preview(demo.user("outsider"), demo.dcx01.pk)
    assert client_for("outsider").get(f"/projects/{demo.dcx01.pk}/resources/?level=1").status_code == 404
    assert client_for("member").get(f"/projects/{demo.dcx01.pk}/resources/?level=1").status_code == 200


def test_the_program_levels_its_projects_together(client_for: Clients, demo: Demo, plan: Plan, hotfix: Task) -> None:
    """Lena's DCX-02 App overlaps her Hotfix once DCX-02 starts with DCX-01: only the program
    preview, which levels both projects on the shared pool, sees it."""
    pm = demo.user("admin")
    Project.objects.filter(pk=demo.dcx02.pk).update(start_date=demo.dcx01.start_date)
    Assignment.objects.create(task=plan.app, resource=plan.resource)
    alone = pool.level_preview(pm, demo.dcx01.pk)
    together = pool.level_program_preview(pm, demo.dcx.pk)
    assert {o.resource for o in together.before} == {"Lena Fischer"}
    assert any("DCX-02" in label for o in together.before for label in o.tasks)
    assert not any("DCX-02" in label for o in alone.before for label in o.tasks)
    assert together.tasks > alone.tasks and together.after == ()
    assert len(together.delayed) > len(alone.delayed)

    cockpit = client_for("admin").get(f"/programs/{demo.dcx.pk}/").content.decode()
    assert f'action="/programs/{demo.dcx.pk}/leveling/"' in cockpit
    html = client_for("admin").get(f"/programs/{demo.dcx.pk}/leveling/?level=1").content.decode()
    assert "levelled together on their shared people" in html and 'id="leveling-result"' in html
    assert "DCX-02 1 App" in html

    finishes = {f.code: f for f in together.projects}
    assert set(finishes) == {"DCX-01", "DCX-02"}
    assert sum(f.delayed for f in finishes.values()) == len(together.delayed)
    assert all(f.finish_after >= f.finish_before for f in finishes.values())
    assert max(f.slip_days for f in finishes.values()) > 0
    assert 'id="leveling-projects"' in html and 'data-project="DCX-02"' in html
    assert 'id="leveling-projects"' not in client_for("admin").get(
        f"/projects/{demo.dcx01.pk}/resources/?level=1").content.decode(), "one project: its finish is in the facts"
    api = client_for("admin").get(f"/api/v1/programs/{demo.dcx.pk}/leveling-preview").json()
    assert [f["code"] for f in api["projects"]] == ["DCX-01", "DCX-02"]
    assert set(api["projects"][0]) == {"project_id", "code", "finish_before", "finish_after", "slip_days", "delayed"}


def test_within_float_the_program_keeps_every_projects_finish(client_for: Clients, demo: Demo, plan: Plan) -> None:
    """DCX-01 (priority 1) ends with a 20-day tail; DCX-02 (priority 5) is Prep (5 d) then
    App (4 d), Lena's, over Build. Levelled freely, DCX-01 goes first and App waits: DCX-02
    ends later. Within float, App has no float in its own project (it had 11 against
    the program's finish, and so used to slip): Build waits instead, inside DCX-01's float,
    and no project's finish moves."""
    pm = demo.user("admin")
    task(pm, demo.dcx01, "Tail", 20)
    prep = task(pm, demo.dcx02, "Prep", 5)
    link(pm, prep, plan.app)
    Assignment.objects.create(task=plan.app, resource=plan.resource)
    Project.objects.filter(pk=demo.dcx02.pk).update(start_date=demo.dcx01.start_date, priority=5)
    Project.objects.filter(pk=demo.dcx01.pk).update(priority=1)
    from altitude.delivery.services import reschedule_project
    for project in (demo.dcx01, demo.dcx02):
        reschedule_project(pm, project.pk)

    free = {f.code: f.slip_days for f in pool.level_program_preview(pm, demo.dcx.pk).projects}
    assert free["DCX-02"] > 0 and free["DCX-01"] == 0, free
    kept = pool.level_program_preview(pm, demo.dcx.pk, within_float=True)
    assert kept.within_float and kept.after == ()
    assert {f.code: f.slip_days for f in kept.projects} == {"DCX-01": 0, "DCX-02": 0}
    assert {d.label for d in kept.delayed} >= {"DCX-01 1.2 Build"}
    html = client_for("admin").get(f"/programs/{demo.dcx.pk}/leveling/?level=1&within_float=on").content.decode()
    assert "never move any project&#x27;s finish" in html or "never move any project's finish" in html


def test_work_on_other_projects_takes_its_share_of_the_person(
        client_for: Clients, demo: Demo, plan: Plan) -> None:
    """Lena is booked on OPS-01 (another program) over Build's dates, as OPS-01 was last
    scheduled: Build waits for her, whether DCX-01 or its whole program is levelled; OPS-01
    does not move. A proposed project holds no one."""
    pm = demo.user("admin")
    build = Task.objects.get(pk=plan.build.pk)
    assert build.start is not None and build.finish is not None
    Project.objects.filter(pk=demo.ops01.pk).update(stage=Stage.EXECUTING)
    Task.objects.filter(pk=plan.erp.pk).update(start=build.start, finish=build.finish)
    Assignment.objects.create(task=plan.erp, resource=plan.resource)
    ops_before = _versions(demo.ops01)

    result = pool.level_preview(pm, demo.dcx01.pk)
    delayed = {d.label: d for d in result.delayed}
    assert delayed["1.2 Build"].resource == "Lena Fischer" and delayed["1.2 Build"].competing == ()
    assert delayed["1.2 Build"].levelled_start.date() > build.finish.date()
    assert (result.booked_elsewhere, result.other_projects) == (1, 1)
    assert [(o.resource, o.load_percent, o.capacity_percent) for o in result.before] == [("Lena Fischer", 100, 0)]
    assert result.after == () and result.status != "infeasible"
    html = client_for("admin").get(f"/projects/{demo.dcx01.pk}/resources/?level=1").content.decode()
    assert 'data-fact="booked-elsewhere">1 assignment on 1 other project<' in html
    assert "Lena Fischer has too little capacity left then" in html
    program = pool.level_program_preview(pm, demo.dcx.pk)
    assert program.booked_elsewhere == 1 and "1.2 Build" in {d.label.split(" ", 1)[1] for d in program.delayed}
    assert _versions(demo.ops01) == ops_before

    Assignment.objects.filter(task=plan.erp).update(units=Decimal("0.5"))
    half = pool.level_preview(pm, demo.dcx01.pk)
    assert [(o.load_percent, o.capacity_percent) for o in half.before] == [(100, 50)]
    assert "1.2 Build" in {d.label for d in half.delayed}

    Project.objects.filter(pk=demo.ops01.pk).update(stage=Stage.PROPOSED)
    proposed = pool.level_preview(pm, demo.dcx01.pk)
    assert proposed.delayed == () and proposed.before == () and proposed.booked_elsewhere == 0


def test_a_program_without_projects_says_so(client_for: Clients, demo: Demo) -> None:
    from altitude.delivery.models import Program

    empty = Program.objects.create(portfolio=demo.portfolio, name="Empty program", manager=demo.user("admin"))
    html = client_for("admin").get(f"/programs/{empty.pk}/leveling/?level=1").content.decode()
    assert "Levelling is not possible yet: The program has no projects yet." in html
    assert client_for("outsider").get(f"/programs/{demo.dcx.pk}/leveling/?level=1").status_code == 404


def test_the_api_answers_the_same_preview(client_for: Clients, demo: Demo, plan: Plan, hotfix: Task) -> None:
    client = client_for("project")
    response = client.get(f"/api/v1/projects/{demo.dcx01.pk}/leveling-preview")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "optimal" and body["finish_slip_days"] > 0
    first = body["delayed"][0]
    assert (first["label"], first["delay_days"], first["resource"], first["competing"]) == (
        "1.2 Build", 5.0, "Lena Fischer", ["3 Hotfix"])
    assert body["before"][0]["load_percent"] == 200 and body["after"] == []
    within = client.get(f"/api/v1/projects/{demo.dcx01.pk}/leveling-preview?within_float=true").json()
    assert within["within_float"] and within["after"] and within["finish_after"] == within["finish_before"]
    assert client.get(f"/api/v1/projects/{demo.dcx01.pk}/leveling-preview?within_float=maybe").status_code == 422
    assert client_for("outsider").get(f"/api/v1/projects/{demo.dcx01.pk}/leveling-preview").status_code == 404
    program = client_for("admin").get(f"/api/v1/programs/{demo.dcx.pk}/leveling-preview")
    assert program.status_code == 200 and program.json()["tasks"] > body["tasks"]
    Project.objects.filter(pk=demo.dcx01.pk).update(start_date=None)
    missing = client.get(f"/api/v1/projects/{demo.dcx01.pk}/leveling-preview")
    assert missing.status_code == 422 and "no start date" in missing.json()["detail"]


# -- apply and undo ----------------------------------------------------------------------------


def test_apply_constrains_the_delayed_task_and_undo_puts_it_back(
        client_for: Clients, demo: Demo, plan: Plan, hotfix: Task) -> None:
    from altitude.resources.models import LevelingApplication

    client = client_for("project")
    page = client.get(f"/projects/{demo.dcx01.pk}/resources/?level=1").content.decode()
    assert "Apply: start no earlier than on 1 task, then reschedule" in page
    preview = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    levelled = next(d for d in preview.delayed if d.label == "1.2 Build").levelled_start

    response = client.post(f"/projects/{demo.dcx01.pk}/resources/leveling/apply/")
    assert response.status_code == 302
    build = Task.objects.get(pk=plan.build.pk)
    assert (build.constraint_type, build.constraint_date) == ("snet", levelled.date())
    assert build.start is not None and build.start >= levelled, "rescheduled to the levelled date"
    assert Task.objects.get(pk=plan.golive.pk).constraint_type == "asap", "Go-live follows Build"
    after = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    assert after.before == () and after.delayed == (), "the plan is levelled now"
    (application,) = LevelingApplication.objects.filter(project=demo.dcx01)
    assert [c["label"] for c in application.changes] == ["1.2 Build"]
    page = client.get(f"/projects/{demo.dcx01.pk}/resources/").content.decode()
    assert "Levelling applied: start no earlier than on 1 task, then rescheduled." in page
    assert "Undo levelling" in page

    response = client.post(f"/projects/{demo.dcx01.pk}/resources/leveling/{application.pk}/undo/")
    assert response.status_code == 302
    build.refresh_from_db()
    assert (build.constraint_type, build.constraint_date) == ("asap", None)
    assert pool.level_preview(demo.user("project"), demo.dcx01.pk).before, "the over-allocation is back"
    page = client.get(f"/projects/{demo.dcx01.pk}/resources/").content.decode()
    assert "Levelling undone: 1 constraint restored, then rescheduled." in page and "was undone" in page
    again = client.post(f"/projects/{demo.dcx01.pk}/resources/leveling/{application.pk}/undo/", follow=True)
    assert "Levelling not undone: This levelling was already undone." in again.content.decode()


def test_undo_leaves_tasks_changed_since(client_for: Clients, demo: Demo, plan: Plan, hotfix: Task) -> None:
    from altitude.delivery import services

    pm = demo.user("project")
    applied = pool.apply_leveling(pm, demo.dcx01.pk)
    build = Task.objects.get(pk=plan.build.pk)
    services.update_task(pm, build.pk, build.version, {"name": "Build v2"})
    undone = pool.undo_leveling(pm, applied.application.pk)
    assert undone.restored == 0 and undone.kept == ("1.2 Build",)
    assert Task.objects.get(pk=build.pk).constraint_type == "snet"


def test_a_task_with_its_own_constraint_keeps_it(demo: Demo, plan: Plan, hotfix: Task) -> None:
    """Build must start on its date: levelling moves the Hotfix instead, or reports what stays."""
    import datetime as dt

    from altitude.delivery import services

    pm = demo.user("project")
    build = Task.objects.get(pk=plan.build.pk)
    assert build.start is not None
    services.update_task(pm, build.pk, build.version, {"constraint_type": "mso",
                                                         "constraint_date": build.start.date() + dt.timedelta(days=0)})
    services.reschedule_project(pm, demo.dcx01.pk)
    applied = pool.apply_leveling(pm, demo.dcx01.pk)
    assert Task.objects.get(pk=build.pk).constraint_type == "mso"
    assert "1.2 Build" not in [c["label"] for c in applied.application.changes]


def test_only_managers_apply_and_nothing_is_written_otherwise(
        client_for: Clients, demo: Demo, plan: Plan, hotfix: Task) -> None:
    from altitude.resources.models import LevelingApplication

    before = _versions(demo.dcx01)
    member = client_for("member")
    assert "Apply: start no earlier" not in member.get(f"/projects/{demo.dcx01.pk}/resources/?level=1").content.decode()
    assert member.post(f"/projects/{demo.dcx01.pk}/resources/leveling/apply/").status_code == 403
    assert client_for("project").get(f"/projects/{demo.dcx01.pk}/resources/leveling/apply/").status_code == 405
    assert _versions(demo.dcx01) == before and not LevelingApplication.objects.exists()


def test_applying_a_levelled_plan_says_nothing_changes(client_for: Clients, demo: Demo, plan: Plan) -> None:
    response = client_for("project").post(f"/projects/{demo.dcx01.pk}/resources/leveling/apply/", follow=True)
    assert "Levelling not applied: Levelling changes nothing here: no task is delayed by a resource." in (
        response.content.decode())


def test_the_program_manager_applies_across_projects(client_for: Clients, demo: Demo, plan: Plan, hotfix: Task) -> None:
    Project.objects.filter(pk=demo.dcx02.pk).update(start_date=demo.dcx01.start_date)
    Assignment.objects.create(task=plan.app, resource=plan.resource)
    client = client_for("admin")
    response = client.post(f"/programs/{demo.dcx.pk}/leveling/apply/", follow=True)
    html = response.content.decode()
    assert "Levelling applied: start no earlier than on" in html and "Undo levelling" in html
    after = pool.level_program_preview(demo.user("admin"), demo.dcx.pk)
    assert after.before == ()
    from altitude.resources.models import LevelingApplication

    application = LevelingApplication.objects.get(program=demo.dcx)
    # DCX-01's manager sees the program but may not change DCX-02's tasks.
    refused = client_for("project").post(f"/programs/{demo.dcx.pk}/leveling/{application.pk}/undo/")
    assert refused.status_code == 403 and "change this DCX-02 task" in refused.content.decode()
    assert LevelingApplication.objects.get(pk=application.pk).undone_at is None
    client.post(f"/programs/{demo.dcx.pk}/leveling/{application.pk}/undo/")
    assert LevelingApplication.objects.get(pk=application.pk).undone_at is not None
    assert pool.level_program_preview(demo.user("admin"), demo.dcx.pk).before


def test_the_api_applies_and_undoes(client_for: Clients, demo: Demo, plan: Plan, hotfix: Task) -> None:
    client = client_for("project")
    url = f"/api/v1/projects/{demo.dcx01.pk}/leveling/apply"
    assert client_for("member").post(url, "{}", content_type="application/json").status_code == 403
    assert client.post(url, '{"within_float": "sometimes"}', content_type="application/json").status_code == 422
    response = client.post(url, "{}", content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(c["label"], c["constraint_type_before"], c["constraint_date_before"]) for c in body["changes"]] == [
        ("1.2 Build", "asap", None)]
    assert body["kept"] == [] and body["unsettled"] is False
    again = client.post(url, "{}", content_type="application/json")
    assert again.status_code == 422 and "changes nothing" in again.json()["detail"]
    undo = client.post(f"/api/v1/leveling/{body['id']}/undo")
    assert undo.status_code == 200 and undo.json()["restored"] == 1
    assert client.post(f"/api/v1/leveling/{body['id']}/undo").status_code == 422
    assert client_for("outsider").post(f"/api/v1/leveling/{body['id']}/undo").status_code == 404
    assert client.post("/api/v1/leveling/999999/undo").status_code == 404
    assert Task.objects.get(pk=plan.build.pk).constraint_type == "asap"


def test_a_task_under_way_keeps_its_dates(demo: Demo, plan: Plan) -> None:
    """Build started: its remaining work goes on, so levelling moves the Patch (not started), though
    the Patch leads a longer chain and levelling unstarted work would have put it first."""
    from tests.web.planning import link

    pm = demo.user("project")
    patch = task(pm, demo.dcx01, "Patch", 1)
    link(pm, patch, task(pm, demo.dcx01, "Roll-out", 10))
    Assignment.objects.create(task=patch, resource=plan.resource)
    Task.objects.filter(pk=plan.design.pk).update(percent_complete=100, actual_start=dt.date(2026, 3, 2),
                                                  actual_finish=dt.date(2026, 3, 6))
    Task.objects.filter(pk=plan.build.pk).update(percent_complete=30, actual_start=dt.date(2026, 3, 9))
    Project.objects.filter(pk=demo.dcx01.pk).update(status_date=dt.date(2026, 3, 10))
    result = pool.level_preview(pm, demo.dcx01.pk)
    delayed = {d.label: d for d in result.delayed}
    assert "1.2 Build" not in delayed, delayed
    assert delayed["3 Patch"].resource == "Lena Fischer" and delayed["3 Patch"].competing == ("1.2 Build",)
    assert result.after == ()
    # Build's remaining 2.1 days end part-way through a day: the Patch starts then, so its
    # constraint is the next day (on the same day it would start early and overlap Build).
    moved = delayed["3 Patch"]
    assert moved.levelled_start.time() > dt.time(8) and moved.constraint_date == moved.levelled_start.date() + dt.timedelta(days=1)
    applied = pool.apply_leveling(pm, demo.dcx01.pk)
    assert [c["label"] for c in applied.application.changes] == ["3 Patch"]
    assert pool.level_preview(pm, demo.dcx01.pk).before == (), "no part-day overlap left"


def test_a_long_list_of_delays_is_cut_at_200_on_the_page(client_for: Clients, demo: Demo, plan: Plan) -> None:
    from altitude.delivery.services.tasks import renumber

    made = Task.objects.bulk_create(Task(project=demo.dcx01, name=f"Fix {k}", position=100 + k, duration_minutes=480)
                                    for k in range(210))
    renumber(demo.dcx01.pk)
    Assignment.objects.bulk_create(Assignment(task=t, resource=plan.resource) for t in made)
    api = client_for("project").get(f"/api/v1/projects/{demo.dcx01.pk}/leveling-preview").json()
    assert len(api["delayed"]) > 200
    html = client_for("project").get(f"/projects/{demo.dcx01.pk}/resources/?level=1").content.decode()
    assert html.count("<tr data-task=") == 200
    assert f"The first 200 of {len(api['delayed'])} delayed tasks" in html


def test_the_portfolio_levels_its_live_projects_together_and_applies_and_undoes(
        client_for: Clients, demo: Demo, plan: Plan) -> None:
    """Lena on DCX-01's Build and on OPS-01's ERP cut-over (another program) at once: the DCX
    program preview can only count the ERP as work elsewhere; the portfolio's levels both, and
    its manager applies it (both programs rescheduled) and undoes it."""
    from altitude.delivery.services import reschedule_project
    from altitude.resources.models import LevelingApplication

    manager = demo.user("portfolio")
    Project.objects.filter(pk=demo.ops01.pk).update(start_date=demo.dcx01.start_date)
    Task.objects.filter(pk=plan.erp.pk).update(duration_minutes=8 * 480)
    Assignment.objects.create(task=plan.erp, resource=plan.resource)
    reschedule_project(manager, demo.ops01.pk)
    program = pool.level_program_preview(manager, demo.dcx.pk)
    assert program.booked_elsewhere == 1 and not any("OPS-01" in d.label for d in program.delayed)

    result = pool.level_portfolio_preview(manager, demo.portfolio.pk)
    assert result.booked_elsewhere == 0, "OPS-01 is levelled here, not booked elsewhere"
    (over,) = result.before
    assert over.resource == "Lena Fischer" and {label.split(" ")[0] for label in over.tasks} == {"DCX-01", "OPS-01"}
    assert result.after == ()
    moved = {d.label for d in result.delayed if d.resource == "Lena Fischer"}
    assert moved in ({"DCX-01 1.2 Build"}, {"OPS-01 1 ERP cut-over"}), moved
    finishes = {f.code for f in result.projects}
    assert {"DCX-01", "OPS-01"} <= finishes and "OPS-02" not in finishes and "ESG-01" not in finishes, finishes

    board = client_for("portfolio").get(f"/portfolios/{demo.portfolio.pk}/").content.decode()
    assert f'action="/portfolios/{demo.portfolio.pk}/leveling/"' in board
    html = client_for("portfolio").get(f"/portfolios/{demo.portfolio.pk}/leveling/?level=1").content.decode()
    assert "Levelled together:" in html and ">OPS-01</a>" in html and ">OPS-02</a>" not in html
    assert 'id="leveling-projects"' in html and "Apply: start no earlier than on 1 task" in html

    before = _versions(demo.ops01) | _versions(demo.dcx01)
    denied = client_for("program").post(f"/portfolios/{demo.portfolio.pk}/leveling/apply/")
    assert denied.status_code == 403 and _versions(demo.ops01) | _versions(demo.dcx01) == before

    response = client_for("portfolio").post(f"/portfolios/{demo.portfolio.pk}/leveling/apply/")
    assert response.status_code == 302
    (application,) = LevelingApplication.objects.filter(portfolio=demo.portfolio)
    assert application.project_id is None and application.program_id is None
    (change,) = application.changes
    task = Task.objects.get(pk=change["task"])
    assert task.constraint_type == "snet"
    build, erp = Task.objects.get(pk=plan.build.pk), Task.objects.get(pk=plan.erp.pk)
    assert build.finish is not None and erp.finish is not None and build.start is not None and erp.start is not None
    assert build.finish <= erp.start or erp.finish <= build.start, "both programs rescheduled apart"
    assert pool.level_portfolio_preview(manager, demo.portfolio.pk).before == ()

    page = client_for("portfolio").get(f"/portfolios/{demo.portfolio.pk}/leveling/").content.decode()
    assert "Undo levelling" in page
    undone = client_for("portfolio").post(f"/portfolios/{demo.portfolio.pk}/leveling/{application.pk}/undo/")
    assert undone.status_code == 302
    task.refresh_from_db()
    assert (task.constraint_type, task.constraint_date) == ("asap", None)
    assert pool.level_portfolio_preview(manager, demo.portfolio.pk).before, "the over-allocation is back"
    elsewhere = client_for("portfolio").post(f"/programs/{demo.dcx.pk}/leveling/{application.pk}/undo/", follow=True)
    assert elsewhere.status_code == 404, "a portfolio's levelling is not undone from a program page"


def test_a_portfolio_with_nothing_live_says_so(client_for: Clients, demo: Demo) -> None:
    Project.objects.filter(portfolio=demo.portfolio).update(stage=Stage.PROPOSED)
    html = client_for("portfolio").get(f"/portfolios/{demo.portfolio.pk}/leveling/?level=1").content.decode()
    assert "Levelling is not possible yet: The portfolio has no live project with a start date" in html
    assert "no project yet" in html
    assert client_for("outsider").get(f"/portfolios/{demo.portfolio.pk}/leveling/?level=1").status_code == 404
    assert client_for("project").get(f"/portfolios/{demo.portfolio.pk}/leveling/?level=1").status_code == 403


def _links_hold(portfolio_id: int) -> list[str]:
    """Finish-to-start links between live tasks of the portfolio whose successor starts early."""
    from altitude.delivery.models import Dependency

    broken = []
    for dep in Dependency.objects.filter(predecessor__project__portfolio_id=portfolio_id).select_related(
            "predecessor", "successor"):
        pred, succ = dep.predecessor, dep.successor
        if dep.type == "FS" and pred.finish and succ.start and succ.start < pred.finish:
            broken.append(f"{pred.name} -> {succ.name}")
    return broken


@pytest.mark.parametrize("loop", [False, True], ids=["one-way", "links-both-ways"])
def test_a_portfolio_apply_moves_what_follows_in_other_programs(
        client_for: Clients, demo: Demo, plan: Plan, loop: bool) -> None:
    """OPS-01 yields Lena to DCX-01 (its priority is lower, and stays lower than DCX-01's
    through the DCX-02 task that follows the cut-over), so its ERP cut-over is delayed; the
    DCX-02 task follows the cut-over by a link. Rescheduling only the OPS program (the one with
    the changed task), or DCX before OPS, would leave that task starting before the cut-over
    ends. With links both ways between the programs, the order is a loop: both still hold."""
    from altitude.delivery.services import reschedule_program
    from altitude.resources.models import LevelingApplication
    from tests.web.planning import link

    manager, admin = demo.user("portfolio"), demo.user("admin")
    Project.objects.filter(pk=demo.ops01.pk).update(start_date=demo.dcx01.start_date, priority=5)
    Project.objects.filter(pk=demo.dcx02.pk).update(start_date=demo.dcx01.start_date)
    Task.objects.filter(pk=plan.erp.pk).update(duration_minutes=8 * 480)
    Assignment.objects.create(task=plan.erp, resource=plan.resource)
    integration = task(admin, demo.dcx02, "App ERP integration", 2)
    link(admin, plan.erp, integration)
    if loop:
        link(admin, plan.design, task(admin, demo.ops01, "Finance sign-off", 1))
    reschedule_program(manager, demo.ops.pk)
    reschedule_program(manager, demo.dcx.pk)
    assert _links_hold(demo.portfolio.pk) == []
    before = Task.objects.get(pk=integration.pk).start

    preview = pool.level_portfolio_preview(manager, demo.portfolio.pk)
    assert {d.label for d in preview.delayed if d.resource} == {"OPS-01 1 ERP cut-over"}, preview.delayed
    assert any(d.label.endswith("App ERP integration") and d.predecessor for d in preview.delayed)

    response = client_for("portfolio").post(f"/portfolios/{demo.portfolio.pk}/leveling/apply/")
    assert response.status_code == 302
    assert _links_hold(demo.portfolio.pk) == []
    moved = Task.objects.get(pk=integration.pk)
    assert moved.start is not None and before is not None and moved.start > before
    assert pool.level_portfolio_preview(manager, demo.portfolio.pk).before == ()

    (application,) = LevelingApplication.objects.filter(portfolio=demo.portfolio)
    undone = client_for("portfolio").post(f"/portfolios/{demo.portfolio.pk}/leveling/{application.pk}/undo/")
    assert undone.status_code == 302
    assert _links_hold(demo.portfolio.pk) == []
    assert Task.objects.get(pk=integration.pk).start == before, "undo moves the follower back"


def test_a_task_started_before_its_predecessor_finished_stays_where_it_is(
        client_for: Clients, demo: Demo, plan: Plan, hotfix: Task) -> None:
    """Build started on the project's first day while Design (its predecessor) has not: the
    scheduler keeps Build's actual start. Levelling leaves it there too (the link is reported
    unmet) and moves the Hotfix that competes for Lena, instead of "moving" the started Build
    after Design, which no apply could write."""
    from altitude.delivery.services import reschedule_project

    start = demo.dcx01.start_date
    assert start is not None
    Project.objects.filter(pk=demo.dcx01.pk).update(status_date=start + dt.timedelta(days=1))
    Task.objects.filter(pk=plan.build.pk).update(actual_start=start, percent_complete=30)
    reschedule_project(demo.user("project"), demo.dcx01.pk)
    build = Task.objects.get(pk=plan.build.pk)
    assert build.start is not None and build.start.date() == start

    result = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    delayed = {d.label: d for d in result.delayed}
    assert "1.2 Build" not in delayed, delayed
    assert delayed["3 Hotfix"].resource == "Lena Fischer" and delayed["3 Hotfix"].competing == ("1.2 Build",)
    assert result.status != "infeasible" and result.after == ()
    assert result.unmet_links == (("1.1 Design", "1.2 Build"),)
    html = client_for("project").get(f"/projects/{demo.dcx01.pk}/resources/?level=1").content.decode()
    assert 'id="leveling-unmet"' in html and "1.2 Build after 1.1 Design" in html
    api = client_for("project").get(f"/api/v1/projects/{demo.dcx01.pk}/leveling-preview").json()
    assert api["unmet_links"] == [["1.1 Design", "1.2 Build"]]


def test_the_load_chart_shows_each_day_before_and_after(client_for: Clients, demo: Demo, plan: Plan,
                                                        hotfix: Task) -> None:
    """Lena carries Build and the Hotfix at once (200 %) before levelling, never more than her
    100 % after; weekends have no work time; the days run from the first start to the last finish."""
    result = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    charts = result.charts
    (lena,) = charts.charts
    assert lena.resource == "Lena Fischer" and charts.days_per_period == 1
    assert (lena.peak_before, lena.peak_after) == (200, 100)
    assert result.finish_after is not None
    assert (charts.periods[0], charts.periods[-1]) == (demo.dcx01.start_date, result.finish_after.date())
    assert len(charts.periods) == (charts.periods[-1] - charts.periods[0]).days + 1
    for day, before, after, capacity in zip(charts.periods, lena.before, lena.after, lena.capacity, strict=True):
        if day.weekday() >= 5:
            assert (before, after, capacity) == (None, None, None), day
        else:
            assert capacity == 100 and after is not None and after <= 100, day
    overlap = [d for d, v in zip(charts.periods, lena.before, strict=True) if v == 200]
    build = Task.objects.get(pk=plan.build.pk)
    assert overlap and build.start is not None and overlap[0] == build.start.date()

    html = client_for("project").get(f"/projects/{demo.dcx01.pk}/resources/?level=1").content.decode()
    assert 'id="leveling-charts"' in html and 'id="load-chart-0"' in html and "peak 200 % before, 100 % after" in html
    assert 'id="leveling-charts-data"' in html and "js/leveling.js" in html
    api = client_for("project").get(f"/api/v1/projects/{demo.dcx01.pk}/leveling-preview").json()
    assert api["charts"]["charts"][0]["before"] == list(lena.before) and api["charts"]["over_allocated"] == 1
    assert demo.dcx01.start_date is not None and api["charts"]["periods"][0] == demo.dcx01.start_date.isoformat()


def test_material_and_cost_resources_are_not_levelled(demo: Demo, plan: Plan, hotfix: Task) -> None:
    """Concrete (material, 5 units a task) and a licence fee (cost) on Build and the Hotfix at
    once: consumed, not occupied, so neither is over-allocated nor delays anything; Lena still
    is, and still decides the delay."""
    from altitude.resources.models import Resource, ResourceKind

    before = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    concrete = Resource.objects.create(portfolio=demo.portfolio, name="Concrete", kind=ResourceKind.MATERIAL)
    fee = Resource.objects.create(portfolio=demo.portfolio, name="Licence fee", kind=ResourceKind.COST)
    crane = Resource.objects.create(portfolio=demo.portfolio, name="Crane", kind=ResourceKind.EQUIPMENT,
                                    max_units=Decimal("2"))
    for extra in (plan.build, hotfix):
        Assignment.objects.create(task=extra, resource=concrete, units=Decimal("5"))
        Assignment.objects.create(task=extra, resource=fee, units=Decimal("3"))
        Assignment.objects.create(task=extra, resource=crane, units=Decimal("1"))
    result = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    assert [o.resource for o in result.before] == ["Lena Fischer"], "two cranes of two: no over-allocation"
    assert result.resources == 2 and result.after == ()
    assert [(d.label, d.delay_days) for d in result.delayed] == [(d.label, d.delay_days) for d in before.delayed]


def test_a_tasks_levelling_priority_decides_who_gets_the_person_first(client_for: Clients, demo: Demo, plan: Plan,
                                                                      hotfix: Task) -> None:
    """By default Build waits for the Hotfix (the engine's rules); at priority 900 (API PATCH)
    Build goes first and the Hotfix waits for it."""
    before = {d.label for d in pool.level_preview(demo.user("project"), demo.dcx01.pk).delayed if d.resource}
    assert before == {"1.2 Build"}
    build = Task.objects.get(pk=plan.build.pk)
    response = client_for("project").patch(f"/api/v1/tasks/{build.pk}", {"leveling_priority": 900, "version": build.version},
                                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["leveling_priority"] == 900
    after = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    assert {d.label for d in after.delayed if d.resource} == {"3 Hotfix"}
    assert after.after == ()


def test_a_task_at_priority_1000_is_not_levelled_and_its_overlap_is_reported(client_for: Clients, demo: Demo,
                                                                            plan: Plan, hotfix: Task) -> None:
    """MS Project's "do not level": with Build and the Hotfix both at 1000 (API PATCH),
    levelling delays neither for Lena; their overlap stays, reported with what holds them.
    Build at 1000 alone keeps its dates and the Hotfix waits for it instead."""
    build = Task.objects.get(pk=plan.build.pk)
    response = client_for("project").patch(f"/api/v1/tasks/{build.pk}", {"leveling_priority": 1000, "version": build.version},
                                           content_type="application/json")
    assert response.status_code == 200, response.content
    alone = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    assert {d.label for d in alone.delayed if d.resource} == {"3 Hotfix"}
    assert alone.after == () and alone.status != "infeasible"
    Task.objects.filter(pk=hotfix.pk).update(leveling_priority=1000)
    both = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    assert [d.label for d in both.delayed if d.resource] == []
    assert both.status == "infeasible"
    (over,) = both.after
    assert set(over.tasks) == {"1.2 Build", "3 Hotfix"}
    assert set(over.reasons) == {"1.2 Build: levelling priority 1000: do not level",
                                 "3 Hotfix: levelling priority 1000: do not level"}
    page = html.unescape(client_for("project").get(f"/projects/{demo.dcx01.pk}/resources/?level=1").content.decode())
    assert 'or one at levelling priority 1000, "do not level"' in page
    assert "1.2 Build: levelling priority 1000: do not level" in page
    too_high = client_for("project").patch(f"/api/v1/tasks/{build.pk}", {"leveling_priority": 1001, "version": build.version + 1},
                                           content_type="application/json")
    assert too_high.status_code == 422 and "leveling_priority" in too_high.content.decode()


def test_undo_after_a_project_closed_still_reschedules_it(demo: Demo, plan: Plan) -> None:
    """The units to reschedule are the live ones downstream, and always those holding a
    restored task, even when its project has closed since the levelling was applied."""
    from altitude.resources.leveling_apply import portfolio_units

    Project.objects.filter(pk=demo.ops01.pk).update(stage=Stage.CLOSED)
    order, looped = portfolio_units([demo.ops01.pk], demo.portfolio.pk)
    assert order == [(demo.ops.pk, None)] and not looped
    assert portfolio_units([], demo.portfolio.pk) == ([], False)
