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


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"


@dataclass(frozen=True)
class Rule:
    """``on``: whose role counts (the object itself, its parent scope, or global staff only)."""

    on: Literal["self", "parent", "global"]
    role: Role | None = None


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
    "strategy:portfolio-list": (Resource.PORTFOLIO, Action.VIEW),
    "strategy:portfolio-detail": (Resource.PORTFOLIO, Action.VIEW),
    "delivery:program-list": (Resource.PROGRAM, Action.VIEW),
    "delivery:program-detail": (Resource.PROGRAM, Action.VIEW),
    "delivery:project-list": (Resource.PROJECT, Action.VIEW),
    "delivery:project-detail": (Resource.PROJECT, Action.VIEW),
    "delivery:project-edit": (Resource.PROJECT, Action.CHANGE),
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
    "api:me": SIGNED_IN,
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api-docs": PUBLIC,
}


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
              *, parent: Scoped | None = None, label: str | None = None) -> None:
    """Raise ``NotFound``/``PermissionDenied`` unless the policy table allows the action.

    For ``CREATE`` pass ``parent`` (the scope the new object goes into); for the
    other actions pass ``obj``. Seeing an object at all needs at least a viewer role
    on it, otherwise it is reported as missing.
    """
    rule = RULES[(resource, action)]
    what = label or resource.value
    if obj is not None and role_on(user, obj) is None:
        raise NotFound(f"No {what} with that id.")
    if is_global_staff(user):
        return
    if rule.on == "global":
        raise PermissionDenied(f"Only administrators and the PMO may {action.value} a {what}.")
    target = obj if rule.on == "self" else (parent if obj is None else obj.parent_scope())
    role = role_on(user, target) if target is not None else None
    if role is None or rule.role is None or role < rule.role:
        needed = rule.role.label.lower() if rule.role else "administrator"
        raise PermissionDenied(f"You need the {needed} role to {action.value} this {what}.")
