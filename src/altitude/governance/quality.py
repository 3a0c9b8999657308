"""Quality check use cases: plan acceptance checks of task deliverables and record their results.

The project's managers plan the checks; anyone on the team adjusts them and records a
result (passed, failed, or waived with a reason), which stamps who checked and when. A failed check
is where an issue usually starts: the page offers to log one, prefilled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from altitude.core.errors import InvalidInput, NotFound
from altitude.core.policy import Action, AnyUser, Resource, authorize
from altitude.core.services import (
    check_version,
    delete_checked,
    update_versioned,
    validate_and_save,
)
from altitude.delivery.models import Project, Task
from altitude.delivery.services import get_project, visible_projects
from altitude.governance.register_models import CheckResult, QualityCheck

QC = Resource.QUALITY_CHECK
LABEL = "quality check"
FIELDS = frozenset({"task_id", "criterion", "method", "planned_date"})


def visible_checks(user: AnyUser) -> QuerySet[QualityCheck]:
    qs = QualityCheck.objects.select_related("project", "task", "checked_by")
    return qs.filter(project__in=visible_projects(user).values("pk"))


@dataclass(frozen=True)
class CheckFilter:
    """One filter set for the register page and ``GET /quality-checks``."""

    q: str | None = None
    project: int | None = None
    task: int | None = None
    result: str | None = None

    def apply(self, qs: QuerySet[QualityCheck]) -> QuerySet[QualityCheck]:
        if self.q:
            qs = qs.filter(Q(criterion__icontains=self.q) | Q(method__icontains=self.q) | Q(task__name__icontains=self.q))
        if self.project:
            qs = qs.filter(project_id=self.project)
        if self.task:
            qs = qs.filter(task_id=self.task)
        if self.result:
            qs = qs.filter(result=self.result)
        return qs


def list_checks(user: AnyUser, check_filter: CheckFilter | None = None,
                project: Project | None = None) -> QuerySet[QualityCheck]:
    qs = visible_checks(user)
    if project is not None:
        authorize(user, QC, Action.VIEW, project)
        qs = qs.filter(project=project)
    return check_filter.apply(qs) if check_filter else qs


def get_check(user: AnyUser, pk: int) -> QualityCheck:
    check = visible_checks(user).filter(pk=pk).first()
    if check is None:
        raise NotFound("No quality check with that id.")
    return check


def _check_task(project: Project, task_id: Any) -> None:
    if task_id is None or not Task.objects.filter(pk=task_id, project=project).exists():
        raise InvalidInput(f"task_id: give one of this project's tasks (not {task_id}).", field="task_id")


def create_check(user: AnyUser, fields: Mapping[str, Any]) -> QualityCheck:
    try:
        project = get_project(user, int(fields.get("project_id") or 0))
    except NotFound as exc:
        raise InvalidInput(f"project_id: no project with id {fields.get('project_id')}.", field="project_id") from exc
    authorize(user, QC, Action.CREATE, project, label=LABEL)
    values = {k: v for k, v in fields.items() if k in FIELDS}
    _check_task(project, values.get("task_id"))
    return validate_and_save(QualityCheck(project=project, **values))


def update_check(user: AnyUser, pk: int, version: int | None, changes: Mapping[str, Any]) -> QualityCheck:
    """Change what is checked, how or when; results go through :func:`record_result`."""
    check = get_check(user, pk)
    authorize(user, QC, Action.CHANGE, check.project, label=LABEL)
    values = {k: v for k, v in changes.items() if k in FIELDS}
    if "task_id" in values:
        _check_task(check.project, values["task_id"])
    return update_versioned(check, version, values, LABEL)


def record_result(user: AnyUser, pk: int, version: int | None, result: str, notes: str = "") -> QualityCheck:
    """Set the outcome; passed/failed/waived stamp who and when, pending clears them."""
    check = get_check(user, pk)
    authorize(user, QC, Action.CHANGE, check.project, label=LABEL)
    if result not in CheckResult.values:
        raise InvalidInput(f"result: give one of {', '.join(CheckResult.values)}.", field="result")
    notes = (notes or "").strip()
    if result == CheckResult.WAIVED and not notes:
        raise InvalidInput("notes: say why the check is waived (and who agreed).", field="notes")
    check_version(check.version, version, LABEL)
    done = result != CheckResult.PENDING
    return update_versioned(check, version, {
        "result": result, "notes": notes, "checked_by": user if done else None,
        "checked_at": timezone.now() if done else None}, LABEL)


def delete_check(user: AnyUser, pk: int) -> None:
    check = get_check(user, pk)
    authorize(user, QC, Action.DELETE, check.project, label=LABEL)
    delete_checked(check, LABEL)
