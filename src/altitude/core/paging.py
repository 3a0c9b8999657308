"""List-page pagination that keeps the current filters in every page link."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(request: HttpRequest, qs: QuerySet, per_page: int = PAGE_SIZE) -> tuple[Page, str]:  # type: ignore[type-arg]
    """Return the requested page and the query string of the filters (without ``page``)."""
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
