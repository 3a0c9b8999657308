"""``/api/v1/risks``, ``/issues``, ``/change-requests``, ``/decisions``: parse, call one service, return."""


from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from altitude.core.api import expected_version
from altitude.governance import changes, decisions, lessons, quality, services, stakeholders
from altitude.governance.models import (
    Issue,
    IssueStatus,
    Level,
    Risk,
    RiskKind,
    RiskStatus,
    Severity,
)
from altitude.governance.register_models import (
    ChangeRequest,
    ChangeStatus,
    CheckResult,
    Decision,
    DecisionStatus,
    Engagement,
    Lesson,
    LessonCategory,
    LessonEffect,
    QualityCheck,
    Stakeholder,
)
from altitude.governance.schemas import (
    ChangeRequestIn,
    ChangeRequestOut,
    ChangeRequestPatch,
    DecideIn,
    DecisionIn,
    DecisionOut,
    DecisionPatch,
    EscalateIn,
    ImplementIn,
    IssueIn,
    IssueOut,
    IssuePatch,
    LessonIn,
    LessonOut,
    LessonPatch,
    QualityCheckIn,
    QualityCheckOut,
    QualityCheckPatch,
    ResultIn,
    RiskIn,
    RiskOut,
    RiskPatch,
    StakeholderIn,
    StakeholderOut,
    StakeholderPatch,
    StepIn,
    VersionIn,
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


class ChangeFilters(Schema):
    q: str | None = None
    project: int | None = None
    status: ChangeStatus | None = None
    requested_by: int | None = None


@router.get("/change-requests", response=list[ChangeRequestOut], tags=["change requests"])
@paginate(PageNumberPagination)
def list_change_requests(request: HttpRequest, filters: Query[ChangeFilters]) -> object:
    change_filter = changes.ChangeFilter(**filters.dict())
    return changes.list_change_requests(request.user, change_filter).prefetch_related("tasks").order_by("-pk")


@router.get("/change-requests/{change_id}", response=ChangeRequestOut, tags=["change requests"])
def get_change_request(request: HttpRequest, change_id: int) -> ChangeRequest:
    return changes.get_change_request(request.user, change_id)


@router.post("/change-requests", response={201: ChangeRequestOut}, tags=["change requests"])
def create_change_request(request: HttpRequest, payload: ChangeRequestIn) -> ChangeRequest:
    return changes.create_change_request(request.user, payload.dict())


@router.patch("/change-requests/{change_id}", response=ChangeRequestOut, tags=["change requests"])
def update_change_request(request: HttpRequest, change_id: int, payload: ChangeRequestPatch) -> ChangeRequest:
    fields = payload.dict(exclude_unset=True)
    version = expected_version(request, fields.pop("version", None))
    return changes.update_change_request(request.user, change_id, version, fields)


@router.delete("/change-requests/{change_id}", response={204: None}, tags=["change requests"])
def delete_change_request(request: HttpRequest, change_id: int) -> HttpResponse:
    changes.delete_change_request(request.user, change_id)
    return HttpResponse(status=204)


def _step(request: HttpRequest, change_id: int, payload: StepIn, target: str) -> ChangeRequest:
    version = expected_version(request, payload.version)
    return changes.transition(request.user, change_id, version, target, comment=payload.comment)


@router.post("/change-requests/{change_id}/submit", response=ChangeRequestOut, tags=["change requests"])
def submit_change_request(request: HttpRequest, change_id: int, payload: StepIn) -> ChangeRequest:
    return _step(request, change_id, payload, ChangeStatus.SUBMITTED)


@router.post("/change-requests/{change_id}/assess", response=ChangeRequestOut, tags=["change requests"])
def assess_change_request(request: HttpRequest, change_id: int, payload: StepIn) -> ChangeRequest:
    return _step(request, change_id, payload, ChangeStatus.ASSESSED)


@router.post("/change-requests/{change_id}/approve", response=ChangeRequestOut, tags=["change requests"])
def approve_change_request(request: HttpRequest, change_id: int, payload: StepIn) -> ChangeRequest:
    return _step(request, change_id, payload, ChangeStatus.APPROVED)


@router.post("/change-requests/{change_id}/reject", response=ChangeRequestOut, tags=["change requests"])
def reject_change_request(request: HttpRequest, change_id: int, payload: StepIn) -> ChangeRequest:
    return _step(request, change_id, payload, ChangeStatus.REJECTED)


@router.post("/change-requests/{change_id}/implement", response=ChangeRequestOut, tags=["change requests"])
def implement_change_request(request: HttpRequest, change_id: int, payload: ImplementIn) -> ChangeRequest:
    version = expected_version(request, payload.version)
    return changes.transition(request.user, change_id, version, ChangeStatus.IMPLEMENTED,
                              rebaseline=payload.rebaseline, baseline_name=payload.baseline_name)


class DecisionFilters(Schema):
    q: str | None = None
    project: int | None = None
    program: int | None = None
    status: DecisionStatus | None = None
    owner: int | None = None
    overdue: bool | None = None


@router.get("/decisions", response=list[DecisionOut], tags=["decisions"])
@paginate(PageNumberPagination)
def list_decisions(request: HttpRequest, filters: Query[DecisionFilters]) -> object:
    decision_filter = decisions.DecisionFilter(**filters.dict())
    return decisions.by_due_date(decisions.list_decisions(request.user, decision_filter))


@router.get("/decisions/{decision_id}", response=DecisionOut, tags=["decisions"])
def get_decision(request: HttpRequest, decision_id: int) -> Decision:
    return decisions.get_decision(request.user, decision_id)


@router.post("/decisions", response={201: DecisionOut}, tags=["decisions"])
def create_decision(request: HttpRequest, payload: DecisionIn) -> Decision:
    return decisions.create_decision(request.user, payload.dict())


@router.patch("/decisions/{decision_id}", response=DecisionOut, tags=["decisions"])
def update_decision(request: HttpRequest, decision_id: int, payload: DecisionPatch) -> Decision:
    fields = payload.dict(exclude_unset=True)
    version = expected_version(request, fields.pop("version", None))
    return decisions.update_decision(request.user, decision_id, version, fields)


@router.delete("/decisions/{decision_id}", response={204: None}, tags=["decisions"])
def delete_decision(request: HttpRequest, decision_id: int) -> HttpResponse:
    decisions.delete_decision(request.user, decision_id)
    return HttpResponse(status=204)


@router.post("/decisions/{decision_id}/decide", response=DecisionOut, tags=["decisions"])
def decide_decision(request: HttpRequest, decision_id: int, payload: DecideIn) -> Decision:
    version = expected_version(request, payload.version)
    return decisions.decide(request.user, decision_id, version, payload.decision)


@router.post("/decisions/{decision_id}/withdraw", response=DecisionOut, tags=["decisions"])
def withdraw_decision(request: HttpRequest, decision_id: int, payload: VersionIn) -> Decision:
    version = expected_version(request, payload.version)
    return decisions.withdraw(request.user, decision_id, version)


class LessonFilters(Schema):
    q: str | None = None
    tag: str | None = None
    category: LessonCategory | None = None
    effect: LessonEffect | None = None
    project: int | None = None
    program: int | None = None


@router.get("/lessons", response=list[LessonOut], tags=["lessons"])
@paginate(PageNumberPagination)
def list_lessons(request: HttpRequest, filters: Query[LessonFilters]) -> object:
    return lessons.list_lessons(request.user, lessons.LessonFilter(**filters.dict())).order_by("-pk")


@router.get("/lessons/{lesson_id}", response=LessonOut, tags=["lessons"])
def get_lesson(request: HttpRequest, lesson_id: int) -> Lesson:
    return lessons.get_lesson(request.user, lesson_id)


@router.post("/lessons", response={201: LessonOut}, tags=["lessons"])
def create_lesson(request: HttpRequest, payload: LessonIn) -> Lesson:
    return lessons.create_lesson(request.user, payload.dict())


@router.patch("/lessons/{lesson_id}", response=LessonOut, tags=["lessons"])
def update_lesson(request: HttpRequest, lesson_id: int, payload: LessonPatch) -> Lesson:
    fields = payload.dict(exclude_unset=True)
    version = expected_version(request, fields.pop("version", None))
    return lessons.update_lesson(request.user, lesson_id, version, fields)


@router.delete("/lessons/{lesson_id}", response={204: None}, tags=["lessons"])
def delete_lesson(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lessons.delete_lesson(request.user, lesson_id)
    return HttpResponse(status=204)


class StakeholderFilters(Schema):
    q: str | None = None
    project: int | None = None
    influence: int | None = Field(None, ge=1, le=5)
    interest: int | None = Field(None, ge=1, le=5)
    engagement: Engagement | None = None
    gap: bool | None = None


@router.get("/stakeholders", response=list[StakeholderOut], tags=["stakeholders"])
@paginate(PageNumberPagination)
def list_stakeholders(request: HttpRequest, filters: Query[StakeholderFilters]) -> object:
    stakeholder_filter = stakeholders.StakeholderFilter(**filters.dict())
    return stakeholders.list_stakeholders(request.user, stakeholder_filter).order_by("-influence", "-interest", "pk")


@router.get("/stakeholders/{stakeholder_id}", response=StakeholderOut, tags=["stakeholders"])
def get_stakeholder(request: HttpRequest, stakeholder_id: int) -> Stakeholder:
    return stakeholders.get_stakeholder(request.user, stakeholder_id)


@router.post("/stakeholders", response={201: StakeholderOut}, tags=["stakeholders"])
def create_stakeholder(request: HttpRequest, payload: StakeholderIn) -> Stakeholder:
    return stakeholders.create_stakeholder(request.user, payload.dict())


@router.patch("/stakeholders/{stakeholder_id}", response=StakeholderOut, tags=["stakeholders"])
def update_stakeholder(request: HttpRequest, stakeholder_id: int, payload: StakeholderPatch) -> Stakeholder:
    fields = payload.dict(exclude_unset=True)
    version = expected_version(request, fields.pop("version", None))
    return stakeholders.update_stakeholder(request.user, stakeholder_id, version, fields)


@router.delete("/stakeholders/{stakeholder_id}", response={204: None}, tags=["stakeholders"])
def delete_stakeholder(request: HttpRequest, stakeholder_id: int) -> HttpResponse:
    stakeholders.delete_stakeholder(request.user, stakeholder_id)
    return HttpResponse(status=204)


class QualityFilters(Schema):
    q: str | None = None
    project: int | None = None
    task: int | None = None
    result: CheckResult | None = None


@router.get("/quality-checks", response=list[QualityCheckOut], tags=["quality checks"])
@paginate(PageNumberPagination)
def list_quality_checks(request: HttpRequest, filters: Query[QualityFilters]) -> object:
    return quality.list_checks(request.user, quality.CheckFilter(**filters.dict())).order_by("planned_date", "pk")


@router.get("/quality-checks/{check_id}", response=QualityCheckOut, tags=["quality checks"])
def get_quality_check(request: HttpRequest, check_id: int) -> QualityCheck:
    return quality.get_check(request.user, check_id)


@router.post("/quality-checks", response={201: QualityCheckOut}, tags=["quality checks"])
def create_quality_check(request: HttpRequest, payload: QualityCheckIn) -> QualityCheck:
    return quality.create_check(request.user, payload.dict())


@router.patch("/quality-checks/{check_id}", response=QualityCheckOut, tags=["quality checks"])
def update_quality_check(request: HttpRequest, check_id: int, payload: QualityCheckPatch) -> QualityCheck:
    fields = payload.dict(exclude_unset=True)
    version = expected_version(request, fields.pop("version", None))
    return quality.update_check(request.user, check_id, version, fields)


@router.post("/quality-checks/{check_id}/result", response=QualityCheckOut, tags=["quality checks"])
def record_quality_result(request: HttpRequest, check_id: int, payload: ResultIn) -> QualityCheck:
    version = expected_version(request, payload.version)
    return quality.record_result(request.user, check_id, version, payload.result, payload.notes)


@router.delete("/quality-checks/{check_id}", response={204: None}, tags=["quality checks"])
def delete_quality_check(request: HttpRequest, check_id: int) -> HttpResponse:
    quality.delete_check(request.user, check_id)
    return HttpResponse(status=204)
