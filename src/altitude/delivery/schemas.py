"""API shapes of programs and projects."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from altitude.delivery.models import Stage


class ProgramIn(Schema):
    portfolio_id: int
    name: str = Field(min_length=1, max_length=200)
    goal: str = ""
    manager_id: int | None = None
    budget: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)


class ProgramPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    goal: str | None = None
    manager_id: int | None = None
    budget: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    version: int | None = Field(None, ge=1, description="The version you edited (or send If-Match).")


class ProgramOut(Schema):
    id: int
    portfolio_id: int
    name: str
    goal: str
    manager_id: int | None
    budget: Decimal
    version: int
    created_at: datetime
    updated_at: datetime


class ProjectIn(Schema):
    portfolio_id: int
    program_id: int | None = None
    code: str = Field(min_length=1, max_length=20, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    manager_id: int | None = None
    sponsor_id: int | None = None
    stage: Stage = Stage.PROPOSED
    priority: int = Field(3, ge=1, le=5)
    budget: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    estimated_cost: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    expected_benefits: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    feasibility: int = Field(3, ge=1, le=5)
    start_date: date | None = None
    finish_date: date | None = None
    calendar_id: int | None = Field(None, description="Default calendar of the project's tasks.")


class ProjectPatch(Schema):
    program_id: int | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    manager_id: int | None = None
    sponsor_id: int | None = None
    stage: Stage | None = None
    priority: int | None = Field(None, ge=1, le=5)
    budget: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    estimated_cost: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    expected_benefits: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    feasibility: int | None = Field(None, ge=1, le=5)
    start_date: date | None = None
    finish_date: date | None = None
    calendar_id: int | None = None
    version: int | None = Field(None, ge=1, description="The version you edited (or send If-Match).")


class ProjectOut(Schema):
    id: int
    portfolio_id: int
    program_id: int | None
    code: str
    name: str
    description: str
    manager_id: int | None
    sponsor_id: int | None
    stage: Stage
    priority: int
    budget: Decimal
    estimated_cost: Decimal
    expected_benefits: Decimal
    feasibility: int
    start_date: date | None
    finish_date: date | None
    calendar_id: int | None
    status_date: date | None
    version: int
    created_at: datetime
    updated_at: datetime
