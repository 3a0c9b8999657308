"""Portfolio use cases: who sees which portfolio, and versioned edits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from altitude.core.errors import NotFound
from altitude.core.policy import Action, AnyUser, Resource, authorize, is_global_staff
from altitude.core.services import delete_checked, update_versioned, validate_and_save
from altitude.strategy.models import Portfolio, PortfolioMembership

EDITABLE_FIELDS = frozenset({"name", "description", "owner_id"})


def visible_portfolios(user: AnyUser) -> QuerySet[Portfolio]:
    qs = Portfolio.objects.select_related("owner")
    if is_global_staff(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    # Programs and projects a user belongs to reveal their portfolio too (read only).
    from altitude.delivery.models import ProgramMembership, ProjectMembership

    return qs.filter(
        Exists(PortfolioMembership.objects.filter(portfolio=OuterRef("pk"), user_id=user.pk))
        | Exists(ProgramMembership.objects.filter(program__portfolio=OuterRef("pk"), user_id=user.pk))
        | Exists(ProjectMembership.objects.filter(project__portfolio=OuterRef("pk"), user_id=user.pk))
    )


def filter_portfolios(qs: QuerySet[Portfolio], q: str | None) -> QuerySet[Portfolio]:
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    return qs


def get_portfolio(user: AnyUser, portfolio_id: int) -> Portfolio:
    portfolio = Portfolio.objects.select_related("owner").filter(pk=portfolio_id).first()
    if portfolio is None or not visible_portfolios(user).filter(pk=portfolio_id).exists():
        raise NotFound("No portfolio with that id.")
    return portfolio


def create_portfolio(user: AnyUser, fields: Mapping[str, Any]) -> Portfolio:
    authorize(user, Resource.PORTFOLIO, Action.CREATE)
    with transaction.atomic():
        return validate_and_save(Portfolio(**dict(fields)))


def update_portfolio(user: AnyUser, portfolio_id: int, version: int | None, changes: Mapping[str, Any]) -> Portfolio:
    portfolio = get_portfolio(user, portfolio_id)
    authorize(user, Resource.PORTFOLIO, Action.CHANGE, portfolio)
    return update_versioned(portfolio, version, _only(changes, EDITABLE_FIELDS), "portfolio")


def delete_portfolio(user: AnyUser, portfolio_id: int) -> None:
    portfolio = get_portfolio(user, portfolio_id)
    authorize(user, Resource.PORTFOLIO, Action.DELETE, portfolio)
    delete_checked(portfolio, "portfolio")


def _only(changes: Mapping[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in changes.items() if k in allowed}
