"""Project workspace tabs: Schedule (Gantt), Tasks (inline edit), Board, Resources.

Thin views: parse, call one service or workspace function, render. Writes answer
4xx naming the field (422), 409 when someone saved the task since the page was
loaded (the fresh row comes back so nothing is silently overwritten), 403/404 as
the policy says. htmx swaps fragments; without JavaScript the forms still work.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from altitude.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied, StaleVersion
from altitude.delivery import services, workspace
from altitude.delivery.forms import TaskRowForm
from altitude.delivery.leveling_views import preview_context
from altitude.delivery.models import Project, Task, TaskStatus
from altitude.delivery.services.tasks import END
from altitude.resources import services as pool

TASKS_PER_PAGE = 100
CONFLICT = "This task was changed by someone else since you loaded it; reloaded. Check the values and apply your change again."


def _project(request: HttpRequest, project_id: int) -> Project:
    try:
        return services.get_project(request.user, project_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _task(request: HttpRequest, project: Project, task_id: int) -> Task:
    try:
        task = services.get_task(request.user, task_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if task.project_id != project.pk:
        raise Http404("No task with that id in this project.")
    return task


def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return render(request, "403.html", {"message": exc.message}, status=403)


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


# -- Schedule (Gantt) ----------------------------------------------------------------------

@login_required
def project_schedule(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    try:
        summary = workspace.overview(request.user, project)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    return render(request, "delivery/project_schedule.html", {
        "project": project, "summary": summary, "can_edit": workspace.is_manager(request.user, project)})


@login_required
def project_gantt_data(request: HttpRequest, project_id: int) -> HttpResponse:
    """The Gantt's one JSON source: the API's schedule payload plus rows, constraints, baseline."""
    try:
        data = workspace.gantt_data(request.user, project_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        return JsonResponse(exc.as_dict(), status=403)
    return JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"separators": (",", ":")})


# -- Tasks (list with inline edit) ------------------------------------------------------------

def _task_filter(params: QueryDict | dict[str, list[str]]) -> tuple[services.TaskFilter, dict[str, str]]:
    def one(name: str) -> str:
        value = params.get(name, "")
        if isinstance(value, list):
            value = value[0] if value else ""
        return str(value).strip()

    q, status, critical = one("q"), one("status"), one("critical")
    kept = {k: v for k, v in (("q", q), ("status", status), ("critical", critical)) if v}
    return services.TaskFilter(q=q or None, status=status if status in TaskStatus.values else None,
                               critical=True if critical == "1" else None), kept


def _table_context(request: HttpRequest, project: Project, params: QueryDict | dict[str, list[str]],
                   page_number: str | None) -> dict[str, Any]:
    task_filter, kept = _task_filter(params)
    qs = services.list_tasks(request.user, project.pk, task_filter)
    page = Paginator(qs, TASKS_PER_PAGE).get_page(page_number)
    query = QueryDict(mutable=True)
    query.update(kept)
    return {"project": project, "page": page, "rows": workspace.task_rows(project, list(page.object_list)),
            "query": query.urlencode(), "filters": kept, "statuses": TaskStatus.choices,
            "can_edit": workspace.is_manager(request.user, project)}


@login_required
def project_tasks(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    try:
        context = _table_context(request, project, request.GET, request.GET.get("page"))
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    return render(request, "delivery/project_tasks.html", context)


def _table_after_write(request: HttpRequest, project: Project, message: str = "", error: str = "",
                       status: int = 200) -> HttpResponse:
    """The whole task table again (other rows' dates moved), filtered as the page was."""
    current = request.headers.get("HX-Current-URL", "")
    params = parse_qs(urlsplit(current).query) if current else {}
    page_number = params.get("page", [None])[0]
    context = _table_context(request, project, params, page_number)
    context.update(message=message, error=error)
    response = render(request, "delivery/_task_table.html", context, status=status)
    response["HX-Retarget"] = "#task-table"
    response["HX-Reswap"] = "outerHTML"
    return response


def _reschedule(request: HttpRequest, project: Project) -> str:
    run = services.reschedule_project(request.user, project.pk)
    return run.message


@login_required
def task_row(request: HttpRequest, project_id: int, task_id: int) -> HttpResponse:
    """One read-only row (the edit form's Cancel)."""
    project = _project(request, project_id)
    task = _task(request, project, task_id)
    return render(request, "delivery/_task_row.html", {
        "project": project, "r": workspace.task_row(project, task), "can_edit": workspace.is_manager(request.user, project)})


def _edit_row(request: HttpRequest, project: Project, task: Task, form: TaskRowForm, status: int = 200,
              notice: str = "") -> HttpResponse:
    template = "delivery/_task_edit_row.html" if request.htmx else "delivery/task_edit.html"  # type: ignore[attr-defined]
    response = render(request, template, {"project": project, "r": workspace.task_row(project, task), "form": form,
                                          "notice": notice}, status=status)
    if request.htmx:  # type: ignore[attr-defined]
        response["HX-Retarget"] = f"#task-{task.pk}"
        response["HX-Reswap"] = "outerHTML"
    return response


@login_required
def task_edit(request: HttpRequest, project_id: int, task_id: int) -> HttpResponse:
    project = _project(request, project_id)
    task = _task(request, project, task_id)
    if not workspace.is_manager(request.user, project):
        return _forbidden(request, PermissionDenied("Only the project's managers may edit its tasks."))
    row = workspace.task_row(project, task)
    current, summary = row["predecessors"].text, row["summary"]
    if request.method != "POST":
        return _edit_row(request, project, task, TaskRowForm.for_task(task, current, summary=summary))
    form = TaskRowForm.for_task(task, current, request.POST, summary=summary)
    if not form.is_valid():
        return _edit_row(request, project, task, form, status=422)
    predecessors = form.cleaned_data["predecessors"].strip()
    try:
        services.edit_task_row(request.user, task.pk, form.cleaned_data["version"], form.changes(task),
                               predecessors if predecessors != current else None)
        message = f"Task {task.outline} saved. " + _reschedule(request, project)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    except StaleVersion:
        fresh = _task(request, project, task_id)
        again = TaskRowForm.for_task(fresh, workspace.task_row(project, fresh)["predecessors"].text, summary=summary)
        return _edit_row(request, project, fresh, again, status=409, notice=CONFLICT)
    except DomainError as exc:
        form.attach(exc.field, exc.message)
        return _edit_row(request, project, task, form, status=exc.status if exc.status >= 400 else 422)
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect("delivery:project-tasks", project.pk)
    return _table_after_write(request, project, message=message)


def _indent_target(task: Task, indent: bool) -> tuple[int | None, int]:
    """(new parent, position) for MS Project's indent (under the sibling above) or outdent."""
    if indent:
        above = Task.objects.filter(project_id=task.project_id, parent_id=task.parent_id,
                                    position__lt=task.position).order_by("-position").first()
        if above is None:
            raise InvalidInput(f"parent_id: '{task.name}' has no task above it at its level to indent under.",
                               field="parent_id")
        return above.pk, END
    if task.parent_id is None:
        raise InvalidInput(f"parent_id: '{task.name}' is already at the top level.", field="parent_id")
    parent = Task.objects.get(pk=task.parent_id)
    return parent.parent_id, parent.position + 1


def _move(request: HttpRequest, project_id: int, task_id: int, indent: bool) -> HttpResponse:
    project = _project(request, project_id)
    task = _task(request, project, task_id)
    try:
        parent_id, position = _indent_target(task, indent)
        services.move_task(request.user, task.pk, _version(request), parent_id, position)
        message = f"Task '{task.name}' {'indented' if indent else 'outdented'}. " + _reschedule(request, project)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    except StaleVersion:
        if not request.htmx:  # type: ignore[attr-defined]
            return redirect("delivery:project-tasks", project.pk)
        return _table_after_write(request, project, error=CONFLICT, status=409)
    except DomainError as exc:
        if not request.htmx:  # type: ignore[attr-defined]
            return redirect("delivery:project-tasks", project.pk)
        return _table_after_write(request, project, error=exc.message, status=exc.status)
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect("delivery:project-tasks", project.pk)
    return _table_after_write(request, project, message=message)


@login_required
@require_POST
def task_indent(request: HttpRequest, project_id: int, task_id: int) -> HttpResponse:
    return _move(request, project_id, task_id, indent=True)


@login_required
@require_POST
def task_outdent(request: HttpRequest, project_id: int, task_id: int) -> HttpResponse:
    return _move(request, project_id, task_id, indent=False)


# -- Board ----------------------------------------------------------------------------------------

def _assignee(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _board(request: HttpRequest, project: Project, assignee: int | None, template: str, status: int = 200,
           **extra: Any) -> HttpResponse:
    context = {"project": project, "assignee": assignee, **workspace.board(request.user, project, assignee), **extra}
    return render(request, template, context, status=status)


@login_required
def project_board(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    try:
        return _board(request, project, _assignee(request.GET.get("assignee")), "delivery/project_board.html")
    except PermissionDenied as exc:
        return _forbidden(request, exc)


@login_required
@require_POST
def board_move(request: HttpRequest, project_id: int, task_id: int) -> HttpResponse:
    """Move a card to another status column (the task's progress status, version checked)."""
    project = _project(request, project_id)
    task = _task(request, project, task_id)
    assignee = _assignee(request.POST.get("assignee"))
    status_value = request.POST.get("status", "")
    message, error, code = "", "", 200
    try:
        if status_value not in TaskStatus.values:
            raise InvalidInput(f"status: '{status_value}' is not a board column.", field="status")
        services.update_progress(request.user, task.pk, _version(request), {"status": status_value})
        message = f"'{task.name}' moved to {TaskStatus(status_value).label}."
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    except StaleVersion:
        error, code = f"'{task.name}': " + CONFLICT, 409
    except DomainError as exc:
        error, code = exc.message, exc.status
    if not request.htmx:  # type: ignore[attr-defined]
        url = f"/projects/{project.pk}/board/" + (f"?assignee={assignee}" if assignee else "")
        return redirect(url)
    return _board(request, project, assignee, "delivery/_board.html", status=code, message=message, error=error)


# -- Resources ------------------------------------------------------------------------------------

@login_required
def project_resources(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    start = None
    raw = request.GET.get("from", "")
    if raw:
        try:
            start = dt.date.fromisoformat(raw)
        except ValueError:
            start = None
    try:
        context = workspace.resource_load(request.user, project, start)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    context.update(can_apply=workspace.is_manager(request.user, project),
                   last_leveling=pool.latest_leveling(project_id=project.pk),
                   apply_url=f"/projects/{project.pk}/resources/leveling/apply/")
    context.update(preview_context(request, "project", project.pk,
                                   lambda within: pool.level_preview(request.user, project.pk, within_float=within)))
    return render(request, "delivery/project_resources.html", {"project": project, **context})

