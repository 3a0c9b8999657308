"""The policy table covers every route, and the roles behave as DESIGN.md section 6 says."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from altitude.config.api import api
from altitude.core.models import Role
from altitude.core.policy import ACTIONS, CRUD, ROUTES, RULES, Resource, role_on
from tests.personas import Demo


def _named_routes(patterns: list[URLPattern | URLResolver], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin" or pattern.namespace == "api":
                continue  # the admin has its own permission system; API operations are checked below
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_routes(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_page_route_has_a_policy_row() -> None:
    missing = sorted(set(_named_routes(get_resolver().url_patterns)) - ROUTES.keys())
    assert missing == []


def test_every_api_operation_has_a_policy_row() -> None:
    operations = {
        f"api:{operation.view_func.__name__}"
        for router in (r for _, r in api._routers)
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    }
    assert operations, "no API operation found"
    assert sorted(operations - ROUTES.keys()) == []


def test_every_route_row_points_to_a_rule() -> None:
    for name, row in ROUTES.items():
        if isinstance(row, tuple):
            assert row in RULES, name


def test_every_resource_has_a_row_for_each_of_its_actions() -> None:
    assert set(ACTIONS) == set(Resource)
    expected = {(resource, action) for resource, actions in ACTIONS.items() for action in actions}
    assert set(RULES) == expected
    for resource in Resource:
        if resource is not Resource.SCHEDULE:
            assert ACTIONS[resource] >= CRUD, resource


@pytest.mark.django_db
def test_roles_are_inherited_downwards(demo: Demo) -> None:
    assert role_on(demo.user("portfolio"), demo.dcx01) == Role.MANAGER
    assert role_on(demo.user("program"), demo.dcx01) == Role.MANAGER
    assert role_on(demo.user("program"), demo.ops01) is None
    assert role_on(demo.user("project"), demo.dcx01) == Role.MANAGER
    assert role_on(demo.user("project"), demo.dcx) is None
    assert role_on(demo.user("member"), demo.dcx01) == Role.MEMBER
    assert role_on(demo.user("executive"), demo.ops01) == Role.VIEWER
    assert role_on(demo.user("outsider"), demo.dcx01) is None
    assert role_on(demo.user("admin"), demo.ops01) == Role.MANAGER
