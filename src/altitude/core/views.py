"""Landing page (sends each role to its altitude) and My work (tasks, progress, time, notifications)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from altitude.core import notifications
from altitude.core.errors import DomainError, InvalidInput, NotFound
from altitude.core.models import Role
from altitude.core.paging import PAGE_SIZE
from altitude.delivery.models import ProgramMembership, ProjectMembership, TaskStatus
from altitude.delivery.services import get_task, visible_projects
from altitude.resources import my_work as work
from altitude.resources import time_entries
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


def _week(raw: str | None, today: dt.date) -> dt.date:
    try:
        return work.monday_of(dt.date.fromisoformat(raw or ""))
    except ValueError:
        return work.monday_of(today)


def _query(request: HttpRequest, **changes: str | None) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value:
            params[key] = value
    return params.urlencode()


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert user.pk is not None  # login_required
    today = timezone.localdate()
    flt = work.TaskFilter.from_query(request.GET, today)
    page = Paginator(work.my_tasks(user, flt), PAGE_SIZE).get_page(request.GET.get("page"))
    monday = _week(request.GET.get("week"), today)
    memberships = (
        ProjectMembership.objects.filter(user_id=user.pk)
        .select_related("project", "project__program", "project__manager")
        .order_by("project__priority", "project__name")
    )
    context = {
        "page": page,
        "query": _query(request, page=None),
        "filter": flt,
        "filtered": flt.show != "open" or flt.project or flt.due_week,
        "projects": work.my_task_projects(user),
        "statuses": TaskStatus.choices,
        "sheet": work.timesheet(user, monday, today),
        "week_prev": _query(request, week=(monday - dt.timedelta(days=7)).isoformat()),
        "week_next": _query(request, week=(monday + dt.timedelta(days=7)).isoformat()),
        "week_this": _query(request, week=None),
        "week_param": request.GET.get("week", ""),
        "notes": list(notifications.notifications_for(user)[:10]),
        "memberships": memberships,
        "managed": visible_projects(user).filter(manager_id=user.pk),
        "today": today,
        "this_monday": work.monday_of(today),
    }
    return render(request, "core/my_work.html", context)


def _message(exc: DomainError) -> str:
    """The error without its ``field: `` prefix (the form shows it next to the field)."""
    prefix = f"{exc.field}: " if exc.field else ""
    text = exc.message[len(prefix):] if prefix and exc.message.startswith(prefix) else exc.message
    return text[:1].upper() + text[1:]


def _back(request: HttpRequest) -> HttpResponse:
    return redirect(request.POST.get("next") or reverse("core:my-work"))


@login_required
@require_POST
def my_work_progress(request: HttpRequest, task_id: int) -> HttpResponse:
    """One task row's inline progress form (htmx swaps the row; a plain POST redirects back)."""
    today = timezone.localdate()
    error, field = "", ""
    try:
        raw = request.POST.get("percent_complete", "").strip()
        if raw and not raw.isdigit():
            raise InvalidInput("percent_complete: enter a whole number from 0 to 100.", field="percent_complete")
        percent = int(raw) if raw else None
        version = int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None
        task = work.report_progress(request.user, task_id, version, percent, request.POST.get("status") or None, today)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        error, field = _message(exc), exc.field or ""
        try:
            task = get_task(request.user, task_id)
        except NotFound as missing:
            raise Http404(missing.message) from missing
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, f"{task.name}: {error}")
        else:
            messages.success(request, f"Progress of '{task.name}' saved.")
        return _back(request)
    context = {"task": task, "statuses": TaskStatus.choices, "error": error, "error_field": field,
               "saved": not error, "typed_percent": request.POST.get("percent_complete") if error else None}
    return render(request, "core/_task_row.html", context, status=200)


@login_required
@require_POST
def my_work_time(request: HttpRequest) -> HttpResponse:
    """One timesheet cell: set my hours on a task for a day (htmx swaps the cell and the totals)."""
    today = timezone.localdate()
    task_raw, day_raw = request.POST.get("task", ""), request.POST.get("day", "")
    if not task_raw.isdigit():
        raise Http404("No task with that id.")
    try:
        day = dt.date.fromisoformat(day_raw)
    except ValueError as exc:
        raise Http404("No such day.") from exc
    typed = request.POST.get("hours", "")
    version = int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None
    error = ""
    try:
        minutes = time_entries.parse_hours(typed)
        time_entries.set_day_total(request.user, int(task_raw), day, minutes, version, today)
    except DomainError as exc:
        error = _message(exc)
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        return _back(request)
    sheet = work.timesheet(request.user, work.monday_of(day), today)
    row = next((r for r in sheet.rows if r.task.pk == int(task_raw)), None)
    if row is None:
        raise Http404("No task with that id on your timesheet.")
    cell = row.cells[(day - sheet.monday).days]
    if error:
        cell.error, cell.typed = error, typed
    return render(request, "core/_time_cell.html", {"sheet": sheet, "row": row, "cell": cell, "oob": True})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        note = notifications.mark_read(request.user, notification_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "core/_notification.html",
            {"note": note, "oob": True, "unread_notifications": notifications.unread_count(request.user)},
        )
    return _back(request)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications.mark_all_read(request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return _back(request)
