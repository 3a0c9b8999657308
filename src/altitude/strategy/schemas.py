"""API shapes of portfolios."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class PortfolioIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    owner_id: int | None = None


class PortfolioPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    owner_id: int | None = None
    version: int | None = Field(None, ge=1, description="The version you edited (or send If-Match).")


class PortfolioOut(Schema):
    id: int
    name: str
    description: str
    owner_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime
