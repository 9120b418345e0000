"""Denial explanations, appeal and corrected-claim requests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from assistant.claims.schemas import ScrubReport
from assistant.codesets.schemas import (
    ADJUSTMENT_CATEGORIES,
    ADJUSTMENT_ROUTES,
    AdjustmentCategory,
    AdjustmentRoute,
)

Category = AdjustmentCategory
Route = AdjustmentRoute
CATEGORIES = ADJUSTMENT_CATEGORIES
ROUTES = ADJUSTMENT_ROUTES


class Evidence(BaseModel):
    kind: str  # ncci-ptp | scrubber | claim | coverage | duplicate | timely-filing | rarc | remit | ...
    detail: str
    source: str


class Explanation(BaseModel):
    group: str
    carc: str
    rarcs: list[str] = Field(default_factory=list)
    category: Category
    route: Route
    summary: str
    root_cause: str
    evidence: list[Evidence] = Field(default_factory=list)
    fix: list[str] = Field(default_factory=list)
    deadline: date | None = None
    appeal_viable: bool | None = None
    unknowns: list[str] = Field(default_factory=list)
    # Context (not in the minimal contract, useful to UIs)
    claim_id: str | None = None
    line: int | None = None
    procedure_code: str | None = None
    amount_cents: int | None = None
    # A machine-readable fix the corrected-claim builder can apply, e.g.
    # {"op": "add-modifier", "line": 2, "modifier": "XS"} or
    # {"op": "set-dx-pointers", "line": 1, "pointers": [2]}
    actions: list[dict[str, Any]] = Field(default_factory=list)
    # What a person can do, main action first (assistant.core.adjustments.next_steps): bill-patient,
    # bill-secondary, corrected-claim, appeal, write-off, verify-eligibility, obtain-authorization
    next_steps: list[str] = Field(default_factory=list)


class ExplainRequest(BaseModel):
    group: str
    carc: str
    rarcs: list[str] = Field(default_factory=list)
    claim_id: str | None = None
    claim: dict[str, Any] | None = None  # a claim import document, when not on file
    line: int | None = None  # 1-based
    remit_date: date | None = None
    appeal_window_days: int | None = None
    amount_cents: int | None = None


class CarcMatch(BaseModel):
    carc: str
    summary: str
    category: str | None
    score: float
    lexical: float
    semantic: float


class AppealRequest(BaseModel):
    remit_line_id: int | None = None
    claim_id: str | None = None
    group: str | None = None
    carc: str | None = None
    rarcs: list[str] = Field(default_factory=list)
    line: int | None = None


class AppealLetter(BaseModel):
    claim_id: str
    text: str
    placeholders: int
    explanation: Explanation


class CorrectedClaimRequest(BaseModel):
    claim_id: str
    actions: list[dict[str, Any]] | None = None  # default: the explainer's actions
    remit_line_id: int | None = None
    group: str | None = None
    carc: str | None = None
    rarcs: list[str] = Field(default_factory=list)
    line: int | None = None
    new_claim_id: str | None = None


class PromoteRequest(BaseModel):
    modifiers: list[str] = Field(default_factory=list)  # empty: flag the code for this payer
    actor: str = "api"


class DenialPatternOut(BaseModel):
    """A repeated denial: payer x group x CARC x procedure code, with how often and how much."""

    id: int
    payer_id: str
    group: str
    carc: str
    procedure_code: str
    count: int
    denied_cents: int
    modifier_counts: dict[str, int] = Field(default_factory=dict)
    last_seen: datetime | None = None


class LocalRuleOut(BaseModel):
    """A local scrubber rule promoted from a denial pattern."""

    id: int
    rule_id: str
    payer_id: str
    procedure_code: str
    kind: str
    modifiers: list[str] = Field(default_factory=list)
    message: str


class CorrectedClaimOut(BaseModel):
    """A corrected claim (frequency 7) built from a denial's fix, as stored and scrubbed."""

    claim_id: str
    id: int
    frequency_code: str
    original_claim_number: str | None
    replaces: str
    applied: list[str] = Field(default_factory=list)
    status: str
    scrub: ScrubReport
    explanation: Explanation | None = None
