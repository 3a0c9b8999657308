"""Decision log pages: a project's (tab "Decisions") or a program's log, one decision, decide/withdraw."""

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
from altitude.delivery import services as delivery
from altitude.delivery.models import Program, Project
from altitude.governance import decisions as services
from altitude.governance.forms import DecideForm, DecisionForm
from altitude.governance.register_models import Decision, DecisionStatus
from altitude.governance.services import permissions
from altitude.governance.views import _int, _people, _project, tabs_template

DEC = Resource.DECISION


def _program(request: HttpRequest, program_id: int) -> Program:
    try:
        return delivery.get_program(request.user, program_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _decision(request: HttpRequest, pk: int) -> Decision:
    try:
        return services.get_decision(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _filter(request: HttpRequest) -> services.DecisionFilter:
    get = request.GET
    status = get.get("status")
    return services.DecisionFilter(q=get.get("q", "").strip() or None,
                                   status=status if status in DecisionStatus.values else None,
                                   owner=_int(get.get("owner")),
                                   overdue={"1": True, "0": False}.get(get.get("overdue", "")))


def _log(request: HttpRequest, scope: Project | Program) -> HttpResponse:
    decision_filter = _filter(request)
    try:
        qs = services.list_decisions(request.user, decision_filter, scope=scope)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:  # a project's team sees the program, not its own log
        return render(request, "403.html", {"message": exc.message}, status=403)
    page, query = paginate(request, services.by_due_date(qs))
    project = scope if isinstance(scope, Project) else None
    return render(request, "governance/decision_list.html", {
        "project": project, "scope": scope, "page": page, "query": query, "filter": decision_filter,
        "tabs": tabs_template(), "active": "decisions", "statuses": DecisionStatus.choices,
        "people": _people(scope), "can_create": permissions(request.user, DEC, scope)[Action.CREATE],
        "filtered": any(v is not None for v in vars(decision_filter).values()),
    })


@login_required
def project_decisions(request: HttpRequest, project_id: int) -> HttpResponse:
    return _log(request, _project(request, project_id))


@login_required
def program_decisions(request: HttpRequest, program_id: int) -> HttpResponse:
    return _log(request, _program(request, program_id))


def _form_page(request: HttpRequest, scope: Project | Program, decision: Decision | None) -> HttpResponse:
    initial = DecisionForm.initial_from(decision) if decision is not None else {}
    decided = decision is not None and decision.status == DecisionStatus.DECIDED
    form = DecisionForm(request.POST or None, initial=initial, people=_people(scope), decided=decided)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if decision is None:
                where = {"project_id": scope.pk} if isinstance(scope, Project) else {"program_id": scope.pk}
                saved = services.create_decision(request.user, {**where, **form.changes()})
            else:
                saved = services.update_decision(request.user, decision.pk, form.cleaned_data.get("version"),
                                                 form.changes())
        except PermissionDenied as exc:
            return render(request, "403.html", {"message": exc.message}, status=403)
        except DomainError as exc:
            status = 409 if exc.status == 409 else 400
            field = {"owner_id": "owner"}.get(exc.field or "", exc.field or "")
            form.add_error(field if field in form.fields and field != "version" else None, exc.message)
        else:
            messages.success(request, f"Decision {saved.code} saved.")
            return redirect("governance:decision-detail", saved.pk)
    if form.errors and status == 200:
        status = 400
    return render(request, "governance/decision_form.html", {
        "form": form, "decision": decision, "scope": scope, "project": scope if isinstance(scope, Project) else None,
        "tabs": tabs_template(), "active": "decisions",
    }, status=status)


def _create(request: HttpRequest, scope: Project | Program) -> HttpResponse:
    if not permissions(request.user, DEC, scope)[Action.CREATE]:
        return render(request, "403.html", {"message": "You need a role here to record a decision."}, status=403)
    return _form_page(request, scope, None)


@login_required
def decision_create(request: HttpRequest, project_id: int) -> HttpResponse:
    return _create(request, _project(request, project_id))


@login_required
def program_decision_create(request: HttpRequest, program_id: int) -> HttpResponse:
    return _create(request, _program(request, program_id))


@login_required
def decision_edit(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = _decision(request, decision_id)
    if not permissions(request.user, DEC, decision.scope)[Action.CHANGE]:
        return render(request, "403.html", {"message": "Only the managers may edit this decision."}, status=403)
    return _form_page(request, decision.scope, decision)


def _detail(request: HttpRequest, decision_id: int, form: DecideForm | None = None, status: int = 200) -> HttpResponse:
    decision = _decision(request, decision_id)
    allowed = permissions(request.user, DEC, decision.scope)
    history = list(decision.history.select_related("history_user").order_by("-history_date", "-history_id")[:30])
    context: dict[str, Any] = {
        "decision": decision, "project": decision.project, "tabs": tabs_template(), "active": "decisions",
        "history": history, "can_edit": allowed[Action.CHANGE],
        "can_decide": allowed[Action.DECIDE] and decision.status == DecisionStatus.PENDING,
        "can_delete": allowed[Action.DELETE] and decision.status != DecisionStatus.DECIDED,
        "form": form or DecideForm(initial={"version": decision.version}),
    }
    return render(request, "governance/decision_detail.html", context, status=status)


@login_required
def decision_detail(request: HttpRequest, decision_id: int) -> HttpResponse:
    return _detail(request, decision_id)


@login_required
@require_POST
def decision_decide(request: HttpRequest, decision_id: int) -> HttpResponse:
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _detail(request, decision_id, form, status=400)
    withdrawing = "withdraw" in request.POST
    try:
        if withdrawing:
            saved = services.withdraw(request.user, decision_id, form.cleaned_data["version"])
        else:
            saved = services.decide(request.user, decision_id, form.cleaned_data["version"],
                                    form.cleaned_data["decision"])
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    except DomainError as exc:
        form.add_error("decision" if exc.field == "decision" else None, exc.message)
        return _detail(request, decision_id, form, status=409 if exc.status == 409 else 400)
    messages.success(request, f"Decision {saved.code} {saved.get_status_display().lower()}.")
    return redirect("governance:decision-detail", saved.pk)


@login_required
@require_POST
def decision_delete(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = _decision(request, decision_id)
    try:
        services.delete_decision(request.user, decision.pk)
    except PermissionDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("governance:decision-detail", decision.pk)
    messages.success(request, f"Decision {decision.code} deleted.")
    if decision.project_id:
        return redirect("governance:project-decisions", decision.project_id)
    return redirect("governance:program-decisions", decision.program_id)
