"""Portfolio pages (the high altitude): what the organisation invests in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from altitude.core.errors import NotFound
from altitude.core.paging import paginate
from altitude.delivery.models import Stage
from altitude.delivery.services import visible_programs, visible_projects
from altitude.strategy import services


@login_required
def portfolio_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    qs = services.filter_portfolios(services.visible_portfolios(request.user), q).annotate(
        program_count=Count("programs", distinct=True), project_count=Count("projects", distinct=True)
    ).order_by("name")
    page, query = paginate(request, qs)
    return render(request, "strategy/portfolio_list.html", {"page": page, "query": query, "q": q})


@login_required
def portfolio_detail(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    try:
        portfolio = services.get_portfolio(request.user, portfolio_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    projects = visible_projects(request.user).filter(portfolio=portfolio)
    programs = visible_programs(request.user).filter(portfolio=portfolio).annotate(project_count=Count("projects"))
    totals = projects.aggregate(budget=Sum("budget"), cost=Sum("estimated_cost"), benefits=Sum("expected_benefits"))
    by_stage = {row["stage"]: row["n"] for row in projects.values("stage").annotate(n=Count("id"))}
    stages = [(label, by_stage.get(value, 0)) for value, label in Stage.choices]
    context = {
        "portfolio": portfolio,
        "programs": programs,
        "standalone": projects.filter(program__isnull=True),
        "projects": projects,
        "objectives": portfolio.objectives.filter(parent__isnull=True).prefetch_related("children"),
        "totals": totals,
        "stages": stages,
    }
    return render(request, "strategy/portfolio_detail.html", context)
