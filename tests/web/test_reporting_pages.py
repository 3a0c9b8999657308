"""Reports tab, draft form, detail and submit pages per role; cockpit section; query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from altitude.delivery.models import Project
from altitude.reporting import services
from altitude.reporting.models import RATED, ReportStatus, StatusReport
from tests.personas import Demo
from tests.web.planning import Plan


def _post_data(report: StatusReport | None = None, **overrides: str) -> dict[str, str]:
    data = {"period_start": "2026-11-30", "period_end": "2026-12-04", "summary": "Build on track.",
            "accomplishments": "", "next_steps": "", "help_needed": "", "version": str(report.version) if report else ""}
    for name in RATED:
        data[f"{name}_rating"] = getattr(report, f"{name}_rating") if report else ""
        data[f"{name}_comment"] = ""
    data.update(overrides)
    return data


def _ratings_from_figures(demo: Demo) -> dict[str, str]:
    computed = services.suggested_values(demo.dcx01)["computed"]
    return {f"{n}_rating": computed[n]["rating"] for n in RATED}


def test_reports_tab_empty_state_per_role(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    url = f"/projects/{demo.dcx01.pk}/reports/"
    html = client_for("project").get(url).content.decode()
    assert "No status report yet" in html and f'href="/projects/{demo.dcx01.pk}/reports/new/"' in html
    assert 'aria-current="page">Reports' in html and ">Closure</a>" in html
    member = client_for("member").get(url).content.decode()
    assert "No status report yet" in member and "/reports/new/" not in member
    assert client_for("outsider").get(url).status_code == 404
    assert client_for("member").get(f"/projects/{demo.dcx01.pk}/reports/new/").status_code == 403
    planning = client_for("admin").get(f"/projects/{demo.dcx02.pk}/reports/").content.decode()
    assert ">Closure</a>" not in planning  # only executing, closing and closed projects show the tab


def test_draft_form_prefills_and_validates(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    pm = client_for("project")
    new = f"/projects/{demo.dcx01.pk}/reports/new/"
    form = pm.get(new).content.decode()
    assert 'value="2026-' in form and "work tasks" in form  # the default period and the figures' reasons
    assert '<option value="red" selected>' in form  # scope, from the figures
    data = _post_data(None, **{**_ratings_from_figures(demo), "scope_rating": "green"})
    response = pm.post(new, data)
    assert response.status_code == 400 and "suggest red" in response.content.decode()
    assert not StatusReport.objects.exists()
    data["scope_comment"] = "The late tasks are done, progress not booked yet."
    response = pm.post(new, data)
    report = StatusReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert report.scope_rating == "green" and report.author == demo.user("project")
    assert pm.get(new)["Location"] == f"/reports/{report.pk}/edit/"  # one draft: continue it
    stale = pm.post(f"/reports/{report.pk}/edit/", _post_data(report, version="9", scope_comment="x"))
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()


def test_detail_submit_and_read_only(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    report = services.create_report(demo.user("project"), {"project_id": demo.dcx01.pk, "summary": "Fine."})
    pm, member = client_for("project"), client_for("member")
    url = f"/reports/{report.pk}/"
    html = pm.get(url).content.decode()
    assert "Submit the report" in html and "Edit the draft" in html and "Off track" in html
    member_html = member.get(url).content.decode()
    assert "Submit the report" not in member_html and "Edit the draft" not in member_html
    assert member.post(url + "submit/", {"version": 1, "confirm": "on"}).status_code == 403
    assert client_for("outsider").get(url).status_code == 404
    unconfirmed = pm.post(url + "submit/", {"version": 1})
    assert unconfirmed.status_code == 400 and "Tick the box" in unconfirmed.content.decode()
    assert pm.post(url + "submit/", {"version": 1, "confirm": "on"})["Location"] == url
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.metrics["budget"] == "1450000.00"
    done = pm.get(url).content.decode()
    assert "Submit the report" not in done and "Submitted" in done and "1,450,000" in done and "started the draft" in done
    edit = pm.get(url + "edit/")
    assert edit.status_code == 409 and "read-only" in edit.content.decode()
    again = pm.post(url + "submit/", {"version": 2, "confirm": "on"})
    assert again.status_code == 409


def test_discard_a_draft_from_its_page(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    report = services.create_report(demo.user("project"), {"project_id": demo.dcx01.pk, "summary": "Fine."})
    pm, member = client_for("project"), client_for("member")
    url = f"/reports/{report.pk}/"
    assert "Discard the draft" in pm.get(url).content.decode()
    assert "Discard the draft" not in member.get(url).content.decode()
    assert member.post(url + "delete/", {"version": 1}).status_code == 403
    assert pm.get(url + "delete/").status_code == 405  # never on a GET
    stale = pm.post(url + "delete/", {"version": 7}, follow=True)
    assert "changed by someone else" in stale.content.decode() and StatusReport.objects.filter(pk=report.pk).exists()
    gone = pm.post(url + "delete/", {"version": 1})
    assert gone["Location"] == f"/projects/{demo.dcx01.pk}/reports/"
    assert not StatusReport.objects.filter(pk=report.pk).exists()
    assert "discarded" in pm.get(gone["Location"]).content.decode()
    sent = services.create_report(demo.user("project"), {"project_id": demo.dcx01.pk, "summary": "Fine."})
    services.submit_report(demo.user("project"), sent.pk, 1)
    assert "Discard the draft" not in pm.get(f"/reports/{sent.pk}/").content.decode()
    kept = pm.post(f"/reports/{sent.pk}/delete/", {"version": 2}, follow=True)
    assert "read-only" in kept.content.decode() and StatusReport.objects.filter(pk=sent.pk).exists()


def test_cockpit_shows_latest_reports_and_overdue(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    cockpit = f"/programs/{demo.dcx.pk}/"
    html = client_for("program").get(cockpit).content.decode()
    assert "Status reports" in html and "Overdue: no report yet" in html
    report = services.submit_report(demo.user("project"), services.create_report(
        demo.user("project"), {"project_id": demo.dcx01.pk, "summary": "Fine."}).pk, 1)
    html = client_for("program").get(cockpit).content.decode()
    assert f'href="/reports/{report.pk}/"' in html and "Up to date (0 days ago)" in html
    assert report.submitted_at is not None
    StatusReport.objects.filter(pk=report.pk).update(submitted_at=report.submitted_at - dt.timedelta(days=20))
    assert "Overdue: last one 20 days ago" in client_for("program").get(cockpit).content.decode()


def _grow(demo: Demo, n: int) -> None:
    pm = demo.user("admin")
    for i in range(n):
        project = Project.objects.create(portfolio=demo.portfolio, program=demo.dcx, code=f"REP-{i}", name=f"Rep {i}",
                                         stage="executing", budget=1000,
                                         estimated_cost=900)
        for _ in range(2):
            draft = services.create_report(pm, {"project_id": project.pk, "summary": "s", "schedule_rating": "green",
                                                "schedule_comment": "c", "scope_rating": "green", "scope_comment": "c",
                                                "benefits_rating": "amber", "benefits_comment": "c"})
            services.submit_report(pm, draft.pk, 1)
    for _ in range(n):
        draft = services.create_report(pm, {"project_id": demo.dcx01.pk, "summary": "s"})
        services.submit_report(pm, draft.pk, 1)


@pytest.mark.parametrize("path", ["/projects/{p}/reports/", "/programs/{dcx}/", "/reports/{r}/", "/projects/{p}/closure/"])
def test_query_counts_do_not_grow_with_rows(demo: Demo, plan: Plan, client_for: Callable[[str], Client],
                                            django_assert_max_num_queries: Any, path: str) -> None:
    first = services.submit_report(demo.user("project"), services.create_report(
        demo.user("project"), {"project_id": demo.dcx01.pk, "summary": "s"}).pk, 1)
    client = client_for("program")
    url = path.format(p=demo.dcx01.pk, dcx=demo.dcx.pk, r=first.pk)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    n = len(before.captured_queries)
    _grow(demo, 6)
    with django_assert_max_num_queries(n):
        assert client.get(url).status_code == 200
    assert n <= 40
