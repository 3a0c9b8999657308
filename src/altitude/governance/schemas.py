"""API shapes of risks and issues."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from altitude.governance.models import (
    IssueStatus,
    Level,
    ResponseStrategy,
    RiskKind,
    RiskStatus,
    Severity,
)
from altitude.governance.register_models import (
    CheckResult,
    Engagement,
    LessonCategory,
    LessonEffect,
)

VERSION = Field(None, ge=1, description="The version you edited (or send If-Match).")


class RiskIn(Schema):
    project_id: int | None = Field(None, description="The project's register; or give program_id.")
    program_id: int | None = Field(None, description="A program-level risk.")
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    kind: RiskKind = RiskKind.THREAT
    probability: int = Field(3, ge=1, le=5)
    impact: int = Field(3, ge=1, le=5)
    probability_percent: int | None = Field(None, ge=0, le=100, description="Simulation chance; empty: from the scale.")
    schedule_impact_minutes: int = Field(0, description="If it occurs, per linked task: > 0 delay (threat), < 0 saving (opportunity).")
    cost_impact: Decimal = Field(Decimal("0"), max_digits=14, decimal_places=2)
    task_ids: list[int] = Field(default_factory=list)
    owner_id: int | None = None
    response: ResponseStrategy = ResponseStrategy.ACCEPT
    mitigation_plan: str = ""
    due_date: date | None = None
    status: RiskStatus = RiskStatus.OPEN


class RiskPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    kind: RiskKind | None = None
    probability: int | None = Field(None, ge=1, le=5)
    impact: int | None = Field(None, ge=1, le=5)
    probability_percent: int | None = Field(None, ge=0, le=100)
    schedule_impact_minutes: int | None = None
    cost_impact: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    task_ids: list[int] | None = None
    owner_id: int | None = None
    response: ResponseStrategy | None = None
    mitigation_plan: str | None = None
    due_date: date | None = None
    status: RiskStatus | None = None
    version: int | None = VERSION


class EntryOut(Schema):
    id: int
    project_id: int | None
    program_id: int | None
    code: str
    title: str
    description: str
    owner_id: int | None
    due_date: date | None
    status: str
    escalation_level: Level
    escalated_by_id: int | None
    escalated_at: datetime | None
    escalation_reason: str
    version: int
    created_at: datetime
    updated_at: datetime


class RiskOut(EntryOut):
    kind: RiskKind
    probability: int
    impact: int
    score: int
    probability_percent: int | None
    simulation_probability: int
    schedule_impact_minutes: int
    cost_impact: Decimal
    task_ids: list[int]
    response: ResponseStrategy
    mitigation_plan: str

    @staticmethod
    def resolve_task_ids(obj: object) -> list[int]:
        return [t.pk for t in obj.tasks.all()]  # type: ignore[attr-defined]


class IssueIn(Schema):
    project_id: int | None = Field(None, description="The project's log; or give program_id.")
    program_id: int | None = Field(None, description="A program-level issue.")
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    severity: Severity = Severity.MEDIUM
    owner_id: int | None = None
    due_date: date | None = None
    status: IssueStatus = IssueStatus.OPEN
    risk_id: int | None = Field(None, description="The risk of the same register that occurred.")


class IssuePatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    severity: Severity | None = None
    owner_id: int | None = None
    due_date: date | None = None
    status: IssueStatus | None = None
    risk_id: int | None = None
    version: int | None = VERSION


class IssueOut(EntryOut):
    severity: Severity
    risk_id: int | None


class EscalateIn(Schema):
    reason: str = Field(min_length=1, max_length=2000, description="Why the level above must act.")
    version: int | None = VERSION


class ChangeRequestIn(Schema):
    project_id: int
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    reason: str = ""
    requested_by_id: int | None = Field(None, description="Empty: you.")
    scope_impact: str = ""
    schedule_impact_days: int = Field(0, ge=-9999, le=9999, description="Working days: > 0 later, < 0 earlier.")
    cost_impact: Decimal = Field(Decimal("0"), max_digits=14, decimal_places=2, description="> 0 extra cost, < 0 saving.")
    task_ids: list[int] = Field(default_factory=list)


class ChangeRequestPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    reason: str | None = None
    requested_by_id: int | None = None
    scope_impact: str | None = None
    schedule_impact_days: int | None = Field(None, ge=-9999, le=9999)
    cost_impact: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    task_ids: list[int] | None = None
    version: int | None = VERSION


class ChangeRequestOut(Schema):
    id: int
    project_id: int
    code: str
    title: str
    description: str
    reason: str
    requested_by_id: int | None
    scope_impact: str
    schedule_impact_days: int
    cost_impact: Decimal
    task_ids: list[int]
    status: str
    submitted_by_id: int | None
    submitted_at: datetime | None
    assessed_by_id: int | None
    assessed_at: datetime | None
    assessment: str
    decided_by_id: int | None
    decided_at: datetime | None
    decision_comment: str
    implemented_by_id: int | None
    implemented_at: datetime | None
    baseline_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_task_ids(obj: object) -> list[int]:
        return [t.pk for t in obj.tasks.all()]  # type: ignore[attr-defined]


class StepIn(Schema):
    comment: str = Field("", max_length=4000, description="Assessment, or the reason of an approval/rejection (required there).")
    version: int | None = VERSION


class ImplementIn(Schema):
    rebaseline: bool = Field(False, description="Take a new baseline of the project in the same transaction.")
    baseline_name: str = Field("", max_length=100, description="Empty: 'After CR-…'.")
    version: int | None = VERSION


class DecisionIn(Schema):
    project_id: int | None = Field(None, description="The project's log; or give program_id.")
    program_id: int | None = Field(None, description="A program-level decision.")
    title: str = Field(min_length=1, max_length=200, description="What needs deciding.")
    context: str = ""
    options: str = Field("", description="Options considered, one per line.")
    owner_id: int | None = Field(None, description="Who must take the decision.")
    due_date: date | None = Field(None, description="Needed by.")


class DecisionPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    context: str | None = None
    options: str | None = None
    decision: str | None = Field(None, description="Correct the text of a taken decision.")
    owner_id: int | None = None
    due_date: date | None = None
    version: int | None = VERSION


class DecisionOut(Schema):
    id: int
    project_id: int | None
    program_id: int | None
    code: str
    title: str
    context: str
    options: str
    decision: str
    owner_id: int | None
    due_date: date | None
    status: str
    overdue: bool = Field(alias="is_overdue")
    decided_by_id: int | None
    decided_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class DecideIn(Schema):
    decision: str = Field(min_length=1, max_length=4000, description="What was decided, and why.")
    version: int | None = VERSION


class VersionIn(Schema):
    version: int | None = VERSION


class LessonIn(Schema):
    project_id: int
    title: str = Field(min_length=1, max_length=200)
    category: LessonCategory = LessonCategory.OTHER
    effect: LessonEffect = LessonEffect.NEGATIVE
    tags: str = Field("", max_length=300, description="Comma-separated; stored lower-case, sorted, without duplicates.")
    what_happened: str = ""
    learned: str = Field("", description="What we learned, and the recommendation.")


class LessonPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    category: LessonCategory | None = None
    effect: LessonEffect | None = None
    tags: str | None = Field(None, max_length=300)
    what_happened: str | None = None
    learned: str | None = None
    version: int | None = VERSION


class LessonOut(Schema):
    id: int
    project_id: int
    title: str
    category: LessonCategory
    effect: LessonEffect
    tags: list[str] = Field(alias="tag_list")
    what_happened: str
    learned: str
    author_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime


class StakeholderIn(Schema):
    project_id: int
    name: str = Field(min_length=1, max_length=200)
    organisation: str = Field("", max_length=200)
    role: str = Field("", max_length=200)
    contact: str = Field("", max_length=200)
    influence: int = Field(3, ge=1, le=5, description="Power over the project, 1-5.")
    interest: int = Field(3, ge=1, le=5, description="How much the outcome affects them, 1-5.")
    current_engagement: Engagement = Engagement.NEUTRAL
    desired_engagement: Engagement = Engagement.SUPPORTIVE
    channel: str = Field("", max_length=100)
    frequency: str = Field("", max_length=100)
    communication_owner_id: int | None = None
    notes: str = ""


class StakeholderPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    organisation: str | None = Field(None, max_length=200)
    role: str | None = Field(None, max_length=200)
    contact: str | None = Field(None, max_length=200)
    influence: int | None = Field(None, ge=1, le=5)
    interest: int | None = Field(None, ge=1, le=5)
    current_engagement: Engagement | None = None
    desired_engagement: Engagement | None = None
    channel: str | None = Field(None, max_length=100)
    frequency: str | None = Field(None, max_length=100)
    communication_owner_id: int | None = None
    notes: str | None = None
    version: int | None = VERSION


class StakeholderOut(Schema):
    id: int
    project_id: int
    name: str
    organisation: str
    role: str
    contact: str
    influence: int
    interest: int
    strategy: str = Field(alias="quadrant", description="Manage closely, keep satisfied, keep informed or monitor.")
    current_engagement: Engagement
    desired_engagement: Engagement
    channel: str
    frequency: str
    communication_owner_id: int | None
    notes: str
    version: int
    created_at: datetime
    updated_at: datetime


class QualityCheckIn(Schema):
    project_id: int
    task_id: int = Field(description="A task of the project: the deliverable checked.")
    criterion: str = Field(min_length=1, max_length=300)
    method: str = Field("", max_length=200)
    planned_date: date | None = None


class QualityCheckPatch(Schema):
    task_id: int | None = None
    criterion: str | None = Field(None, min_length=1, max_length=300)
    method: str | None = Field(None, max_length=200)
    planned_date: date | None = None
    version: int | None = VERSION


class ResultIn(Schema):
    result: CheckResult
    notes: str = Field("", max_length=4000, description="Findings; required when waived.")
    version: int | None = VERSION


class QualityCheckOut(Schema):
    id: int
    project_id: int
    task_id: int
    criterion: str
    method: str
    planned_date: date | None
    result: CheckResult
    notes: str
    checked_by_id: int | None
    checked_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
