"""Register use cases: list, raise, edit, delete and escalate risks and issues.

Every call authorises through the policy table with the entry's scope (its project, or
its program for program-level entries): the team raises entries, managers triage,
close and escalate them. Writes validate fully, run in one transaction and need the
version the client edited (optimistic locking).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from altitude.accounts.models import User
from altitude.core.errors import Conflict, InvalidInput, NotFound
from altitude.core.policy import (
    ACTIONS,
    RULES,
    Action,
    AnyUser,
    Resource,
    authorize,
    authorize_visible,
    is_global_staff,
    role_on,
)
from altitude.core.services import (
    check_version,
    delete_checked,
    update_versioned,
    validate_and_save,
)
from altitude.delivery.models import Program, ProgramMembership, Project, Task
from altitude.delivery.services import visible_projects
from altitude.governance.models import (
    ACTIVE_ISSUE,
    ACTIVE_RISK,
    LEVEL_ORDER,
    Issue,
    Level,
    RegisterEntry,
    Risk,
)
from altitude.strategy.models import PortfolioMembership

E = TypeVar("E", bound=RegisterEntry)

ENTRY_FIELDS = frozenset({"title", "description", "owner_id", "due_date"})
RISK_FIELDS = ENTRY_FIELDS | {
    "kind", "probability", "impact", "probability_percent", "schedule_impact_minutes", "cost_impact",
    "response", "mitigation_plan", "status",
}
ISSUE_FIELDS = ENTRY_FIELDS | {"severity", "status", "risk_id"}
PREFIX = {Risk: "R", Issue: "I"}
LABEL = {Risk: "risk", Issue: "issue"}
RESOURCE = {Risk: Resource.RISK, Issue: Resource.ISSUE}


def _visible(model: type[E], user: AnyUser) -> QuerySet[E]:
    qs = model.objects.select_related("project", "program", "owner", "escalated_by")  # type: ignore[attr-defined]
    if is_global_staff(user):
        return qs  # type: ignore[no-any-return]
    if not user.is_authenticated:
        return qs.none()  # type: ignore[no-any-return]
    # Program-level entries: the program's own team or its portfolio's (as the policy's role chain).
    program_seen = Exists(ProgramMembership.objects.filter(program=OuterRef("program_id"), user_id=user.pk)) | Exists(
        PortfolioMembership.objects.filter(portfolio=OuterRef("program__portfolio_id"), user_id=user.pk))
    return qs.filter(Q(project__in=visible_projects(user).values("pk")) | (Q(program__isnull=False) & program_seen))  # type: ignore[no-any-return]


def visible_risks(user: AnyUser) -> QuerySet[Risk]:
    return _visible(Risk, user)


def visible_issues(user: AnyUser) -> QuerySet[Issue]:
    return _visible(Issue, user)


@dataclass(frozen=True)
class RegisterFilter:
    """One filter set for the register pages and ``GET /risks``, ``GET /issues``."""

    q: str | None = None
    project: int | None = None
    program: int | None = None
    kind: str | None = None
    status: str | None = None
    owner: int | None = None
    escalated: bool | None = None
    level: str | None = None
    severity: str | None = None
    probability: int | None = None
    impact: int | None = None
    active: bool | None = None

    def apply(self, qs: QuerySet[E]) -> QuerySet[E]:
        model = qs.model
        if self.q:
            qs = qs.filter(Q(title__icontains=self.q) | Q(code__iexact=self.q) | Q(description__icontains=self.q))
        if self.project:
            qs = qs.filter(project_id=self.project)
        if self.program:
            # the program's own entries and its projects' ones
            qs = qs.filter(Q(program_id=self.program) | Q(project__program_id=self.program))
        for name in ("status", "level", "owner") + (("kind", "probability", "impact") if model is Risk else ("severity",)):
            value = getattr(self, name)
            if value:
                qs = qs.filter(**{{"level": "escalation_level", "owner": "owner_id"}.get(name, name): value})
        if self.escalated is not None:
            above = Q(escalation_level=Level.PORTFOLIO) | Q(escalation_level=Level.PROGRAM, project__isnull=False)
            qs = qs.filter(above) if self.escalated else qs.exclude(above)
        if self.active is not None:
            active = Q(status__in=ACTIVE_RISK if model is Risk else ACTIVE_ISSUE)
            qs = qs.filter(active) if self.active else qs.exclude(active)
        return qs


def _scope(user: AnyUser, project_id: int | None, program_id: int | None) -> Project | Program:
    from altitude.delivery.services import get_program, get_project

    if bool(project_id) == bool(program_id):
        raise InvalidInput("project_id: give a project, or a program for a program-level entry (not both).",
                           field="project_id")
    try:
        return get_project(user, project_id) if project_id else get_program(user, int(program_id or 0))
    except NotFound as exc:
        field = "project_id" if project_id else "program_id"
        raise InvalidInput(f"{field}: no {field[:-3]} with id {project_id or program_id}.", field=field) from exc


def list_entries(model: type[E], user: AnyUser, register_filter: RegisterFilter | None = None,
                 scope: Project | Program | None = None) -> QuerySet[E]:
    """Visible entries; with ``scope``, the register of that project or program only."""
    qs = _visible(model, user)
    if scope is not None:
        authorize(user, RESOURCE[model], Action.VIEW, scope)
        qs = qs.filter(project=scope) if isinstance(scope, Project) else qs.filter(program=scope)
    return register_filter.apply(qs) if register_filter else qs


def get_entry(model: type[E], user: AnyUser, pk: int) -> E:
    entry = _visible(model, user).filter(pk=pk).first()
    if entry is None:
        raise NotFound(f"No {LABEL[model]} with that id.")
    authorize(user, RESOURCE[model], Action.VIEW, entry.scope, label=LABEL[model])
    return entry


def _check_owner(fields: Mapping[str, Any]) -> None:
    pk = fields.get("owner_id")
    if pk is not None and not User.objects.filter(pk=pk, is_active=True).exists():
        raise InvalidInput(f"owner_id: no active user with id {pk}.", field="owner_id")


def _check_tasks(scope: Project | Program, task_ids: Sequence[int]) -> list[int]:
    """Linked tasks must belong to the entry's project (or to a project of its program)."""
    ids = sorted(set(task_ids))
    tasks = Task.objects.filter(pk__in=ids)
    tasks = tasks.filter(project=scope) if isinstance(scope, Project) else tasks.filter(project__program=scope)
    found = set(tasks.values_list("pk", flat=True))
    missing = [pk for pk in ids if pk not in found]
    if missing:
        where = "this project" if isinstance(scope, Project) else "this program's projects"
        raise InvalidInput(f"task_ids: task {missing[0]} is not one of {where}.", field="task_ids")
    return ids


def _check_risk_link(scope: Project | Program, risk_id: int | None) -> None:
    if risk_id is None:
        return
    same = Risk.objects.filter(pk=risk_id, **({"project": scope} if isinstance(scope, Project) else {"program": scope}))
    if not same.exists():
        raise InvalidInput(f"risk_id: no risk {risk_id} in this register.", field="risk_id")


def _next_code(model: type[E], scope: Project | Program) -> str:
    key = {"project": scope} if isinstance(scope, Project) else {"program": scope}
    count = model.objects.filter(**key).count()  # type: ignore[attr-defined]
    return f"{PREFIX[model]}-{count + 1:03d}"


def create_entry(model: type[E], user: AnyUser, fields: Mapping[str, Any]) -> E:
    scope = _scope(user, fields.get("project_id"), fields.get("program_id"))
    # A project's team sees its program (403 there, not 404): the program's register is not theirs.
    check = authorize_visible if isinstance(scope, Program) else authorize
    check(user, RESOURCE[model], Action.CREATE, scope, label=LABEL[model])
    allowed = RISK_FIELDS if model is Risk else ISSUE_FIELDS
    values = {k: v for k, v in fields.items() if k in allowed}
    _check_owner(values)
    if model is Issue:
        _check_risk_link(scope, values.get("risk_id"))
    task_ids = _check_tasks(scope, fields.get("task_ids") or []) if model is Risk else []
    where = {"project": scope} if isinstance(scope, Project) else {"program": scope}
    level = Level.PROJECT if isinstance(scope, Project) else Level.PROGRAM
    with transaction.atomic():
        entry = model(**where, **values, escalation_level=level, code=_next_code(model, scope))
        validate_and_save(entry)
        if task_ids:
            entry.tasks.set(task_ids)  # type: ignore[attr-defined]
    return entry


def update_entry(model: type[E], user: AnyUser, pk: int, version: int | None, changes: Mapping[str, Any]) -> E:
    entry = get_entry(model, user, pk)
    authorize(user, RESOURCE[model], Action.CHANGE, entry.scope, label=LABEL[model])
    allowed = RISK_FIELDS if model is Risk else ISSUE_FIELDS
    values = {k: v for k, v in changes.items() if k in allowed}
    _check_owner(values)
    if model is Issue and "risk_id" in values:
        _check_risk_link(entry.scope, values["risk_id"])
    task_ids = _check_tasks(entry.scope, changes["task_ids"] or []) if model is Risk and "task_ids" in changes else None
    with transaction.atomic():
        saved = update_versioned(entry, version, values, LABEL[model])
        if task_ids is not None:
            saved.tasks.set(task_ids)  # type: ignore[attr-defined]
    return saved


def delete_entry(model: type[E], user: AnyUser, pk: int) -> None:
    entry = get_entry(model, user, pk)
    authorize(user, RESOURCE[model], Action.DELETE, entry.scope, label=LABEL[model])
    delete_checked(entry, LABEL[model])


def escalation_target(entry: RegisterEntry) -> tuple[str, Project | Program]:
    """The next level up and the scope whose manager may escalate there.

    A project's managers lift an entry to its program (to the portfolio if the project
    stands alone); the program's managers lift it to the portfolio. Nothing goes higher.
    """
    level = entry.escalation_level
    if level == Level.PORTFOLIO:
        raise Conflict(f"This {LABEL[type(entry)]} is already escalated to the portfolio, the top level.",
                       field="escalation_level")
    if level == Level.PROJECT:
        project = entry.project
        assert project is not None
        return (Level.PROGRAM, project) if project.program_id else (Level.PORTFOLIO, project)
    program = entry.program or (entry.project.program if entry.project else None)
    assert program is not None
    return Level.PORTFOLIO, program


def escalate_entry(model: type[E], user: AnyUser, pk: int, version: int | None, reason: str) -> E:
    entry = get_entry(model, user, pk)
    label = LABEL[model]
    if not entry.is_active:  # type: ignore[attr-defined]
        raise Conflict(f"A {entry.get_status_display().lower()} {label} cannot be escalated.", field="status")  # type: ignore[attr-defined]
    target_level, acting_scope = escalation_target(entry)
    # The user sees the entry; a missing role on the program above means 403, not 404.
    authorize_visible(user, RESOURCE[model], Action.ESCALATE, acting_scope, label=label)
    if not (reason or "").strip():
        raise InvalidInput("reason: say why it needs the attention of the level above.", field="reason")
    check_version(entry.version, version, label)
    saved = update_versioned(entry, version, {
        "escalation_level": target_level, "escalated_by": user, "escalated_at": timezone.now(),
        "escalation_reason": reason.strip(),
    }, label)
    _notify_escalation(user, saved, acting_scope)
    return saved


def _notify_escalation(user: AnyUser, entry: RegisterEntry, acting_scope: Project | Program) -> None:
    """Tell the managers of the level that must now act (they see it in My work)."""
    from django.urls import reverse

    from altitude.core.models import Role
    from altitude.core.notifications import notify

    if entry.escalation_level == Level.PROGRAM:
        program = entry.project.program if entry.project else entry.program
        recipients: list[Any] = [program.manager_id] if program else []
        recipients += list(ProgramMembership.objects.filter(program=program, role=Role.MANAGER).values_list("user_id", flat=True))
    else:
        portfolio_id = acting_scope.portfolio_id
        recipients = list(PortfolioMembership.objects.filter(portfolio_id=portfolio_id, role=Role.MANAGER)
                          .values_list("user_id", flat=True))
    where = entry.project.code if entry.project else "Program"
    who = getattr(user, "get_full_name", lambda: "")() or getattr(user, "username", "Someone")
    detail = "governance:risk-detail" if isinstance(entry, Risk) else "governance:issue-detail"
    notify(recipients, f"{who} escalated {LABEL[type(entry)]} {where} {entry.code} \u201c{entry.title}\u201d to the "
                       f"{entry.get_escalation_level_display().lower()}: {entry.escalation_reason}",
           reverse(detail, args=[entry.pk]), actor=user)


def can(user: AnyUser, resource: Resource, action: Action, scope: Project | Program) -> bool:
    """For templates: whether to show a button (the service still checks on submit)."""
    return permissions(user, resource, scope)[action]


def permissions(user: AnyUser, resource: Resource, scope: Project | Program) -> dict[Action, bool]:
    """Every action of ``resource`` on ``scope`` from one role lookup (the register rules are all on the scope)."""
    staff = is_global_staff(user)
    role = None if staff else role_on(user, scope)
    out = {}
    for action in ACTIONS[resource]:
        rule = RULES[(resource, action)]
        out[action] = staff or (rule.on == "self" and rule.role is not None and role is not None and role >= rule.role)
    return out


# Shorthands the views, the API and other apps read naturally.
def create_risk(user: AnyUser, fields: Mapping[str, Any]) -> Risk:
    return create_entry(Risk, user, fields)


def update_risk(user: AnyUser, pk: int, version: int | None, changes: Mapping[str, Any]) -> Risk:
    return update_entry(Risk, user, pk, version, changes)


def escalate_risk(user: AnyUser, pk: int, version: int | None, reason: str) -> Risk:
    return escalate_entry(Risk, user, pk, version, reason)


def create_issue(user: AnyUser, fields: Mapping[str, Any]) -> Issue:
    return create_entry(Issue, user, fields)


def update_issue(user: AnyUser, pk: int, version: int | None, changes: Mapping[str, Any]) -> Issue:
    return update_entry(Issue, user, pk, version, changes)


def escalate_issue(user: AnyUser, pk: int, version: int | None, reason: str) -> Issue:
    return escalate_entry(Issue, user, pk, version, reason)


@dataclass(frozen=True)
class RiskExposure:
    """A project's open threats in numbers (risk health, bubble size).

    ``open_threats``: threats still open or being mitigated; ``total_score``: the sum of
    their probability x impact (1-25 each); ``worst_score``: the highest of them (0 if
    none); ``escalated``: how many of them sit above the project (program or portfolio).
    """

    open_threats: int = 0
    total_score: int = 0
    worst_score: int = 0
    escalated: int = 0


def risk_exposure_by_project(project_ids: Iterable[int]) -> dict[int, RiskExposure]:
    """Exposure of each project in one query (projects without open threats get zeros).

    No permission check: callers pass projects the user already sees.
    """
    ids = list(project_ids)
    rows = (Risk.objects.filter(project_id__in=ids, kind="threat", status__in=ACTIVE_RISK)
            .values("project_id").annotate(n=Count("pk"), total=Sum("score"), worst=Max("score"),
                                           up=Count("pk", filter=~Q(escalation_level=Level.PROJECT))))
    found = {r["project_id"]: RiskExposure(r["n"], r["total"] or 0, r["worst"] or 0, r["up"]) for r in rows}
    return {pk: found.get(pk, RiskExposure()) for pk in ids}


def level_index(level: str) -> int:
    return [str(x) for x in LEVEL_ORDER].index(level)
