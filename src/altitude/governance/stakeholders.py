"""Stakeholder register use cases: who matters to a project, how much, and how we engage them.

Anyone on the project reads the register; its managers keep it. Influence and interest
on 1-5 scales place each stakeholder on the power/interest grid (3 and more is high).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from altitude.accounts.models import User
from altitude.core.errors import InvalidInput, NotFound
from altitude.core.policy import Action, AnyUser, Resource, authorize
from altitude.core.services import delete_checked, update_versioned, validate_and_save
from altitude.delivery.models import Project
from altitude.delivery.services import get_project, visible_projects
from altitude.governance.register_models import Stakeholder, quadrant

STK = Resource.STAKEHOLDER
LABEL = "stakeholder"
FIELDS = frozenset({"name", "organisation", "role", "contact", "influence", "interest", "current_engagement",
                    "desired_engagement", "channel", "frequency", "communication_owner_id", "notes"})


def visible_stakeholders(user: AnyUser) -> QuerySet[Stakeholder]:
    qs = Stakeholder.objects.select_related("project", "communication_owner")
    return qs.filter(project__in=visible_projects(user).values("pk"))


@dataclass(frozen=True)
class StakeholderFilter:
    """One filter set for the register page and ``GET /stakeholders``."""

    q: str | None = None
    project: int | None = None
    influence: int | None = None
    interest: int | None = None
    engagement: str | None = None
    gap: bool | None = None

    def apply(self, qs: QuerySet[Stakeholder]) -> QuerySet[Stakeholder]:
        if self.q:
            qs = qs.filter(Q(name__icontains=self.q) | Q(organisation__icontains=self.q) | Q(role__icontains=self.q))
        if self.project:
            qs = qs.filter(project_id=self.project)
        if self.influence:
            qs = qs.filter(influence=self.influence)
        if self.interest:
            qs = qs.filter(interest=self.interest)
        if self.engagement:
            qs = qs.filter(current_engagement=self.engagement)
        if self.gap is not None:
            same = Q(current_engagement=F("desired_engagement"))
            qs = qs.exclude(same) if self.gap else qs.filter(same)
        return qs


def list_stakeholders(user: AnyUser, stakeholder_filter: StakeholderFilter | None = None,
                      project: Project | None = None) -> QuerySet[Stakeholder]:
    qs = visible_stakeholders(user)
    if project is not None:
        authorize(user, STK, Action.VIEW, project)
        qs = qs.filter(project=project)
    return stakeholder_filter.apply(qs) if stakeholder_filter else qs


def get_stakeholder(user: AnyUser, pk: int) -> Stakeholder:
    stakeholder = visible_stakeholders(user).filter(pk=pk).first()
    if stakeholder is None:
        raise NotFound("No stakeholder with that id.")
    return stakeholder


def _check_owner(fields: Mapping[str, Any]) -> None:
    pk = fields.get("communication_owner_id")
    if pk is not None and not User.objects.filter(pk=pk, is_active=True).exists():
        raise InvalidInput(f"communication_owner_id: no active user with id {pk}.", field="communication_owner_id")


def create_stakeholder(user: AnyUser, fields: Mapping[str, Any]) -> Stakeholder:
    try:
        project = get_project(user, int(fields.get("project_id") or 0))
    except NotFound as exc:
        raise InvalidInput(f"project_id: no project with id {fields.get('project_id')}.", field="project_id") from exc
    authorize(user, STK, Action.CREATE, project, label=LABEL)
    values = {k: v for k, v in fields.items() if k in FIELDS}
    _check_owner(values)
    return validate_and_save(Stakeholder(project=project, **values))


def update_stakeholder(user: AnyUser, pk: int, version: int | None, changes: Mapping[str, Any]) -> Stakeholder:
    stakeholder = get_stakeholder(user, pk)
    authorize(user, STK, Action.CHANGE, stakeholder.project, label=LABEL)
    values = {k: v for k, v in changes.items() if k in FIELDS}
    _check_owner(values)
    return update_versioned(stakeholder, version, values, LABEL)


def delete_stakeholder(user: AnyUser, pk: int) -> None:
    stakeholder = get_stakeholder(user, pk)
    authorize(user, STK, Action.DELETE, stakeholder.project, label=LABEL)
    delete_checked(stakeholder, LABEL)


def grid(qs: QuerySet[Stakeholder], query: str) -> list[dict[str, Any]]:
    """Rows of the 5x5 power/interest grid, influence 5 at the top: count, strategy and filter link per cell."""
    counts = {(r["influence"], r["interest"]): r["n"]
              for r in qs.order_by().values("influence", "interest").annotate(n=Count("pk"))}
    rows = []
    for influence in range(5, 0, -1):
        cells = []
        for interest in range(1, 6):
            strategy = quadrant(influence, interest)
            zone = {"Manage closely": "high", "Keep satisfied": "medium", "Keep informed": "medium"}.get(strategy, "low")
            link = f"?{query + '&' if query else ''}influence={influence}&interest={interest}"
            cells.append({"influence": influence, "interest": interest, "strategy": strategy, "zone": zone,
                          "count": counts.get((influence, interest), 0), "link": link})
        rows.append({"influence": influence, "cells": cells})
    return rows
