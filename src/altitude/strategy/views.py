"""Portfolio pages (the high altitude): what the organisation invests in, and how it is going."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from altitude.core.errors import NotFound
from altitude.core.paging import PAGE_SIZE, paginate
from altitude.delivery.models import Stage
from altitude.delivery.services import visible_programs, visible_projects
from altitude.engine.health import Dimension, Rating
from altitude.resources.capacity import capacity_vs_demand, month_starts
from altitude.strategy import services

MONTHS = 12


@login_required
def portfolio_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    qs = services.filter_portfolios(services.visible_portfolios(request.user), q).annotate(
        program_count=Count("programs", distinct=True), project_count=Count("projects", distinct=True)
    ).order_by("name")
    page, query = paginate(request, qs)
    return render(request, "strategy/portfolio_list.html", {"page": page, "query": query, "q": q})


def _first_month(raw: str | None, today: dt.date) -> dt.date:
    try:
        return dt.datetime.strptime(raw or "", "%Y-%m").date()
    except ValueError:
        return today.replace(day=1)


def _add_months(day: dt.date, n: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


@login_required
def portfolio_detail(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    """The portfolio board: health, value vs risk, budget vs actual, capacity vs demand."""
    try:
        portfolio = services.get_portfolio(request.user, portfolio_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    today = timezone.localdate()
    program = request.GET.get("program", "").strip()
    stage = request.GET.get("stage", "").strip()
    stage = stage if stage in Stage.values else ""
    board = services.portfolio_board(request.user, portfolio, program or None, stage or None, today)
    page = Paginator(board.projects, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    first = _first_month(request.GET.get("from"), today)
    months = month_starts(first, MONTHS)
    nav = request.GET.copy()
    nav["from"] = _add_months(first, -6).strftime("%Y-%m")
    previous = nav.urlencode()
    nav["from"] = _add_months(first, 6).strftime("%Y-%m")
    later = nav.urlencode()
    programs = list(visible_programs(request.user).filter(portfolio=portfolio).annotate(project_count=Count("projects"))
                    .select_related("manager").order_by("name"))
    rolled = {g.program.pk: g for g in board.groups if g.program is not None}
    all_projects = visible_projects(request.user).filter(portfolio=portfolio)
    by_stage = {row["stage"]: row["n"] for row in all_projects.values("stage").annotate(n=Count("id"))}
    context = {
        "portfolio": portfolio,
        "board": board,
        "page": page,
        "query": params.urlencode(),
        "groups": services.group_board(page.object_list),
        "bubbles": board.bubbles(),
        "totals": services.board_totals(board.projects),
        "programs": programs,
        "program_cards": [(p, rolled.get(p.pk)) for p in programs],
        "stages": [(value, label, by_stage.get(value, 0)) for value, label in Stage.choices],
        "selected_program": program,
        "selected_stage": stage,
        "filtered": bool(program or stage),
        "dimensions": list(Dimension),
        "ratings": [r for r in Rating],
        "months": months,
        "loads": capacity_vs_demand(portfolio.pk, first, MONTHS),
        "previous_months": previous,
        "later_months": later,
        "objectives": portfolio.objectives.filter(parent__isnull=True).prefetch_related("children"),
    }
    return render(request, "strategy/portfolio_detail.html", context)
