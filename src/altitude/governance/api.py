"""``/api/v1/risks`` and ``/api/v1/issues``: parse, call one service, return."""


from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from altitude.core.api import expected_version
from altitude.governance import services
from altitude.governance.models import (
    Issue,
    IssueStatus,
    Level,
    Risk,
    RiskKind,
    RiskStatus,
    Severity,
)
from altitude.governance.schemas import (
    EscalateIn,
    IssueIn,
    IssueOut,
    IssuePatch,
    RiskIn,
    RiskOut,
    RiskPatch,
)

router = Router(tags=["risks and issues"])


class RiskFilters(Schema):
    q: str | None = None
    project: int | None = None
    program: int | None = None
    kind: RiskKind | None = None
    status: RiskStatus | None = None
    owner: int | None = None
    escalated: bool | None = None
    level: Level | None = None
    probability: int | None = None
    impact: int | None = None
    active: bool | None = None


class IssueFilters(Schema):
    q: str | None = None
    project: int | None = None
    program: int | None = None
    status: IssueStatus | None = None
    severity: Severity | None = None
    owner: int | None = None
    escalated: bool | None = None
    level: Level | None = None
    active: bool | None = None


@router.get("/risks", response=list[RiskOut])
@paginate(PageNumberPagination)
def list_risks(request: HttpRequest, filters: Query[RiskFilters]) -> object:
    register_filter = services.RegisterFilter(**filters.dict())
    return services.list_entries(Risk, request.user, register_filter).prefetch_related("tasks").order_by("-score", "pk")


@router.get("/risks/{risk_id}", response=RiskOut)
def get_risk(request: HttpRequest, risk_id: int) -> Risk:
    return services.get_entry(Risk, request.user, risk_id)


@router.post("/risks", response={201: RiskOut})
def create_risk(request: HttpRequest, payload: RiskIn) -> Risk:
    return services.create_risk(request.user, payload.dict())


@router.patch("/risks/{risk_id}", response=RiskOut)
def update_risk(request: HttpRequest, risk_id: int, payload: RiskPatch) -> Risk:
    changes = payload.dict(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    return services.update_risk(request.user, risk_id, version, changes)


@router.delete("/risks/{risk_id}", response={204: None})
def delete_risk(request: HttpRequest, risk_id: int) -> HttpResponse:
    services.delete_entry(Risk, request.user, risk_id)
    return HttpResponse(status=204)


@router.post("/risks/{risk_id}/escalate", response=RiskOut)
def escalate_risk(request: HttpRequest, risk_id: int, payload: EscalateIn) -> Risk:
    version = expected_version(request, payload.version)
    return services.escalate_risk(request.user, risk_id, version, payload.reason)


@router.get("/issues", response=list[IssueOut])
@paginate(PageNumberPagination)
def list_issues(request: HttpRequest, filters: Query[IssueFilters]) -> object:
    register_filter = services.RegisterFilter(**filters.dict())
    return services.list_entries(Issue, request.user, register_filter).order_by("code", "pk")


@router.get("/issues/{issue_id}", response=IssueOut)
def get_issue(request: HttpRequest, issue_id: int) -> Issue:
    return services.get_entry(Issue, request.user, issue_id)


@router.post("/issues", response={201: IssueOut})
def create_issue(request: HttpRequest, payload: IssueIn) -> Issue:
    return services.create_issue(request.user, payload.dict())


@router.patch("/issues/{issue_id}", response=IssueOut)
def update_issue(request: HttpRequest, issue_id: int, payload: IssuePatch) -> Issue:
    changes = payload.dict(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    return services.update_issue(request.user, issue_id, version, changes)


@router.delete("/issues/{issue_id}", response={204: None})
def delete_issue(request: HttpRequest, issue_id: int) -> HttpResponse:
    services.delete_entry(Issue, request.user, issue_id)
    return HttpResponse(status=204)


@router.post("/issues/{issue_id}/escalate", response=IssueOut)
def escalate_issue(request: HttpRequest, issue_id: int, payload: EscalateIn) -> Issue:
    version = expected_version(request, payload.version)
    return services.escalate_issue(request.user, issue_id, version, payload.reason)
