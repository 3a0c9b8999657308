"""Change request pages: the project's change register, the request with its workflow and history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from altitude.core.errors import DomainError, NotFound, PermissionDenied
from altitude.core.paging import paginate
from altitude.core.policy import Action, Resource
from altitude.delivery.models import Task
from altitude.governance import changes as services
from altitude.governance.forms import ChangeRequestForm, TransitionForm
from altitude.governance.register_models import ChangeRequest, ChangeStatus
from altitude.governance.services import permissions
from altitude.governance.views import _int, _people, _project, tabs_template

CR = Resource.CHANGE_REQUEST
# The button of each step, and whether its comment is required.
STEPS: dict[str, tuple[str, bool]] = {
    ChangeStatus.SUBMITTED: ("Submit for assessment", False),
    ChangeStatus.ASSESSED: ("Record the assessment", False),
    ChangeStatus.APPROVED: ("Approve", True),
    ChangeStatus.REJECTED: ("Reject", True),
    ChangeStatus.IMPLEMENTED: ("Mark implemented", False),
}
FIELD_NAMES = {"requested_by_id": "requested_by", "task_ids": "tasks"}


def _change(request: HttpRequest, pk: int) -> ChangeRequest:
    try:
        return services.get_change_request(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _filter(request: HttpRequest) -> services.ChangeFilter:
    get = request.GET
    status = get.get("status")
    return services.ChangeFilter(q=get.get("q", "").strip() or None,
                                 status=status if status in ChangeStatus.values else None,
                                 requested_by=_int(get.get("requested_by")))


@login_required
def project_changes(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    change_filter = _filter(request)
    try:
        qs = services.list_change_requests(request.user, change_filter, project=project)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    page, query = paginate(request, qs.order_by("-pk"))
    return render(request, "governance/change_list.html", {
        "project": project, "page": page, "query": query, "filter": change_filter, "tabs": tabs_template(),
        "active": "changes", "statuses": ChangeStatus.choices, "people": _people(project),
        "can_create": permissions(request.user, CR, project)[Action.CREATE],
        "filtered": any(v is not None for v in vars(change_filter).values()),
    })


def _form_page(request: HttpRequest, project: Any, change: ChangeRequest | None) -> HttpResponse:
    tasks = Task.objects.filter(project=project, children__isnull=True).select_related("project").order_by("outline")
    initial = ChangeRequestForm.initial_from(change) if change is not None else {}
    form = ChangeRequestForm(request.POST or None, initial=initial, people=_people(project), tasks=tasks)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if change is None:
                saved = services.create_change_request(request.user, {"project_id": project.pk, **form.changes()})
            else:
                saved = services.update_change_request(request.user, change.pk, form.cleaned_data.get("version"),
                                                       form.changes())
        except PermissionDenied as exc:
            return render(request, "403.html", {"message": exc.message}, status=403)
        except DomainError as exc:
            status = 409 if exc.status == 409 else 400
            field = FIELD_NAMES.get(exc.field or "", exc.field or "")
            form.add_error(field if field in form.fields and field != "version" else None, exc.message)
        else:
            messages.success(request, f"Change request {saved.code} saved.")
            return redirect("governance:change-detail", saved.pk)
    if form.errors and status == 200:
        status = 400
    return render(request, "governance/change_form.html", {
        "form": form, "change": change, "project": project, "tabs": tabs_template(), "active": "changes",
    }, status=status)


@login_required
def change_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    if not permissions(request.user, CR, project)[Action.CREATE]:
        return render(request, "403.html", {"message": f"You need a role on {project.code} to request a change."},
                      status=403)
    return _form_page(request, project, None)


@login_required
def change_edit(request: HttpRequest, change_id: int) -> HttpResponse:
    change = _change(request, change_id)
    if not permissions(request.user, CR, change.project)[Action.CHANGE]:
        return render(request, "403.html", {"message": "Only the project team may edit this change request."},
                      status=403)
    if not change.editable:
        messages.error(request, f"{change.code} is {change.get_status_display().lower()}: its details are fixed.")
        return redirect("governance:change-detail", change.pk)
    return _form_page(request, change.project, change)


def _detail(request: HttpRequest, change_id: int, failed: TransitionForm | None = None,
            status: int = 200) -> HttpResponse:
    change = _change(request, change_id)
    allowed = permissions(request.user, CR, change.project)
    steps = []
    for target in services.allowed_targets(change):
        may = allowed[Action.CHANGE if target == ChangeStatus.SUBMITTED else Action.DECIDE]
        if not may:
            continue
        form = failed if failed is not None and failed.prefix == target else TransitionForm(
            initial={"version": change.version}, prefix=target)
        label, required = STEPS[target]
        steps.append({"target": target, "label": label, "required": required, "form": form})
    history = list(change.history.select_related("history_user").order_by("-history_date", "-history_id")[:30])
    return render(request, "governance/change_detail.html", {
        "change": change, "project": change.project, "tabs": tabs_template(), "active": "changes",
        "history": history, "steps": steps, "can_edit": allowed[Action.CHANGE] and change.editable,
        "can_delete": allowed[Action.DELETE] and change.status not in (ChangeStatus.APPROVED, ChangeStatus.IMPLEMENTED),
        "tasks": change.tasks.order_by("outline"),
    }, status=status)


@login_required
def change_detail(request: HttpRequest, change_id: int) -> HttpResponse:
    return _detail(request, change_id)


def _transition(request: HttpRequest, change_id: int, targets: tuple[str, ...]) -> HttpResponse:
    step = request.POST.get("step", "")
    if step not in targets:
        messages.error(request, "Choose one of the workflow steps offered on the page.")
        return _detail(request, change_id, status=400)
    form = TransitionForm(request.POST, prefix=step)
    if not form.is_valid():
        return _detail(request, change_id, form, status=400)
    data = form.cleaned_data
    try:
        saved = services.transition(request.user, change_id, data["version"], step,
                                    comment=data["comment"], rebaseline=data["rebaseline"],
                                    baseline_name=data["baseline_name"])
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    except DomainError as exc:
        field = exc.field if exc.field in ("comment", "baseline_name") else None
        form.add_error(field, exc.message)
        return _detail(request, change_id, form, status=409 if exc.status == 409 else 400)
    extra = f" Baseline “{saved.baseline.name}” taken." if saved.baseline_id and saved.baseline else ""
    messages.success(request, f"{saved.code} is now {saved.get_status_display().lower()}.{extra}")
    return redirect("governance:change-detail", saved.pk)


@login_required
@require_POST
def change_submit(request: HttpRequest, change_id: int) -> HttpResponse:
    return _transition(request, change_id, (ChangeStatus.SUBMITTED,))


@login_required
@require_POST
def change_decide(request: HttpRequest, change_id: int) -> HttpResponse:
    return _transition(request, change_id, tuple(t for t in STEPS if t != ChangeStatus.SUBMITTED))


@login_required
@require_POST
def change_delete(request: HttpRequest, change_id: int) -> HttpResponse:
    change = _change(request, change_id)
    try:
        services.delete_change_request(request.user, change.pk)
    except PermissionDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("governance:change-detail", change.pk)
    messages.success(request, f"Change request {change.code} deleted.")
    return redirect("governance:project-changes", change.project_id)
