"""Status report rules: suggested ratings, overrides need a comment, one draft, submitted is read-only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from altitude.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, StaleVersion
from altitude.core.models import Notification
from altitude.delivery.models import Project
from altitude.reporting import services
from altitude.reporting.models import ReportStatus, StatusReport
from tests.personas import Demo
from tests.web.planning import Plan

TODAY = dt.date(2026, 12, 4)  # a Friday


def _draft(demo: Demo, **fields: object) -> StatusReport:
    return services.create_report(demo.user("project"), {"project_id": demo.dcx01.pk, "summary": "On plan.", **fields},
                                  TODAY)


def test_ratings_start_from_the_figures(demo: Demo, plan: Plan) -> None:
    report = _draft(demo)
    # the plan's work tasks finished in spring and are not done: scope is red, the rest green; overall the worst
    assert report.computed["scope"]["rating"] == "red" and "2 of 2 work tasks" in report.computed["scope"]["reason"]
    assert (report.scope_rating, report.schedule_rating, report.cost_rating, report.overall_rating) == (
        "red", "green", "green", "red")
    assert report.status == ReportStatus.DRAFT and report.version == 1 and report.author == demo.user("project")
    assert (report.period_start, report.period_end) == (dt.date(2026, 11, 30), TODAY)  # this week, Monday on
    assert report.metrics == {}


def test_override_without_comment_is_refused(demo: Demo, plan: Plan) -> None:
    with pytest.raises(InvalidInput) as err:
        _draft(demo, scope_rating="amber")
    assert err.value.field == "scope_comment" and "suggest red" in err.value.message
    report = _draft(demo, scope_rating="amber", scope_comment="The two late tasks finish on Monday.")
    with pytest.raises(InvalidInput) as err:
        services.update_report(demo.user("project"), report.pk, 1, {"cost_rating": "red"}, TODAY)
    assert err.value.field == "cost_comment"
    assert StatusReport.objects.get(pk=report.pk).cost_rating == "green"  # nothing written
    saved = services.update_report(demo.user("project"), report.pk, 1,
                                   {"cost_rating": "red", "cost_comment": "A supplier claim is coming."}, TODAY)
    assert (saved.cost_rating, saved.version) == ("red", 2)


def test_a_dimension_the_figures_cannot_rate_needs_a_rating_and_a_comment(demo: Demo) -> None:
    with pytest.raises(InvalidInput) as err:  # no plan: schedule and scope are not assessed
        _draft(demo)
    assert err.value.field == "schedule_rating" and "do not rate schedule" in err.value.message
    with pytest.raises(InvalidInput) as err:
        _draft(demo, schedule_rating="green", scope_rating="green", scope_comment="Scope agreed.")
    assert err.value.field == "schedule_comment"
    report = _draft(demo, schedule_rating="green", schedule_comment="Plan in review.", scope_rating="green",
                    scope_comment="Scope agreed.")
    assert report.overridden("schedule") and not report.overridden("cost")


def test_one_draft_per_project_and_period_checks(demo: Demo, plan: Plan) -> None:
    first = _draft(demo)
    with pytest.raises(Conflict) as err:
        _draft(demo)
    assert err.value.field == "project_id" and str(first.pk) in err.value.message
    with pytest.raises(InvalidInput) as bad:
        services.update_report(demo.user("project"), first.pk, 1, {"period_end": dt.date(2026, 11, 1)}, TODAY)
    assert bad.value.field == "period_end"


def test_submit_freezes_metrics_notifies_and_is_read_only(demo: Demo, plan: Plan) -> None:
    pm = demo.user("project")
    report = _draft(demo, help_needed="A decision on the fallback provider.")
    with pytest.raises(StaleVersion):
        services.submit_report(pm, report.pk, 5, TODAY)
    saved = services.submit_report(pm, report.pk, 1, TODAY)
    assert saved.status == ReportStatus.SUBMITTED and saved.submitted_by == pm and saved.submitted_at is not None
    m = saved.metrics
    assert m["as_of"] == "2026-12-04" and m["planned_finish"] == "2027-02-26" and m["baseline_slip_days"] == 0
    assert (m["open_risks"], m["open_issues"], m["budget"], m["work_tasks"]) == (0, 0, "1450000.00", 2)
    assert m["scheduled_finish"] and m["percent_complete"] == 0
    note = Notification.objects.get(recipient=demo.user("program"))
    assert "DCX-01 status report" in note.text and "overall red" in note.text and "fallback provider" in note.text
    assert note.url == f"/reports/{saved.pk}/"
    with pytest.raises(Conflict) as err:
        services.update_report(pm, saved.pk, saved.version, {"summary": "changed"}, TODAY)
    assert err.value.field == "status" and "read-only" in err.value.message
    with pytest.raises(Conflict):
        services.submit_report(pm, saved.pk, saved.version, TODAY)
    assert saved.history.count() == 2
    # the next draft starts the day after the submitted period
    nxt = services.create_report(pm, {"project_id": demo.dcx01.pk}, TODAY + dt.timedelta(days=7))
    assert (nxt.period_start, nxt.period_end) == (TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=7))


def test_submit_needs_a_summary(demo: Demo, plan: Plan) -> None:
    report = _draft(demo, summary="")
    with pytest.raises(InvalidInput) as err:
        services.submit_report(demo.user("project"), report.pk, 1, TODAY)
    assert err.value.field == "summary"
    assert StatusReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_ratings_that_followed_the_figures_follow_them_again(demo: Demo, plan: Plan) -> None:
    report = _draft(demo, risk_rating="amber", risk_comment="A vendor is wobbling.")
    Project.objects.filter(pk=demo.dcx01.pk).update(budget=Decimal("1000000"))  # estimate 1.38 M: 38 % over
    saved = services.update_report(demo.user("project"), report.pk, 1, {"next_steps": "Re-plan."}, TODAY)
    assert saved.cost_rating == "red" and saved.computed["cost"]["rating"] == "red"
    assert saved.risk_rating == "amber"  # the manager's own rating stays


def test_who_may_do_what(demo: Demo, plan: Plan) -> None:
    with pytest.raises(PermissionDenied):
        services.create_report(demo.user("member"), {"project_id": demo.dcx01.pk}, TODAY)
    with pytest.raises(InvalidInput) as err:
        services.create_report(demo.user("outsider"), {"project_id": demo.dcx01.pk}, TODAY)
    assert err.value.field == "project_id"
    report = services.create_report(demo.user("program"), {"project_id": demo.dcx01.pk, "summary": "s"}, TODAY)
    assert services.get_report(demo.user("member"), report.pk) == report
    with pytest.raises(PermissionDenied):
        services.update_report(demo.user("member"), report.pk, 1, {"summary": "x"}, TODAY)
    with pytest.raises(PermissionDenied):
        services.submit_report(demo.user("executive"), report.pk, 1, TODAY)
    with pytest.raises(NotFound):
        services.get_report(demo.user("outsider"), report.pk)
    with pytest.raises(Conflict):
        services.create_report(demo.user("admin"), {"project_id": demo.esg01.pk}, TODAY)  # closed


def test_cockpit_rows_say_overdue_in_words(demo: Demo, plan: Plan) -> None:
    projects = list(Project.objects.filter(program=demo.dcx).order_by("code"))
    rows = {r.project.code: r for r in services.report_rows(projects, TODAY)}
    assert rows["DCX-01"].overdue and rows["DCX-01"].state == "Overdue: no report yet"
    report = services.submit_report(demo.user("project"), _draft(demo).pk, 1, TODAY,
                                    dt.datetime(2026, 12, 4, 12, tzinfo=dt.UTC))
    rows = {r.project.code: r for r in services.report_rows(projects, TODAY)}
    assert not rows["DCX-01"].overdue and rows["DCX-01"].state == "Up to date (0 days ago)"
    assert rows["DCX-01"].report == report
    assert rows["DCX-02"].overdue and rows["DCX-03"].overdue  # planning and initiating projects report too
    later = {r.project.code: r for r in services.report_rows(projects, TODAY + dt.timedelta(days=15))}
    assert later["DCX-01"].overdue and later["DCX-01"].state == "Overdue: last one 15 days ago"


@pytest.mark.django_db
def test_demo_reports_load_with_the_plans() -> None:
    from altitude.demo import load_demo

    load_demo("x")
    reports = list(StatusReport.objects.order_by("pk").values_list("project__code", "status", "overall_rating"))
    assert len(reports) == 7 and reports[-1][:2] == ("DCX-01", "draft")
    assert {r[2] for r in reports} >= {"amber", "red"}
    rows = {r.project.code: r for r in services.report_rows(Project.objects.all())}
    assert [code for code, r in rows.items() if r.overdue] == ["OPS-03"]
    assert rows["ESG-01"].state == "Not expected (closed)"
