"""Change request use cases: raise, edit, move through the workflow, re-baseline.

draft -> submitted -> assessed -> approved | rejected, approved -> implemented. The team
raises and submits requests; the project's managers (or the program's, above them)
assess and decide, with a comment for approve and reject. Implementing may take a new
baseline of the project in the same transaction. Every write needs the version the
client edited.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from altitude.accounts.models import User
from altitude.core.errors import Conflict, InvalidInput, NotFound
from altitude.core.notifications import notify
from altitude.core.policy import Action, AnyUser, Resource, authorize
from altitude.core.services import (
    check_version,
    delete_checked,
    update_versioned,
    validate_and_save,
)
from altitude.delivery.models import Project, Task
from altitude.delivery.services import get_project, visible_projects
from altitude.governance.register_models import CHANGE_FLOW, ChangeRequest, ChangeStatus

CR = Resource.CHANGE_REQUEST
LABEL = "change request"
FIELDS = frozenset({"title", "description", "reason", "requested_by_id", "scope_impact", "schedule_impact_days",
                    "cost_impact"})
# The transition to each status: its verb (for messages) and the stamp fields it fills.
STAMPS: dict[str, tuple[str, str, str]] = {
    ChangeStatus.SUBMITTED: ("submit", "submitted_by", "submitted_at"),
    ChangeStatus.ASSESSED: ("assess", "assessed_by", "assessed_at"),
    ChangeStatus.APPROVED: ("approve", "decided_by", "decided_at"),
    ChangeStatus.REJECTED: ("reject", "decided_by", "decided_at"),
    ChangeStatus.IMPLEMENTED: ("implement", "implemented_by", "implemented_at"),
}


def visible_change_requests(user: AnyUser) -> QuerySet[ChangeRequest]:
    qs = ChangeRequest.objects.select_related("project", "requested_by")
    return qs.filter(project__in=visible_projects(user).values("pk"))


@dataclass(frozen=True)
class ChangeFilter:
    """One filter set for the register page and ``GET /change-requests``."""

    q: str | None = None
    project: int | None = None
    status: str | None = None
    requested_by: int | None = None

    def apply(self, qs: QuerySet[ChangeRequest]) -> QuerySet[ChangeRequest]:
        if self.q:
            qs = qs.filter(Q(title__icontains=self.q) | Q(code__iexact=self.q) | Q(description__icontains=self.q))
        if self.project:
            qs = qs.filter(project_id=self.project)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.requested_by:
            qs = qs.filter(requested_by_id=self.requested_by)
        return qs


def list_change_requests(user: AnyUser, change_filter: ChangeFilter | None = None,
                         project: Project | None = None) -> QuerySet[ChangeRequest]:
    qs = visible_change_requests(user)
    if project is not None:
        authorize(user, CR, Action.VIEW, project)
        qs = qs.filter(project=project)
    return change_filter.apply(qs) if change_filter else qs


def get_change_request(user: AnyUser, pk: int) -> ChangeRequest:
    change = visible_change_requests(user).filter(pk=pk).first()
    if change is None:
        raise NotFound("No change request with that id.")
    return change


def _check_person(fields: Mapping[str, Any]) -> None:
    pk = fields.get("requested_by_id")
    if pk is not None and not User.objects.filter(pk=pk, is_active=True).exists():
        raise InvalidInput(f"requested_by_id: no active user with id {pk}.", field="requested_by_id")


def _check_tasks(project: Project, task_ids: Sequence[int]) -> list[int]:
    ids = sorted(set(task_ids))
    found = set(Task.objects.filter(pk__in=ids, project=project).values_list("pk", flat=True))
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise InvalidInput(f"task_ids: task {missing[0]} is not one of this project's tasks.", field="task_ids")
    return ids


def _next_code(project: Project) -> str:
    """CR-001, CR-002 ... per project; numbers of deleted requests are not reused."""
    used = ChangeRequest.history.filter(project_id=project.pk).values_list("code", flat=True).distinct()  # incl. deleted
    numbers = [int(m.group(1)) for code in used if (m := re.fullmatch(r"CR-(\d+)", code))]
    return f"CR-{max(numbers, default=0) + 1:03d}"


def create_change_request(user: AnyUser, fields: Mapping[str, Any]) -> ChangeRequest:
    try:
        project = get_project(user, int(fields.get("project_id") or 0))
    except NotFound as exc:
        raise InvalidInput(f"project_id: no project with id {fields.get('project_id')}.", field="project_id") from exc
    authorize(user, CR, Action.CREATE, project, label=LABEL)
    values = {k: v for k, v in fields.items() if k in FIELDS}
    if values.get("requested_by_id") is None and user.is_authenticated:
        values["requested_by_id"] = user.pk
    _check_person(values)
    task_ids = _check_tasks(project, fields.get("task_ids") or [])
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()  # serialise code numbering per project
        change = ChangeRequest(project=project, code=_next_code(project), **values)
        validate_and_save(change)
        if task_ids:
            change.tasks.set(task_ids)
    return change


def update_change_request(user: AnyUser, pk: int, version: int | None, changes: Mapping[str, Any]) -> ChangeRequest:
    change = get_change_request(user, pk)
    authorize(user, CR, Action.CHANGE, change.project, label=LABEL)
    if not change.editable:
        raise Conflict(f"A change request is fixed once assessed ({change.get_status_display().lower()} now); "
                       "raise a new one for a different change.", field="status")
    values = {k: v for k, v in changes.items() if k in FIELDS}
    _check_person(values)
    task_ids = _check_tasks(change.project, changes["task_ids"] or []) if "task_ids" in changes else None
    with transaction.atomic():
        saved = update_versioned(change, version, values, LABEL)
        if task_ids is not None:
            saved.tasks.set(task_ids)
    return saved


def delete_change_request(user: AnyUser, pk: int) -> None:
    change = get_change_request(user, pk)
    authorize(user, CR, Action.DELETE, change.project, label=LABEL)
    if change.status in (ChangeStatus.APPROVED, ChangeStatus.IMPLEMENTED):
        raise Conflict(f"An {change.get_status_display().lower()} change request stays on record.", field="status")
    delete_checked(change, LABEL)


def allowed_targets(change: ChangeRequest) -> list[str]:
    """The statuses the request can move to next (the workflow, not the user's rights)."""
    return [target for target, sources in CHANGE_FLOW.items() if change.status in sources]


def transition(user: AnyUser, pk: int, version: int | None, target: str, *, comment: str = "",
               rebaseline: bool = False, baseline_name: str = "") -> ChangeRequest:
    """Move a request one step along the workflow, stamping who and when.

    ``comment``: the assessment (assess) or the decision's reason (approve/reject, required).
    ``rebaseline`` (implement only): take a baseline named ``baseline_name`` (default
    "After CR-007") in the same transaction.
    """
    change = get_change_request(user, pk)
    if target not in CHANGE_FLOW:
        raise InvalidInput(f"status: {target!r} is not a workflow step; give one of {', '.join(CHANGE_FLOW)}.",
                           field="status")
    authorize(user, CR, Action.CHANGE if target == ChangeStatus.SUBMITTED else Action.DECIDE, change.project,
              label=LABEL)
    verb, by, at = STAMPS[target]
    if change.status not in CHANGE_FLOW[target]:
        nexts = allowed_targets(change)
        hint = f"it can go to {' or '.join(nexts)}" if nexts else "it is at the end of the workflow"
        raise Conflict(f"Cannot {verb} a {change.get_status_display().lower()} change request: {hint}.",
                       field="status")
    comment = (comment or "").strip()
    if target in (ChangeStatus.APPROVED, ChangeStatus.REJECTED) and not comment:
        raise InvalidInput(f"comment: say why you {verb} the change (the requester reads it).", field="comment")
    if rebaseline and target != ChangeStatus.IMPLEMENTED:
        raise InvalidInput("rebaseline: a new baseline is taken when the change is implemented.", field="rebaseline")
    check_version(change.version, version, LABEL)
    values: dict[str, Any] = {"status": target, by: user, at: timezone.now()}
    if target == ChangeStatus.ASSESSED:
        values["assessment"] = comment
    elif target in (ChangeStatus.APPROVED, ChangeStatus.REJECTED):
        values["decision_comment"] = comment
    with transaction.atomic():
        if rebaseline:
            from altitude.delivery.services.baselines import set_baseline

            name = (baseline_name or "").strip() or f"After {change.code}"
            try:
                values["baseline"] = set_baseline(user, change.project_id, name[:100])
            except InvalidInput as exc:
                raise InvalidInput(exc.message.replace("name:", "baseline_name:", 1), field="baseline_name") from exc
        saved = update_versioned(change, version, values, LABEL)
    if target in (ChangeStatus.APPROVED, ChangeStatus.REJECTED):
        who = getattr(user, "get_full_name", lambda: "")() or getattr(user, "username", "Someone")
        notify([saved.requested_by_id], f"{who} {target} change request {saved.project.code} {saved.code} "
                                        f"\u201c{saved.title}\u201d: {comment}",
               reverse("governance:change-detail", args=[saved.pk]), actor=user)
    return saved
