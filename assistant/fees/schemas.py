"""Fee schedule shapes: an entry as typed (CSV row, form, JSON) and as stored."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class FeeIn(BaseModel):
    """One fee as given: validated by ``assistant.fees.service.parse_fee`` (field-named errors)."""

    code: str
    modifier: str = ""
    charge_cents: int | str
    effective_from: date | str
    effective_to: date | str | None = None


class FeeOut(BaseModel):
    id: int
    code: str
    modifier: str
    charge_cents: int
    effective_from: date
    effective_to: date | None
    updated_by: str


class FeeProblem(BaseModel):
    row: int | None = None  # 1-based data row of the CSV (the header is row 0)
    field: str
    message: str


class FeeImportResult(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    entries: list[FeeOut] = Field(default_factory=list)
