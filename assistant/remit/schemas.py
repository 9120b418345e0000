"""Typed views of a parsed 835 and of posting results. Money is integer cents."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, computed_field

# CLP02 claim status codes (meaning in our own words).
CLAIM_STATUS_MEANING = {
    "1": "processed as primary",
    "2": "processed as secondary",
    "3": "processed as tertiary",
    "4": "denied",
    "19": "processed as primary, forwarded to another payer",
    "20": "processed as secondary, forwarded to another payer",
    "21": "processed as tertiary, forwarded to another payer",
    "22": "reversal of a previous payment",
    "23": "not our claim, forwarded to another payer",
    "25": "predetermination only, no payment",
}
FORWARDED_STATUSES = frozenset({"19", "20", "21", "23"})
REVERSAL_STATUS = "22"


class Adjustment(BaseModel):
    group: str  # CO | OA | PI | PR | CR
    reason: str  # CARC
    amount_cents: int
    quantity: str | None = None
    segment: int  # index of the CAS segment in the file


class RemitLineIn(BaseModel):
    index: int  # 1-based within the claim
    procedure_qualifier: str
    procedure_code: str
    modifiers: list[str] = Field(default_factory=list)
    original_procedure_code: str | None = None  # SVC06 when the payer changed the code
    original_modifiers: list[str] = Field(default_factory=list)
    charge_cents: int
    paid_cents: int
    units_paid: str | None = None
    original_units: str | None = None
    service_date: date | None = None
    line_control_number: str | None = None  # REF*6R
    allowed_cents: int | None = None  # AMT*B6
    adjustments: list[Adjustment] = Field(default_factory=list)
    remarks: list[str] = Field(default_factory=list)  # LQ*HE / RX
    segment: int

    @property
    def billed_code(self) -> str:
        """The code as we billed it (SVC06 when present, else SVC01)."""
        return self.original_procedure_code or self.procedure_code

    @property
    def billed_modifiers(self) -> list[str]:
        return self.original_modifiers if self.original_procedure_code else self.modifiers


class RemitClaimIn(BaseModel):
    index: int  # 1-based within the transaction
    claim_id: str  # CLP01, our patient control number
    status_code: str  # CLP02
    charge_cents: int
    paid_cents: int
    patient_responsibility_cents: int
    filing_indicator: str | None = None
    payer_claim_number: str | None = None  # CLP07
    facility_type: str | None = None
    frequency_code: str | None = None
    patient_last_name: str | None = None
    patient_first_name: str | None = None
    member_id: str | None = None
    rendering_npi: str | None = None
    crossover_payer_name: str | None = None  # NM1*TT
    crossover_payer_id: str | None = None
    statement_from: date | None = None
    statement_to: date | None = None
    received_date: date | None = None  # DTM*050
    adjustments: list[Adjustment] = Field(default_factory=list)  # claim-level CAS
    remarks: list[str] = Field(default_factory=list)  # MOA/MIA remark codes
    lines: list[RemitLineIn] = Field(default_factory=list)
    segment: int


class ProviderAdjustmentIn(BaseModel):
    provider_id: str
    fiscal_period_date: date | None
    reason: str  # PLB03-1 (WO, L6, FB, 72, ...)
    reference: str | None  # PLB03-2
    amount_cents: int  # positive reduces the payment
    segment: int


class Party(BaseModel):
    name: str | None = None
    identifier: str | None = None  # payer: REF*2U, N104 or TRN03; payee: NPI (XX) or N104
    qualifier: str | None = None
    tax_id: str | None = None


class RemitTransactionIn(BaseModel):
    index: int  # 1-based ST/SE within the file
    control_number: str  # ST02
    handling_code: str  # BPR01
    payment_cents: int  # BPR02
    credit_debit: str  # BPR03
    payment_method: str | None  # BPR04: ACH, CHK, NON, BOP, FWT
    payment_date: date | None  # BPR16
    trace_number: str  # TRN02 (check or EFT number)
    trace_originator: str | None  # TRN03
    production_date: date | None  # DTM*405
    payer: Party
    payee: Party
    claims: list[RemitClaimIn] = Field(default_factory=list)
    provider_adjustments: list[ProviderAdjustmentIn] = Field(default_factory=list)

    @property
    def payer_key(self) -> str:
        return self.payer.identifier or self.trace_originator or (self.payer.name or "")

    @property
    def remit_date(self) -> date | None:
        return self.payment_date or self.production_date


class ParsedRemit(BaseModel):
    file_sha256: str
    filename: str | None = None
    transactions: list[RemitTransactionIn]


class Imbalance(BaseModel):
    where: str  # "transaction 0001", "claim CLM-1 (segment #16)", "claim CLM-1 line 2 (segment #27)"
    expected_cents: int
    actual_cents: int
    rule: str


class WorkItemOut(BaseModel):
    id: int
    remit_id: int
    remit_claim_id: int | None
    remit_line_id: int | None
    kind: str
    reason: str
    status: str
    created_at: datetime


class LineMatchOut(BaseModel):
    line_index: int
    procedure_code: str
    service_line_id: int | None
    line_number: int | None
    method: str  # lcn | exact | fuzzy-modifier | unmatched
    note: str | None = None


class ClaimPostingOut(BaseModel):
    claim_id: str
    status_code: str
    outcome: str  # paid | partially_paid | denied | reversed | forwarded | unmatched | ...
    posted: bool  # False when it had been posted before (idempotent re-import)
    claim_pk: int | None
    new_claim_status: str | None
    lines: list[LineMatchOut] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class ImportReport(BaseModel):
    remit_ids: list[int]
    file_sha256: str
    claims_posted: int  # recorded from this file (matched to a claim on file, or held as unmatched)
    claims_skipped: int  # not posted: already posted before, or a possible duplicate
    provider_adjustments_posted: int
    work_items: int
    # same payer, claim, lines, dates and amounts as a payment already posted, but another trace, CLP02
    # or CLP07: not posted, put in the work queue of the remit that posted it first
    claims_possible_duplicates: int = 0
    claims: list[ClaimPostingOut] = Field(default_factory=list)
    # Patient-billing ledger postings made from this remittance (payments, adjustments, PR transfers).
    ledger: list[dict[str, Any]] = Field(default_factory=list)
    ledger_errors: list[str] = Field(default_factory=list)
    # recorded but matching no claim on file: held in the remit work queue, not posted to any claim
    claims_unmatched: int = 0

    def summary(self) -> ImportSummary:
        return ImportSummary(
            posted=self.claims_posted - self.claims_unmatched,
            held=self.claims_unmatched,
            already_posted=self.claims_skipped - self.claims_possible_duplicates,
            possible_duplicates=self.claims_possible_duplicates,
            work_items=self.work_items,
            remit_ids=self.remit_ids,
        )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def message(self) -> str:
        """The import's outcome in words (the page shows the same sentence)."""
        return self.summary().message()


class ImportSummary(BaseModel):
    """What an 835 import did, by claim: posted to a claim on file, held in the work queue (no claim on
    file), skipped as already posted, skipped as a possible duplicate. Carried in the redirect after the
    import form, so the page shows it without keeping state."""

    posted: int = 0
    held: int = 0
    already_posted: int = 0
    possible_duplicates: int = 0
    work_items: int = 0
    remit_ids: list[int] = Field(default_factory=list)

    def message(self) -> str:
        parts = [f"{self.posted} claim(s) posted"]
        if self.held:
            parts.append(f"{self.held} held in the work queue (no matching claim on file)")
        if self.already_posted:
            parts.append(f"{self.already_posted} skipped as already posted")
        if self.possible_duplicates:
            parts.append(f"{self.possible_duplicates} skipped as possible duplicate(s) (see the work queue)")
        other = self.work_items - self.held - self.possible_duplicates
        if other > 0:
            parts.append(f"{other} other work-queue item(s)")
        return "Imported: " + ", ".join(parts) + "."


# ------------------------------------------------------------------ read side: a stored remittance


class RemitAdjustmentOut(BaseModel):
    group: str
    carc: str
    amount_cents: int
    quantity: str | None


class RemitLineOut(BaseModel):
    id: int
    line_index: int
    procedure_code: str
    modifiers: list[str]
    service_date: date | None
    service_line_id: int | None
    match_method: str
    match_note: str | None
    line_control_number: str | None
    charge_cents: int
    paid_cents: int
    allowed_cents: int | None
    contractual_cents: int
    patient_responsibility_cents: int
    deductible_cents: int
    coinsurance_cents: int
    copay_cents: int
    remarks: list[str]
    adjustments: list[RemitAdjustmentOut]


class RemitClaimOut(BaseModel):
    id: int
    claim_id: str  # CLP01
    claim_pk: int | None
    status_code: str
    outcome: str
    charge_cents: int
    paid_cents: int
    patient_responsibility_cents: int
    payer_claim_number: str | None
    crossover_payer_name: str | None
    remarks: list[str]
    notes: list[str]
    adjustments: list[RemitAdjustmentOut]  # claim-level
    lines: list[RemitLineOut]


class ProviderAdjustmentOut(BaseModel):
    provider_id: str
    reason: str
    reference: str | None
    amount_cents: int
    fiscal_period_date: date | None


class RemitSummary(BaseModel):
    id: int
    payer_id: str
    payer_name: str | None
    payee_name: str | None
    payee_npi: str | None
    trace_number: str
    payment_cents: int
    payment_method: str | None
    payment_date: date | None
    status: str
    claim_count: int
    file_sha256: str
    imported_at: datetime


class RemitDetail(RemitSummary):
    provider_adjustments: list[ProviderAdjustmentOut]
    claims: list[RemitClaimOut]
    work_items: list[WorkItemOut]
