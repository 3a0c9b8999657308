"""Project pages (micro altitude); ``program_views`` holds the program ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from altitude.core.errors import DomainError, NotFound, PermissionDenied
from altitude.core.models import Role
from altitude.core.paging import paginate
from altitude.core.policy import AnyUser, role_on
from altitude.delivery import services, workspace
from altitude.delivery.forms import ProjectForm
from altitude.delivery.models import ProjectMembership, ScheduleRun, Stage, Task
from altitude.governance.lessons import similar_lessons

T = TypeVar("T")


def or_404(call: Callable[[AnyUser, int], T], user: AnyUser, pk: int) -> T:
    try:
        return call(user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    get = request.GET
    project_filter = services.ProjectFilter(
        q=get.get("q", "").strip() or None,
        portfolio=int(get["portfolio"]) if get.get("portfolio", "").isdigit() else None,
        program=int(get["program"]) if get.get("program", "").isdigit() else None,
        stage=get.get("stage") if get.get("stage") in Stage.values else None,
    )
    page, query = paginate(request, project_filter.apply(services.visible_projects(request.user)))
    return render(request, "delivery/project_list.html", {
        "page": page, "query": query, "filter": project_filter, "stages": Stage.choices,
        "programs": services.visible_programs(request.user),
    })


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = or_404(services.get_project, request.user, project_id)
    team = ProjectMembership.objects.filter(project=project).select_related("user").order_by("-role", "user__last_name")
    can_edit = workspace.is_manager(request.user, project)
    return render(request, "delivery/project_detail.html", {
        "project": project, "team": team, "can_edit": can_edit, **_schedule_rows(project.pk),
        "summary": workspace.overview(request.user, project),
        "last_run": ScheduleRun.objects.filter(project=project).first(),
        "similar_lessons": similar_lessons(request.user, project),  # before it starts only; one query
    })


SCHEDULE_ROWS = 500


def _schedule_rows(project_id: int) -> dict[str, object]:
    """The project's tasks for the schedule table (one query): WBS depth, days, floats."""
    rows: list[dict[str, Any]] = [dict(r) for r in Task.objects.filter(project_id=project_id).order_by("outline").values(
        "id", "parent_id", "wbs", "name", "start", "finish", "duration_minutes", "milestone",
        "total_float_minutes", "percent_complete", "critical")[: SCHEDULE_ROWS + 1]]
    parents = {r["parent_id"] for r in rows}
    finish = None
    for r in rows:
        r["depth"] = min(r["wbs"].count("."), 4)
        r["summary"] = r["id"] in parents
        r["days"] = round(r["duration_minutes"] / 480, 1)
        tf = r["total_float_minutes"]
        r["float_days"] = None if tf is None else round(tf / 480, 1)
        if r["finish"] and (finish is None or r["finish"] > finish):
            finish = r["finish"]
    return {"tasks": rows[:SCHEDULE_ROWS], "more_tasks": len(rows) > SCHEDULE_ROWS, "schedule_finish": finish}


@login_required
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = or_404(services.get_project, request.user, project_id)
    if role_on(request.user, project) != Role.MANAGER:
        return render(request, "403.html", {"message": "Only the project's managers may edit it."}, status=403)
    form = ProjectForm(request.POST or None, instance=project, initial={"version": project.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_project(request.user, project.pk, form.cleaned_data["version"], form.changes())
        except PermissionDenied as exc:
            return render(request, "403.html", {"message": exc.message}, status=403)
        except DomainError as exc:
            field = (exc.field or "").removesuffix("_id")
            form.add_error(field if field in form.fields and field != "version" else None, exc.message)
        else:
            messages.success(request, "Project saved.")
            return redirect("delivery:project-detail", project.pk)
    status = 400 if form.errors else 200
    return render(request, "delivery/project_form.html", {"project": project, "form": form}, status=status)
