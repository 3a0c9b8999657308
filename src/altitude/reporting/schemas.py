"""API shapes of status reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from altitude.reporting.models import RAG, ReportStatus

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
