"""Program pages (macro altitude): the list, the program cockpit, and levelling across a
program's or a portfolio's projects."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from altitude.core.errors import PermissionDenied
from altitude.core.models import Role
from altitude.core.paging import paginate
from altitude.core.policy import is_global_staff, role_on
from altitude.delivery import services
from altitude.delivery.leveling_views import preview_context
from altitude.delivery.views import or_404
from altitude.governance.cockpit import program_cockpit
from altitude.reporting.services import report_rows
from altitude.resources import services as pool
from altitude.strategy.services import get_portfolio, visible_portfolios


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


@login_required
def program_leveling(request: HttpRequest, program_id: int) -> HttpResponse:
    """Levelling preview across the program's projects (their shared pool); nothing is written."""
    program = or_404(services.get_program, request.user, program_id)
    context: dict[str, Any] = {
        "program": program,
        "can_apply": is_global_staff(request.user) or role_on(request.user, program) == Role.MANAGER,
        "last_leveling": pool.latest_leveling(program_id=program.pk),
        "apply_url": f"/programs/{program.pk}/leveling/apply/",
    }
    try:
        context.update(preview_context(request, "program", program.pk, lambda within: pool.level_program_preview(
            request.user, program.pk, within_float=within)))
    except PermissionDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    return render(request, "delivery/program_leveling.html", context)



@login_required
def portfolio_leveling(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    """Levelling preview across a portfolio's live projects (its shared pool); nothing is written."""
    portfolio = or_404(get_portfolio, request.user, portfolio_id)
    context: dict[str, Any] = {
        "portfolio": portfolio,
        "can_apply": is_global_staff(request.user) or role_on(request.user, portfolio) == Role.MANAGER,
        "last_leveling": pool.latest_leveling(portfolio_id=portfolio.pk),
        "apply_url": f"/portfolios/{portfolio.pk}/leveling/apply/",
        "levelled_projects": pool.portfolio_leveling_projects(request.user, portfolio),
    }
    try:
        context.update(preview_context(request, "portfolio", portfolio.pk, lambda within: pool.level_portfolio_preview(
            request.user, portfolio.pk, within_float=within)))
    except PermissionDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    return render(request, "delivery/portfolio_leveling.html", context)
