"""Reports tab, status report pages and the closure tab of the project workspace.

Views parse, call one service and render; domain errors become 404 pages, 403 pages or
form errors next to the field (409 for a stale version or a submitted report).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from altitude.core.errors import DomainError, NotFound, PermissionDenied
from altitude.core.paging import paginate
from altitude.core.policy import Action, Resource
from altitude.delivery import services as delivery
from altitude.delivery.models import Project, Stage
from altitude.governance.services import permissions
from altitude.reporting import closure, services
from altitude.reporting.forms import ClosureForm, StatusReportForm, SubmitForm
from altitude.reporting.models import RATED, ReportStatus, StatusReport

TABS = "delivery/_project_tabs.html"
LESSONS_SHOWN = 20
LESSON_MODEL: str = "governance.Lesson"  # added to governance by its own engineer; optional here


def _project(request: HttpRequest, project_id: int) -> Project:
    try:
        return delivery.get_project(request.user, project_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _report(request: HttpRequest, pk: int) -> StatusReport:
    try:
        return services.get_report(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "403.html", {"message": message}, status=403)


def _form_error(form: Any, exc: DomainError) -> int:
    field = exc.field if exc.field in form.fields and exc.field != "version" else None
    form.add_error(field, exc.message)
    return 409 if exc.status == 409 else 400


@login_required
def project_reports(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    status = request.GET.get("status") if request.GET.get("status") in ReportStatus.values else None
    qs = services.list_reports(request.user, services.ReportFilter(status=status), project=project)
    page, query = paginate(request, qs)
    allowed = permissions(request.user, Resource.STATUS_REPORT, project)
    return render(request, "reporting/report_list.html", {
        "project": project, "page": page, "query": query, "status": status, "statuses": ReportStatus.choices,
        "draft": services.draft_of(project) if allowed[Action.CHANGE] else None,
        "can_create": allowed[Action.CREATE] and project.stage != Stage.CLOSED, "tabs": TABS,
    })


def _form_page(request: HttpRequest, project: Project, report: StatusReport | None) -> HttpResponse:
    today = timezone.localdate()
    if report is None:
        suggested = services.suggested_values(project, today)
        computed, initial = suggested["computed"], {k: v for k, v in suggested.items() if k != "computed"}
    else:
        computed, initial = report.computed, StatusReportForm.initial_from(report)
    form = StatusReportForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if report is None:
                    saved = services.create_report(request.user, {"project_id": project.pk, **form.changes()}, today)
                else:
                    saved = services.update_report(request.user, report.pk, form.cleaned_data.get("version"),
                                                   form.changes(), today)
            except PermissionDenied as exc:
                return _forbidden(request, exc.message)
            except DomainError as exc:
                status = _form_error(form, exc)
            else:
                messages.success(request, "Draft status report saved. Submit it from its page when it is ready.")
                return redirect("reporting:report-detail", saved.pk)
        else:
            status = 400
    return render(request, "reporting/report_form.html", {
        "form": form, "report": report, "project": project, "tabs": TABS,
        "rows": [{"name": name, "rating": rating, "comment": comment, "suggested": computed.get(name) or {}}
                 for name, rating, comment in form.rating_rows()],
    }, status=status)


@login_required
def report_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    if not permissions(request.user, Resource.STATUS_REPORT, project)[Action.CREATE]:
        return _forbidden(request, f"Only the managers of {project.code} write its status reports.")
    draft = services.draft_of(project)
    if draft is not None:
        messages.info(request, "This project already has a draft: continue it.")
        return redirect("reporting:report-edit", draft.pk)
    if project.stage == Stage.CLOSED:
        messages.info(request, f"{project.code} is closed: it reports no more.")
        return redirect("reporting:project-reports", project.pk)
    return _form_page(request, project, None)


@login_required
def report_edit(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    if not permissions(request.user, Resource.STATUS_REPORT, report.project)[Action.CHANGE]:
        return _forbidden(request, f"Only the managers of {report.project.code} edit its status reports.")
    if not report.is_draft:
        return render(request, "reporting/report_readonly.html", {"report": report, "project": report.project,
                                                                   "tabs": TABS}, status=409)
    return _form_page(request, report.project, report)


def _history(report: StatusReport) -> list[dict[str, Any]]:
    records = list(report.history.select_related("history_user").order_by("-history_date", "-history_id")[:30])
    out = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        fields = [c.field for c in newer.diff_against(older).changes] if older is not None else []
        shown = [f.replace("_", " ") for f in fields if f not in ("version", "updated_at", "created_at", "computed",
                                                                    "metrics", "submitted_at", "submitted_by")]
        if older is not None and newer.status != older.status:
            text = "submitted it"
        else:
            text = f"changed {', '.join(f for f in shown if f != 'status')}" if shown else "saved"
        out.append({"record": newer, "text": text})
    return out


def _detail(request: HttpRequest, report: StatusReport, submit_form: SubmitForm | None = None,
            status: int = 200) -> HttpResponse:
    allowed = permissions(request.user, Resource.STATUS_REPORT, report.project)
    ratings = [{"name": name, "rating": getattr(report, f"{name}_rating"),
                "label": getattr(report, f"get_{name}_rating_display")(),
                "comment": getattr(report, f"{name}_comment"), "suggested": report.computed.get(name) or {},
                "overridden": report.overridden(name)} for name in RATED]
    return render(request, "reporting/report_detail.html", {
        "report": report, "project": report.project, "tabs": TABS, "ratings": ratings, "metrics": report.metrics,
        "can_edit": report.is_draft and allowed[Action.CHANGE],
        "can_submit": report.is_draft and allowed[Action.SUBMIT],
        "can_delete": report.is_draft and allowed[Action.DELETE],
        "submit_form": submit_form or SubmitForm(initial={"version": report.version}),
        "changes": _history(report),
    }, status=status)


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    return _detail(request, _report(request, report_id))


@login_required
@require_POST
def report_submit(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return _detail(request, report, form, status=400)
    try:
        saved = services.submit_report(request.user, report.pk, form.cleaned_data["version"])
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    except DomainError as exc:
        form.add_error(None, exc.message)
        if exc.field and exc.field != "version" and exc.status != 409:
            edit = reverse("reporting:report-edit", args=[report.pk])
            form.add_error(None, f"Edit the draft ({edit}) to fix it.")
        return _detail(request, _report(request, report_id), form, status=409 if exc.status == 409 else 400)
    messages.success(request, "Status report submitted; the program's managers were told.")
    return redirect("reporting:report-detail", saved.pk)


@login_required
@require_POST
def report_delete(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.delete_report(request.user, report.pk, version)
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reporting:report-detail", report.pk)
    messages.success(request, f"Draft status report of {report.project.code} discarded.")
    return redirect("reporting:project-reports", report.project_id)


def _lessons(request: HttpRequest, project: Project) -> dict[str, Any] | None:
    """The project's lessons learned (governance's register), or None while that app does not provide them."""
    try:
        register = reverse("governance:project-lessons", args=[project.pk])
        create = reverse("governance:lesson-create", args=[project.pk])
        model = apps.get_model(LESSON_MODEL)
        rows = list(model.objects.filter(project=project).order_by("-pk")[:LESSONS_SHOWN + 1])
        items = [{"title": str(lesson), "url": reverse("governance:lesson-detail", args=[lesson.pk])}
                 for lesson in rows[:LESSONS_SHOWN]]
    except (NoReverseMatch, LookupError):
        return None
    may_add = permissions(request.user, Resource.LESSON, project)[Action.CREATE]
    return {"register": register, "create": create if may_add else None, "items": items,
            "more": len(rows) > LESSONS_SHOWN}


def _closure_page(request: HttpRequest, project: Project, form: ClosureForm | None = None,
                  status: int = 200) -> HttpResponse:
    record = closure.get_closure(project)
    allowed = permissions(request.user, Resource.CLOSURE, project)
    context: dict[str, Any] = {"project": project, "tabs": TABS, "record": record,
                               "closable": project.stage in closure.CLOSABLE}
    context["lessons"] = _lessons(request, project)
    if record is None and project.stage in closure.CLOSABLE:
        context["checklist"] = closure.checklist(project)
        context["can_close"] = allowed[Action.CREATE]
        context["form"] = form or ClosureForm(initial={"version": project.version})
    return render(request, "reporting/closure.html", context, status=status)


@login_required
def project_closure(request: HttpRequest, project_id: int) -> HttpResponse:
    return _closure_page(request, _project(request, project_id))


@login_required
@require_POST
def project_close(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    if not permissions(request.user, Resource.CLOSURE, project)[Action.CREATE]:
        return _forbidden(request, f"Only the managers of {project.code} close it.")
    form = ClosureForm(request.POST)
    if not form.is_valid():
        return _closure_page(request, project, form, status=400)
    try:
        closure.close_project(request.user, project.pk, form.cleaned_data["version"], form.changes(),
                              form.cleaned_data["override_reason"])
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    except DomainError as exc:
        status = _form_error(form, exc)
        return _closure_page(request, _project(request, project_id), form, status=status)
    messages.success(request, f"{project.code} is closed; the program's managers were told.")
    return redirect("reporting:project-closure", project.pk)
