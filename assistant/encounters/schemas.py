"""What the encounters service takes and returns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from assistant.codesets.schemas import SearchHit
from assistant.parties.telehealth import OFFICE_POS

EncounterStatus = Literal["open", "coded", "ready_to_bill", "billed"]
ENCOUNTER_STATUSES: tuple[str, ...] = ("open", "coded", "ready_to_bill", "billed")
MAX_DIAGNOSES = 12  # a CMS-1500 / 837P claim holds 12 diagnosis pointers A-L


class EncounterOpen(BaseModel):
    """A new encounter (check-in, or a walk-in opened by the coder)."""

    patient_id: int
    rendering_provider_id: int | None = None
    date_of_service: date
    place_of_service: str = Field(OFFICE_POS, pattern=r"^\d{2}$")
    visit_type: str = "office"
    telehealth_modifier: str | None = None
    note: str | None = None


class DiagnosisOut(BaseModel):
    position: int
    pointer: str  # A-L on the claim
    code: str
    title: str = ""


class SuggestionOut(BaseModel):
    system: str
    code: str
    title: str
    confidence: str | None = None
    rank: int
    source: str  # engine | hand
    decision: Literal["pending", "accepted", "rejected"]


class EncounterSummary(BaseModel):
    id: int
    patient_id: int
    patient_name: str
    date_of_service: date
    rendering_provider_id: int | None
    provider_name: str | None
    place_of_service: str
    visit_type: str
    status: str
    diagnoses: list[str] = Field(default_factory=list)
    updated_at: datetime | None = None


class EncounterOut(EncounterSummary):
    patient_sex: str
    patient_dob: date
    patient_age_years: int
    telehealth_modifier: str | None
    note: str | None
    diagnoses_detail: list[DiagnosisOut] = Field(default_factory=list)
    procedures: list[SuggestionOut] = Field(default_factory=list)  # accepted HCPCS/CPT codes
    suggestions: list[SuggestionOut] = Field(default_factory=list)
    updated_by: str | None = None
    can_edit: bool = True  # false once billed
    releases: dict[str, str] = Field(default_factory=dict)  # the code-set releases the suggestions used


class QueueFilter(BaseModel):
    statuses: list[str] = Field(default_factory=lambda: ["coded", "ready_to_bill"])
    provider_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    patient_id: int | None = None
    limit: int = Field(200, ge=1, le=1000)


class EncounterCodeSearch(BaseModel):
    """Codes matching ``q`` in the ICD-10-CM release in force on the encounter's date of service."""

    q: str
    date_of_service: date
    hits: list[SearchHit]
