"""Register pages: the project risk register (with its 5x5 heat map) and issue log.

Views parse, call one service and render; domain errors become 404 pages, 403 pages or
form errors next to the field. Risks and issues share the code through ``Register``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.views.decorators.http import require_POST

from altitude.accounts.models import User
from altitude.core.errors import DomainError, NotFound, PermissionDenied
from altitude.core.paging import paginate
from altitude.core.policy import Action, Resource
from altitude.delivery import services as delivery
from altitude.delivery.models import Program, Project, Task
from altitude.governance import services
from altitude.governance.forms import EntryForm, EscalateForm, IssueForm, RiskForm
from altitude.governance.models import (
    Issue,
    IssueStatus,
    Level,
    RegisterEntry,
    Risk,
    RiskKind,
    RiskStatus,
    Severity,
)

TABS = "delivery/_project_tabs.html"
CRUMB = "governance/_crumb.html"


def tabs_template() -> str:
    """The project tabs partial once the workspace provides it, else a breadcrumb."""
    try:
        get_template(TABS)
    except TemplateDoesNotExist:
        return CRUMB
    return TABS


@dataclass(frozen=True)
class Register:
    model: type[RegisterEntry]
    resource: Resource
    singular: str
    plural: str
    form: type[EntryForm]
    list_route: str
    detail_route: str

    @property
    def is_risk(self) -> bool:
        return self.model is Risk


RISKS = Register(Risk, Resource.RISK, "risk", "risks", RiskForm, "governance:project-risks", "governance:risk-detail")
ISSUES = Register(Issue, Resource.ISSUE, "issue", "issues", IssueForm, "governance:project-issues",
                  "governance:issue-detail")


def _project(request: HttpRequest, project_id: int) -> Project:
    try:
        return delivery.get_project(request.user, project_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _entry(register: Register, request: HttpRequest, pk: int) -> Any:
    try:
        return services.get_entry(register.model, request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _filter(register: Register, request: HttpRequest) -> services.RegisterFilter:
    get = request.GET
    escalated = {"1": True, "0": False}.get(get.get("escalated", ""))
    common: dict[str, Any] = {
        "q": get.get("q", "").strip() or None, "owner": _int(get.get("owner")), "escalated": escalated,
        "status": get.get("status") if get.get("status") in (RiskStatus if register.is_risk else IssueStatus).values else None,
    }
    if register.is_risk:
        return services.RegisterFilter(
            **common, kind=get.get("kind") if get.get("kind") in RiskKind.values else None,
            probability=_int(get.get("probability")) if get.get("probability") in list("12345") else None,
            impact=_int(get.get("impact")) if get.get("impact") in list("12345") else None)
    return services.RegisterFilter(**common, severity=get.get("severity") if get.get("severity") in Severity.values else None)


def _people(project: Project | Program) -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


def _tasks(scope: Project | Program) -> QuerySet[Task]:
    qs = Task.objects.filter(children__isnull=True).select_related("project").order_by("project__code", "outline")
    return qs.filter(project=scope) if isinstance(scope, Project) else qs.filter(project__program=scope)


def heat_map(qs: QuerySet[Any], query: str) -> list[dict[str, Any]]:
    """Rows of the 5x5 map, probability 5 at the top: each cell its count, zone and filter link."""
    counts = {(r["probability"], r["impact"]): r["n"] for r in qs.order_by().values("probability", "impact").annotate(n=Count("pk"))}
    rows = []
    for p in range(5, 0, -1):
        cells = []
        for i in range(1, 6):
            score = p * i
            zone = "high" if score >= 15 else "medium" if score >= 8 else "low"
            link = f"?{query + '&' if query else ''}probability={p}&impact={i}"
            cells.append({"p": p, "i": i, "score": score, "zone": zone, "count": counts.get((p, i), 0), "link": link})
        rows.append({"p": p, "cells": cells})
    return rows


def _register_list(register: Register, request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    register_filter = _filter(register, request)
    try:
        base = services.list_entries(register.model, request.user, None, scope=project)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    ordering = ("-score", "code") if register.is_risk else ("code",)
    page, query = paginate(request, register_filter.apply(base).order_by(*ordering))
    context: dict[str, Any] = {
        "project": project, "page": page, "query": query, "filter": register_filter, "register": register,
        "tabs": tabs_template(), "active": register.plural,
        "can_create": services.permissions(request.user, register.resource, project)[Action.CREATE],
        "people": _people(project), "statuses": (RiskStatus if register.is_risk else IssueStatus).choices,
        "filtered": any(v is not None for v in vars(register_filter).values()),
    }
    if register.is_risk:
        params = request.GET.copy()
        for key in ("probability", "impact", "page"):
            params.pop(key, None)
        around = services.RegisterFilter(**{**vars(register_filter), "probability": None, "impact": None})
        context.update(heat=heat_map(around.apply(base), params.urlencode()), kinds=RiskKind.choices)
    else:
        context.update(severities=Severity.choices)
    return render(request, f"governance/{register.singular}_list.html", context)


def _form_page(register: Register, request: HttpRequest, scope: Project | Program, entry: Any | None) -> HttpResponse:
    extra: dict[str, Any] = {"people": _people(scope)}
    if register.is_risk:
        extra["tasks"] = _tasks(scope)
    else:
        key = {"project": scope} if isinstance(scope, Project) else {"program": scope}
        extra["risks"] = Risk.objects.filter(**key).order_by("code")
    if entry is not None:
        initial = register.form.initial_from(entry)  # type: ignore[attr-defined]
    else:  # prefilled from a link, e.g. "Log an issue" on a failed quality check
        initial = {k: request.GET[k][:2000] for k in ("title", "description") if request.GET.get(k)}
        if request.GET.get("severity") in Severity.values:
            initial["severity"] = request.GET["severity"]
    form = register.form(request.POST or None, initial=initial, **extra)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if entry is None:
                where = {"project_id": scope.pk} if isinstance(scope, Project) else {"program_id": scope.pk}
                saved = services.create_entry(register.model, request.user, {**where, **form.changes()})
            else:
                saved = services.update_entry(register.model, request.user, entry.pk, form.cleaned_data.get("version"),
                                              form.changes())
        except PermissionDenied as exc:
            return render(request, "403.html", {"message": exc.message}, status=403)
        except DomainError as exc:
            status = 409 if exc.status == 409 else 400
            field = {"owner_id": "owner", "task_ids": "tasks", "risk_id": "risk",
                     "schedule_impact_minutes": "schedule_impact_days"}.get(exc.field or "", exc.field or "")
            form.add_error(field if field in form.fields and field != "version" else None, exc.message)
        else:
            messages.success(request, f"{register.singular.capitalize()} {saved.code} saved.")
            return redirect(register.detail_route, saved.pk)
    if form.errors and status == 200:
        status = 400
    project = scope if isinstance(scope, Project) else None
    return render(request, "governance/entry_form.html", {
        "form": form, "entry": entry, "register": register, "project": project, "scope": scope,
        "tabs": tabs_template(), "active": register.plural,
    }, status=status)


def _create(register: Register, request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    if not services.can(request.user, register.resource, Action.CREATE, project):
        return render(request, "403.html", {"message": f"You need a role on {project.code} to raise a {register.singular}."}, status=403)
    return _form_page(register, request, project, None)


def _edit(register: Register, request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(register, request, pk)
    if not services.can(request.user, register.resource, Action.CHANGE, entry.scope):
        return render(request, "403.html", {"message": f"Only the managers may edit this {register.singular}."}, status=403)
    return _form_page(register, request, entry.scope, entry)


def _detail(register: Register, request: HttpRequest, pk: int, escalate_form: EscalateForm | None = None,
            status: int = 200) -> HttpResponse:
    entry = _entry(register, request, pk)
    history = list(entry.history.select_related("history_user").order_by("-history_date", "-history_id")[:30])
    changes = []
    for newer, older in zip(history, [*history[1:], None], strict=True):
        fields = [c.field for c in newer.diff_against(older).changes] if older is not None else []
        shown = [f.replace("_", " ") for f in fields if f not in ("version", "updated_at", "created_at")]
        if older is not None and newer.escalation_level != older.escalation_level:  # not an editable field: not diffed
            shown = [f"escalated it to the {Level(newer.escalation_level).label.lower()}", *shown]
        changes.append({"record": newer, "fields": shown})
    allowed = services.permissions(request.user, register.resource, entry.scope)
    try:
        target_level, acting = services.escalation_target(entry)
    except DomainError:
        target_level, acting = None, entry.scope
    if acting != entry.scope:  # from program level: the program's managers decide
        allowed[Action.ESCALATE] = services.can(request.user, register.resource, Action.ESCALATE, acting)
    can_escalate = bool(target_level) and entry.is_active and allowed[Action.ESCALATE]
    context = {
        "entry": entry, "register": register, "project": entry.project, "tabs": tabs_template(),
        "active": register.plural, "changes": changes, "target_level": Level(target_level).label if target_level else None,
        "can_edit": allowed[Action.CHANGE],
        "can_escalate": can_escalate,
        "escalate_form": escalate_form or EscalateForm(initial={"version": entry.version}),
        "linked_tasks": entry.tasks.select_related("project").order_by("project__code", "outline") if register.is_risk else None,
        "issues": entry.issues.order_by("code") if register.is_risk else None,
    }
    return render(request, f"governance/{register.singular}_detail.html", context, status=status)


def _escalate(register: Register, request: HttpRequest, pk: int) -> HttpResponse:
    form = EscalateForm(request.POST)
    if form.is_valid():
        try:
            saved = services.escalate_entry(register.model, request.user, pk, form.cleaned_data["version"],
                                            form.cleaned_data["reason"])
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            return render(request, "403.html", {"message": exc.message}, status=403)
        except DomainError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
            return _detail(register, request, pk, form, status=409 if exc.status == 409 else 400)
        messages.success(request, f"{register.singular.capitalize()} {saved.code} escalated to the "
                                  f"{saved.get_escalation_level_display().lower()}.")
        return redirect(register.detail_route, saved.pk)
    return _detail(register, request, pk, form, status=400)


@login_required
def project_risks(request: HttpRequest, project_id: int) -> HttpResponse:
    return _register_list(RISKS, request, project_id)


@login_required
def risk_create(request: HttpRequest, project_id: int) -> HttpResponse:
    return _create(RISKS, request, project_id)


@login_required
def risk_detail(request: HttpRequest, risk_id: int) -> HttpResponse:
    return _detail(RISKS, request, risk_id)


@login_required
def risk_edit(request: HttpRequest, risk_id: int) -> HttpResponse:
    return _edit(RISKS, request, risk_id)


@login_required
@require_POST
def risk_escalate(request: HttpRequest, risk_id: int) -> HttpResponse:
    return _escalate(RISKS, request, risk_id)


@login_required
def project_issues(request: HttpRequest, project_id: int) -> HttpResponse:
    return _register_list(ISSUES, request, project_id)


@login_required
def issue_create(request: HttpRequest, project_id: int) -> HttpResponse:
    return _create(ISSUES, request, project_id)


@login_required
def issue_detail(request: HttpRequest, issue_id: int) -> HttpResponse:
    return _detail(ISSUES, request, issue_id)


@login_required
def issue_edit(request: HttpRequest, issue_id: int) -> HttpResponse:
    return _edit(ISSUES, request, issue_id)


@login_required
@require_POST
def issue_escalate(request: HttpRequest, issue_id: int) -> HttpResponse:
    return _escalate(ISSUES, request, issue_id)

