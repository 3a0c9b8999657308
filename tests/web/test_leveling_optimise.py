"""Optimise levelling in the background: queued from the page or the API, run by a real
worker of the task framework (``django-tasks`` with its database queue), followed by the page,
applied only while the plan is still the one it levelled.

The plan is ``test_leveling_preview``'s: DCX-01's Build (Lena, 3 days) overlaps a 10-day
Hotfix for Lena; levelling starts Build after the Hotfix, which is optimal.
"""

from __future__ import annotations

import datetime as dt
import html
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from altitude.core.errors import Conflict, InvalidInput, NotFound
from altitude.delivery import services as delivery
from altitude.delivery.models import Task
from altitude.resources import leveling, leveling_runs
from altitude.resources import services as pool
from altitude.resources.models import Assignment, LevelingApplication, LevelingRun, LevelingRunState
from tests.personas import PASSWORD, Demo, build_demo
from tests.web.planning import Plan, call, link, task

Clients = Callable[[str], Client]
SECONDS = 2
"""The tests' budget: the plan is tiny, CP-SAT proves it optimal long before."""


@pytest.fixture
def hotfix(demo: Demo, plan: Plan) -> Task:
    extra = task(demo.user("project"), demo.dcx01, "Hotfix", 10)
    Assignment.objects.create(task=extra, resource=plan.resource)
    return extra


def work() -> int:
    """Run what the queue holds, as ``db_worker`` does (the real task, in this transaction)."""
    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="test", excluded_queue_names=[])
    ran = 0
    for result in DBTaskResult.objects.ready():
        result.claim("test")
        worker.run_task(result)
        ran += 1
    return ran


def optimise(client: Client, scope: str, scope_id: int, capture: Callable[..., ContextManager[object]], **fields: str) -> str:
    with capture(execute=True):  # the request's transaction commits: the task is queued then
        response = client.post("/leveling/optimise/", {"scope": scope, "scope_id": scope_id, **fields})
    assert response.status_code == 302, response.content[:300]
    return str(response["Location"])


def test_the_page_queues_follows_and_applies_an_optimisation(
        client_for: Clients, demo: Demo, plan: Plan, hotfix: Task,
        django_capture_on_commit_callbacks: Callable[..., ContextManager[object]]) -> None:
    client = client_for("project")
    page = client.get(f"/projects/{demo.dcx01.pk}/resources/").content.decode()
    assert "Optimise in the background" in page and '<option value="30">30 s</option>' in page

    location = optimise(client, "project", demo.dcx01.pk, django_capture_on_commit_callbacks, seconds=str(SECONDS))
    run = LevelingRun.objects.get()
    assert location == f"/projects/{demo.dcx01.pk}/resources/?run={run.pk}#level-h"
    assert (run.state, run.seconds, run.project_ids, run.user) == ("queued", SECONDS, [demo.dcx01.pk],
                                                                   demo.user("project"))
    assert DBTaskResult.objects.ready().count() == 1, "the task is in the queue"
    page = client.get(location).content.decode()
    assert "Optimisation queued" in page and f'hx-get="/leveling/runs/{run.pk}/"' in page
    assert 'id="leveling-result"' not in page
    polled = client.get(f"/leveling/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert polled.status_code == 200 and 'data-state="queued"' in polled.content.decode()

    again = client.post("/leveling/optimise/", {"scope": "project", "scope_id": demo.dcx01.pk}, follow=True)
    assert "already under way" in again.content.decode()
    assert LevelingRun.objects.count() == 1, "one run per plan at a time"

    assert work() == 1
    run.refresh_from_db()
    assert run.state == LevelingRunState.DONE and run.started_at and run.finished_at and run.stamp
    found = leveling_runs.result_of(run)
    assert found.mode == "exact" and found.status == "optimal"
    build = next(d for d in found.delayed if d.label == "1.2 Build")
    assert build.delay_days == 5.0 and build.competing == ("3 Hotfix",)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"

    polled = client.get(f"/leveling/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert polled.status_code == 204 and polled["HX-Refresh"] == "true"
    page = client.get(location).content.decode()
    assert "Optimisation done" in page and "Optimised (genetic algorithm beside CP-SAT)" in page
    assert "proven the earliest possible" in page and "Lena Fischer is busy with 3 Hotfix" in page
    assert f'name="run" value="{run.pk}"' in page and "hx-get" not in page.split('id="leveling-run"')[1][:200]

    response = client.post(f"/projects/{demo.dcx01.pk}/resources/leveling/apply/", {"run": str(run.pk)})
    assert response.status_code == 302
    saved = Task.objects.get(pk=plan.build.pk)
    assert (saved.constraint_type, saved.constraint_date) == ("snet", build.constraint_date)
    (application,) = LevelingApplication.objects.filter(project=demo.dcx01)
    assert [c["label"] for c in application.changes] == ["1.2 Build"]
    assert pool.level_preview(demo.user("project"), demo.dcx01.pk).delayed == (), "levelled now"


def test_a_run_is_not_applied_once_the_plan_changed(
        client_for: Clients, demo: Demo, plan: Plan, hotfix: Task,
        django_capture_on_commit_callbacks: Callable[..., ContextManager[object]]) -> None:
    client = client_for("project")
    location = optimise(client, "project", demo.dcx01.pk, django_capture_on_commit_callbacks, seconds=str(SECONDS))
    work()
    run = LevelingRun.objects.get()
    manager = demo.user("project")
    hotfix.refresh_from_db()
    delivery.update_task(manager, hotfix.pk, hotfix.version, {"duration_minutes": 2 * 480})

    page = client.get(location).content.decode()
    assert "The plan changed since this optimisation ran" in page and 'name="run"' not in page
    before = {t.pk: (t.version, t.constraint_type) for t in Task.objects.filter(project=demo.dcx01)}
    refused = client.post(f"/projects/{demo.dcx01.pk}/resources/leveling/apply/", {"run": str(run.pk)}, follow=True)
    assert "The plan changed since this optimisation ran" in refused.content.decode()
    status, body = call(client, "POST", f"/api/v1/projects/{demo.dcx01.pk}/leveling/apply", {"run_id": run.pk})
    assert status == 409 and "plan changed" in body["detail"]
    assert {t.pk: (t.version, t.constraint_type) for t in Task.objects.filter(project=demo.dcx01)} == before
    assert not LevelingApplication.objects.exists()


def test_the_api_queues_polls_and_applies(
        client_for: Clients, demo: Demo, plan: Plan, hotfix: Task,
        django_capture_on_commit_callbacks: Callable[..., ContextManager[object]]) -> None:
    client = client_for("program")
    with django_capture_on_commit_callbacks(execute=True):
        status, body = call(client, "POST", "/api/v1/leveling/runs",
                            {"scope": "program", "id": demo.dcx.pk, "seconds": SECONDS})
    assert status == 202, body
    assert (body["state"], body["program_id"], body["project_id"], body["result"], body["current"]) == (
        "queued", demo.dcx.pk, None, None, False)
    status, again = call(client, "POST", "/api/v1/leveling/runs", {"scope": "program", "id": demo.dcx.pk})
    assert status == 409 and "already under way" in again["detail"]
    assert call(client, "GET", f"/api/v1/leveling/runs/{body['id']}")[1]["state"] == "queued"

    work()
    status, done = call(client, "GET", f"/api/v1/leveling/runs/{body['id']}")
    assert status == 200 and done["state"] == "done" and done["current"] is True
    assert done["result"]["mode"] == "exact" and done["result"]["status"] == "optimal"
    assert [d["label"] for d in done["result"]["delayed"] if d["resource"]] == ["DCX-01 1.2 Build"]
    # A run is applied in its own scope only.
    status, wrong = call(client, "POST", f"/api/v1/projects/{demo.dcx01.pk}/leveling/apply", {"run_id": body["id"]})
    assert status == 404 and "here" in wrong["detail"]
    status, applied = call(client, "POST", f"/api/v1/programs/{demo.dcx.pk}/leveling/apply", {"run_id": body["id"]})
    assert status == 201 and [c["label"] for c in applied["changes"]] == ["DCX-01 1.2 Build"]
    # Once applied, the plan changed: the run is no longer current.
    assert call(client, "GET", f"/api/v1/leveling/runs/{body['id']}")[1]["current"] is False


def test_a_program_run_is_not_applied_once_the_programs_projects_changed(
        client_for: Clients, demo: Demo, plan: Plan, hotfix: Task,
        django_capture_on_commit_callbacks: Callable[..., ContextManager[object]]) -> None:
    client = client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        run_id = call(client, "POST", "/api/v1/leveling/runs",
                      {"scope": "program", "id": demo.dcx.pk, "seconds": SECONDS})[1]["id"]
    work()
    type(demo.ops01).objects.filter(pk=demo.ops01.pk).update(program=demo.dcx)  # a project joins the program
    status, body = call(client, "POST", f"/api/v1/programs/{demo.dcx.pk}/leveling/apply", {"run_id": run_id})
    assert status == 409 and "plan changed" in body["detail"]
    assert not LevelingApplication.objects.exists()


@pytest.mark.parametrize(("body", "field"), [
    ({"scope": "team", "id": 1}, "scope"),
    ({"scope": "project", "id": 1, "seconds": 0}, "seconds"),
    ({"scope": "project", "id": 1, "seconds": 301}, "seconds"),
    ({"scope": "project", "id": 1, "within_float": "maybe"}, "within_float"),
    ({"scope": "project"}, "id"),
])
def test_the_api_names_a_wrong_field(client_for: Clients, demo: Demo, body: dict[str, object], field: str) -> None:
    status, answer = call(client_for("admin"), "POST", "/api/v1/leveling/runs", body)
    assert status == 422 and field in str(answer), answer
    assert not LevelingRun.objects.exists()


def test_the_page_refuses_bad_input_and_other_scopes(client_for: Clients, demo: Demo, plan: Plan) -> None:
    client = client_for("project")
    assert client.post("/leveling/optimise/", {"scope": "team", "scope_id": "1"}).status_code == 404
    assert client.post("/leveling/optimise/", {"scope": "project", "scope_id": "999999"}).status_code == 404
    bad = client.post("/leveling/optimise/", {"scope": "project", "scope_id": demo.dcx01.pk, "seconds": "ten"},
                      follow=True)
    assert "seconds must be a whole number, not 'ten'" in html.unescape(bad.content.decode())
    long = client.post("/leveling/optimise/", {"scope": "project", "scope_id": demo.dcx01.pk, "seconds": "900"},
                       follow=True)
    assert "Optimise for 1 to 300 seconds, not 900" in long.content.decode()
    assert not LevelingRun.objects.exists()
    # DCX-01's manager holds no role on the program: its levelling is not hers to run.
    assert client.post("/leveling/optimise/", {"scope": "program", "scope_id": demo.dcx.pk}).status_code == 403
    assert client_for("outsider").post(
        "/leveling/optimise/", {"scope": "project", "scope_id": demo.dcx01.pk}).status_code == 404
    assert client.get("/leveling/optimise/").status_code == 405


def test_a_run_is_shown_only_in_its_scope_and_to_who_may_see_it(client_for: Clients, demo: Demo, plan: Plan) -> None:
    program_run = leveling_runs.start(demo.user("program"), [demo.dcx01], program=demo.dcx, seconds=SECONDS)
    project_run = leveling_runs.start(demo.user("project"), [demo.dcx01], project=demo.dcx01, seconds=SECONDS)
    with pytest.raises(NotFound):
        pool.get_leveling_run(demo.user("project"), program_run.pk)
    assert client_for("project").get(f"/leveling/runs/{program_run.pk}/").status_code == 404
    assert client_for("outsider").get(f"/leveling/runs/{project_run.pk}/").status_code == 404
    assert client_for("member").get(f"/leveling/runs/{project_run.pk}/").status_code == 200
    page = client_for("program").get(f"/programs/{demo.dcx.pk}/leveling/?run={project_run.pk}").content.decode()
    assert "No optimisation with that id here." in page
    page = client_for("program").get(f"/programs/{demo.dcx.pk}/leveling/?run=abc").content.decode()
    assert "No optimisation with that id here." in page


def test_a_failed_run_says_why_and_a_stopped_one_expires(
        client_for: Clients, demo: Demo, plan: Plan, hotfix: Task,
        django_capture_on_commit_callbacks: Callable[..., ContextManager[object]]) -> None:
    client = client_for("project")
    location = optimise(client, "project", demo.dcx01.pk, django_capture_on_commit_callbacks, seconds=str(SECONDS))
    type(demo.dcx01).objects.filter(pk=demo.dcx01.pk).update(start_date=None)
    work()
    run = LevelingRun.objects.get()
    assert run.state == LevelingRunState.FAILED and "no start date" in run.error
    page = client.get(location).content.decode()
    assert "The optimisation failed:" in page and "no start date" in page

    # A run whose worker stopped: failed after its budget and a margin, and a new one may start.
    stopped = LevelingRun.objects.create(project=demo.dcx01, project_ids=[demo.dcx01.pk], seconds=10,
                                         state=LevelingRunState.RUNNING)
    LevelingRun.objects.filter(pk=stopped.pk).update(started_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(Conflict, match="already under way"):  # still within its budget and margin
        leveling_runs.start(demo.user("project"), [demo.dcx01], project=demo.dcx01)
    LevelingRun.objects.filter(pk=stopped.pk).update(started_at=timezone.now() - dt.timedelta(minutes=3))
    fresh = leveling_runs.start(demo.user("project"), [demo.dcx01], project=demo.dcx01)
    stopped.refresh_from_db()
    assert stopped.state == LevelingRunState.FAILED and "worker stopped" in stopped.error
    assert fresh.state == LevelingRunState.QUEUED
    with pytest.raises(InvalidInput, match="has no result yet"):
        leveling_runs.result_of(fresh)

    # A run no worker took for 30 minutes does not lock the project either; a worker skips it later.
    LevelingRun.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - dt.timedelta(minutes=29))
    with pytest.raises(Conflict):
        leveling_runs.start(demo.user("project"), [demo.dcx01], project=demo.dcx01)
    LevelingRun.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - dt.timedelta(minutes=31))
    leveling_runs.start(demo.user("project"), [demo.dcx01], project=demo.dcx01)
    fresh.refresh_from_db()
    assert fresh.state == LevelingRunState.FAILED and "No worker took this optimisation" in fresh.error
    assert leveling_runs.optimise.call(fresh.pk) == "skipped"


def test_a_run_is_cancelled_and_its_result_dropped(
        client_for: Clients, demo: Demo, plan: Plan, hotfix: Task,
        django_capture_on_commit_callbacks: Callable[..., ContextManager[object]]) -> None:
    client = client_for("project")
    location = optimise(client, "project", demo.dcx01.pk, django_capture_on_commit_callbacks, seconds=str(SECONDS))
    run = LevelingRun.objects.get()
    assert "Cancel the optimisation" in client.get(location).content.decode()
    page = client.post(f"/leveling/runs/{run.pk}/cancel/", follow=True).content.decode()
    assert "Optimisation cancelled: you may start another." in page
    assert "The optimisation failed:" in page and "Cancelled by" in page and "Cancel the optimisation" not in page
    assert work() == 1, "the queued task is taken, and skipped"
    run.refresh_from_db()
    assert run.state == LevelingRunState.FAILED and run.result is None
    again = client.post(f"/leveling/runs/{run.pk}/cancel/", follow=True).content.decode()
    assert "already finished: nothing to cancel" in again
    assert client_for("outsider").post(f"/leveling/runs/{run.pk}/cancel/").status_code == 404
    assert client.get(f"/leveling/runs/{run.pk}/cancel/").status_code == 405

    # A running one: the worker's result is dropped once it was cancelled.
    second = leveling_runs.start(demo.user("project"), [demo.dcx01], project=demo.dcx01, seconds=SECONDS)
    LevelingRun.objects.filter(pk=second.pk).update(state=LevelingRunState.RUNNING, started_at=timezone.now())
    status, body = call(client, "POST", f"/api/v1/leveling/runs/{second.pk}/cancel")
    assert status == 200 and body["state"] == "failed" and "Cancelled by" in body["error"]
    leveling_runs._finish(second.pk, LevelingRunState.DONE, result={"late": True})
    second.refresh_from_db()
    assert second.state == LevelingRunState.FAILED and second.result is None
    assert call(client, "POST", f"/api/v1/leveling/runs/{second.pk}/cancel")[0] == 422


def test_a_preview_survives_its_json(demo: Demo, plan: Plan, hotfix: Task) -> None:
    found = pool.level_program_preview(demo.user("program"), demo.dcx.pk)
    assert found.delayed and found.projects and found.before
    assert leveling.from_json(leveling.to_json(found)) == found


def test_the_servers_worker_thread_runs_what_is_queued(transactional_db: None) -> None:
    """``altitude serve`` runs a worker thread: a run queued by a request is done without any
    other process (the database is committed to, as in production)."""
    from altitude.commands.web import start_worker

    demo = build_demo()
    worker = start_worker()
    try:
        run = leveling_runs.start(demo.user("project"), [demo.dcx01], project=demo.dcx01, seconds=1)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not run.finished:
            time.sleep(0.5)
            run.refresh_from_db()
        assert run.state == LevelingRunState.DONE, (run.state, run.error)
    finally:
        worker.stop()
        connection.close()
    assert not worker.thread.is_alive(), "stop() waits for the thread, which closes its connection"


def test_requests_go_on_while_the_worker_claims_a_task(transactional_db: None) -> None:
    """The worker takes a task in an exclusive transaction and writes its claim in it. Requests
    served meanwhile (a sign-in, a page, queuing another run) read at once, and their writes
    wait for the claim to commit (SQLite's busy timeout, PostgreSQL's row locks) instead of
    failing with "database is locked"."""
    demo = build_demo()
    first = leveling_runs.start(demo.user("project"), [demo.dcx01], project=demo.dcx01, seconds=1)
    claiming = threading.Event()

    def claim_for_half_a_second() -> None:
        try:
            with exclusive_transaction():
                task = DBTaskResult.objects.ready().get_locked()
                assert task is not None
                task.claim("test-worker")
                claiming.set()
                time.sleep(0.5)
        finally:
            connection.close()

    worker = threading.Thread(target=claim_for_half_a_second)
    worker.start()
    try:
        assert claiming.wait(30)
        client = Client()
        signed_in = client.post("/accounts/login/", {"username": "program", "password": PASSWORD})
        assert signed_in.status_code == 302, signed_in.content.decode()[:300]
        assert client.get(f"/projects/{demo.dcx02.pk}/resources/").status_code == 200
        queued = client.post("/leveling/optimise/", {"scope": "project", "scope_id": demo.dcx02.pk, "seconds": "1"})
        assert queued.status_code == 302
    finally:
        worker.join()
    second = LevelingRun.objects.exclude(pk=first.pk).get()
    assert second.project_ids == [demo.dcx02.pk] and second.state == LevelingRunState.QUEUED
    assert sorted(r.worker_ids for r in DBTaskResult.objects.all()) == [[], ["test-worker"]]


def test_an_optimisation_may_delay_what_a_task_not_levelled_follows_and_apply_writes_it(
        client_for: Clients, demo: Demo, plan: Plan, hotfix: Task,
        django_capture_on_commit_callbacks: Callable[..., ContextManager[object]]) -> None:
    """The Hotfix (Lena, 10 days) and Check (Lena, 2 days, start-to-start after Prep, a day of
    work nobody is assigned to) are both at levelling priority 1000. The optimisation delays
    Prep until Lena is free, and Check follows it; so does the half-second preview since
    2026-12-08 (before, it started Prep and Check at once, on the Hotfix). Prep's delay is
    Check's: the API and the page say so, and applying constrains Prep too, so the
    rescheduled plan is the one the run showed."""
    manager = demo.user("project")
    Task.objects.filter(pk=hotfix.pk).update(leveling_priority=1000)
    prep = task(manager, demo.dcx01, "Prep", 1)
    check = task(manager, demo.dcx01, "Check", 2, leveling_priority=1000)
    link(manager, prep, check, type="SS")
    Assignment.objects.create(task=check, resource=plan.resource)
    quick = pool.level_preview(manager, demo.dcx01.pk)
    assert quick.status == "feasible" and quick.after == ()
    assert next(d for d in quick.delayed if d.label == "4 Prep").successor == "5 Check"

    client = client_for("project")
    location = optimise(client, "project", demo.dcx01.pk, django_capture_on_commit_callbacks, seconds=str(SECONDS))
    work()
    status, done = call(client, "GET", f"/api/v1/leveling/runs/{LevelingRun.objects.get().pk}")
    assert status == 200 and done["state"] == "done" and done["result"]["after"] == []
    why = {d["label"]: d for d in done["result"]["delayed"]}
    assert (why["4 Prep"]["successor"], why["4 Prep"]["resource"], why["4 Prep"]["competing"]) == (
        "5 Check", plan.resource.name, ["3 Hotfix"])
    assert why["5 Check"]["predecessor"] == "4 Prep" and "3 Hotfix" not in why
    page = html.unescape(client.get(location).content.decode())
    assert f"5 Check (do not level) follows it, and {plan.resource.name} is busy with 3 Hotfix" in page

    run = LevelingRun.objects.get()
    applied = pool.apply_leveling(manager, demo.dcx01.pk, run_id=run.pk)
    assert {c["label"] for c in applied.application.changes} >= {"4 Prep"}
    levelled = {d["label"]: d["levelled_start"] for d in done["result"]["delayed"]}
    for name, pk in (("4 Prep", prep.pk), ("5 Check", check.pk)):
        start = Task.objects.get(pk=pk).start
        assert start == dt.datetime.fromisoformat(levelled[name]), name
    assert pool.level_preview(manager, demo.dcx01.pk).after == ()
