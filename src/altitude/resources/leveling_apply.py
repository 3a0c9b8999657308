"""Apply a levelling preview to the plan, and undo it.

Applying writes what a project manager would write by hand, and what a drag on the Gantt
writes: a *start no earlier than* constraint on each task levelling delays because of a
resource, at its levelled start date; then the plan is rescheduled, so the tasks that only
followed a delayed predecessor move with it (for a portfolio, in the programs and projects
that follow through links too: :func:`portfolio_units`). (MS Project stores a hidden "levelling delay"
instead; a visible constraint says why the task starts then, and the task list shows it.)
Constraints are whole days, so a start within a day becomes the next day; when that makes a
task meet another, the rescheduled plan is levelled and written again (:data:`ROUNDS`).

Tasks with a constraint of another kind (must start on, finish no later than...) keep it:
they are reported, never overwritten. Each application records every task's constraint
before and version after, so "Undo" restores the tasks nobody has changed since (the others
are reported and keep the constraint) and reschedules again. Everything happens in one
transaction: a refusal or an error leaves the plan as it was.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from altitude.core.errors import Conflict, InvalidInput
from altitude.core.policy import Action, AnyUser, authorize_visible
from altitude.core.policy import Resource as Res
from altitude.core.services import update_versioned
from altitude.delivery.models import ConstraintType, Dependency, Program, Project, Task
from altitude.delivery.services import reschedule_program, reschedule_project
from altitude.resources import leveling, leveling_runs
from altitude.resources.models import LevelingApplication, LevelingRun
from altitude.strategy.models import Portfolio


@dataclass(frozen=True)
class Applied:
    application: LevelingApplication
    kept: tuple[str, ...]  # delayed tasks whose own constraint was kept (another kind, or later)
    unsettled: bool = False  # after the last round levelling would still delay a task: level again


def _check_managers(user: AnyUser, projects: Sequence[Project]) -> None:
    """Applying changes tasks: the user must be allowed to change tasks in every project."""
    for project in projects:  # visible already (the project, or through its program): 403, not 404
        authorize_visible(user, Res.TASK, Action.CHANGE, project, label=f"{project.code} task")
        authorize_visible(user, Res.SCHEDULE, Action.RESCHEDULE, project, label=f"{project.code} schedule")


Unit = tuple[int | None, int | None]
"""What one reschedule covers: (program, None) for a program, (None, project) for a project
outside programs."""


def _unit_key(unit: Unit, codes: Mapping[int, str]) -> tuple[int, int, str]:
    program, project = unit
    return (0, program, "") if program is not None else (1, 0, codes[project or 0])


def portfolio_units(touched: Collection[int], portfolio_id: int) -> tuple[list[Unit], bool]:
    """The programs and lone projects to reschedule after levelling a portfolio, in order.

    Those holding a changed task (``touched``: project ids), and every live one downstream of
    them through links between units: a task another program follows only by a link moved
    in the preview without a constraint of its own, and each reschedule reads the tasks of
    other units at their stored dates, so a unit goes after the units it follows. Ties:
    programs first (by id), then projects (by code). Returns the order and whether links run
    in a loop between units (then one sweep leaves the loop's first unit on stale dates, and
    the caller sweeps twice).
    """
    rows = list(Project.objects.filter(Q(stage__in=leveling.COUNTED_STAGES) | Q(pk__in=list(touched)),
                                       portfolio_id=portfolio_id)
                .values_list("pk", "program_id", "code"))  # touched: an undo after a project closed
    unit_of: dict[int, Unit] = {pk: (program, None) if program else (None, pk) for pk, program, _ in rows}
    codes = {pk: code for pk, _, code in rows}
    after: dict[Unit, set[Unit]] = {}
    for pred, succ in (Dependency.objects.filter(predecessor__project_id__in=unit_of, successor__project_id__in=unit_of)
                       .values_list("predecessor__project_id", "successor__project_id").distinct()):
        if unit_of[pred] != unit_of[succ]:
            after.setdefault(unit_of[pred], set()).add(unit_of[succ])
    reach = {unit_of[pk] for pk in touched if pk in unit_of}
    frontier = list(reach)
    while frontier:
        for unit in after.get(frontier.pop(), ()):
            if unit not in reach:
                reach.add(unit)
                frontier.append(unit)
    waiting = {unit: 0 for unit in reach}
    for unit in reach:
        for follower in after.get(unit, ()):
            waiting[follower] += 1
    ready = [(_unit_key(u, codes), u) for u, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    order: list[Unit] = []
    looped = False
    while waiting:
        if ready:
            unit = heapq.heappop(ready)[1]
        else:  # a loop between units: break it at its first unit
            looped = True
            unit = min(waiting, key=lambda u: _unit_key(u, codes))
        del waiting[unit]
        order.append(unit)
        for follower in after.get(unit, ()):
            if follower in waiting:
                waiting[follower] -= 1
                if waiting[follower] == 0:
                    heapq.heappush(ready, (_unit_key(follower, codes), follower))
    return order, looped


def _reschedule(user: AnyUser, project: Project | None, program: Program | None, touched: Sequence[int],
                portfolio_id: int | None) -> None:
    """Reschedule the scope; for a portfolio, :func:`portfolio_units` in their order."""
    if program is not None:
        reschedule_program(user, program.pk)
    elif project is not None:
        reschedule_project(user, project.pk)
    elif portfolio_id is not None:
        order, looped = portfolio_units(touched, portfolio_id)
        for _ in range(2 if looped else 1):
            for program_id, project_id in order:
                if program_id is not None:
                    reschedule_program(user, program_id)
                elif project_id is not None:
                    reschedule_project(user, project_id)


def apply(user: AnyUser, projects: Sequence[Project], *, project: Project | None = None,
          program: Program | None = None, portfolio: Portfolio | None = None,
          within_float: bool = False, run: LevelingRun | None = None) -> Applied:
    """Level ``projects`` (the scope: one ``project``, a ``program`` or a ``portfolio``) and
    write the result; with ``run``, write that optimisation's result instead, if the plan is
    still the one it levelled."""
    _check_managers(user, projects)
    with transaction.atomic():
        if run is None:
            preview = leveling.preview([p.pk for p in projects], within_float=within_float)
        else:
            if sorted(run.project_ids) != sorted(p.pk for p in projects) or not leveling_runs.is_current(run):
                raise Conflict("The plan changed since this optimisation ran, so its dates are for another plan: "
                               "optimise again, or apply the preview.", field="run")
            preview = leveling_runs.result_of(run)
            within_float = run.within_float
        driven = [d for d in preview.delayed if d.resource is not None]  # the rest follow a predecessor
        changes: dict[int, dict[str, object]] = {}
        kept: list[str] = []
        unsettled = False
        for step in range(ROUNDS):
            wrote, rounded = _constrain(driven, changes, kept)
            if not changes:
                raise InvalidInput(
                    "Levelling changes nothing here: no task is delayed by a resource"
                    + (f" that is free to move ({', '.join(kept)} keep their own constraints)." if kept else "."),
                    field="leveling",
                )
            if not wrote:
                break
            _reschedule(user, project, program, sorted(_projects_of(changes)),
                        portfolio.pk if portfolio is not None else None)
            if rounded:
                # a start within a day was written as the next day: the task may now meet another
                again = leveling.preview([p.pk for p in projects], within_float=within_float)
                driven = [d for d in again.delayed if d.resource is not None]
                unsettled = step + 1 == ROUNDS and _any_free(driven)  # the rounds ran out: say so
        application = LevelingApplication.objects.create(
            project=project, program=program, portfolio=portfolio, within_float=within_float,
            changes=[{k: v for k, v in change.items() if k != "project"} for change in changes.values()],
            user=user if user.is_authenticated else None,  # type: ignore[misc]
        )
    return Applied(application, tuple(kept), unsettled)


ROUNDS = 10
"""Writes of one application. Constraints are whole days: a levelled start within a day is
written as the next day (:func:`leveling._whole_day`), and that task may then meet another
the preview had placed on that day. Each further round levels the rescheduled plan again and
writes what it delays. Until 2026-12-08 there was one round, and 2 of 200 random plans (seeds
162 and 298 of ``test_leveling_random_plans``) over-allocated a person after Apply that the
preview had freed. With three rounds, 1 of 650 (seed 441) still did: each round started one
task a day later again. With ten, all 650 seeds (0 to 649) pass; the most any needed was 7
(two thirds need one, nearly all the rest two). The rounds stop as soon as one writes nothing
new, so a plan without fractional starts still pays for one. When the last round still
rounded a start, the plan is levelled once more and :attr:`Applied.unsettled` says whether
it would still delay a task (the page and the API tell the user to level again)."""


def _constrain(driven: Sequence[leveling.DelayedTask], changes: dict[int, dict[str, object]],
               kept: list[str]) -> tuple[bool, bool]:
    """Start no earlier than its constraint date on each of ``driven`` that is free to take it
    (no constraint, or an earlier start-no-earlier-than); ``changes`` keeps, per task, the
    constraint it had before the application and its version after; the others go to
    ``kept``. Returns whether any task was written, and whether one of them starts a day
    later than levelled (its levelled start was within a day)."""
    tasks = Task.objects.select_for_update().in_bulk([d.task_id for d in driven])
    wrote = rounded = False
    for delayed in driven:
        task = tasks[delayed.task_id]
        day = delayed.constraint_date
        if not _free_to_take(task, day):
            if delayed.label not in kept and task.pk not in changes:
                kept.append(delayed.label)
            continue
        saved = update_versioned(task, task.version, {"constraint_type": ConstraintType.SNET,
                                                      "constraint_date": day}, "task")
        change = changes.setdefault(task.pk, {
            "task": task.pk, "label": delayed.label, "type": task.constraint_type,
            "date": task.constraint_date.isoformat() if task.constraint_date else None,
            "project": task.project_id,
        })
        change["version"] = saved.version
        wrote = True
        rounded = rounded or day > delayed.levelled_start.date()
    return wrote, rounded


def _free_to_take(task: Task, day: dt.date) -> bool:
    """Whether ``task`` may get start-no-earlier-than ``day``: it has no constraint, or an
    earlier one of that kind (any other is the user's, and stays)."""
    if task.constraint_type == ConstraintType.ASAP:
        return True
    return task.constraint_type == ConstraintType.SNET and (task.constraint_date is None or task.constraint_date < day)


def _any_free(driven: Sequence[leveling.DelayedTask]) -> bool:
    """Whether another round would write a constraint on one of ``driven``."""
    tasks = Task.objects.in_bulk([d.task_id for d in driven])
    return any(_free_to_take(tasks[d.task_id], d.constraint_date) for d in driven)


def _projects_of(changes: Mapping[int, Mapping[str, object]]) -> set[int]:
    return {int(str(change["project"])) for change in changes.values()}


@dataclass(frozen=True)
class Undone:
    application: LevelingApplication
    restored: int
    kept: tuple[str, ...]  # tasks changed since the application: their constraint stays


def undo(user: AnyUser, application: LevelingApplication, projects: Sequence[Project]) -> Undone:
    """Put back the constraints ``application`` replaced, where nobody changed the task since."""
    _check_managers(user, projects)
    if application.undone_at is not None:
        raise InvalidInput("This levelling was already undone.", field="leveling")
    with transaction.atomic():
        locked = LevelingApplication.objects.select_for_update().get(pk=application.pk)
        if locked.undone_at is not None:
            raise InvalidInput("This levelling was already undone.", field="leveling")
        tasks = Task.objects.select_for_update().in_bulk([int(c["task"]) for c in locked.changes])
        restored = 0
        kept: list[str] = []
        for change in locked.changes:
            task = tasks.get(int(change["task"]))
            if task is None:
                continue  # deleted since: nothing to restore
            if task.version != change["version"]:
                kept.append(str(change["label"]))
                continue
            before = change["date"]
            update_versioned(task, task.version, {
                "constraint_type": change["type"],
                "constraint_date": dt.date.fromisoformat(str(before)) if before else None,
            }, "task")
            restored += 1
        _reschedule(user, locked.project, locked.program, sorted({t.project_id for t in tasks.values()}),
                    locked.portfolio_id)
        locked.undone_at = timezone.now()
        locked.undone_by = user if user.is_authenticated else None  # type: ignore[assignment]
        locked.save(update_fields=["undone_at", "undone_by"])
    return Undone(locked, restored, tuple(kept))
