"""One search box for every altitude: projects, programs, tasks, risks and issues the user may see.

Each source searches its own visible queryset (the same ones the pages and the API
use), so a result never discloses an object its user could not open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from altitude.core.policy import AnyUser

MIN_QUERY = 2
PER_SOURCE = 10


@dataclass(frozen=True)
class Hit:
    title: str
    context: str
    url: str


@dataclass(frozen=True)
class SearchSource:
    """Where to look and how to show a hit; ``more`` opens the full list filtered by the query."""

    label: str
    visible: Callable[[AnyUser], QuerySet[Any]]
    fields: tuple[str, ...]
    order: tuple[str, ...]
    hit: Callable[[Any], Hit]
    more: str | None = None


@dataclass(frozen=True)
class SourceResult:
    label: str
    hits: list[Hit]
    truncated: bool
    more_url: str | None


def _url(name: str, *args: object) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _sources() -> list[SearchSource]:
    from altitude.delivery.services import visible_programs, visible_projects, visible_tasks

    sources = [
        SearchSource(
            "Projects", visible_projects, ("code", "name", "description"), ("priority", "code"),
            lambda p: Hit(f"{p.code} {p.name}", p.program.name if p.program else "Stand-alone project",
                          _url("delivery:project-detail", p.pk)),
            more="delivery:project-list",
        ),
        SearchSource(
            "Programs", visible_programs, ("name", "goal"), ("name",),
            lambda p: Hit(p.name, p.goal[:120], _url("delivery:program-detail", p.pk)),
            more="delivery:program-list",
        ),
        SearchSource(
            "Tasks", lambda u: visible_tasks(u).select_related("project"), ("name", "deliverable"),
            ("project__code", "outline"),
            lambda t: Hit(f"{t.wbs} {t.name}".strip(), f"{t.project.code} {t.project.name}",
                          _task_url(t.project_id, t.name)),
        ),
    ]
    try:
        from altitude.governance.services import visible_issues, visible_risks
    except ImportError:  # the registers are an optional app in stripped-down deployments
        return sources
    sources += [
        SearchSource(
            "Risks", lambda u: visible_risks(u).select_related("project", "program"), ("title", "description"),
            ("-id",), lambda r: Hit(r.title, _scope_label(r), _url("governance:risk-detail", r.pk)),
        ),
        SearchSource(
            "Issues", lambda u: visible_issues(u).select_related("project", "program"), ("title", "description"),
            ("-id",), lambda i: Hit(i.title, _scope_label(i), _url("governance:issue-detail", i.pk)),
        ),
    ]
    return sources


def _task_url(project_id: int, name: str) -> str:
    """A task has no page of its own: open its project's task list filtered to its name."""
    base = _url("delivery:project-tasks", project_id)
    return f"{base}?{urlencode({'q': name})}" if base else base


def _scope_label(item: Any) -> str:
    if getattr(item, "project", None) is not None:
        return f"{item.project.code} {item.project.name}"
    program = getattr(item, "program", None)
    return program.name if program is not None else ""


def search(user: AnyUser, query: str) -> list[SourceResult]:
    """Up to ``PER_SOURCE`` hits per source, in the order each list page uses; empty for short queries."""
    query = query.strip()
    if len(query) < MIN_QUERY:
        return []
    results = []
    for source in _sources():
        condition = Q()
        for field in source.fields:
            condition |= Q(**{f"{field}__icontains": query})
        rows = list(source.visible(user).filter(condition).order_by(*source.order)[: PER_SOURCE + 1])
        if not rows:
            continue
        more = f"{_url(source.more)}?{urlencode({'q': query})}" if source.more and len(rows) > PER_SOURCE else None
        results.append(SourceResult(source.label, [source.hit(r) for r in rows[:PER_SOURCE]], len(rows) > PER_SOURCE, more))
    return results
