from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.personas import Demo, build_demo
from tests.web.planning import Plan, build_plan


@pytest.fixture
def demo(db: None) -> Demo:
    return build_demo()


@pytest.fixture
def client_for(demo: Demo) -> Callable[[str], Client]:
    """A browser-like client signed in as one persona (force_login: django-axes breaks login())."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(demo.user(username))
        return client

    return make


@pytest.fixture
def plan(demo: Demo) -> Plan:
    return build_plan(demo)
