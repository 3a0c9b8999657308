"""Program pages (macro altitude): the list and the program cockpit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from altitude.core.paging import paginate
from altitude.delivery import services
from altitude.delivery.models import ScheduleRun, Task
from altitude.delivery.views import or_404
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
    program = or_404(services.get_program, request.user, program_id)
    projects = services.visible_projects(request.user).filter(program=program)
    totals = projects.aggregate(budget=Sum("budget"), cost=Sum("estimated_cost"), benefits=Sum("expected_benefits"))
    objectives = program.programobjective_set.select_related("objective")
    # The integrated schedule at program altitude: milestones and the critical path, by date.
    key_tasks = (Task.objects.filter(project__program=program).filter(Q(milestone=True) | Q(critical=True))
                 .exclude(children__isnull=False).select_related("project").order_by("start", "project__code", "outline")[:200])
    last_run = ScheduleRun.objects.filter(program=program).first()
    return render(request, "delivery/program_detail.html", {
        "program": program, "projects": projects, "totals": totals, "objectives": objectives,
        "key_tasks": key_tasks, "last_run": last_run,
    })
