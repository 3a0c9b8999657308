"""Optimise levelling in the background: the exact mode for seconds, not the request's half second.

The preview in a request runs the heuristic for half a second. "Optimise" asks the engine's
exact mode (a genetic algorithm beside CP-SAT, :mod:`altitude.engine.leveling`) for 10 to
300 seconds, which often finds an earlier levelled finish and can prove it optimal. That is
too long for a request, so it runs as a task of Django's task framework (``django-tasks``
with its database backend): ``altitude serve`` runs a worker thread in-process, a team
deployment runs ``altitude manage db_worker`` processes on any machine.

The run keeps its preview (as the API shows it) and a fingerprint of the plan it read:
applying the run is refused once the plan changed since, instead of writing dates computed
for another plan. One run per scope at a time (a worker is a scarce thing); a run the worker
never finished (it was stopped) is marked failed after its budget and a margin.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from altitude.accounts.models import User
from altitude.core.errors import Conflict, DomainError, InvalidInput
from altitude.core.policy import AnyUser
from altitude.delivery.models import Dependency, Program, Project, Task
from altitude.resources import leveling
from altitude.resources.models import Assignment, LevelingRun, LevelingRunState
from altitude.strategy.models import Portfolio

log = logging.getLogger(__name__)

SECONDS_CHOICES = (10, 30, 60, 120)
"""The budgets the pages offer; the API takes any whole number from 1 to ``MAX_SECONDS``."""
MAX_SECONDS = 300
STALE_MARGIN = dt.timedelta(minutes=2)
"""A run not finished this long after its budget was dropped by a stopped worker."""
QUEUE_PATIENCE = dt.timedelta(minutes=30)
"""A run no worker took this long is given up: no worker is running (or they are all busy
for that long), and the scope must not stay locked by it."""


def plan_stamp(project_ids: Sequence[int]) -> str:
    """A fingerprint of what levelling reads: the projects, tasks, links, assignments and the
    resources they use, each row's id and version (every service write bumps the version)."""
    digest = hashlib.sha256()
    for rows in (
        Project.objects.filter(pk__in=project_ids).order_by("pk").values_list("pk", "version"),
        Task.objects.filter(project_id__in=project_ids).order_by("pk").values_list("pk", "version"),
        Dependency.objects.filter(successor__project_id__in=project_ids).order_by("pk").values_list("pk", "version"),
        Assignment.objects.filter(task__project_id__in=project_ids).order_by("pk").values_list(
            "pk", "version", "resource_id", "resource__version"),
    ):
        digest.update(repr(list(rows)).encode())
    return digest.hexdigest()


def expire_if_abandoned(run: LevelingRun) -> LevelingRun:
    """Mark failed a run whose worker stopped (its budget and a margin are long past), or that
    no worker took (a worker that takes it later skips it)."""
    now = timezone.now()
    if run.state == LevelingRunState.RUNNING and run.started_at is not None:
        if now <= run.started_at + dt.timedelta(seconds=run.seconds) + STALE_MARGIN:
            return run
        error = "The worker stopped before the optimisation finished: start it again."
    elif run.state == LevelingRunState.QUEUED and now > run.created_at + QUEUE_PATIENCE:
        error = ("No worker took this optimisation within 30 minutes: check that one runs ('altitude serve' "
                 "without --no-worker, or 'altitude manage db_worker'), then start it again.")
    else:
        return run
    LevelingRun.objects.filter(pk=run.pk, state=run.state).update(
        state=LevelingRunState.FAILED, finished_at=now, error=error)
    run.refresh_from_db()
    return run


def start(user: AnyUser, projects: Sequence[Project], *, project: Project | None = None,
          program: Program | None = None, portfolio: Portfolio | None = None,
          within_float: bool = False, seconds: int = SECONDS_CHOICES[0]) -> LevelingRun:
    """Queue an optimisation of ``projects`` (the scope: one of ``project``, ``program``,
    ``portfolio``); callers check that the user may preview the scope."""
    if isinstance(seconds, bool) or not 1 <= seconds <= MAX_SECONDS:
        raise InvalidInput(f"Optimise for 1 to {MAX_SECONDS} seconds, not {seconds}.", field="seconds")
    scope = {"project": project, "program": program, "portfolio": portfolio}
    with transaction.atomic():
        for run in LevelingRun.objects.select_for_update().filter(
                state__in=(LevelingRunState.QUEUED, LevelingRunState.RUNNING), **scope):
            if not expire_if_abandoned(run).finished:
                raise Conflict("An optimisation of this plan is already under way: wait for it (the page shows "
                               "its result when it is done).", field="leveling")
        run = LevelingRun.objects.create(
            **scope, project_ids=[p.pk for p in projects], within_float=within_float, seconds=seconds,
            user=user if user.is_authenticated else None,  # type: ignore[misc]
        )
        transaction.on_commit(lambda: optimise.enqueue(run.pk))
    return run


@task()
def optimise(run_id: int) -> str:
    """The worker's side: level in the exact mode, keep the preview and the plan's stamp."""
    claimed = LevelingRun.objects.filter(pk=run_id, state=LevelingRunState.QUEUED).update(
        state=LevelingRunState.RUNNING, started_at=timezone.now())
    if not claimed:
        return "skipped"  # deleted, or run already
    run = LevelingRun.objects.get(pk=run_id)
    try:
        stamp = plan_stamp(run.project_ids)  # before reading: a change meanwhile makes the run stale, never wrong
        found = leveling.preview(run.project_ids, within_float=run.within_float, optimise_seconds=run.seconds)
    except DomainError as exc:
        _finish(run_id, LevelingRunState.FAILED, error=exc.message)
        return "failed"
    except Exception:
        log.exception("levelling run %s failed", run_id)
        _finish(run_id, LevelingRunState.FAILED,
                error="The optimisation stopped on an internal error (logged); the preview still works.")
        return "failed"
    _finish(run_id, LevelingRunState.DONE, result=leveling.to_json(found), stamp=stamp)
    return "done"


def _finish(run_id: int, state: LevelingRunState, **fields: object) -> None:
    # Only a run still running: one cancelled meanwhile keeps its state (its result is dropped).
    LevelingRun.objects.filter(pk=run_id, state=LevelingRunState.RUNNING).update(
        state=state, finished_at=timezone.now(), **fields)


def cancel(user: AnyUser, run: LevelingRun) -> LevelingRun:
    """Stop waiting for a run: it frees its scope at once. A queued run is never started; a
    running one finishes its budget on the worker, and its result is dropped."""
    name = (user.get_full_name() or user.get_username()) if isinstance(user, User) else "someone"
    stopped = LevelingRun.objects.filter(
        pk=run.pk, state__in=(LevelingRunState.QUEUED, LevelingRunState.RUNNING),
    ).update(state=LevelingRunState.FAILED, finished_at=timezone.now(),
             error=f"Cancelled by {name} at {timezone.localtime():%H:%M}.")
    if not stopped:
        raise InvalidInput("This optimisation has already finished: nothing to cancel.", field="run")
    run.refresh_from_db()
    return run


def result_of(run: LevelingRun) -> leveling.LevelingPreview:
    """The finished run's preview, for the page and for applying it."""
    if run.state != LevelingRunState.DONE or run.result is None:
        raise InvalidInput("This optimisation has no result yet.", field="run")
    return leveling.from_json(run.result)


def is_current(run: LevelingRun) -> bool:
    """Whether the plan is still the one the run levelled."""
    return bool(run.stamp) and run.stamp == plan_stamp(run.project_ids)
