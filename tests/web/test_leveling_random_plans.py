"""Random live plans through preview, apply, a second preview and undo.

Each plan has up to 14 tasks of DCX-01 on three people of 50 to 200 % (so some assignments
are too big), links of three kinds with lags and leads, must-start-on, no-later-than and
no-earlier-than dates, sometimes work under way, sometimes "within float". What must hold
whatever the plan:

- every delayed task says why (a resource or a delayed predecessor);
- every task of an over-allocation levelling leaves says why it stays there (the engine's
  property test ``test_every_task_left_over_allocated_is_held`` checks the same of the
  engine's runs). Seeds 2 and 56 of 80 found a task without a reason: a run of equal load
  took the tasks working at its first period, and one task ending as another of the same
  units started left the second out;
- on a plan levelling can clear, applying it leaves nothing for a second preview to move
  (unless a delayed task keeps a constraint of its own, which the apply reports). Seeds 162
  and 298 of 300 found a person over-booked again after Apply: a start within a day was
  written as the next day and met a task the preview had placed there (Apply now levels
  again until nothing moves); seed 441 of 650 did it still with three such rounds;
- undo puts back every constraint and date.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from altitude.core.errors import InvalidInput
from altitude.delivery import services
from altitude.delivery.leveling_views import describe
from altitude.delivery.models import Project, Task
from altitude.resources import leveling_apply
from altitude.resources import services as pool
from altitude.resources.models import Assignment, Resource
from tests.personas import Demo
from tests.web.planning import link, task

_DATED = (("mso", 0.1), ("snlt", 0.2), ("fnlt", 0.27), ("snet", 0.35))


def _random_plan(demo: Demo, rnd: random.Random) -> list[Task]:
    pm = demo.user("admin")
    project = demo.dcx01
    start = project.start_date
    assert start is not None
    people = [Resource.objects.create(portfolio=demo.portfolio, name=f"Person {k}",
                                      max_units=Decimal(rnd.choice(["1", "1", "0.5", "2"]))) for k in range(3)]
    tasks = []
    for i in range(rnd.randint(4, 14)):
        draw = rnd.random()
        day = start + dt.timedelta(days=rnd.randint(0, 15))
        kind = next((k for k, below in _DATED if draw < below), None)
        fields = {"constraint_type": kind, "constraint_date": day} if kind else {}
        created = task(pm, project, f"T{i}", rnd.choice([0.5, 1, 2, 3, 5, 8]), **fields)
        tasks.append(created)
        for person in rnd.sample(people, rnd.choice([0, 1, 1, 2])):
            Assignment.objects.create(task=created, resource=person, units=Decimal(rnd.choice(["1", "0.5", "1"])))
    for j in range(1, len(tasks)):
        for i in rnd.sample(range(j), min(j, rnd.choice([0, 1, 1, 2]))):
            link(pm, tasks[i], tasks[j], type=rnd.choice(["FS", "FS", "SS", "FF"]),
                 lag_minutes=rnd.choice([0, 0, 240, -240, 960]))
    if rnd.random() < 0.4:
        Project.objects.filter(pk=project.pk).update(status_date=start + dt.timedelta(days=3))
        for started in rnd.sample(tasks, min(2, len(tasks))):
            Task.objects.filter(pk=started.pk).update(actual_start=dt.datetime.combine(start, dt.time(9)),
                                                      percent_complete=20)
    services.reschedule_project(pm, project.pk)
    return tasks


def _state(project: Project) -> dict[int, tuple[object, ...]]:
    return {t.pk: (t.constraint_type, t.constraint_date, t.start, t.finish) for t in Task.objects.filter(project=project)}


@pytest.mark.parametrize("seed", [*range(16), 56, 162, 298, 441])
def test_a_random_plan_is_levelled_explained_applied_and_undone(demo: Demo, seed: int) -> None:
    rnd = random.Random(seed)
    _random_plan(demo, rnd)
    pm, project = demo.user("admin"), demo.dcx01
    within = rnd.random() < 0.3
    preview = pool.level_preview(pm, project.pk, within_float=within)
    for delayed in preview.delayed:
        assert delayed.resource or delayed.predecessor, delayed
    for over in preview.after:
        unexplained = [t for t in over.tasks if not any(r.startswith((f"{t}:", f"{t} needs")) for r in over.reasons)]
        assert unexplained == [], over
    if not preview.resource_driven:
        return
    before = _state(project)
    try:
        applied = pool.apply_leveling(pm, project.pk, within_float=within)
    except InvalidInput as refused:
        assert "keep their own constraints" in str(refused)
        return
    again = pool.level_preview(pm, project.pk, within_float=within)
    if preview.status != "infeasible" and not within and not applied.kept:
        assert again.before == () and again.resource_driven == 0, again.delayed
        assert not applied.unsettled
    undone = pool.undo_leveling(pm, applied.application.pk)
    assert undone.restored == len(applied.application.changes)
    assert _state(project) == before


def test_apply_says_so_when_its_rounds_run_out_before_the_plan_settles(
        demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seed 162 needs a second round (a start rounded up to the next day meets another task).
    With one round allowed, Apply must not claim the plan is levelled: it says to level again,
    on the page and in the API; with the default rounds it settles."""
    _random_plan(demo, random.Random(162))
    pm, project = demo.user("admin"), demo.dcx01
    monkeypatch.setattr(leveling_apply, "ROUNDS", 1)
    applied = pool.apply_leveling(pm, project.pk)
    assert applied.unsettled
    assert "preview levelling again" in describe(applied)
    assert pool.level_preview(pm, project.pk).resource_driven > 0  # it was right: not settled
    pool.undo_leveling(pm, applied.application.pk)
    monkeypatch.undo()
    settled = pool.apply_leveling(pm, project.pk)
    assert not settled.unsettled and "again" not in describe(settled)
    assert pool.level_preview(pm, project.pk).resource_driven == 0
