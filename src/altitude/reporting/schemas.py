"""API shapes of status reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from altitude.reporting.models import RAG, ObjectivesMet, ReportStatus

VERSION = Field(None, ge=1, description="The version you edited (or send If-Match).")
TEXT = Field(None, max_length=20000)


class ReportFields(Schema):
    period_start: date | None = Field(None, description="Default: the day after the last report, else this Monday.")
    period_end: date | None = Field(None, description="Default: today.")
    overall_rating: RAG | None = Field(None, description="Default: the rating the figures suggest.")
    overall_comment: str | None = TEXT
    schedule_rating: RAG | None = None
    schedule_comment: str | None = TEXT
    cost_rating: RAG | None = None
    cost_comment: str | None = TEXT
    scope_rating: RAG | None = None
    scope_comment: str | None = TEXT
    risk_rating: RAG | None = None
    risk_comment: str | None = TEXT
    benefits_rating: RAG | None = None
    benefits_comment: str | None = TEXT
    summary: str | None = TEXT
    accomplishments: str | None = TEXT
    next_steps: str | None = TEXT
    help_needed: str | None = TEXT


class StatusReportIn(ReportFields):
    project_id: int


class StatusReportPatch(ReportFields):
    version: int | None = VERSION


class SubmitIn(Schema):
    version: int | None = VERSION


class StatusReportOut(Schema):
    id: int
    project_id: int
    period_start: date
    period_end: date
    status: ReportStatus
    author_id: int | None
    submitted_at: datetime | None
    submitted_by_id: int | None
    overall_rating: RAG
    overall_comment: str
    schedule_rating: RAG
    schedule_comment: str
    cost_rating: RAG
    cost_comment: str
    scope_rating: RAG
    scope_comment: str
    risk_rating: RAG
    risk_comment: str
    benefits_rating: RAG
    benefits_comment: str
    summary: str
    accomplishments: str
    next_steps: str
    help_needed: str
    computed: dict[str, Any] = Field(description="Ratings the figures suggest: {dimension: {rating, reason}}.")
    metrics: dict[str, Any] = Field(description="Figures frozen at submission (empty for a draft).")
    version: int
    created_at: datetime
    updated_at: datetime


class ClosureIn(Schema):
    version: int | None = Field(None, ge=1, description="The project's version (or send If-Match).")
    outcome_summary: str = Field(max_length=20000, description="What the project delivered and how it ended.")
    objectives_met: ObjectivesMet
    objectives_comment: str = Field("", max_length=20000, description="Required when met partly or not.")
    handover_notes: str = Field("", max_length=20000, description="Who owns what from now on.")
    override_reason: str = Field("", max_length=20000,
                                 description="Required when the checklist does not pass: why close anyway.")


class ChecklistItemOut(Schema):
    key: str
    label: str
    passed: bool
    blocking: bool
    detail: str


class ClosureRecordOut(Schema):
    outcome_summary: str
    objectives_met: ObjectivesMet
    objectives_comment: str
    handover_notes: str
    override_reason: str
    checklist: list[ChecklistItemOut] = Field(description="The checklist as it stood at closing.")
    closed_at: datetime
    closed_by_id: int | None


class ClosureOut(Schema):
    project_id: int
    stage: str
    closable: bool = Field(description="Executing or closing, and not closed yet.")
    passed: bool | None = Field(description="Whether every blocking check passes now (null once closed).")
    checklist: list[ChecklistItemOut] = Field(description="Live checks (empty once closed or when not closable).")
    closure: ClosureRecordOut | None
