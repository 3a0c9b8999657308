"""Program pages (macro altitude): the list and the program cockpit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from altitude.core.paging import paginate
from altitude.delivery import services
from altitude.delivery.views import or_404
from altitude.governance.cockpit import program_cockpit
from altitude.reporting.services import report_rows
from altitude.strategy.services import visible_portfolios


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    portfolio = request.GET.get("portfolio")
    qs = services.filter_programs(
        services.visible_programs(request.user), q, int(portfolio) if portfolio and portfolio.isdigit() else None
    ).annotate(project_count=Count("projects"), project_budget=Sum("projects__budget")).order_by("portfolio__name", "name")
    page, query = paginate(request, qs)
    return render(request, "delivery/program_list.html", {
        "page": page, "query": query, "q": q, "portfolio": portfolio,
        "portfolios": visible_portfolios(request.user),
    })


@login_required
def program_detail(request: HttpRequest, program_id: int) -> HttpResponse:
    """The program cockpit: roadmap, critical path, forecast, escalations, money, health."""
    context = or_404(program_cockpit, request.user, program_id)
    context["status_reports"] = report_rows(context["projects"])
    return render(request, "delivery/program_detail.html", context)
