"""Decision log: scopes, decide/withdraw, API errors, pages per role, the cockpit's "Decisions needed", query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from altitude.core.errors import Conflict, InvalidInput, PermissionDenied
from altitude.governance import decisions
from altitude.governance.register_models import Decision
from tests.personas import Demo
from tests.web.planning import call

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def _decision(demo: Demo, who: str = "member", **fields: Any) -> Decision:
    values = {"project_id": demo.dcx01.pk, "title": "Which search vendor?", "options": "A\nB", **fields}
    if "program_id" in fields and "project_id" not in fields:
        values.pop("project_id")
    return decisions.create_decision(demo.user(who), values)


def test_scopes_codes_and_rights(demo: Demo) -> None:
    first, second = _decision(demo), _decision(demo)
    program = _decision(demo, "program", program_id=demo.dcx.pk)
    assert (first.code, second.code, program.code) == ("D-001", "D-002", "D-001")
    with pytest.raises(PermissionDenied):  # a project member sees the program but keeps no log there
        _decision(demo, "member", program_id=demo.dcx.pk)
    with pytest.raises(InvalidInput) as both:
        _decision(demo, "project", program_id=demo.dcx.pk, project_id=demo.dcx01.pk)
    assert both.value.field == "project_id"
    with pytest.raises(PermissionDenied):
        decisions.decide(demo.user("member"), first.pk, 1, "A")


def test_decide_and_withdraw(demo: Demo) -> None:
    decision = _decision(demo)
    with pytest.raises(InvalidInput) as empty:
        decisions.decide(demo.user("project"), decision.pk, 1, "  ")
    assert empty.value.field == "decision"
    done = decisions.decide(demo.user("program"), decision.pk, 1, "Vendor A: cheaper to run.")
    assert (done.status, done.decided_by, done.decision, done.version) == (
        "decided", demo.user("program"), "Vendor A: cheaper to run.", 2)
    with pytest.raises(Conflict):
        decisions.withdraw(demo.user("project"), decision.pk, 2)
    with pytest.raises(Conflict):
        decisions.delete_decision(demo.user("project"), decision.pk)
    other = _decision(demo)
    assert decisions.withdraw(demo.user("project"), other.pk, 1).status == "withdrawn"
    assert done.history.count() == 2


def test_overdue_filter(demo: Demo) -> None:
    late = _decision(demo, due_date=YESTERDAY)
    _decision(demo, due_date=timezone.localdate())
    assert late.is_overdue
    qs = decisions.list_decisions(demo.user("project"), decisions.DecisionFilter(overdue=True))
    assert list(qs) == [late]


def test_api_operations_and_errors(demo: Demo, client_for: Callable[[str], Client]) -> None:
    member, pm = client_for("member"), client_for("project")
    status, body = call(member, "POST", "/api/v1/decisions", {"project_id": demo.dcx01.pk, "title": "Region?",
                                                              "due_date": YESTERDAY.isoformat()})
    assert status == 201 and (body["code"], body["status"], body["overdue"]) == ("D-001", "pending", True)
    url = f"/api/v1/decisions/{body['id']}"
    assert call(client_for("outsider"), "GET", url)[0] == 404
    assert call(client_for("executive"), "GET", url)[0] == 200
    assert call(member, "PATCH", url, {"title": "x", "version": 1})[0] == 403
    assert call(pm, "PATCH", url, {"title": "x"})[0] == 428
    assert call(pm, "PATCH", url, {"title": "Hosting region?"}, **{"If-Match": "1"})[0] == 200
    status, err = call(pm, "PATCH", url, {"title": "stale", "version": 1})
    assert (status, err["field"]) == (409, "version")
    status, err = call(pm, "PATCH", url, {"owner_id": 999999, "version": 2})
    assert (status, err["field"]) == (422, "owner_id")
    status, err = call(pm, "POST", url + "/decide", {"decision": "", "version": 2})
    assert status == 422
    status, done = call(pm, "POST", url + "/decide", {"decision": "Frankfurt", "version": 2})
    assert (status, done["status"], done["overdue"]) == (200, "decided", False)
    assert call(pm, "POST", url + "/withdraw", {"version": 3})[0] == 409
    status, listed = call(member, "GET", f"/api/v1/decisions?program={demo.dcx.pk}&status=decided")
    assert status == 200 and [d["id"] for d in listed["items"]] == [body["id"]]
    assert call(pm, "DELETE", url)[0] == 409


def test_pages_decide_and_errors(demo: Demo, client_for: Callable[[str], Client]) -> None:
    member, pm = client_for("member"), client_for("project")
    bad = member.post(f"/projects/{demo.dcx01.pk}/decisions/new/", {"title": "", "due_date": "soon"})
    assert bad.status_code == 400 and b"This field is required" in bad.content and b"Enter a valid date" in bad.content
    assert member.post(f"/projects/{demo.dcx01.pk}/decisions/new/", {"title": "Region?", "options": "A\nB",
                                                                     "due_date": YESTERDAY.isoformat()}).status_code == 302
    decision = Decision.objects.get()
    page = member.get(f"/decisions/{decision.pk}/").content.decode()
    assert "Overdue" in page and "Record the decision" not in page
    listing = pm.get(f"/projects/{demo.dcx01.pk}/decisions/?overdue=1").content.decode()
    assert "Region?" in listing and "Overdue" in listing
    empty = pm.post(f"/decisions/{decision.pk}/decide/", {"version": 1, "decision": ""})
    assert empty.status_code == 400 and "write down what was decided" in empty.content.decode()
    stale = pm.post(f"/decisions/{decision.pk}/decide/", {"version": 5, "decision": "A"})
    assert stale.status_code == 409
    assert pm.post(f"/decisions/{decision.pk}/decide/", {"version": 1, "decision": "A"}).status_code == 302
    assert "Decided" in pm.get(f"/projects/{demo.dcx01.pk}/decisions/?status=decided").content.decode()
    other = _decision(demo)
    assert pm.post(f"/decisions/{other.pk}/decide/", {"version": 1, "withdraw": "1"}).status_code == 302
    other.refresh_from_db()
    assert other.status == "withdrawn"


@pytest.mark.parametrize("path", ["/projects/{p}/decisions/", "/projects/{p}/decisions/new/", "/decisions/{d}/",
                                  "/decisions/{d}/edit/"])
def test_outsider_gets_404_and_viewer_reads(demo: Demo, client_for: Callable[[str], Client], path: str) -> None:
    url = path.format(p=demo.dcx01.pk, d=_decision(demo).pk)
    assert client_for("outsider").get(url).status_code == 404
    expected = 403 if url.endswith(("/new/", "/edit/")) else 200
    assert client_for("executive").get(url).status_code == expected


def test_program_log_is_for_the_program_team(demo: Demo, client_for: Callable[[str], Client]) -> None:
    decision = _decision(demo, "program", program_id=demo.dcx.pk)
    assert client_for("program").get(f"/programs/{demo.dcx.pk}/decisions/").status_code == 200
    assert client_for("program").get(f"/programs/{demo.dcx.pk}/decisions/new/").status_code == 200
    assert client_for("member").get(f"/programs/{demo.dcx.pk}/decisions/").status_code == 404
    assert client_for("member").get(f"/decisions/{decision.pk}/").status_code == 404


def test_cockpit_lists_decisions_needed_and_flags_overdue(demo: Demo, client_for: Callable[[str], Client]) -> None:
    _decision(demo, "program", program_id=demo.dcx.pk, title="Fallback provider?", due_date=YESTERDAY)
    _decision(demo, title="Search vendor?")
    decided = _decision(demo, title="Hosting region?")
    decisions.decide(demo.user("project"), decided.pk, 1, "Frankfurt")
    _decision(demo, "admin", project_id=demo.ops01.pk, title="Other program")
    page = client_for("program").get(f"/programs/{demo.dcx.pk}/").content.decode()
    section = page[page.index('id="decisions-needed"'):page.index('id="integrated"')]
    assert "Program D-001: Fallback provider?" in section and "DCX-01 D-001: Search vendor?" in section
    assert section.index("Fallback") < section.index("Search vendor")  # soonest due first
    assert "Overdue" in section and "Hosting region" not in section and "Other program" not in section
    member_view = client_for("member").get(f"/programs/{demo.dcx.pk}/").content.decode()
    assert "Search vendor?" in member_view and "Fallback provider?" not in member_view
    assert "program's decision log" not in member_view


@pytest.mark.parametrize("path", ["/projects/{p}/decisions/", "/programs/{g}/decisions/", "/decisions/{d}/",
                                  "/api/v1/decisions"])
def test_queries_do_not_grow(demo: Demo, client_for: Callable[[str], Client], path: str) -> None:
    first = _decision(demo, owner_id=demo.user("project").pk)
    _decision(demo, "program", program_id=demo.dcx.pk)
    client = client_for("program")
    url = path.format(p=demo.dcx01.pk, g=demo.dcx.pk, d=first.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for i in range(12):
        _decision(demo, title=f"Question {i}", owner_id=demo.user("member").pk, due_date=YESTERDAY)
        _decision(demo, "program", program_id=demo.dcx.pk, title=f"Program question {i}")
    decisions.update_decision(demo.user("project"), first.pk, 1, {"title": "Renamed"})
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


def test_demo_rows(demo: Demo) -> None:
    from altitude.governance import register_demo

    register_demo.load(demo.portfolio, demo.users)
    pending = decisions.pending_for_program(demo.user("program"), demo.dcx)
    assert any(d.program_id and d.is_overdue for d in pending)
    assert Decision.objects.filter(status="decided", project=demo.dcx01).count() == 1
