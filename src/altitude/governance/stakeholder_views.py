"""Stakeholder register pages: the power/interest grid with the list, one stakeholder, the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from altitude.core.errors import DomainError, NotFound, PermissionDenied
from altitude.core.paging import paginate
from altitude.core.policy import Action, Resource
from altitude.delivery.models import Project
from altitude.governance import stakeholders as services
from altitude.governance.forms import StakeholderForm
from altitude.governance.register_models import Engagement, Stakeholder
from altitude.governance.services import permissions
from altitude.governance.views import _people, _project, tabs_template

STK = Resource.STAKEHOLDER
SCALE = list("12345")


def _stakeholder(request: HttpRequest, pk: int) -> Stakeholder:
    try:
        return services.get_stakeholder(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _filter(request: HttpRequest) -> services.StakeholderFilter:
    get = request.GET
    engagement = get.get("engagement")
    return services.StakeholderFilter(
        q=get.get("q", "").strip() or None,
        influence=int(get["influence"]) if get.get("influence") in SCALE else None,
        interest=int(get["interest"]) if get.get("interest") in SCALE else None,
        engagement=engagement if engagement in Engagement.values else None,
        gap={"1": True, "0": False}.get(get.get("gap", "")))


@login_required
def project_stakeholders(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    stakeholder_filter = _filter(request)
    try:
        base = services.list_stakeholders(request.user, None, project=project)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    page, query = paginate(request, stakeholder_filter.apply(base).order_by("-influence", "-interest", "name", "pk"))
    params = request.GET.copy()
    for key in ("influence", "interest", "page"):
        params.pop(key, None)
    around = services.StakeholderFilter(**{**vars(stakeholder_filter), "influence": None, "interest": None})
    return render(request, "governance/stakeholder_list.html", {
        "project": project, "page": page, "query": query, "filter": stakeholder_filter, "tabs": tabs_template(),
        "active": "stakeholders", "engagements": Engagement.choices,
        "grid": services.grid(around.apply(base), params.urlencode()),
        "can_create": permissions(request.user, STK, project)[Action.CREATE],
        "filtered": any(v is not None for v in vars(stakeholder_filter).values()),
    })


def _form_page(request: HttpRequest, project: Project, stakeholder: Stakeholder | None) -> HttpResponse:
    initial = StakeholderForm.initial_from(stakeholder) if stakeholder is not None else {}
    form = StakeholderForm(request.POST or None, initial=initial, people=_people(project))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if stakeholder is None:
                saved = services.create_stakeholder(request.user, {"project_id": project.pk, **form.changes()})
            else:
                saved = services.update_stakeholder(request.user, stakeholder.pk, form.cleaned_data.get("version"),
                                                    form.changes())
        except PermissionDenied as exc:
            return render(request, "403.html", {"message": exc.message}, status=403)
        except DomainError as exc:
            status = 409 if exc.status == 409 else 400
            field = {"communication_owner_id": "communication_owner"}.get(exc.field or "", exc.field or "")
            form.add_error(field if field in form.fields and field != "version" else None, exc.message)
        else:
            messages.success(request, f"Stakeholder {saved.name} saved.")
            return redirect("governance:stakeholder-detail", saved.pk)
    if form.errors and status == 200:
        status = 400
    return render(request, "governance/stakeholder_form.html", {
        "form": form, "stakeholder": stakeholder, "project": project, "tabs": tabs_template(), "active": "stakeholders",
    }, status=status)


@login_required
def stakeholder_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    if not permissions(request.user, STK, project)[Action.CREATE]:
        return render(request, "403.html", {"message": "Only the project's managers keep the stakeholder register."},
                      status=403)
    return _form_page(request, project, None)


@login_required
def stakeholder_edit(request: HttpRequest, stakeholder_id: int) -> HttpResponse:
    stakeholder = _stakeholder(request, stakeholder_id)
    if not permissions(request.user, STK, stakeholder.project)[Action.CHANGE]:
        return render(request, "403.html", {"message": "Only the project's managers keep the stakeholder register."},
                      status=403)
    return _form_page(request, stakeholder.project, stakeholder)


@login_required
def stakeholder_detail(request: HttpRequest, stakeholder_id: int) -> HttpResponse:
    stakeholder = _stakeholder(request, stakeholder_id)
    allowed = permissions(request.user, STK, stakeholder.project)
    history = list(stakeholder.history.select_related("history_user").order_by("-history_date", "-history_id")[:30])
    return render(request, "governance/stakeholder_detail.html", {
        "s": stakeholder, "project": stakeholder.project, "tabs": tabs_template(), "active": "stakeholders",
        "history": history, "can_edit": allowed[Action.CHANGE], "can_delete": allowed[Action.DELETE],
    })


@login_required
@require_POST
def stakeholder_delete(request: HttpRequest, stakeholder_id: int) -> HttpResponse:
    stakeholder = _stakeholder(request, stakeholder_id)
    try:
        services.delete_stakeholder(request.user, stakeholder.pk)
    except PermissionDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    messages.success(request, f"Stakeholder {stakeholder.name} removed.")
    return redirect("governance:project-stakeholders", stakeholder.project_id)
