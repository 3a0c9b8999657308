"""Project closure: the live checklist and the one transaction that closes a project.

The checklist is computed from the plan and the registers each time it is shown. Items
that block closing: open work (tasks not done), open risks, open issues and
deliverables not accepted (a task that carries a deliverable is accepted when it is
done: the Task model has a deliverable and acceptance criteria but no separate
acceptance flag; it has no "cancelled" status either). Dates and money are shown for
the record and do not block. A manager may close with a failing checklist by giving a
reason, which the closure record keeps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from altitude.core.errors import Conflict, InvalidInput
from altitude.core.notifications import notify
from altitude.core.policy import Action, AnyUser, Resource, authorize
from altitude.core.services import validate_and_save
from altitude.delivery import services as delivery
from altitude.delivery.models import Project, Stage, Task, TaskStatus
from altitude.governance.models import ACTIVE_ISSUE, ACTIVE_RISK, Issue, Risk
from altitude.reporting.facts import snapshot
from altitude.reporting.models import ObjectivesMet, ProjectClosure
from altitude.reporting.services import oversight

CLOSABLE = (Stage.EXECUTING, Stage.CLOSING)
CLOSURE_FIELDS = frozenset({"outcome_summary", "objectives_met", "objectives_comment", "handover_notes"})
SHOWN = 20  # open items listed per checklist line (the count says how many in all)


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    passed: bool
    detail: str
    blocking: bool = True
    links: list[dict[str, str]] = field(default_factory=list)
    more: int = 0


@dataclass(frozen=True)
class Checklist:
    items: list[Item]
    metrics: dict[str, Any]

    @property
    def passed(self) -> bool:
        return all(i.passed for i in self.items if i.blocking)

    @property
    def failing(self) -> list[Item]:
        return [i for i in self.items if i.blocking and not i.passed]

    def as_json(self) -> list[dict[str, Any]]:
        return [{"key": i.key, "label": i.label, "passed": i.passed, "blocking": i.blocking, "detail": i.detail}
                for i in self.items]


def _task_links(tasks: list[Task]) -> list[dict[str, str]]:
    """Each task opens the project's task list filtered to it (a task has no page of its own)."""
    return [{"text": f"{t.wbs} {t.name}",
             "url": f"{reverse('delivery:project-tasks', args=[t.project_id])}?{urlencode({'q': t.name})}"}
            for t in tasks[:SHOWN]]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _days(late: int | None, against: str) -> str:
    if late is None:
        return f"no {against} to compare with"
    return (f"{late} days after the {against}" if late > 0 else
            "on the " + against if late == 0 else f"{-late} days before the {against}")


def checklist(project: Project, today: dt.date | None = None) -> Checklist:
    """Every closure check, live; a fixed number of queries."""
    leaves = list(Task.objects.filter(project=project, children__isnull=True).order_by("outline")
                  .only("pk", "project_id", "wbs", "name", "status", "percent_complete", "deliverable", "acceptance_criteria"))
    open_tasks = [t for t in leaves if t.status != TaskStatus.DONE and t.percent_complete < 100]
    deliverables = [t for t in leaves if t.deliverable.strip()]
    unaccepted = [t for t in deliverables if t in open_tasks]
    risks = list(Risk.objects.filter(project=project, status__in=ACTIVE_RISK).order_by("-score", "code")[:SHOWN + 1])
    n_risks = Risk.objects.filter(project=project, status__in=ACTIVE_RISK).count() if len(risks) > SHOWN else len(risks)
    issues = list(Issue.objects.filter(project=project, status__in=ACTIVE_ISSUE).order_by("code")[:SHOWN + 1])
    n_issues = Issue.objects.filter(project=project, status__in=ACTIVE_ISSUE).count() if len(issues) > SHOWN else len(issues)
    metrics = snapshot(project, today).metrics
    items = [
        Item("tasks", "All tasks complete", not open_tasks,
             f"{_plural(len(open_tasks), 'task')} of {len(leaves)} not done." if open_tasks else
             (f"All {len(leaves)} tasks are done." if leaves else "The project has no task."),
             links=_task_links(open_tasks), more=max(0, len(open_tasks) - SHOWN)),
        Item("risks", "No open risk", not risks,
             f"{_plural(n_risks, 'risk')} still open: close them or hand them over." if risks else "No risk is open.",
             links=[{"text": f"{r.code} {r.title}", "url": reverse("governance:risk-detail", args=[r.pk])}
                    for r in risks[:SHOWN]], more=max(0, n_risks - SHOWN)),
        Item("issues", "No open issue", not issues,
             f"{_plural(n_issues, 'issue')} still open: resolve them or hand them over." if issues else "No issue is open.",
             links=[{"text": f"{i.code} {i.title}", "url": reverse("governance:issue-detail", args=[i.pk])}
                    for i in issues[:SHOWN]], more=max(0, n_issues - SHOWN)),
        Item("deliverables", "Deliverables accepted", not unaccepted,
             (f"{_plural(len(unaccepted), 'deliverable')} of {len(deliverables)} not accepted (their task is not done)."
              if unaccepted else f"All {len(deliverables)} deliverables accepted (their tasks are done)." if deliverables
              else "No task names a deliverable."),
             links=_task_links(unaccepted), more=max(0, len(unaccepted) - SHOWN)),
        Item("finish", "Final finish", True, _finish_detail(metrics), blocking=False),
        Item("cost", "Cost", True, _cost_detail(metrics), blocking=False),
    ]
    return Checklist(items, metrics)


def _finish_detail(m: Mapping[str, Any]) -> str:
    if not m["scheduled_finish"]:
        return "Not scheduled: no finish date to compare."
    planned = (dt.date.fromisoformat(m["scheduled_finish"]) - dt.date.fromisoformat(m["planned_finish"])).days \
        if m["planned_finish"] else None
    return (f"Finish {m['scheduled_finish']}: {_days(m['baseline_slip_days'], 'baseline finish')}, "
            f"{_days(planned, 'planned finish')}.")


def _cost_detail(m: Mapping[str, Any]) -> str:
    budget, estimate, actual = (Decimal(m[k]) for k in ("budget", "estimated_cost", "actual_cost"))
    text = f"Budget {budget:,.0f}, estimated cost {estimate:,.0f}, actual cost {actual:,.0f} (time booked x rates)"
    if budget > 0:
        over = actual - budget
        text += f": {abs(over):,.0f} {'over' if over > 0 else 'within'} the budget"
    return text + "."


def get_closure(project: Project) -> ProjectClosure | None:
    return ProjectClosure.objects.select_related("closed_by").filter(project=project).first()


def close_project(user: AnyUser, project_id: int, project_version: int | None, fields: Mapping[str, Any],
                  override_reason: str = "", today: dt.date | None = None) -> ProjectClosure:
    """Move the project to the closed stage and store the closure report, all or nothing."""
    project = delivery.get_project(user, project_id)
    authorize(user, Resource.CLOSURE, Action.CREATE, project, label="project closure")
    if project.stage not in CLOSABLE:
        raise Conflict(f"{project.code} is {project.get_stage_display().lower()}: only an executing or closing "
                       "project can be closed.", field="stage")
    values = {k: v for k, v in fields.items() if k in CLOSURE_FIELDS}
    if not str(values.get("outcome_summary") or "").strip():
        raise InvalidInput("outcome_summary: say what the project delivered and how it ended.", field="outcome_summary")
    if values.get("objectives_met") not in ObjectivesMet.values:
        raise InvalidInput("objectives_met: choose yes, partly or no.", field="objectives_met")
    checks = checklist(project, today)
    reason = (override_reason or "").strip()
    if not checks.passed and not reason:
        names = "; ".join(i.detail for i in checks.failing)
        raise InvalidInput(f"override_reason: the checklist does not pass ({names}) Finish these first, or give "
                           "the reason to close anyway.", field="override_reason")
    with transaction.atomic():
        delivery.update_project(user, project.pk, project_version, {"stage": Stage.CLOSED})
        closure = validate_and_save(ProjectClosure(
            project=project, **values, override_reason=reason if not checks.passed else "",
            checklist=checks.as_json(), closed_at=timezone.now(), closed_by_id=user.pk if user.is_authenticated else None))
        who = getattr(user, "get_full_name", lambda: "")() or getattr(user, "username", "Someone")
        text = f"{who} closed {project.code} {project.name} (objectives met: {closure.get_objectives_met_display().lower()})."
        if closure.override_reason:
            text += f" Closed although the checklist did not pass: {closure.override_reason}"
        notify(oversight(project), text, reverse("reporting:project-closure", args=[project.pk]), actor=user)
    return closure


def closure_state(user: AnyUser, project_id: int, today: dt.date | None = None) -> dict[str, Any]:
    """What the closure tab shows, for the API: the record once closed, else the live checklist."""
    project = delivery.get_project(user, project_id)
    authorize(user, Resource.CLOSURE, Action.VIEW, project, label="project closure")
    record = get_closure(project)
    closable = record is None and project.stage in CLOSABLE
    checks = checklist(project, today) if closable else None
    return {"project_id": project.pk, "stage": project.stage, "closable": closable,
            "passed": checks.passed if checks else None, "checklist": checks.as_json() if checks else [],
            "closure": record}
