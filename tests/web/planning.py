"""Helpers that build small plans through the services, for the planning tests."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from altitude.accounts.models import User
from altitude.delivery import services
from altitude.delivery.models import Dependency, Project, Task

DAY = 480


def task(user: User, project: Project, name: str, days: float = 0, **fields: Any) -> Task:
    values: dict[str, Any] = {"name": name, "duration_minutes": int(days * DAY), **fields}
    if days == 0 and "milestone" not in fields:
        values["milestone"] = True
    return services.create_task(user, project.pk, values)


def link(user: User, a: Task, b: Task, **fields: Any) -> Dependency:
    return services.create_dependency(user, {"predecessor_id": a.pk, "successor_id": b.pk, **fields})


def call(client: Client, method: str, url: str, body: dict[str, Any] | None = None, **headers: str) -> tuple[int, Any]:
    """One JSON request; returns (status, decoded body or None)."""
    kwargs: dict[str, Any] = {"headers": headers}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    response = getattr(client, method.lower())(url, **kwargs)
    content = response.content
    return response.status_code, (json.loads(content) if content else None)
