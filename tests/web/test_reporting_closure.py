"""Project closure: the live checklist blocks, an override needs a reason, all or nothing, pages per role."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from altitude.core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from altitude.core.models import Notification
from altitude.delivery.models import Project, Stage, Task
from altitude.governance import services as registers
from altitude.reporting import closure
from altitude.reporting.models import ProjectClosure
from tests.personas import Demo
from tests.web.planning import Plan

REPORT = {"outcome_summary": "The new shop is live.", "objectives_met": "yes", "handover_notes": "Ops team owns it."}


def _stage(demo: Demo) -> str:
    return Project.objects.get(pk=demo.dcx01.pk).stage


def test_checklist_blocks_until_the_work_is_done(demo: Demo, plan: Plan) -> None:
    Task.objects.filter(pk=plan.build.pk).update(deliverable="Checkout service", acceptance_criteria="Pays with cards")
    risk = registers.create_risk(demo.user("project"), {"project_id": demo.dcx01.pk, "title": "Vendor late",
                                                        "response": "accept"})
    checks = closure.checklist(demo.dcx01)
    state = {i.key: i.passed for i in checks.items}
    assert state == {"tasks": False, "risks": False, "issues": True, "deliverables": False, "finish": True, "cost": True}
    assert not checks.passed and [i.key for i in checks.failing] == ["tasks", "risks", "deliverables"]
    risks = next(i for i in checks.items if i.key == "risks")
    assert risks.links == [{"text": f"{risk.code} Vendor late", "url": f"/risks/{risk.pk}/"}]
    with pytest.raises(InvalidInput) as err:
        closure.close_project(demo.user("project"), demo.dcx01.pk, demo.dcx01.version, REPORT)
    assert err.value.field == "override_reason" and "not done" in err.value.message
    assert _stage(demo) == Stage.EXECUTING and not ProjectClosure.objects.exists()
    Task.objects.filter(project=demo.dcx01).update(status="done", percent_complete=100)
    registers.update_risk(demo.user("project"), risk.pk, 1, {"status": "closed"})
    assert closure.checklist(demo.dcx01).passed
    record = closure.close_project(demo.user("project"), demo.dcx01.pk, demo.dcx01.version, REPORT)
    assert record.override_reason == "" and _stage(demo) == Stage.CLOSED
    assert {i["key"]: i["passed"] for i in record.checklist}["deliverables"] is True


def test_override_with_a_reason_closes_and_notifies(demo: Demo, plan: Plan) -> None:
    pm = demo.user("project")
    record = closure.close_project(pm, demo.dcx01.pk, demo.dcx01.version,
                                   {**REPORT, "objectives_met": "partly", "objectives_comment": "Loyalty moved to DCX-02."},
                                   override_reason="Remaining tasks move to the run organisation.")
    project = Project.objects.get(pk=demo.dcx01.pk)
    assert project.stage == Stage.CLOSED and project.version == demo.dcx01.version + 1
    assert project.history.first().stage == Stage.CLOSED
    assert record.closed_by == pm and record.override_reason.startswith("Remaining tasks") and record.history.count() == 1
    note = Notification.objects.get(recipient=demo.user("program"))
    assert "closed DCX-01" in note.text and "partly" in note.text and "run organisation" in note.text
    with pytest.raises(Conflict) as err:  # closed now: nothing more to close
        closure.close_project(pm, demo.dcx01.pk, project.version, REPORT, "again")
    assert err.value.field == "stage"


def test_closure_rules(demo: Demo, plan: Plan) -> None:
    pm = demo.user("project")
    with pytest.raises(InvalidInput) as err:
        closure.close_project(pm, demo.dcx01.pk, demo.dcx01.version, {**REPORT, "objectives_met": "no"}, "why")
    assert err.value.field == "objectives_comment"
    with pytest.raises(InvalidInput) as err:
        closure.close_project(pm, demo.dcx01.pk, demo.dcx01.version, {**REPORT, "outcome_summary": " "}, "why")
    assert err.value.field == "outcome_summary"
    with pytest.raises(PermissionDenied):
        closure.close_project(demo.user("member"), demo.dcx01.pk, demo.dcx01.version, REPORT, "why")
    with pytest.raises(Conflict):  # planning: not closable
        closure.close_project(demo.user("admin"), demo.dcx02.pk, demo.dcx02.version, REPORT, "why")
    with pytest.raises(StaleVersion):
        closure.close_project(pm, demo.dcx01.pk, demo.dcx01.version - 1 or 99, REPORT, "why")
    assert _stage(demo) == Stage.EXECUTING and not ProjectClosure.objects.exists()


def test_a_failure_after_the_stage_change_rolls_everything_back(demo: Demo, plan: Plan) -> None:
    # A closure record already exists (written by an administrator): the insert fails after the stage changed.
    ProjectClosure.objects.create(project=demo.dcx01, outcome_summary="old", objectives_met="yes", closed_at=timezone.now())
    with pytest.raises(InvalidInput):
        closure.close_project(demo.user("project"), demo.dcx01.pk, demo.dcx01.version, REPORT, "why")
    project = Project.objects.get(pk=demo.dcx01.pk)
    assert (project.stage, project.version) == (Stage.EXECUTING, demo.dcx01.version)
    assert ProjectClosure.objects.get().outcome_summary == "old"
    assert not Notification.objects.filter(recipient=demo.user("program")).exists()


def test_closure_pages_per_role(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    url = f"/projects/{demo.dcx01.pk}/closure/"
    pm = client_for("project")
    html = pm.get(url).content.decode()
    assert "All tasks complete" in html and "Close the project" in html and "Reason to close although" in html
    member = client_for("member").get(url).content.decode()
    assert "All tasks complete" in member and "Close the project" not in member
    assert client_for("member").post(url + "close/", {**REPORT, "version": 1}).status_code == 403
    assert client_for("outsider").get(url).status_code == 404
    missing = pm.post(url + "close/", {**REPORT, "version": demo.dcx01.version})
    assert missing.status_code == 400 and "give the reason to close anyway" in missing.content.decode()
    done = pm.post(url + "close/", {**REPORT, "version": demo.dcx01.version, "override_reason": "Handed over."})
    assert done.status_code == 302 and _stage(demo) == Stage.CLOSED
    closed = pm.get(url).content.decode()
    assert "Closed " in closed and "The new shop is live." in closed and "Handed over." in closed
    assert "Close the project" not in closed and "The checklist at closing" in closed
    planning = client_for("admin").get(f"/projects/{demo.dcx02.pk}/closure/")
    assert planning.status_code == 200 and "Closure starts when the project is executing" in planning.content.decode()


def test_lessons_learned_are_listed_once_governance_has_them(demo: Demo, client_for: Callable[[str], Client]) -> None:
    from django.apps import apps
    from django.urls import NoReverseMatch, reverse

    url = f"/projects/{demo.dcx01.pk}/closure/"
    try:
        lesson_model = apps.get_model("governance", "Lesson")
        reverse("governance:project-lessons", args=[demo.dcx01.pk])
    except (LookupError, NoReverseMatch):  # the register is not there: no section, no placeholder
        assert "Lessons learned" not in client_for("project").get(url).content.decode()
        return
    html = client_for("project").get(url).content.decode()
    assert "Lessons learned" in html and "No lesson recorded for DCX-01 yet" in html
    lesson = lesson_model.objects.create(project=demo.dcx01, title="Book the payment certification early")
    html = client_for("project").get(url).content.decode()
    assert f'href="/lessons/{lesson.pk}/"' in html and "Record a lesson" in html
    viewer = client_for("executive").get(url).content.decode()
    assert "Book the payment certification early" in viewer and "Record a lesson" not in viewer


def test_closure_api(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    from tests.web.planning import call

    url = f"/api/v1/projects/{demo.dcx01.pk}/closure"
    pm, member = client_for("project"), client_for("member")
    status, state = call(member, "GET", url)
    assert status == 200 and state["closable"] and state["passed"] is False and state["closure"] is None
    assert {i["key"]: i["passed"] for i in state["checklist"]}["tasks"] is False
    assert call(client_for("outsider"), "GET", url)[0] == 404
    assert call(member, "POST", url, {**REPORT, "version": demo.dcx01.version})[0] == 403
    status, body = call(pm, "POST", url, {**REPORT, "version": demo.dcx01.version})
    assert (status, body["field"]) == (422, "override_reason") and "not done" in body["detail"]
    status, body = call(pm, "POST", url, {**REPORT, "override_reason": "Handed over."})
    assert (status, body["field"]) == (428, "version")
    status, body = call(pm, "POST", url, {**REPORT, "objectives_met": "maybe", "version": demo.dcx01.version})
    assert status == 422 and "objectives_met" in str(body)
    status, body = call(pm, "POST", url, {**REPORT, "override_reason": "Handed over."},
                        **{"If-Match": f'"{demo.dcx01.version + 5}"'})
    assert (status, body["field"]) == (409, "version")
    assert _stage(demo) == Stage.EXECUTING and not ProjectClosure.objects.exists()
    status, record = call(pm, "POST", url, {**REPORT, "override_reason": "Handed over.",
                                             "version": demo.dcx01.version})
    assert status == 201 and record["override_reason"] == "Handed over." and record["closed_by_id"] == demo.user("project").pk
    assert _stage(demo) == Stage.CLOSED
    status, state = call(member, "GET", url)
    assert (state["stage"], state["closable"], state["passed"], state["checklist"]) == ("closed", False, None, [])
    assert state["closure"]["outcome_summary"] == "The new shop is live."
    status, body = call(pm, "POST", url, {**REPORT, "override_reason": "again", "version": demo.dcx01.version + 1})
    assert (status, body["field"]) == (409, "stage")
