"""Register pages: heat map, filters in the URL, forms with errors next to fields, escalation, personas."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from altitude.governance import services
from altitude.governance.models import Issue, Risk
from tests.personas import Demo
from tests.web.planning import Plan

DAY = 480


def _risk(demo: Demo, **fields: object) -> Risk:
    values = {"project_id": demo.dcx01.pk, "title": "Vendor late", "probability": 4, "impact": 5,
              "schedule_impact_minutes": DAY, "response": "mitigate", **fields}
    return services.create_risk(demo.user("project"), values)


FORM = {"title": "Checkout load spikes", "description": "", "kind": "threat", "probability": 3, "impact": 4,
        "probability_percent": "", "schedule_impact_days": "2.5", "cost_impact": "1000", "owner": "", "response": "mitigate",
        "mitigation_plan": "Load test early", "due_date": "", "status": "open"}


def test_heat_map_counts_and_links(demo: Demo, client_for: Callable[[str], Client]) -> None:
    _risk(demo)
    _risk(demo, title="Second 4x5")
    _risk(demo, title="Small", probability=1, impact=2)
    html = client_for("member").get(f"/projects/{demo.dcx01.pk}/risks/?kind=threat").content.decode()
    assert 'aria-label="Probability 4, impact 5, high zone: 2 risks"' in html
    assert 'aria-label="Probability 1, impact 2, low zone: 1 risk"' in html
    assert 'href="?kind=threat&amp;probability=4&amp;impact=5"' in html  # keeps the other filters
    cell = client_for("member").get(f"/projects/{demo.dcx01.pk}/risks/?kind=threat&probability=1&impact=2").content.decode()
    assert "Small" in cell and "Vendor late" not in cell
    assert "Showing the cell probability 1 \u00d7 impact 2" in cell


def test_filters_persist_and_empty_states(demo: Demo, client_for: Callable[[str], Client]) -> None:
    client = client_for("project")
    empty = client.get(f"/projects/{demo.dcx01.pk}/risks/").content.decode()
    assert "No risk recorded for DCX-01 yet" in empty and "Raise the first risk" in empty
    _risk(demo)
    _risk(demo, title="A chance", kind="opportunity", response="exploit", schedule_impact_minutes=-DAY)
    html = client.get(f"/projects/{demo.dcx01.pk}/risks/?kind=opportunity&q=chance").content.decode()
    assert "A chance" in html and "Vendor late" not in html
    assert '<option value="opportunity" selected>' in html and 'value="chance"' in html
    none = client.get(f"/projects/{demo.dcx01.pk}/risks/?q=zzz").content.decode()
    assert "No risk matches these filters" in none
    assert "No issue logged for DCX-01" in client.get(f"/projects/{demo.dcx01.pk}/issues/").content.decode()


def test_pagination_keeps_filters(demo: Demo, client_for: Callable[[str], Client]) -> None:
    for i in range(27):
        _risk(demo, title=f"Threat {i}")
    html = client_for("project").get(f"/projects/{demo.dcx01.pk}/risks/?kind=threat").content.decode()
    assert "Page 1 of 2" in html and 'href="?kind=threat&amp;page=2"' in html


def test_create_form_saves_and_shows_errors_next_to_fields(demo: Demo, plan: Plan, client_for: Callable[[str], Client]) -> None:
    client = client_for("member")
    url = f"/projects/{demo.dcx01.pk}/risks/new/"
    page = client.get(url).content.decode()
    assert '<label for="id_title">' in page and "1.2 Build" in page  # linked-task choices
    bad = client.post(url, {**FORM, "response": "exploit"})
    assert bad.status_code == 400
    assert "A threat takes one of these responses" in bad.content.decode()
    assert not Risk.objects.exists()
    sign = client.post(url, {**FORM, "schedule_impact_days": "-1"})
    assert sign.status_code == 400 and "A threat delays" in sign.content.decode()
    assert client.post(url, {**FORM, "title": ""}).status_code == 400
    ok = client.post(url, {**FORM, "tasks": [plan.build.pk]})
    risk = Risk.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/risks/{risk.pk}/"
    assert (risk.schedule_impact_minutes, risk.code, list(risk.tasks.all())) == (1200, "R-001", [plan.build])


def test_edit_form_detects_conflicts(demo: Demo, client_for: Callable[[str], Client]) -> None:
    risk = _risk(demo)
    url = f"/risks/{risk.pk}/edit/"
    assert client_for("member").get(url).status_code == 403
    client = client_for("project")
    assert 'value="Vendor late"' in client.get(url).content.decode()
    assert client.post(url, {**FORM, "version": 1}).status_code == 302
    stale = client.post(url, {**FORM, "title": "Overwrite", "version": 1})
    assert stale.status_code == 409
    assert "changed by someone else" in stale.content.decode()
    assert Risk.objects.get(pk=risk.pk).title == "Checkout load spikes"


def test_detail_shows_history_and_escalates(demo: Demo, client_for: Callable[[str], Client]) -> None:
    risk = _risk(demo)
    services.update_risk(demo.user("project"), risk.pk, 1, {"impact": 3})
    client = client_for("project")
    html = client.get(f"/risks/{risk.pk}/").content.decode()
    assert "History" in html and "changed impact" in html and "created" in html
    assert "Escalate to the program" in html
    assert "Escalate to the program" not in client_for("member").get(f"/risks/{risk.pk}/").content.decode()
    missing = client.post(f"/risks/{risk.pk}/escalate/", {"version": 2, "reason": ""})
    assert missing.status_code == 400
    stale = client.post(f"/risks/{risk.pk}/escalate/", {"version": 1, "reason": "why"})
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()
    assert client_for("member").post(f"/risks/{risk.pk}/escalate/", {"version": 2, "reason": "why"}).status_code == 403
    done = client.post(f"/risks/{risk.pk}/escalate/", {"version": 2, "reason": "Program budget"}, follow=True)
    text = done.content.decode()
    assert "escalated to the program" in text and "Program budget" in text
    assert "escalated it to the program" in text  # in the history
    assert client.get(f"/risks/{risk.pk}/escalate/").status_code == 405


def test_issue_pages(demo: Demo, client_for: Callable[[str], Client]) -> None:
    client = client_for("member")
    url = f"/projects/{demo.dcx01.pk}/issues/new/"
    form = {"title": "Sandbox down", "description": "", "severity": "critical", "owner": "", "due_date": "",
            "status": "open", "risk": ""}
    assert client.post(url, {**form, "severity": "urgent"}).status_code == 400
    assert client.post(url, form).status_code == 302
    issue = Issue.objects.get()
    html = client.get(f"/projects/{demo.dcx01.pk}/issues/?severity=critical").content.decode()
    assert "Sandbox down" in html and "Critical" in html
    assert client_for("member").get(f"/issues/{issue.pk}/edit/").status_code == 403
    pm = client_for("project")
    assert pm.post(f"/issues/{issue.pk}/escalate/", {"version": 1, "reason": "vendor"}).status_code == 302
    assert "▲ Program" in pm.get(f"/projects/{demo.dcx01.pk}/issues/?escalated=1").content.decode()


@pytest.mark.parametrize("path", ["/projects/{p}/risks/", "/projects/{p}/issues/", "/projects/{p}/risks/new/",
                                  "/risks/{r}/", "/issues/{i}/", "/risks/{r}/edit/"])
def test_outsider_gets_404_and_viewer_reads(demo: Demo, client_for: Callable[[str], Client], path: str) -> None:
    risk = _risk(demo)
    issue = services.create_issue(demo.user("project"), {"project_id": demo.dcx01.pk, "title": "x"})
    url = path.format(p=demo.dcx01.pk, r=risk.pk, i=issue.pk)
    assert client_for("outsider").get(url).status_code == 404
    expected = 403 if url.endswith(("/new/", "/edit/")) else 200
    assert client_for("executive").get(url).status_code == expected


@pytest.mark.parametrize("path", ["/projects/{p}/risks/", "/projects/{p}/issues/", "/risks/{r}/"])
def test_register_query_counts_do_not_grow(demo: Demo, plan: Plan, client_for: Callable[[str], Client],
                                           django_assert_max_num_queries: object, path: str) -> None:
    first = _risk(demo, task_ids=[plan.build.pk])
    for i in range(20):
        _risk(demo, title=f"Threat {i}", owner_id=demo.user("member").pk, task_ids=[plan.design.pk])
        services.create_issue(demo.user("project"), {"project_id": demo.dcx01.pk, "title": f"Issue {i}",
                                                     "owner_id": demo.user("member").pk})
    client = client_for("project")
    url = path.format(p=demo.dcx01.pk, r=first.pk)
    client.get(url)
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        assert client.get(url).status_code == 200
