"""Lessons learned: tags, search across projects, similar projects, API errors, pages per role, query counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from altitude.core.errors import InvalidInput, PermissionDenied
from altitude.delivery.models import Project
from altitude.governance import lessons
from altitude.governance.register_models import Lesson
from tests.personas import Demo
from tests.web.planning import call


def _lesson(demo: Demo, who: str = "member", project: Project | None = None, **fields: Any) -> Lesson:
    return lessons.create_lesson(demo.user(who), {"project_id": (project or demo.dcx01).pk,
                                                  "title": "Certification takes two runs", "category": "schedule",
                                                  "effect": "negative", "tags": "Payments, certification", **fields})


def test_tags_are_normalised_and_validated(demo: Demo) -> None:
    assert lessons.normalise_tags(" ERP, Data  Migration,erp,, ") == "data-migration,erp"
    lesson = _lesson(demo, tags="Payments, PAYMENTS, 3-D secure")
    assert (lesson.tags, lesson.tag_list, lesson.author) == ("3-d-secure,payments", ["3-d-secure", "payments"],
                                                             demo.user("member"))
    with pytest.raises(InvalidInput) as bad:
        _lesson(demo, tags="ok, <script>")
    assert bad.value.field == "tags"
    with pytest.raises(PermissionDenied):
        _lesson(demo, "executive")


def test_search_filters_by_text_tag_category_and_visibility(demo: Demo) -> None:
    a = _lesson(demo, tags="payments, erp-like")
    b = _lesson(demo, "admin", project=demo.ops01, title="Trial migrations", category="technical", effect="positive",
                tags="erp, migration", what_happened="Three trial runs")

    def ids(who: str, **f: Any) -> list[int]:
        return [x.pk for x in lessons.list_lessons(demo.user(who), lessons.LessonFilter(**f)).order_by("pk")]

    assert ids("admin", tag="ERP") == [b.pk]  # exact tag, not a prefix of "erp-like"
    assert ids("admin", tag="erp-like") == [a.pk]
    assert ids("admin", q="trial runs") == [b.pk]
    assert ids("admin", category="schedule") == [a.pk]
    assert ids("admin", effect="positive") == [b.pk]
    assert ids("member") == [a.pk]  # OPS-01 is not hers
    assert ids("outsider") == []


def test_similar_lessons_for_a_project_that_has_not_started(demo: Demo) -> None:
    same_program = _lesson(demo, "admin", project=demo.dcx01)
    tagged = _lesson(demo, "admin", project=demo.ops01, title="Keep the app store in the loop", tags="app")
    _lesson(demo, "admin", project=demo.ops01, title="Unrelated", tags="warehouse")
    demo.dcx02.stage = "planning"
    demo.dcx02.save()
    found = lessons.similar_lessons(demo.user("admin"), demo.dcx02)  # "Mobile app relaunch": same program or #app
    assert {x.pk for x in found} == {same_program.pk, tagged.pk}
    assert lessons.similar_lessons(demo.user("admin"), demo.dcx01) == []  # executing: too late to plan with them
    assert [x.pk for x in lessons.similar_lessons(demo.user("member"), demo.dcx02)] == [same_program.pk]


def test_overview_shows_lessons_from_similar_projects(demo: Demo, client_for: Callable[[str], Client]) -> None:
    _lesson(demo, "admin", project=demo.dcx01, title="Book the provider's test slots early")
    demo.dcx02.stage = "planning"
    demo.dcx02.save()
    page = client_for("program").get(f"/projects/{demo.dcx02.pk}/").content.decode()
    assert "Lessons from similar projects" in page and "Book the provider" in page
    assert "Lessons from similar projects" not in client_for("program").get(f"/projects/{demo.dcx01.pk}/").content.decode()


def test_api_operations_and_errors(demo: Demo, client_for: Callable[[str], Client]) -> None:
    member, pm = client_for("member"), client_for("project")
    status, body = call(member, "POST", "/api/v1/lessons", {"project_id": demo.dcx01.pk, "title": "Two runs",
                                                            "category": "schedule", "tags": "B, a"})
    assert status == 201 and body["tags"] == ["a", "b"] and body["effect"] == "negative"
    url = f"/api/v1/lessons/{body['id']}"
    status, err = call(member, "POST", "/api/v1/lessons", {"project_id": demo.dcx01.pk, "title": "x", "category": "luck"})
    assert status == 422
    status, err = call(member, "POST", "/api/v1/lessons", {"project_id": demo.dcx01.pk, "title": "x", "tags": "a b c, <b>"})
    assert (status, err["field"]) == (422, "tags")
    assert call(client_for("outsider"), "GET", url)[0] == 404
    assert call(client_for("executive"), "PATCH", url, {"title": "x", "version": 1})[0] == 403
    assert call(member, "PATCH", url, {"title": "x"})[0] == 428
    assert call(member, "PATCH", url, {"tags": "c"}, **{"If-Match": "1"})[1]["tags"] == ["c"]
    assert call(member, "PATCH", url, {"title": "stale", "version": 1})[0] == 409
    status, listed = call(pm, "GET", "/api/v1/lessons?tag=C&category=schedule")
    assert status == 200 and [x["id"] for x in listed["items"]] == [body["id"]]
    assert call(member, "DELETE", url)[0] == 403
    assert call(pm, "DELETE", url)[0] == 204


def test_pages_create_edit_search(demo: Demo, client_for: Callable[[str], Client]) -> None:
    member = client_for("member")
    assert reverse("governance:project-lessons", kwargs={"project_id": demo.dcx01.pk}) == f"/projects/{demo.dcx01.pk}/lessons/"
    bad = member.post(f"/projects/{demo.dcx01.pk}/lessons/new/", {"title": "", "category": "luck", "effect": "negative"})
    assert bad.status_code == 400 and b"This field is required" in bad.content and b"Select a valid choice" in bad.content
    bad_tag = member.post(f"/projects/{demo.dcx01.pk}/lessons/new/", {"title": "t", "category": "cost",
                                                                      "effect": "positive", "tags": "<b>"})
    assert bad_tag.status_code == 400 and "is not a tag" in bad_tag.content.decode()
    assert member.post(f"/projects/{demo.dcx01.pk}/lessons/new/", {"title": "Fixed price helped", "category": "cost",
                                                                   "effect": "positive", "tags": "Contracts"}).status_code == 302
    lesson = Lesson.objects.get()
    page = member.get(f"/lessons/{lesson.pk}/").content.decode()
    assert "+ Went well" in page and "/lessons/?tag=contracts" in page
    assert member.post(f"/lessons/{lesson.pk}/edit/", {"version": 1, "title": "Fixed price helped a lot", "category": "cost",
                                                       "effect": "positive", "tags": "contracts"}).status_code == 302
    stale = member.post(f"/lessons/{lesson.pk}/edit/", {"version": 1, "title": "x", "category": "cost", "effect": "positive"})
    assert stale.status_code == 409
    found = member.get("/lessons/?tag=Contracts&category=cost").content.decode()
    assert "Fixed price helped a lot" in found and 'value="contracts"' in found
    assert "No lesson matches" in member.get("/lessons/?category=risk").content.decode()
    assert "Record a lesson" in member.get(f"/projects/{demo.dcx01.pk}/lessons/").content.decode()


@pytest.mark.parametrize("path", ["/projects/{p}/lessons/", "/projects/{p}/lessons/new/", "/lessons/{l}/",
                                  "/lessons/{l}/edit/"])
def test_outsider_gets_404_and_viewer_reads(demo: Demo, client_for: Callable[[str], Client], path: str) -> None:
    url = path.format(p=demo.dcx01.pk, l=_lesson(demo).pk)
    assert client_for("outsider").get(url).status_code == 404
    expected = 403 if url.endswith(("/new/", "/edit/")) else 200
    assert client_for("executive").get(url).status_code == expected


@pytest.mark.parametrize("path", ["/projects/{p}/lessons/", "/lessons/", "/lessons/?tag=payments", "/projects/{q}/",
                                  "/api/v1/lessons"])
def test_queries_do_not_grow(demo: Demo, client_for: Callable[[str], Client], path: str) -> None:
    demo.dcx02.stage = "planning"
    demo.dcx02.save()
    _lesson(demo)
    client = client_for("program")
    url = path.format(p=demo.dcx01.pk, q=demo.dcx02.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for i in range(12):
        _lesson(demo, "admin", title=f"Lesson {i}", tags=f"payments, t{i}")
        _lesson(demo, "admin", project=demo.dcx02, title=f"Own {i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


def test_demo_rows(demo: Demo) -> None:
    from altitude.governance import register_demo

    register_demo.load(demo.portfolio, demo.users)
    ops02 = Project.objects.get(code="OPS-02")
    assert {x.project.code for x in lessons.similar_lessons(demo.user("admin"), ops02)} == {"OPS-01", "OPS-03"}
    assert Lesson.objects.filter(tags__contains="erp").count() == 1
