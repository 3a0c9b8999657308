"""``/api/v1/status-reports`` and ``/api/v1/projects/{id}/closure``: parse, call one service, return."""

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from altitude.core.api import expected_version
from altitude.reporting import closure, services
from altitude.reporting.models import ProjectClosure, ReportStatus, StatusReport
from altitude.reporting.schemas import (
    ClosureIn,
    ClosureOut,
    ClosureRecordOut,
    StatusReportIn,
    StatusReportOut,
    StatusReportPatch,
    SubmitIn,
)

router = Router(tags=["status reports"])


class ReportFilters(Schema):
    project: int | None = None
    status: ReportStatus | None = None


@router.get("/status-reports", response=list[StatusReportOut])
@paginate(PageNumberPagination)
def list_status_reports(request: HttpRequest, filters: Query[ReportFilters]) -> object:
    return services.list_reports(request.user, services.ReportFilter(**filters.dict()))


@router.get("/status-reports/{report_id}", response=StatusReportOut)
def get_status_report(request: HttpRequest, report_id: int) -> StatusReport:
    return services.get_report(request.user, report_id)


@router.post("/status-reports", response={201: StatusReportOut})
def create_status_report(request: HttpRequest, payload: StatusReportIn) -> StatusReport:
    return services.create_report(request.user, payload.dict(exclude_unset=True))


@router.patch("/status-reports/{report_id}", response=StatusReportOut)
def update_status_report(request: HttpRequest, report_id: int, payload: StatusReportPatch) -> StatusReport:
    changes = payload.dict(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    return services.update_report(request.user, report_id, version, changes)


@router.delete("/status-reports/{report_id}", response={204: None})
def delete_status_report(request: HttpRequest, report_id: int, version: int | None = None) -> HttpResponse:
    """Discard a draft: If-Match (or ``?version=``) names the version the client saw."""
    services.delete_report(request.user, report_id, expected_version(request, version))
    return HttpResponse(status=204)


@router.post("/status-reports/{report_id}/submit", response=StatusReportOut)
def submit_status_report(request: HttpRequest, report_id: int, payload: SubmitIn) -> StatusReport:
    return services.submit_report(request.user, report_id, expected_version(request, payload.version))


@router.get("/projects/{project_id}/closure", response=ClosureOut, tags=["project closure"])
def get_project_closure(request: HttpRequest, project_id: int) -> dict[str, object]:
    return closure.closure_state(request.user, project_id)


@router.post("/projects/{project_id}/closure", response={201: ClosureRecordOut}, tags=["project closure"])
def close_project(request: HttpRequest, project_id: int, payload: ClosureIn) -> ProjectClosure:
    """Close the project (stage -> closed) with its closure report, in one transaction."""
    fields = payload.dict(exclude={"version", "override_reason"})
    version = expected_version(request, payload.version)
    return closure.close_project(request.user, project_id, version, fields, payload.override_reason)
