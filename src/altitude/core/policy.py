"""Permissions as data: one table says which role on which scope each action needs.

Both the HTML views and the API routers call :func:`authorize`; ``ROUTES`` maps
every named route to a row of ``RULES`` (or marks it public), and a test fails for
any route without one, so no page or endpoint can ship unguarded.

Roles are inherited downwards: a manager of a portfolio manages its programs and
projects; a viewer of a program sees all its projects. Administrators and PMO
users act as managers everywhere. Objects a user cannot see answer 404 (their
existence is not disclosed); actions they cannot do answer 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from altitude.core.errors import NotFound, PermissionDenied
from altitude.core.models import Role

if TYPE_CHECKING:
    from django.db.models import QuerySet

AnyUser: TypeAlias = AbstractBaseUser | AnonymousUser


class Resource(StrEnum):
    PORTFOLIO = "portfolio"
    OBJECTIVE = "objective"
    PROGRAM = "program"
    PROJECT = "project"
    TASK = "task"
    DEPENDENCY = "dependency"
    CALENDAR = "calendar"
    BASELINE = "baseline"
    RESOURCE = "resource"
    ASSIGNMENT = "assignment"
    SCHEDULE = "schedule"
    RISK = "risk"
    ISSUE = "issue"
    TIME_ENTRY = "time entry"
    # project registers beyond risks and issues
    CHANGE_REQUEST = "change request"
    DECISION = "decision"
    LESSON = "lesson"
    STAKEHOLDER = "stakeholder"
    QUALITY_CHECK = "quality check"
    # reporting: status reports and project closure
    STATUS_REPORT = "status report"
    CLOSURE = "project closure"


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"
    PROGRESS = "update progress of"
    RESCHEDULE = "reschedule"
    ESCALATE = "escalate"
    DECIDE = "decide on"  # assess, approve, reject, implement (change requests); decide (decisions)
    SUBMIT = "submit"


CRUD = frozenset({Action.VIEW, Action.CREATE, Action.CHANGE, Action.DELETE})

# Which actions exist on each resource; RULES has a row for exactly these pairs.
ACTIONS: dict[Resource, frozenset[Action]] = {
    **{r: CRUD for r in Resource},
    Resource.TASK: CRUD | {Action.PROGRESS},
    Resource.SCHEDULE: frozenset({Action.VIEW, Action.RESCHEDULE}),
    Resource.RISK: CRUD | {Action.ESCALATE},
    Resource.ISSUE: CRUD | {Action.ESCALATE},
    Resource.CHANGE_REQUEST: CRUD | {Action.DECIDE},
    Resource.DECISION: CRUD | {Action.DECIDE},
    # reporting
    Resource.STATUS_REPORT: CRUD | {Action.SUBMIT},
}


@dataclass(frozen=True)
class Rule:
    """``on``: whose role counts (the object itself, its parent scope, or global staff only).

    ``on="seen"``: anyone who sees the scope (the service found it among the user's visible
    ones, e.g. a portfolio's shared calendars for a member of one of its projects).
    ``assigned_only``: below manager, the role counts only for users assigned to the object
    (a member updates the progress of their own tasks).
    """

    on: Literal["self", "parent", "global", "seen"]
    role: Role | None = None
    assigned_only: bool = False


RULES: dict[tuple[Resource, Action], Rule] = {
    (Resource.PORTFOLIO, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.PORTFOLIO, Action.CREATE): Rule("global"),
    (Resource.PORTFOLIO, Action.CHANGE): Rule("self", Role.MANAGER),
    (Resource.PORTFOLIO, Action.DELETE): Rule("global"),
    (Resource.OBJECTIVE, Action.VIEW): Rule("parent", Role.VIEWER),
    (Resource.OBJECTIVE, Action.CREATE): Rule("parent", Role.MANAGER),
    (Resource.OBJECTIVE, Action.CHANGE): Rule("parent", Role.MANAGER),
    (Resource.OBJECTIVE, Action.DELETE): Rule("parent", Role.MANAGER),
    (Resource.PROGRAM, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.PROGRAM, Action.CREATE): Rule("parent", Role.MANAGER),
    (Resource.PROGRAM, Action.CHANGE): Rule("self", Role.MANAGER),
    (Resource.PROGRAM, Action.DELETE): Rule("parent", Role.MANAGER),
    (Resource.PROJECT, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.PROJECT, Action.CREATE): Rule("parent", Role.MANAGER),
    (Resource.PROJECT, Action.CHANGE): Rule("self", Role.MANAGER),
    (Resource.PROJECT, Action.DELETE): Rule("parent", Role.MANAGER),
    # Planning objects: the scope passed is the project (program, portfolio) that owns them.
    (Resource.TASK, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.TASK, Action.CREATE): Rule("self", Role.MANAGER),
    (Resource.TASK, Action.CHANGE): Rule("self", Role.MANAGER),
    (Resource.TASK, Action.DELETE): Rule("self", Role.MANAGER),
    (Resource.TASK, Action.PROGRESS): Rule("self", Role.MEMBER, assigned_only=True),
    # A link's scope: its project; the program for links across its projects; both
    # programs (or portfolios) for links across them (the service checks each).
    (Resource.DEPENDENCY, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.DEPENDENCY, Action.CREATE): Rule("self", Role.MANAGER),
    (Resource.DEPENDENCY, Action.CHANGE): Rule("self", Role.MANAGER),
    (Resource.DEPENDENCY, Action.DELETE): Rule("self", Role.MANAGER),
    # Calendars: the portfolio's (shared) or the project's (project-specific).
    (Resource.CALENDAR, Action.VIEW): Rule("seen"),
    (Resource.CALENDAR, Action.CREATE): Rule("self", Role.MANAGER),
    (Resource.CALENDAR, Action.CHANGE): Rule("self", Role.MANAGER),
    (Resource.CALENDAR, Action.DELETE): Rule("self", Role.MANAGER),
    (Resource.BASELINE, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.BASELINE, Action.CREATE): Rule("self", Role.MANAGER),
    (Resource.BASELINE, Action.CHANGE): Rule("self", Role.MANAGER),
    (Resource.BASELINE, Action.DELETE): Rule("self", Role.MANAGER),
    # The resource pool belongs to the portfolio.
    (Resource.RESOURCE, Action.VIEW): Rule("seen"),
    (Resource.RESOURCE, Action.CREATE): Rule("self", Role.MANAGER),
    (Resource.RESOURCE, Action.CHANGE): Rule("self", Role.MANAGER),
    (Resource.RESOURCE, Action.DELETE): Rule("self", Role.MANAGER),
    (Resource.ASSIGNMENT, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.ASSIGNMENT, Action.CREATE): Rule("self", Role.MANAGER),
    (Resource.ASSIGNMENT, Action.CHANGE): Rule("self", Role.MANAGER),
    (Resource.ASSIGNMENT, Action.DELETE): Rule("self", Role.MANAGER),
    # The schedule of a project or of a whole program.
    (Resource.SCHEDULE, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.SCHEDULE, Action.RESCHEDULE): Rule("self", Role.MANAGER),
    # Registers: the scope is the project (or program) that owns the risk or issue. Anyone
    # on the team may raise one; its managers triage, close and escalate it upwards.
    (Resource.RISK, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.RISK, Action.CREATE): Rule("self", Role.MEMBER),
    (Resource.RISK, Action.CHANGE): Rule("self", Role.MANAGER),
    (Resource.RISK, Action.DELETE): Rule("self", Role.MANAGER),
    (Resource.RISK, Action.ESCALATE): Rule("self", Role.MANAGER),
    (Resource.ISSUE, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.ISSUE, Action.CREATE): Rule("self", Role.MEMBER),
    (Resource.ISSUE, Action.CHANGE): Rule("self", Role.MANAGER),
    (Resource.ISSUE, Action.DELETE): Rule("self", Role.MANAGER),
    (Resource.ISSUE, Action.ESCALATE): Rule("self", Role.MANAGER),
    # Time entries: the scope is the task's project; members book time on tasks they are
    # assigned to (the service also checks that the entry is their own); managers correct any.
    (Resource.TIME_ENTRY, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.TIME_ENTRY, Action.CREATE): Rule("self", Role.MEMBER, assigned_only=True),
    (Resource.TIME_ENTRY, Action.CHANGE): Rule("self", Role.MEMBER, assigned_only=True),
    (Resource.TIME_ENTRY, Action.DELETE): Rule("self", Role.MEMBER, assigned_only=True),
    # Project registers (scope: the project, or the program for program-level decisions).
    # The team raises and edits drafts; the managers (project, or program above) decide.
    (Resource.CHANGE_REQUEST, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.CHANGE_REQUEST, Action.CREATE): Rule("self", Role.MEMBER),
    (Resource.CHANGE_REQUEST, Action.CHANGE): Rule("self", Role.MEMBER),
    (Resource.CHANGE_REQUEST, Action.DELETE): Rule("self", Role.MANAGER),
    (Resource.CHANGE_REQUEST, Action.DECIDE): Rule("self", Role.MANAGER),
    (Resource.DECISION, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.DECISION, Action.CREATE): Rule("self", Role.MEMBER),
    (Resource.DECISION, Action.CHANGE): Rule("self", Role.MANAGER),
    (Resource.DECISION, Action.DELETE): Rule("self", Role.MANAGER),
    (Resource.DECISION, Action.DECIDE): Rule("self", Role.MANAGER),
    (Resource.LESSON, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.LESSON, Action.CREATE): Rule("self", Role.MEMBER),
    (Resource.LESSON, Action.CHANGE): Rule("self", Role.MEMBER),
    (Resource.LESSON, Action.DELETE): Rule("self", Role.MANAGER),
    (Resource.STAKEHOLDER, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.STAKEHOLDER, Action.CREATE): Rule("self", Role.MANAGER),
    (Resource.STAKEHOLDER, Action.CHANGE): Rule("self", Role.MANAGER),
    (Resource.STAKEHOLDER, Action.DELETE): Rule("self", Role.MANAGER),
    (Resource.QUALITY_CHECK, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.QUALITY_CHECK, Action.CREATE): Rule("self", Role.MANAGER),
    (Resource.QUALITY_CHECK, Action.CHANGE): Rule("self", Role.MEMBER),
    (Resource.QUALITY_CHECK, Action.DELETE): Rule("self", Role.MANAGER),
    # Reporting: the scope is the project. The team reads status reports and the closure;
    # the project's managers (and the program's and portfolio's, by inheritance) draft,
    # submit and close. A closure record is final: only administrators and the PMO may
    # change or remove one (no page or endpoint does).
    (Resource.STATUS_REPORT, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.STATUS_REPORT, Action.CREATE): Rule("self", Role.MANAGER),
    (Resource.STATUS_REPORT, Action.CHANGE): Rule("self", Role.MANAGER),
    (Resource.STATUS_REPORT, Action.DELETE): Rule("self", Role.MANAGER),
    (Resource.STATUS_REPORT, Action.SUBMIT): Rule("self", Role.MANAGER),
    (Resource.CLOSURE, Action.VIEW): Rule("self", Role.VIEWER),
    (Resource.CLOSURE, Action.CREATE): Rule("self", Role.MANAGER),
    (Resource.CLOSURE, Action.CHANGE): Rule("global"),
    (Resource.CLOSURE, Action.DELETE): Rule("global"),
}

PUBLIC = "public"
SIGNED_IN = "signed-in"

# Every named route (HTML url names and API operation names) -> its rule or a marker.
ROUTES: dict[str, tuple[Resource, Action] | str] = {
    # pages
    "accounts:login": PUBLIC,
    "accounts:logout": SIGNED_IN,
    "core:home": SIGNED_IN,
    "core:my-work": SIGNED_IN,
    "core:my-work-progress": (Resource.TASK, Action.PROGRESS),
    "core:my-work-time": (Resource.TIME_ENTRY, Action.CREATE),
    "core:notification-read": SIGNED_IN,
    "core:notifications-read-all": SIGNED_IN,
    "strategy:portfolio-list": (Resource.PORTFOLIO, Action.VIEW),
    "strategy:portfolio-detail": (Resource.PORTFOLIO, Action.VIEW),
    "delivery:program-list": (Resource.PROGRAM, Action.VIEW),
    "delivery:program-detail": (Resource.PROGRAM, Action.VIEW),
    "delivery:program-leveling": (Resource.ASSIGNMENT, Action.VIEW),
    "delivery:program-leveling-apply": (Resource.TASK, Action.CHANGE),
    "delivery:program-leveling-undo": (Resource.TASK, Action.CHANGE),
    "delivery:portfolio-leveling": (Resource.ASSIGNMENT, Action.VIEW),
    "delivery:portfolio-leveling-apply": (Resource.TASK, Action.CHANGE),
    "delivery:portfolio-leveling-undo": (Resource.TASK, Action.CHANGE),
    "delivery:leveling-optimise": (Resource.ASSIGNMENT, Action.VIEW),
    "delivery:leveling-run": (Resource.ASSIGNMENT, Action.VIEW),
    "delivery:leveling-run-cancel": (Resource.ASSIGNMENT, Action.VIEW),
    "delivery:project-list": (Resource.PROJECT, Action.VIEW),
    "delivery:project-detail": (Resource.PROJECT, Action.VIEW),
    "delivery:project-edit": (Resource.PROJECT, Action.CHANGE),
    "delivery:project-schedule": (Resource.SCHEDULE, Action.VIEW),
    "delivery:project-gantt-data": (Resource.SCHEDULE, Action.VIEW),
    "delivery:project-tasks": (Resource.TASK, Action.VIEW),
    "delivery:task-row": (Resource.TASK, Action.VIEW),
    "delivery:task-edit": (Resource.TASK, Action.CHANGE),
    "delivery:task-indent": (Resource.TASK, Action.CHANGE),
    "delivery:task-outdent": (Resource.TASK, Action.CHANGE),
    "delivery:project-board": (Resource.TASK, Action.VIEW),
    "delivery:board-move": (Resource.TASK, Action.PROGRESS),
    "delivery:project-resources": (Resource.ASSIGNMENT, Action.VIEW),
    "delivery:project-leveling-apply": (Resource.TASK, Action.CHANGE),
    "delivery:project-leveling-undo": (Resource.TASK, Action.CHANGE),
    # API operations (by operation function name)
    "api:list_portfolios": (Resource.PORTFOLIO, Action.VIEW),
    "api:get_portfolio": (Resource.PORTFOLIO, Action.VIEW),
    "api:create_portfolio": (Resource.PORTFOLIO, Action.CREATE),
    "api:update_portfolio": (Resource.PORTFOLIO, Action.CHANGE),
    "api:delete_portfolio": (Resource.PORTFOLIO, Action.DELETE),
    "api:list_programs": (Resource.PROGRAM, Action.VIEW),
    "api:get_program": (Resource.PROGRAM, Action.VIEW),
    "api:create_program": (Resource.PROGRAM, Action.CREATE),
    "api:update_program": (Resource.PROGRAM, Action.CHANGE),
    "api:delete_program": (Resource.PROGRAM, Action.DELETE),
    "api:list_projects": (Resource.PROJECT, Action.VIEW),
    "api:get_project": (Resource.PROJECT, Action.VIEW),
    "api:create_project": (Resource.PROJECT, Action.CREATE),
    "api:update_project": (Resource.PROJECT, Action.CHANGE),
    "api:delete_project": (Resource.PROJECT, Action.DELETE),
    # planning API
    "api:list_tasks": (Resource.TASK, Action.VIEW),
    "api:get_task": (Resource.TASK, Action.VIEW),
    "api:task_history": (Resource.TASK, Action.VIEW),
    "api:create_task": (Resource.TASK, Action.CREATE),
    "api:update_task": (Resource.TASK, Action.CHANGE),
    "api:move_task": (Resource.TASK, Action.CHANGE),
    "api:set_predecessors": (Resource.DEPENDENCY, Action.CHANGE),
    "api:bulk_update_tasks": (Resource.TASK, Action.CHANGE),
    "api:update_progress": (Resource.TASK, Action.PROGRESS),
    "api:delete_task": (Resource.TASK, Action.DELETE),
    "api:list_dependencies": (Resource.DEPENDENCY, Action.VIEW),
    "api:get_dependency": (Resource.DEPENDENCY, Action.VIEW),
    "api:create_dependency": (Resource.DEPENDENCY, Action.CREATE),
    "api:update_dependency": (Resource.DEPENDENCY, Action.CHANGE),
    "api:delete_dependency": (Resource.DEPENDENCY, Action.DELETE),
    "api:list_calendars": (Resource.CALENDAR, Action.VIEW),
    "api:get_calendar": (Resource.CALENDAR, Action.VIEW),
    "api:create_calendar": (Resource.CALENDAR, Action.CREATE),
    "api:update_calendar": (Resource.CALENDAR, Action.CHANGE),
    "api:delete_calendar": (Resource.CALENDAR, Action.DELETE),
    "api:list_baselines": (Resource.BASELINE, Action.VIEW),
    "api:create_baseline": (Resource.BASELINE, Action.CREATE),
    "api:baseline_variance": (Resource.BASELINE, Action.VIEW),
    "api:delete_baseline": (Resource.BASELINE, Action.DELETE),
    "api:list_resources": (Resource.RESOURCE, Action.VIEW),
    "api:get_resource": (Resource.RESOURCE, Action.VIEW),
    "api:create_resource": (Resource.RESOURCE, Action.CREATE),
    "api:update_resource": (Resource.RESOURCE, Action.CHANGE),
    "api:delete_resource": (Resource.RESOURCE, Action.DELETE),
    "api:list_assignments": (Resource.ASSIGNMENT, Action.VIEW),
    "api:get_assignment": (Resource.ASSIGNMENT, Action.VIEW),
    "api:create_assignment": (Resource.ASSIGNMENT, Action.CREATE),
    "api:update_assignment": (Resource.ASSIGNMENT, Action.CHANGE),
    "api:delete_assignment": (Resource.ASSIGNMENT, Action.DELETE),
    "api:project_leveling_preview": (Resource.ASSIGNMENT, Action.VIEW),
    "api:program_leveling_preview": (Resource.ASSIGNMENT, Action.VIEW),
    "api:apply_project_leveling": (Resource.TASK, Action.CHANGE),
    "api:apply_program_leveling": (Resource.TASK, Action.CHANGE),
    "api:portfolio_leveling_preview": (Resource.ASSIGNMENT, Action.VIEW),
    "api:apply_portfolio_leveling": (Resource.TASK, Action.CHANGE),
    "api:optimise_leveling": (Resource.ASSIGNMENT, Action.VIEW),
    "api:get_leveling_run": (Resource.ASSIGNMENT, Action.VIEW),
    "api:cancel_leveling_run": (Resource.ASSIGNMENT, Action.VIEW),
    "api:undo_leveling": (Resource.TASK, Action.CHANGE),
    "api:reschedule_project": (Resource.SCHEDULE, Action.RESCHEDULE),
    "api:reschedule_program": (Resource.SCHEDULE, Action.RESCHEDULE),
    "api:project_schedule": (Resource.SCHEDULE, Action.VIEW),
    "api:program_schedule": (Resource.SCHEDULE, Action.VIEW),
    "api:me": SIGNED_IN,
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api-docs": PUBLIC,
}


def register_routes(routes: dict[str, tuple[Resource, Action] | str]) -> None:
    """Add an app's route rows (called from its ``AppConfig.ready``); a name may not be claimed twice.

    Apps keep their rows next to their urls so that adding a page touches one app;
    the route-coverage tests still see a single table.
    """
    clashes = sorted(routes.keys() & ROUTES.keys())
    if clashes:
        raise ValueError(f"Routes already have a policy row: {', '.join(clashes)}")
    for name, row in routes.items():
        if isinstance(row, tuple) and row not in RULES:
            raise ValueError(f"Route {name} points to {row}, which has no rule.")
    ROUTES.update(routes)


class Scoped(Protocol):
    """A model whose access comes from memberships on itself and its ancestors."""

    @property
    def pk(self) -> Any: ...

    def membership_chain(self) -> Iterable[QuerySet]:  # type: ignore[type-arg]
        """Membership querysets of this scope and each ancestor scope."""
        ...

    def parent_scope(self) -> Scoped | None:
        """The scope whose managers create and delete this one."""
        ...


def is_global_staff(user: AnyUser) -> bool:
    """Administrators and PMO act as managers on every scope."""
    return bool(user.is_authenticated and (getattr(user, "is_superuser", False) or getattr(user, "is_pmo", False)))


def role_on(user: AnyUser, scope: Scoped) -> Role | None:
    """The highest role the user holds on ``scope`` directly or through an ancestor."""
    if not user.is_authenticated:
        return None
    if is_global_staff(user):
        return Role.MANAGER
    best: int | None = None
    for memberships in scope.membership_chain():
        roles = list(memberships.filter(user_id=user.pk).values_list("role", flat=True))
        if roles:
            best = max([*roles, best or 0])
    return Role(best) if best is not None else None


def authorize(user: AnyUser, resource: Resource, action: Action, obj: Scoped | None = None,
              *, parent: Scoped | None = None, label: str | None = None, assigned: bool = False) -> None:
    """Raise ``NotFound``/``PermissionDenied`` unless the policy table allows the action.

    For ``CREATE`` pass ``parent`` (the scope the new object goes into); for the
    other actions pass ``obj``. Seeing an object at all needs at least a viewer role
    on it, otherwise it is reported as missing. ``assigned``: the user is assigned to
    the object (counts for ``assigned_only`` rules).
    """
    rule = RULES[(resource, action)]
    what = label or resource.value
    if rule.on == "seen":
        if not user.is_authenticated:
            raise NotFound(f"No {what} with that id.")
        return
    if obj is not None and role_on(user, obj) is None:
        raise NotFound(f"No {what} with that id.")
    if is_global_staff(user):
        return
    if rule.on == "global":
        raise PermissionDenied(f"Only administrators and the PMO may {action.value} a {what}.")
    target = obj if rule.on == "self" else (parent if obj is None else obj.parent_scope())
    role = role_on(user, target) if target is not None else None
    if rule.assigned_only and role is not None and role < Role.MANAGER and not assigned:
        raise PermissionDenied(f"Only the project's managers and the people assigned to this {what} may {action.value} it.")
    if role is None or rule.role is None or role < rule.role:
        needed = rule.role.label.lower() if rule.role else "administrator"
        raise PermissionDenied(f"You need the {needed} role to {action.value} this {what}.")


def authorize_visible(user: AnyUser, resource: Resource, action: Action, scope: Scoped, *,
                      label: str | None = None, assigned: bool = False) -> None:
    """``authorize`` for an object the service already found visible to the user.

    The user may see it through another scope (a project member sees the portfolio's
    shared calendars), so a missing role on ``scope`` means 403, not 404.
    """
    try:
        authorize(user, resource, action, scope, label=label, assigned=assigned)
    except NotFound as exc:
        needed = RULES[(resource, action)].role
        role = needed.label.lower() if needed else "administrator"
        raise PermissionDenied(f"You need the {role} role to {action.value} this {label or resource.value}.") from exc
