"""``/api/v1/status-reports``: parse, call one service, return."""

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from altitude.core.api import expected_version
from altitude.reporting import services
from altitude.reporting.models import ReportStatus, StatusReport
from altitude.reporting.schemas import StatusReportIn, StatusReportOut, StatusReportPatch, SubmitIn

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


@router.post("/status-reports/{report_id}/submit", response=StatusReportOut)
def submit_status_report(request: HttpRequest, report_id: int, payload: SubmitIn) -> StatusReport:
    return services.submit_report(request.user, report_id, expected_version(request, payload.version))
