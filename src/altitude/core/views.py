"""Landing page (sends each role to its altitude) and My work."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from altitude.core.models import Role
from altitude.delivery.models import ProgramMembership, ProjectMembership
from altitude.delivery.services import visible_projects
from altitude.strategy.models import PortfolioMembership


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Open the view of the highest altitude the user manages."""
    user_id = request.user.pk
    assert user_id is not None  # login_required
    for model, scope, route in (
        (PortfolioMembership, "portfolio_id", "strategy:portfolio-detail"),
        (ProgramMembership, "program_id", "delivery:program-detail"),
        (ProjectMembership, "project_id", "delivery:project-detail"),
    ):
        managed = model.objects.filter(user_id=user_id, role=Role.MANAGER).values_list(scope, flat=True).first()
        if managed is not None:
            return redirect(route, managed)
    if ProjectMembership.objects.filter(user_id=user_id, role=Role.MEMBER).exists():
        return redirect("core:my-work")
    return redirect("strategy:portfolio-list")


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    user_id = request.user.pk
    assert user_id is not None  # login_required
    memberships = (
        ProjectMembership.objects.filter(user_id=user_id)
        .select_related("project", "project__program", "project__manager")
        .order_by("project__priority", "project__name")
    )
    managed = visible_projects(request.user).filter(manager_id=user_id)
    return render(request, "core/my_work.html", {"memberships": memberships, "managed": managed})
