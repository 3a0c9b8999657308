"""Decision log use cases: record the decisions a project or program needs, and take them.

A decision belongs to a project, or to a program for the decisions that concern it as a
whole. The team records what needs deciding (pending); the managers of the scope
decide it (the decision text is required) or withdraw it. Every write needs the
version the client edited.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from altitude.accounts.models import User
from altitude.core.errors import Conflict, InvalidInput, NotFound
from altitude.core.policy import (
    Action,
    AnyUser,
    Resource,
    authorize,
    authorize_visible,
    is_global_staff,
)
from altitude.core.services import (
    check_version,
    delete_checked,
    update_versioned,
    validate_and_save,
)
from altitude.delivery.models import Program, ProgramMembership, Project
from altitude.delivery.services import get_program, get_project, visible_projects
from altitude.governance.register_models import Decision, DecisionStatus
from altitude.strategy.models import PortfolioMembership

DEC = Resource.DECISION
LABEL = "decision"
FIELDS = frozenset({"title", "context", "options", "decision", "owner_id", "due_date"})


def visible_decisions(user: AnyUser) -> QuerySet[Decision]:
    qs = Decision.objects.select_related("project", "program", "owner", "decided_by")
    if is_global_staff(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    # Program-level decisions: the program's own team or its portfolio's (as the policy's role chain).
    program_seen = Exists(ProgramMembership.objects.filter(program=OuterRef("program_id"), user_id=user.pk)) | Exists(
        PortfolioMembership.objects.filter(portfolio=OuterRef("program__portfolio_id"), user_id=user.pk))
    return qs.filter(Q(project__in=visible_projects(user).values("pk")) | (Q(program__isnull=False) & program_seen))


@dataclass(frozen=True)
class DecisionFilter:
    """One filter set for the log pages and ``GET /decisions``."""

    q: str | None = None
    project: int | None = None
    program: int | None = None
    status: str | None = None
    owner: int | None = None
    overdue: bool | None = None

    def apply(self, qs: QuerySet[Decision], today: dt.date | None = None) -> QuerySet[Decision]:
        if self.q:
            qs = qs.filter(Q(title__icontains=self.q) | Q(code__iexact=self.q) | Q(context__icontains=self.q))
        if self.project:
            qs = qs.filter(project_id=self.project)
        if self.program:  # the program's own decisions and its projects' ones
            qs = qs.filter(Q(program_id=self.program) | Q(project__program_id=self.program))
        if self.status:
            qs = qs.filter(status=self.status)
        if self.owner:
            qs = qs.filter(owner_id=self.owner)
        if self.overdue is not None:
            late = Q(status=DecisionStatus.PENDING, due_date__lt=today or timezone.localdate())
            qs = qs.filter(late) if self.overdue else qs.exclude(late)
        return qs


def by_due_date(qs: QuerySet[Decision]) -> QuerySet[Decision]:
    """Pending first by due date (no date last), then the rest newest first."""
    return qs.order_by(F("due_date").asc(nulls_last=True), "-pk")


def list_decisions(user: AnyUser, decision_filter: DecisionFilter | None = None,
                   scope: Project | Program | None = None) -> QuerySet[Decision]:
    qs = visible_decisions(user)
    if scope is not None:
        authorize(user, DEC, Action.VIEW, scope)
        qs = qs.filter(project=scope) if isinstance(scope, Project) else qs.filter(program=scope)
    return decision_filter.apply(qs) if decision_filter else qs


def pending_for_program(user: AnyUser, program: Program, limit: int | None = None) -> list[Decision]:
    """The cockpit's "Decisions needed": pending decisions of the program and its projects (one query)."""
    qs = visible_decisions(user).filter(Q(program=program) | Q(project__program=program), status=DecisionStatus.PENDING)
    return list(by_due_date(qs)[:limit])


def get_decision(user: AnyUser, pk: int) -> Decision:
    decision = visible_decisions(user).filter(pk=pk).first()
    if decision is None:
        raise NotFound("No decision with that id.")
    return decision


def _scope(user: AnyUser, fields: Mapping[str, Any]) -> Project | Program:
    project_id, program_id = fields.get("project_id"), fields.get("program_id")
    if bool(project_id) == bool(program_id):
        raise InvalidInput("project_id: give a project, or a program for a program-level decision (not both).",
                           field="project_id")
    try:
        return get_project(user, int(project_id)) if project_id else get_program(user, int(program_id or 0))
    except NotFound as exc:
        field = "project_id" if project_id else "program_id"
        raise InvalidInput(f"{field}: no {field[:-3]} with id {project_id or program_id}.", field=field) from exc


def _check_owner(fields: Mapping[str, Any]) -> None:
    pk = fields.get("owner_id")
    if pk is not None and not User.objects.filter(pk=pk, is_active=True).exists():
        raise InvalidInput(f"owner_id: no active user with id {pk}.", field="owner_id")


def _next_code(scope: Project | Program) -> str:
    """D-001, D-002 ... per project or program; numbers of deleted decisions are not reused."""
    key = {"project_id": scope.pk} if isinstance(scope, Project) else {"program_id": scope.pk}
    used = Decision.history.filter(**key).values_list("code", flat=True).distinct()
    numbers = [int(m.group(1)) for code in used if (m := re.fullmatch(r"D-(\d+)", code))]
    return f"D-{max(numbers, default=0) + 1:03d}"


def create_decision(user: AnyUser, fields: Mapping[str, Any]) -> Decision:
    scope = _scope(user, fields)
    # A project's team sees its program (403 there, not 404): the program's log is not theirs.
    check = authorize_visible if isinstance(scope, Program) else authorize
    check(user, DEC, Action.CREATE, scope, label=LABEL)
    values = {k: v for k, v in fields.items() if k in FIELDS and k != "decision"}
    _check_owner(values)
    where = {"project": scope} if isinstance(scope, Project) else {"program": scope}
    with transaction.atomic():
        type(scope).objects.select_for_update().filter(pk=scope.pk).first()  # serialise code numbering per scope
        return validate_and_save(Decision(**where, code=_next_code(scope), **values))


def update_decision(user: AnyUser, pk: int, version: int | None, changes: Mapping[str, Any]) -> Decision:
    decision = get_decision(user, pk)
    authorize(user, DEC, Action.CHANGE, decision.scope, label=LABEL)
    values = {k: v for k, v in changes.items() if k in FIELDS}
    if "decision" in values and decision.status == DecisionStatus.DECIDED and not (values["decision"] or "").strip():
        raise InvalidInput("decision: a decided decision keeps its text.", field="decision")
    _check_owner(values)
    return update_versioned(decision, version, values, LABEL)


def delete_decision(user: AnyUser, pk: int) -> None:
    decision = get_decision(user, pk)
    authorize(user, DEC, Action.DELETE, decision.scope, label=LABEL)
    if decision.status == DecisionStatus.DECIDED:
        raise Conflict("A decided decision stays on record; withdraw or supersede it with a new one.", field="status")
    delete_checked(decision, LABEL)


def decide(user: AnyUser, pk: int, version: int | None, text: str) -> Decision:
    """pending -> decided, recording the decision, who and when."""
    decision = get_decision(user, pk)
    authorize(user, DEC, Action.DECIDE, decision.scope, label=LABEL)
    if decision.status != DecisionStatus.PENDING:
        raise Conflict(f"Only a pending decision can be decided; this one is {decision.get_status_display().lower()}.",
                       field="status")
    if not (text or "").strip():
        raise InvalidInput("decision: write down what was decided and why.", field="decision")
    check_version(decision.version, version, LABEL)
    return update_versioned(decision, version, {"status": DecisionStatus.DECIDED, "decision": text.strip(),
                                                "decided_by": user, "decided_at": timezone.now()}, LABEL)


def withdraw(user: AnyUser, pk: int, version: int | None) -> Decision:
    """pending -> withdrawn: the question no longer needs an answer."""
    decision = get_decision(user, pk)
    authorize(user, DEC, Action.DECIDE, decision.scope, label=LABEL)
    if decision.status != DecisionStatus.PENDING:
        raise Conflict(f"Only a pending decision can be withdrawn; this one is {decision.get_status_display().lower()}.",
                       field="status")
    check_version(decision.version, version, LABEL)
    return update_versioned(decision, version, {"status": DecisionStatus.WITHDRAWN}, LABEL)
