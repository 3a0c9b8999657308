"""Calendars and their exceptions (holidays, special days), edited as one unit.

A shared calendar belongs to the portfolio (its managers edit it); a project-specific
one to its project (the project's managers edit it).  Everyone who sees the
portfolio sees its shared calendars.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from altitude.core.errors import InvalidInput, NotFound
from altitude.core.policy import Action, AnyUser, Resource, Scoped, authorize_visible
from altitude.core.services import delete_checked, invalid_from, update_versioned, validate_and_save
from altitude.delivery.models import Calendar, CalendarException
from altitude.delivery.services.structure import visible_projects
from altitude.strategy.services import visible_portfolios

CALENDAR_FIELDS = frozenset({"name", "week", "base_id"})
EXCEPTION_FIELDS = ("name", "start", "end", "working", "intervals")


def visible_calendars(user: AnyUser) -> QuerySet[Calendar]:
    return Calendar.objects.filter(
        Q(project__isnull=True) | Q(project__in=visible_projects(user)), portfolio__in=visible_portfolios(user),
    ).select_related("portfolio", "project")


def get_calendar(user: AnyUser, calendar_id: int) -> Calendar:
    calendar = visible_calendars(user).filter(pk=calendar_id).first()
    if calendar is None:
        raise NotFound("No calendar with that id.")
    return calendar


def _scope(calendar: Calendar) -> Scoped:
    return calendar.project if calendar.project_id and calendar.project else calendar.portfolio


def _replace_exceptions(calendar: Calendar, exceptions: Sequence[Mapping[str, Any]]) -> None:
    calendar.exceptions.all().delete()
    for n, raw in enumerate(exceptions):
        exc = CalendarException(calendar=calendar, **{k: raw[k] for k in EXCEPTION_FIELDS if k in raw})
        try:
            exc.full_clean()
        except ValidationError as error:  # name the exception's index in the list
            inner = invalid_from(error)
            field = f"exceptions[{n}].{inner.field}" if inner.field else f"exceptions[{n}]"
            raise InvalidInput(f"{field}: {inner.message}", field=field) from error
        exc.save()


def _check_name(calendar: Calendar, name: str | None) -> None:
    same = Calendar.objects.filter(portfolio_id=calendar.portfolio_id, project=calendar.project, name=name)
    if name and same.exclude(pk=calendar.pk).exists():
        raise InvalidInput(f"name: there already is a calendar named '{name}' here.", field="name")


def _check_base(calendar: Calendar, base_id: int | None) -> None:
    if base_id is not None and not Calendar.objects.filter(pk=base_id, portfolio_id=calendar.portfolio_id).exists():
        raise InvalidInput(f"base_id: no calendar {base_id} in this portfolio.", field="base_id")


def create_calendar(user: AnyUser, fields: Mapping[str, Any]) -> Calendar:
    portfolio = visible_portfolios(user).filter(pk=int(fields.get("portfolio_id") or 0)).first()
    if portfolio is None:
        raise InvalidInput(f"portfolio_id: no portfolio with id {fields.get('portfolio_id')}.", field="portfolio_id")
    project = None
    if fields.get("project_id") is not None:
        project = visible_projects(user).filter(pk=fields["project_id"], portfolio=portfolio).first()
        if project is None:
            raise InvalidInput(f"project_id: no project {fields['project_id']} in this portfolio.", field="project_id")
    calendar = Calendar(portfolio=portfolio, project=project,
                        **{k: v for k, v in fields.items() if k in CALENDAR_FIELDS and v is not None})
    authorize_visible(user, Resource.CALENDAR, Action.CREATE, _scope(calendar))
    _check_base(calendar, fields.get("base_id"))
    _check_name(calendar, calendar.name)
    with transaction.atomic():
        validate_and_save(calendar)
        _replace_exceptions(calendar, fields.get("exceptions") or [])
    return calendar


def update_calendar(user: AnyUser, calendar_id: int, version: int | None, changes: Mapping[str, Any]) -> Calendar:
    """Edit the week, name or base; ``exceptions`` (when given) replace the current list."""
    calendar = get_calendar(user, calendar_id)
    authorize_visible(user, Resource.CALENDAR, Action.CHANGE, _scope(calendar))
    _check_base(calendar, changes.get("base_id"))
    _check_name(calendar, changes.get("name"))
    with transaction.atomic():
        updated = update_versioned(calendar, version, {k: v for k, v in changes.items() if k in CALENDAR_FIELDS}, "calendar")
        if changes.get("exceptions") is not None:
            _replace_exceptions(updated, changes["exceptions"])
    return updated


def delete_calendar(user: AnyUser, calendar_id: int) -> None:
    calendar = get_calendar(user, calendar_id)
    authorize_visible(user, Resource.CALENDAR, Action.DELETE, _scope(calendar))
    delete_checked(calendar, "calendar")
