"""Shapes of the claim form (``/claims/new``, ``/claims/{id}/edit`` and their ``/api/claims`` twins).

The form names stored parties (patient, coverage, providers) by id and keys the rest; the form service
turns it into the same ``ClaimImport`` document a JSON import carries. Problems are reported per form
field, named like the document's JSON paths where the form has the same item (``lines[1].charge``).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from assistant.claims.schemas import Finding
from assistant.parties.telehealth import OFFICE_POS

MAX_FORM_LINES = 50


class FormLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date_of_service: str = ""  # blank: the claim's date of service
    code: str = ""
    modifiers: list[str] = Field(default_factory=list)
    units: int | str = 1
    charge: str = ""  # dollars as typed on the page ("185.00"); blank: the fee schedule's charge
    charge_cents: int | None = None  # the API's way to give the charge (integer cents)
    pointers: str = ""  # diagnosis letters A-L in order, e.g. "AB"
    ndc: str = ""


class ClaimForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    encounter_id: int | None = None
    date_of_service: str = ""
    patient_id: int | None = None
    coverage_id: int | None = None  # the coverage (payer) billed
    billing_provider_id: int | None = None
    rendering_provider_id: int | None = None
    referring_npi: str = ""
    referring_first_name: str = ""
    referring_last_name: str = ""
    place_of_service: str = OFFICE_POS
    prior_authorization: str = ""
    onset_date: str = ""
    accident_date: str = ""
    accident_cause: str = ""
    accident_state: str = ""
    diagnoses: list[str] = Field(default_factory=list)  # in order: A, B, C...
    lines: list[FormLine] = Field(default_factory=list)


class FormProblem(BaseModel):
    field: str
    message: str


class Choice(BaseModel):
    id: int
    label: str
    note: str = ""


class FormChoices(BaseModel):
    """What the form's pickers offer: patients, the chosen patient's coverages, providers."""

    patients: list[Choice] = Field(default_factory=list)
    coverages: list[Choice] = Field(default_factory=list)
    billing_providers: list[Choice] = Field(default_factory=list)
    rendering_providers: list[Choice] = Field(default_factory=list)


class FormCheck(BaseModel):
    """The inline check of a form being keyed: problems that block saving, the scrubber's findings
    (each naming its field) and the charges the fee schedule fills for lines left blank."""

    problems: list[FormProblem] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    fees: dict[int, int] = Field(default_factory=dict)  # line index -> charge in cents from the schedule
    date_of_service: date | None = None
