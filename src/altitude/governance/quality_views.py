"""Quality pages: a project's acceptance checks, one check with its result form, the check form."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from altitude.core.errors import DomainError, NotFound, PermissionDenied
from altitude.core.paging import paginate
from altitude.core.policy import Action, Resource
from altitude.delivery.models import Project, Task
from altitude.governance import quality as services
from altitude.governance.forms import QualityCheckForm, ResultForm
from altitude.governance.register_models import CheckResult, QualityCheck
from altitude.governance.services import permissions
from altitude.governance.views import _int, _project, tabs_template

QC = Resource.QUALITY_CHECK


def _check(request: HttpRequest, pk: int) -> QualityCheck:
    try:
        return services.get_check(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _tasks(project: Project) -> object:
    return Task.objects.filter(project=project).order_by("outline")


@login_required
def project_quality(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    get = request.GET
    check_filter = services.CheckFilter(q=get.get("q", "").strip() or None, task=_int(get.get("task")),
                                        result=get.get("result") if get.get("result") in CheckResult.values else None)
    try:
        qs = services.list_checks(request.user, check_filter, project=project)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    page, query = paginate(request, qs.order_by("planned_date", "pk"))
    return render(request, "governance/quality_list.html", {
        "project": project, "page": page, "query": query, "filter": check_filter, "tabs": tabs_template(),
        "active": "quality", "results": CheckResult.choices, "tasks": _tasks(project),
        "can_create": permissions(request.user, QC, project)[Action.CREATE],
        "filtered": any(v is not None for v in vars(check_filter).values()),
    })


def _form_page(request: HttpRequest, project: Project, check: QualityCheck | None) -> HttpResponse:
    initial = QualityCheckForm.initial_from(check) if check is not None else {"task": _int(request.GET.get("task"))}
    form = QualityCheckForm(request.POST or None, initial=initial, tasks=_tasks(project))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if check is None:
                saved = services.create_check(request.user, {"project_id": project.pk, **form.changes()})
            else:
                saved = services.update_check(request.user, check.pk, form.cleaned_data.get("version"), form.changes())
        except PermissionDenied as exc:
            return render(request, "403.html", {"message": exc.message}, status=403)
        except DomainError as exc:
            status = 409 if exc.status == 409 else 400
            field = {"task_id": "task"}.get(exc.field or "", exc.field or "")
            form.add_error(field if field in form.fields and field != "version" else None, exc.message)
        else:
            messages.success(request, "Quality check saved.")
            return redirect("governance:check-detail", saved.pk)
    if form.errors and status == 200:
        status = 400
    return render(request, "governance/quality_form.html", {
        "form": form, "check": check, "project": project, "tabs": tabs_template(), "active": "quality",
    }, status=status)


@login_required
def check_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    if not permissions(request.user, QC, project)[Action.CREATE]:
        return render(request, "403.html", {"message": "Only the project's managers plan quality checks."}, status=403)
    return _form_page(request, project, None)


@login_required
def check_edit(request: HttpRequest, check_id: int) -> HttpResponse:
    check = _check(request, check_id)
    if not permissions(request.user, QC, check.project)[Action.CHANGE]:
        return render(request, "403.html", {"message": "Only the project team may edit this check."}, status=403)
    return _form_page(request, check.project, check)


def _detail(request: HttpRequest, check_id: int, form: ResultForm | None = None, status: int = 200) -> HttpResponse:
    check = _check(request, check_id)
    allowed = permissions(request.user, QC, check.project)
    history = list(check.history.select_related("history_user").order_by("-history_date", "-history_id")[:30])
    issue_link = ""
    if check.result == CheckResult.FAILED and permissions(request.user, Resource.ISSUE, check.project)[Action.CREATE]:
        params = {"title": f"Quality check failed: {check.criterion}"[:200], "severity": "high",
                  "description": f"Task {check.task.wbs} {check.task.name}. Method: {check.method or '—'}. "
                                 f"Findings: {check.notes or '—'}"}
        issue_link = reverse("governance:issue-create", args=[check.project_id]) + "?" + urlencode(params)
    return render(request, "governance/quality_detail.html", {
        "check": check, "project": check.project, "tabs": tabs_template(), "active": "quality", "history": history,
        "can_edit": allowed[Action.CHANGE], "can_delete": allowed[Action.DELETE], "issue_link": issue_link,
        "form": form or ResultForm(initial={"version": check.version, "result": check.result, "notes": check.notes}),
    }, status=status)


@login_required
def check_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    return _detail(request, check_id)


@login_required
@require_POST
def check_result(request: HttpRequest, check_id: int) -> HttpResponse:
    form = ResultForm(request.POST)
    if not form.is_valid():
        return _detail(request, check_id, form, status=400)
    try:
        saved = services.record_result(request.user, check_id, form.cleaned_data["version"],
                                       form.cleaned_data["result"], form.cleaned_data["notes"])
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    except DomainError as exc:
        form.add_error(exc.field if exc.field in ("notes", "result") else None, exc.message)
        return _detail(request, check_id, form, status=409 if exc.status == 409 else 400)
    messages.success(request, f"Result recorded: {saved.get_result_display().lower()}.")
    return redirect("governance:check-detail", saved.pk)


@login_required
@require_POST
def check_delete(request: HttpRequest, check_id: int) -> HttpResponse:
    check = _check(request, check_id)
    try:
        services.delete_check(request.user, check.pk)
    except PermissionDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    messages.success(request, "Quality check deleted.")
    return redirect("governance:project-quality", check.project_id)
