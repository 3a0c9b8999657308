"""Risk and issue registers: model rules, services, escalation and permissions per persona."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from altitude.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StaleVersion,
    VersionRequired,
)
from altitude.governance import services
from altitude.governance.models import Issue, Risk
from tests.personas import Demo
from tests.web.planning import Plan

DAY = 480


def _risk(demo: Demo, who: str = "project", **fields: object) -> Risk:
    values = {"project_id": demo.dcx01.pk, "title": "Vendor late", "probability": 4, "impact": 5,
              "schedule_impact_minutes": 2 * DAY, "response": "mitigate", **fields}
    return services.create_risk(demo.user(who), values)


# --- model rules -------------------------------------------------------------------------

def test_score_and_simulation_probability(demo: Demo) -> None:
    risk = _risk(demo)
    assert (risk.code, risk.score, risk.simulation_probability) == ("R-001", 20, 70)
    risk.probability_percent = 15
    assert risk.simulation_probability == 15
    assert _risk(demo, title="Second").code == "R-002"


@pytest.mark.parametrize(("fields", "field"), [
    ({"response": "exploit"}, "response"),
    ({"kind": "opportunity", "response": "mitigate", "schedule_impact_minutes": 0}, "response"),
    ({"schedule_impact_minutes": -DAY}, "schedule_impact_minutes"),
    ({"kind": "opportunity", "response": "exploit", "schedule_impact_minutes": DAY}, "schedule_impact_minutes"),
    ({"cost_impact": -5}, "cost_impact"),
    ({"probability": 6}, "probability"),
    ({"impact": 0}, "impact"),
    ({"probability_percent": 101}, "probability_percent"),
    ({"title": ""}, "title"),
])
def test_invalid_risks_name_the_field(demo: Demo, fields: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        _risk(demo, "project", **fields)
    assert exc.value.field == field
    assert Risk.objects.count() == 0


def test_exactly_one_scope(demo: Demo) -> None:
    with pytest.raises(InvalidInput) as exc:
        _risk(demo, who="admin", program_id=demo.dcx.pk)
    assert exc.value.field == "project_id"
    with pytest.raises(ValidationError):
        Risk(title="x", response="accept").full_clean()


def test_linked_tasks_must_be_in_the_register_scope(demo: Demo, plan: Plan) -> None:
    risk = _risk(demo, task_ids=[plan.build.pk, plan.design.pk])
    assert set(risk.tasks.values_list("pk", flat=True)) == {plan.build.pk, plan.design.pk}
    with pytest.raises(InvalidInput) as exc:
        _risk(demo, task_ids=[plan.app.pk])  # DCX-02
    assert exc.value.field == "task_ids"
    program_risk = services.create_risk(demo.user("program"), {"program_id": demo.dcx.pk, "title": "Shared architects",
                                                               "response": "accept", "task_ids": [plan.app.pk, plan.build.pk]})
    assert program_risk.tasks.count() == 2
    with pytest.raises(InvalidInput):
        services.create_risk(demo.user("program"), {"program_id": demo.dcx.pk, "title": "x", "response": "accept",
                                                    "task_ids": [plan.erp.pk]})  # OPS-01, other program


def test_issue_links_only_a_risk_of_its_register(demo: Demo) -> None:
    risk = _risk(demo)
    issue = services.create_issue(demo.user("member"), {"project_id": demo.dcx01.pk, "title": "It happened",
                                                        "severity": "high", "risk_id": risk.pk})
    assert (issue.code, issue.risk_id) == ("I-001", risk.pk)
    with pytest.raises(InvalidInput) as exc:
        services.create_issue(demo.user("admin"), {"project_id": demo.dcx02.pk, "title": "x", "risk_id": risk.pk})
    assert exc.value.field == "risk_id"
    with pytest.raises(InvalidInput) as exc:
        services.create_issue(demo.user("admin"), {"project_id": demo.dcx01.pk, "title": "x", "owner_id": 99999})
    assert exc.value.field == "owner_id"


# --- permissions per persona -------------------------------------------------------------

def test_member_raises_but_only_managers_change(demo: Demo) -> None:
    risk = _risk(demo, who="member")
    with pytest.raises(PermissionDenied):
        services.update_risk(demo.user("member"), risk.pk, 1, {"title": "Mine"})
    with pytest.raises(PermissionDenied):
        services.delete_entry(Risk, demo.user("member"), risk.pk)
    updated = services.update_risk(demo.user("project"), risk.pk, 1, {"title": "Vendor very late", "status": "mitigating"})
    assert (updated.title, updated.version, updated.history.count()) == ("Vendor very late", 2, 2)
    assert services.update_risk(demo.user("program"), risk.pk, 2, {"impact": 2}).score == 8


def test_viewer_reads_outsider_gets_404(demo: Demo) -> None:
    risk = _risk(demo)
    assert services.get_entry(Risk, demo.user("executive"), risk.pk) == risk
    with pytest.raises(PermissionDenied):
        services.create_risk(demo.user("executive"), {"project_id": demo.dcx01.pk, "title": "x", "response": "accept"})
    with pytest.raises(NotFound):
        services.get_entry(Risk, demo.user("outsider"), risk.pk)
    with pytest.raises(InvalidInput):  # cannot even name the project
        services.create_risk(demo.user("outsider"), {"project_id": demo.dcx01.pk, "title": "x", "response": "accept"})
    assert list(services.list_entries(Risk, demo.user("outsider"))) == []
    with pytest.raises(NotFound):
        services.get_entry(Risk, demo.user("member"), _risk(demo, who="admin", project_id=demo.ops01.pk).pk)


def test_optimistic_locking(demo: Demo) -> None:
    risk = _risk(demo)
    with pytest.raises(VersionRequired):
        services.update_risk(demo.user("project"), risk.pk, None, {"title": "x"})
    services.update_risk(demo.user("project"), risk.pk, 1, {"title": "first"})
    with pytest.raises(StaleVersion):
        services.update_risk(demo.user("project"), risk.pk, 1, {"title": "second"})
    assert Risk.objects.get(pk=risk.pk).title == "first"


# --- escalation ----------------------------------------------------------------------------

def test_escalation_climbs_one_level_per_manager(demo: Demo) -> None:
    risk = _risk(demo)
    with pytest.raises(PermissionDenied):
        services.escalate_risk(demo.user("member"), risk.pk, 1, "help")
    with pytest.raises(InvalidInput) as exc:
        services.escalate_risk(demo.user("project"), risk.pk, 1, "  ")
    assert exc.value.field == "reason"
    risk = services.escalate_risk(demo.user("project"), risk.pk, 1, "Needs program budget")
    assert (risk.escalation_level, risk.escalated_by, risk.escalation_reason) == ("program", demo.user("project"), "Needs program budget")
    assert risk.escalated and risk.escalated_at is not None
    with pytest.raises(PermissionDenied):  # the project manager has no role on the program
        services.escalate_risk(demo.user("project"), risk.pk, 2, "higher")
    risk = services.escalate_risk(demo.user("program"), risk.pk, 2, "Portfolio decision")
    assert risk.escalation_level == "portfolio"
    with pytest.raises(Conflict):
        services.escalate_risk(demo.user("portfolio"), risk.pk, 3, "above the top")


def test_closed_items_and_stale_versions_do_not_escalate(demo: Demo) -> None:
    risk = _risk(demo, status="closed")
    with pytest.raises(Conflict) as exc:
        services.escalate_risk(demo.user("project"), risk.pk, 1, "why")
    assert exc.value.field == "status"
    issue = services.create_issue(demo.user("project"), {"project_id": demo.dcx01.pk, "title": "Broken"})
    with pytest.raises(StaleVersion):
        services.escalate_issue(demo.user("project"), issue.pk, 7, "why")
    assert Issue.objects.get(pk=issue.pk).escalation_level == "project"
    resolved = services.create_issue(demo.user("project"), {"project_id": demo.dcx01.pk, "title": "Fixed", "status": "resolved"})
    with pytest.raises(Conflict):
        services.escalate_issue(demo.user("project"), resolved.pk, 1, "why")


def test_standalone_project_escalates_to_the_portfolio(demo: Demo) -> None:
    risk = _risk(demo, who="admin", project_id=demo.esg01.pk)
    assert services.escalate_risk(demo.user("srossi"), risk.pk, 1, "Board must know").escalation_level == "portfolio"


def test_program_level_entries_start_at_the_program(demo: Demo) -> None:
    risk = services.create_risk(demo.user("program"), {"program_id": demo.dcx.pk, "title": "Shared architects", "response": "accept"})
    assert (risk.escalation_level, risk.escalated) == ("program", False)
    with pytest.raises(PermissionDenied):
        services.create_risk(demo.user("project"), {"program_id": demo.dcx.pk, "title": "x", "response": "accept"})
    assert services.escalate_risk(demo.user("program"), risk.pk, 1, "Portfolio").escalated


# --- filters and exposure ------------------------------------------------------------------

def test_filters(demo: Demo) -> None:
    a = _risk(demo)
    b = _risk(demo, title="Reuse components", kind="opportunity", response="exploit", schedule_impact_minutes=-DAY, probability=2)
    services.escalate_risk(demo.user("project"), a.pk, 1, "why")
    qs = services.list_entries(Risk, demo.user("portfolio"))
    f = services.RegisterFilter
    assert list(f(kind="opportunity").apply(qs)) == [b]
    assert list(f(escalated=True).apply(qs)) == [Risk.objects.get(pk=a.pk)]
    assert list(f(escalated=False).apply(qs)) == [b]
    assert list(f(probability=2, impact=5).apply(qs)) == [b]
    assert list(f(q="reuse").apply(qs)) == [b]
    assert list(f(q="R-001").apply(qs)) == [Risk.objects.get(pk=a.pk)]
    assert f(program=demo.dcx.pk).apply(qs).count() == 2
    assert f(program=demo.ops.pk).apply(qs).count() == 0


def test_risk_exposure_by_project(demo: Demo, django_assert_num_queries: object) -> None:
    a = _risk(demo)  # 20
    _risk(demo, title="Smaller", probability=2, impact=3)  # 6
    _risk(demo, title="Closed", status="closed", probability=5, impact=5)
    _risk(demo, title="Chance", kind="opportunity", response="exploit", schedule_impact_minutes=0, probability=5, impact=5)
    services.escalate_risk(demo.user("project"), a.pk, 1, "why")
    with django_assert_num_queries(1):  # type: ignore[operator]
        exposure = services.risk_exposure_by_project([demo.dcx01.pk, demo.dcx02.pk])
    assert exposure[demo.dcx01.pk] == services.RiskExposure(open_threats=2, total_score=26, worst_score=20, escalated=1)
    assert exposure[demo.dcx02.pk] == services.RiskExposure()


def test_escalation_notifies_the_level_that_must_act(demo: Demo) -> None:
    from altitude.core.models import Notification

    risk = _risk(demo)
    services.escalate_risk(demo.user("project"), risk.pk, 1, "Needs program budget")
    note = Notification.objects.get(recipient=demo.user("program"))
    assert note.text.startswith("Jonas Weber escalated risk DCX-01 R-001 \u201cVendor late\u201d to the program")
    assert note.url == f"/risks/{risk.pk}/"
    services.escalate_risk(demo.user("program"), risk.pk, 2, "Board decision")
    assert Notification.objects.filter(recipient=demo.user("portfolio"), text__contains="to the portfolio").count() == 1
    assert not Notification.objects.filter(recipient=demo.user("project")).exists()
