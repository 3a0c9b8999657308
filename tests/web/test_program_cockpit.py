"""The program cockpit: content, forecast, permissions and query counts that do not grow with rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from altitude.delivery import services as delivery
from altitude.delivery.models import Project
from altitude.governance import forecast, services
from altitude.governance.models import Risk
from tests.personas import Demo
from tests.web.planning import Plan

DAY = 480


def _escalated_risk(demo: Demo, plan: Plan | None = None, **fields: Any) -> Risk:
    risk = services.create_risk(demo.user("project"), {
        "project_id": demo.dcx01.pk, "title": "Payment provider certification slips", "probability": 4, "impact": 5,
        "schedule_impact_minutes": 2 * DAY, "response": "mitigate", "task_ids": [plan.build.pk] if plan else [], **fields})
    return services.escalate_risk(demo.user("project"), risk.pk, 1, "The program must fund a fallback provider.")


def test_cockpit_shows_projects_escalations_money_and_health(demo: Demo, plan: Plan,
                                                             client_for: Callable[[str], Client]) -> None:
    risk = _escalated_risk(demo, plan)
    services.create_issue(demo.user("admin"), {"project_id": demo.dcx02.pk, "title": "Not escalated"})
    delivery.reschedule_program(demo.user("admin"), demo.dcx.pk)
    html = client_for("program").get(f"/programs/{demo.dcx.pk}/").content.decode()
    for text in ("Projects and health", "Roadmap", 'id="roadmap-data"', "Forecast: P50 and P80", "Integrated critical path",
                 "Budget by project", 'id="budget-data"', "Benefits planned", "come with the benefits module",
                 f'href="/risks/{risk.pk}/"', "DCX-01 R-001: Payment provider certification slips",
                 "The program must fund a fallback provider.", "drive the program finish", "Run the forecast"):
        assert text in html, text
    assert "Not escalated" not in html
    # risk health of DCX-01: worst score 20 -> red, with its reason (never colour alone)
    assert 'title="1 open threat, total score 20, worst 20, 1 escalated."' in html and "Off track" in html
    assert 'js/cockpit.js' in html and 'vendor/echarts.min.js' in html


def test_links_across_projects_are_listed(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    from tests.web.planning import link

    link(demo.user("admin"), plan.golive, plan.app)  # DCX-01 -> DCX-02
    html = client_for("program").get(f"/programs/{demo.dcx.pk}/").content.decode()
    assert "DCX-01 2 Go-live" in html and "DCX-02 1 App" in html


def test_forecast_applies_open_risks_to_linked_tasks(demo: Demo, plan: Plan) -> None:
    """Design 5 d -> Build 3 d -> Go-live from Mon 2026-03-02: planned finish Wed 03-11.

    A risk certain to occur (100 %) adds 2 days to Build: every run finishes Fri 03-13,
    so P50 = P80 = 2026-03-13 and the planned date is met in no run. Closing it removes it.
    """
    risk = _escalated_risk(demo, plan, probability_percent=100)
    result = forecast.run_forecast(demo.dcx, runs=200)
    row = next(r for r in result.data["rows"] if r["name"] == "DCX-01 finish")
    assert (row["planned"], row["p50"], row["p80"], row["on_time_percent"]) == ("2026-03-11", "2026-03-13", "2026-03-13", 0)
    assert row["contingency_days"] == 2.0
    assert result.data["risks"] == 1 and result.data["drivers"][0]["risk_id"] == risk.pk
    assert forecast.latest(demo.dcx) == (result, True)
    services.update_risk(demo.user("project"), risk.pk, 2, {"status": "closed"})
    assert forecast.latest(demo.dcx) == (result, False)  # out of date: the register changed
    closed = forecast.run_forecast(demo.dcx, runs=200)
    row = next(r for r in closed.data["rows"] if r["name"] == "DCX-01 finish")
    assert (row["p80"], closed.data["risks"]) == ("2026-03-11", 0)


def test_forecast_uses_three_point_estimates(demo: Demo, plan: Plan) -> None:
    delivery.update_task(demo.user("admin"), plan.build.pk, plan.build.version,
                         {"optimistic_minutes": 3 * DAY, "most_likely_minutes": 3 * DAY, "pessimistic_minutes": 8 * DAY})
    result = forecast.run_forecast(demo.dcx, runs=500)
    row = next(r for r in result.data["rows"] if r["name"] == "DCX-01 finish")
    assert result.data["estimates"] == 1
    assert "2026-03-11" == row["planned"] < row["p50"] <= row["p80"] <= "2026-03-18"


def test_forecast_button_and_permissions(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    url = f"/programs/{demo.dcx.pk}/forecast/"
    response = client_for("program").post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Program finish" in response.content.decode() and "DCX-01 finish" in response.content.decode()
    assert client_for("program").post(url).status_code == 302  # without htmx: back to the cockpit
    assert client_for("program").get(url).status_code == 405
    assert client_for("outsider").post(url).status_code == 404
    assert client_for("member").post(url).status_code == 403  # sees the program through DCX-01 only
    member_page = client_for("member").get(f"/programs/{demo.dcx.pk}/").content.decode()
    assert "Run the forecast" not in member_page
    assert client_for("outsider").get(f"/programs/{demo.dcx.pk}/").status_code == 404


def test_program_without_plans_explains_what_to_do(demo: Demo, client_for: Callable[[str], Client]) -> None:
    html = client_for("program").get(f"/programs/{demo.dcx.pk}/").content.decode()
    assert "No critical path yet" in html and "No forecast yet" in html
    assert "Nothing escalated to the program" in html
    response = client_for("program").post(f"/programs/{demo.dcx.pk}/forecast/", HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "no task" in response.content.decode().lower()


def _grow(demo: Demo, plan: Plan, n: int) -> None:
    for i in range(n):
        project = Project.objects.create(portfolio=demo.portfolio, program=demo.dcx, code=f"EXTRA-{i}", name=f"Extra {i}",
                                         manager=demo.user("project"), budget=1000)
        risk = services.create_risk(demo.user("admin"), {"project_id": project.pk, "title": f"Risk {i}", "response": "accept",
                                                         "probability": 5, "impact": 5})
        services.escalate_risk(demo.user("admin"), risk.pk, 1, "why")
        services.create_issue(demo.user("admin"), {"project_id": project.pk, "title": f"Issue {i}"})


@pytest.mark.parametrize("path", ["/programs/{dcx}/", "/programs/", "/projects/{p}/risks/", "/projects/{p}/issues/"])
def test_query_counts_do_not_grow_with_rows(demo: Demo, plan: Plan, client_for: Callable[[str], Client],
                                            django_assert_max_num_queries: Any, path: str) -> None:
    _escalated_risk(demo, plan)
    forecast.run_forecast(demo.dcx, runs=100)
    client = client_for("program")
    url = path.format(dcx=demo.dcx.pk, p=demo.dcx01.pk)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    _grow(demo, plan, 5)
    for i in range(5):
        services.create_risk(demo.user("admin"), {"project_id": demo.dcx01.pk, "title": f"More {i}", "response": "accept"})
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(30):
        client.get(url)


def test_forecast_names_only_the_risks_the_user_may_open(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    services.create_risk(demo.user("admin"), {"project_id": demo.dcx02.pk, "title": "App store rejection", "response": "accept",
                                              "schedule_impact_minutes": DAY, "probability_percent": 50,
                                              "task_ids": [plan.app.pk]})
    services.create_risk(demo.user("program"), {"program_id": demo.dcx.pk, "title": "Architects shared", "response": "accept",
                                                "schedule_impact_minutes": DAY, "probability_percent": 50,
                                                "task_ids": [plan.build.pk]})
    forecast.run_forecast(demo.dcx, runs=100)
    assert "Architects shared" in client_for("program").get(f"/programs/{demo.dcx.pk}/").content.decode()
    member = client_for("member").get(f"/programs/{demo.dcx.pk}/").content.decode()  # on DCX-01 and DCX-02 only
    assert "App store rejection" in member and "Architects shared" not in member
