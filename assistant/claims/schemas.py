"""Pydantic models of the claim import format (docs/claim-import.schema.json) and of claim API results.

The import format is validated for *shape* here (types, required fields, formats); business rules
(NPI check digit, ZIP+4, pointers that reach a diagnosis, code validity...) are scrubber findings, so a
draft can be stored and then fixed. ``parse_claim_document`` turns any problem into an ``InvalidInput``
naming the field as a JSON path, e.g. ``lines[1].charge_cents`` (0-based like JSON).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
    model_validator,
)

from assistant.core.errors import InvalidInput
from assistant.parties.schemas import FILING_INDICATORS
from assistant.parties.telehealth import TelehealthPolicy

ICD_RE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")
PROC_RE = re.compile(r"^[0-9A-Z]{5}$")
MODIFIER_RE = re.compile(r"^[0-9A-Z]{2}$")


def _positive_int(message: str) -> Any:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(message)
        return value

    return BeforeValidator(check)


def _pattern(regex: str, message: str, *, upper: bool = True, strip: str = "") -> Any:
    compiled = re.compile(regex)

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(message)
        text = value.strip()
        for ch in strip:
            text = text.replace(ch, "")
        if upper:
            text = text.upper()
        if not compiled.fullmatch(text):
            raise ValueError(message)
        return text

    return BeforeValidator(check)


def _iso_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError("must be a date in YYYY-MM-DD form")
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"{value!r} is not a real calendar date") from None


# A NUL character cannot be stored (PostgreSQL refuses it in text); other characters outside the X12 set
# are kept and reported by the scrubber's x12-characters rule, with their ASCII spelling.
_NUL = "\x00"


def _text(max_len: int) -> Any:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("must be a non-empty string")
        if _NUL in value:
            raise ValueError("must not hold a NUL character (\\x00): remove it")
        if len(value.strip()) > max_len:
            raise ValueError(f"must be at most {max_len} characters")
        return value.strip()

    return BeforeValidator(check)


def _icd(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be an ICD-10-CM code such as E11.65")
    text = value.strip().upper()
    if not ICD_RE.fullmatch(text):
        raise ValueError(f"{value!r} is not an ICD-10-CM code (letter, digit, character, then up to 4 more)")
    nodot = text.replace(".", "")
    return nodot if len(nodot) == 3 else f"{nodot[:3]}.{nodot[3:]}"


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Cents = Annotated[int, _positive_int("must be a positive integer number of cents")]
Units = Annotated[int, _positive_int("must be a positive whole number of units")]
Npi = Annotated[str, _pattern(r"\d{10}", "must be a 10-digit NPI")]
TaxId = Annotated[str, _pattern(r"\d{9}", "must be a 9-digit tax ID (EIN or SSN)", strip="-")]
Taxonomy = Annotated[
    str, _pattern(r"[0-9]{3}[0-9A-Z]{6}X", "must be a 10-character taxonomy code like 207Q00000X")
]
State = Annotated[str, _pattern(r"[A-Z]{2}", "must be a 2-letter state code")]
Zip = Annotated[str, _pattern(r"\d{5}(\d{4})?", "must be a 5- or 9-digit ZIP code", strip="-")]
Sex = Annotated[str, _pattern(r"[MFU]", "must be M, F or U")]
Pos = Annotated[str, _pattern(r"\d{2}", "must be a 2-digit place-of-service code")]
ProcCode = Annotated[str, _pattern(PROC_RE.pattern, "must be a 5-character CPT or HCPCS code")]
Modifier = Annotated[str, _pattern(MODIFIER_RE.pattern, "must be a 2-character modifier")]
IcdCode = Annotated[str, BeforeValidator(_icd)]
Ndc = Annotated[str, _pattern(r"\d{11}", "must be an 11-digit NDC (5-4-2, dashes allowed)", strip="-")]
# X12 NM109 (AN 2-80) as payers publish them: letters, digits, '-' and '.'; never '/', '\\' or '..', because
# the payer ID also names the batch file of its claims.
PayerId = Annotated[
    str,
    _pattern(
        r"[A-Za-z0-9](?:[A-Za-z0-9-]|\.(?!\.)){1,79}",
        "must be an X12 payer ID: 2-80 letters, digits, '-' or '.' (no spaces, '/' or '..')",
        upper=False,
    ),
]
ClaimId = Annotated[
    str, _pattern(r"[A-Za-z0-9._\-]{1,38}", "must be 1-38 letters, digits, '.', '_' or '-'", upper=False)
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Address(_Model):
    line1: Annotated[str, _text(55)]
    line2: Annotated[str, _text(55)] | None = None
    city: Annotated[str, _text(30)]
    state: State
    zip: Zip


class BillingProvider(_Model):
    npi: Npi
    name: Annotated[str, _text(60)]
    tax_id: TaxId
    taxonomy: Taxonomy | None = None
    address: Address


class RenderingProvider(_Model):
    npi: Npi
    first_name: Annotated[str, _text(35)]
    last_name: Annotated[str, _text(60)]
    taxonomy: Taxonomy | None = None


class ReferringProvider(_Model):
    npi: Npi
    first_name: Annotated[str, _text(35)]
    last_name: Annotated[str, _text(60)]


OPTIONAL_HEADER_KEYS = (
    "referring_provider",
    "onset_date",
    "accident_date",
    "accident_cause",
    "accident_state",
)


class PayerIn(_Model):
    payer_id: PayerId
    name: Annotated[str, _text(60)]
    filing_indicator: str = "CI"
    timely_filing_days: Annotated[int, _positive_int("must be a positive number of days")] | None = None
    telehealth_policy: TelehealthPolicy | None = None

    @model_validator(mode="after")
    def _indicator(self) -> PayerIn:
        self.filing_indicator = self.filing_indicator.upper()
        if self.filing_indicator not in FILING_INDICATORS:
            raise ValueError(
                f"filing_indicator {self.filing_indicator!r} is not a claim filing indicator code "
                "(e.g. CI commercial, MB Medicare Part B, MC Medicaid, BL Blue Cross)"
            )
        return self


class Person(_Model):
    first_name: Annotated[str, _text(35)]
    last_name: Annotated[str, _text(60)]
    dob: IsoDate
    sex: Sex
    address: Address | None = None


class Subscriber(Person):
    member_id: Annotated[str, _text(80)]
    group_number: Annotated[str, _text(50)] | None = None


class ServiceLineIn(_Model):
    date_of_service: IsoDate
    code: ProcCode
    modifiers: list[Modifier] = Field(default_factory=list, max_length=4)
    units: Units = 1
    charge_cents: Cents
    dx_pointers: list[Annotated[int, Field(ge=1, le=12)]] = Field(min_length=1, max_length=4)
    line_control_number: Annotated[str, _text(50)] | None = None
    rendering_provider: RenderingProvider | None = None
    ndc: Ndc | None = None  # National Drug Code (11 digits, 5-4-2) for a drug line: 837P LIN*N4

    @model_serializer(mode="wrap")
    def _without_empty_ndc(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _drop_none(handler(self), ("ndc",))


class PriorAdjustment(_Model):
    """One CAS adjustment of the prior payer (group, CARC, amount in cents; negative reverses)."""

    group: Literal["CO", "PR", "OA", "PI", "CR"]
    reason: Annotated[str, _pattern(r"[0-9A-Z]{1,5}", "must be a CARC such as 45 or B7")]
    amount_cents: int


class PriorPayerLine(_Model):
    """The prior payer's adjudication of one service line (837P loop 2430)."""

    line: Annotated[int, Field(ge=1, le=50)]  # 1-based line of this claim
    code: ProcCode
    modifiers: list[Modifier] = Field(default_factory=list, max_length=4)
    units: Units = 1
    paid_cents: Annotated[int, Field(ge=0)]
    adjustments: list[PriorAdjustment] = Field(default_factory=list)


class OtherSubscriber(_Model):
    """The subscriber of the prior payer's coverage, as 837P loop 2330A carries it (no birth date)."""

    first_name: Annotated[str, _text(35)]
    last_name: Annotated[str, _text(60)]
    member_id: Annotated[str, _text(80)]
    group_number: Annotated[str, _text(50)] | None = None
    address: Address | None = None


class PriorPayer(_Model):
    """On a secondary claim: the primary payer and what it paid and adjusted (837P loops 2320-2330B)."""

    payer: PayerIn
    subscriber: OtherSubscriber
    patient_relationship: Literal["self", "spouse", "child", "other"] = "self"
    claim_id: ClaimId | None = None  # our claim billed to that payer
    payer_claim_number: Annotated[str, _text(50)] | None = None  # its CLP07
    paid_cents: Annotated[int, Field(ge=0)]
    patient_responsibility_cents: Annotated[int, Field(ge=0)] = 0
    adjudication_date: IsoDate
    adjustments: list[PriorAdjustment] = Field(default_factory=list)  # claim-level CAS
    lines: list[PriorPayerLine] = Field(default_factory=list)


class ClaimImport(_Model):
    """The claim import document (one claim)."""

    claim_id: ClaimId
    billing_provider: BillingProvider
    rendering_provider: RenderingProvider | None = None
    payer: PayerIn
    subscriber: Subscriber
    patient_relationship: Literal["self", "spouse", "child", "other"] = "self"
    patient: Person | None = None  # required when patient_relationship is not "self"
    place_of_service: Pos
    frequency_code: Literal["1", "7", "8"] = "1"
    original_claim_number: Annotated[str, _text(50)] | None = None
    prior_authorization: Annotated[str, _text(50)] | None = None
    total_charge_cents: Cents | None = None
    diagnoses: list[IcdCode] = Field(min_length=1, max_length=12)
    lines: list[ServiceLineIn] = Field(min_length=1, max_length=50)
    # Optional header items keyed on the claim form (CMS-1500 boxes 14, 10 and 17; 837P DTP*431,
    # CLM11 + DTP*439, NM1*DN). Left out of the canonical JSON when empty, so older documents keep
    # their content hash.
    referring_provider: ReferringProvider | None = None
    onset_date: IsoDate | None = None
    accident_date: IsoDate | None = None
    accident_cause: Literal["AA", "EM", "OA"] | None = None  # auto, employment, other accident
    accident_state: State | None = None  # required for an auto accident (AA)
    prior_payer: PriorPayer | None = None  # set on a secondary claim: the primary's adjudication

    @model_validator(mode="after")
    def _consistency(self) -> ClaimImport:
        if self.patient_relationship != "self" and self.patient is None:
            raise ValueError("patient: is required when patient_relationship is not 'self'")
        if self.accident_date and not self.accident_cause:
            raise ValueError(
                "accident_cause: is required with accident_date (AA auto, EM employment, OA other)"
            )
        if self.accident_cause == "AA" and not self.accident_state:
            raise ValueError("accident_state: is required for an auto accident (the state it happened in)")
        if self.frequency_code in {"7", "8"} and not self.original_claim_number:
            raise ValueError(
                "original_claim_number: is required for a corrected (7) or void (8) claim; "
                "use the payer's claim number from the 835"
            )
        return self

    @property
    def patient_person(self) -> Person:
        return self.patient if self.patient is not None else self.subscriber

    @property
    def line_total_cents(self) -> int:
        return sum(line.charge_cents for line in self.lines)

    def canonical_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))

    @model_serializer(mode="wrap")
    def _without_empty_form_items(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """The optional form-era header items are left out when empty (older documents keep their hash)."""
        return _drop_none(handler(self), OPTIONAL_HEADER_KEYS)


def _drop_none(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    for key in keys:
        if data.get(key) is None:
            data.pop(key, None)
    return data


# ---------------------------------------------------------------- error formatting


def _loc_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("function-", "constrained-")) or part in {"literal", "list", "int"}:
            continue
        else:
            out += f".{part}" if out else part
    return out or "(document)"


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of the claim import format"
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    if kind == "too_short":
        return f"needs at least {err.get('ctx', {}).get('min_length', 1)} item(s)"
    if kind == "too_long":
        return f"has too many items (at most {err.get('ctx', {}).get('max_length')})"
    if kind in {"greater_than_equal", "less_than_equal"}:
        return "must be a diagnosis position from 1 to 12"
    if kind == "literal_error":
        return f"must be one of {err.get('ctx', {}).get('expected')}"
    return msg


def format_validation_error(exc: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for err in exc.errors():
        path = _loc_path(tuple(err["loc"]))
        msg = _message(err)
        if path == "(document)" and ": " in msg:  # model-level rule naming its own field
            path, msg = msg.split(": ", 1)
        problems.append((prefix + path, msg))
    return problems


def parse_claim_document(data: Any, *, prefix: str = "") -> ClaimImport:
    """Validate one decoded import document; raise InvalidInput listing every problem by field."""
    if not isinstance(data, dict):
        raise InvalidInput(
            "the claim document must be a JSON object",
            field=prefix or "(document)",
            fix="see docs/claim-import.schema.json",
        )
    try:
        return ClaimImport.model_validate(data)
    except ValidationError as exc:
        problems = format_validation_error(exc, prefix)
        text = "; ".join(f"{field}: {msg}" for field, msg in problems)
        raise InvalidInput(
            f"invalid claim: {text}",
            field=problems[0][0],
            fix="correct the named field(s); the format is documented in docs/claim-import.schema.json",
        ) from None


def parse_claim_json(text: str | bytes, *, source: str = "input") -> list[ClaimImport]:
    """Decode JSON text holding one claim object or a list of them."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{source} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            field="(document)",
            fix="fix the JSON syntax (quotes, commas, brackets) at that position",
        ) from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{source} is not UTF-8 text: byte {exc.start} cannot be decoded",
            field="(document)",
            fix="save the file as UTF-8 JSON",
        ) from None
    except RecursionError:
        raise InvalidInput(
            f"{source} is nested too deeply to be a claim document",
            field="(document)",
            fix="send one claim object or a list of them (docs/claim-import.schema.json)",
        ) from None
    if isinstance(data, list):
        if not data:
            raise InvalidInput(
                f"{source} holds an empty list", field="(document)", fix="add at least one claim"
            )
        return [parse_claim_document(item, prefix=f"[{i}].") for i, item in enumerate(data)]
    return [parse_claim_document(data)]


# ---------------------------------------------------------------- results


class Finding(BaseModel):
    rule: str
    severity: Literal["error", "warning"]
    line: int | None = None  # 1-based service line number
    field: str | None = None
    message: str
    fix: str | None = None


class ScrubReport(BaseModel):
    claim_id: str | None = None
    findings: list[Finding] = Field(default_factory=list)
    clean: bool = True  # no errors (warnings allowed)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


class X12Problem(BaseModel):
    """One problem pyx12 found in an X12 document: its words, where it is, and pyx12's other fields
    (``err_cde``, ``ack``...) as pyx12 gives them."""

    model_config = ConfigDict(extra="allow")

    err_str: str | None = None
    message: str | None = None
    where: str = ""

    @property
    def text(self) -> str:
        return self.err_str or self.message or str(self.model_dump(exclude_none=True))


class ClaimLink(BaseModel):
    """A claim named by its ID and status (the claims built from an encounter)."""

    claim_id: str
    status: str


class ChangeOut(BaseModel):
    """One field a re-import changed, before and after, in words."""

    field: str
    before: str
    after: str


class ImportResult(BaseModel):
    claim_id: str
    id: int
    outcome: Literal["created", "unchanged", "updated"]
    status: str
    changes: list[ChangeOut] = Field(default_factory=list)


class RevisionOut(BaseModel):
    """A re-import that changed the claim, with the whole document before and after."""

    at: datetime
    actor: str
    reason: str
    changes: list[ChangeOut]
    before: dict[str, Any]
    after: dict[str, Any]


class StatusEventOut(BaseModel):
    from_status: str | None
    to_status: str
    actor: str
    at: datetime
    note: str | None = None


class HeldBackOut(BaseModel):
    """A ready claim a batch did not send, and every reason why."""

    claim_id: str
    reasons: list[str]


class BatchRunOut(BaseModel):
    """One payer batch request: the 837P file it wrote (None when nothing could go) and what it held back."""

    id: int
    payer_id: str
    payer_name: str
    created_at: datetime
    created_by: str
    file_name: str | None = None
    interchange_control_number: int | None = None
    claim_ids: list[str] = Field(default_factory=list)
    total_charge_cents: int = 0
    held_back: list[HeldBackOut] = Field(default_factory=list)


class ClaimSummary(BaseModel):
    id: int
    claim_id: str
    status: str
    patient: str
    payer_id: str
    payer_name: str
    first_date_of_service: date | None
    total_charge_cents: int
    line_count: int
    code_flags: list[str] = Field(default_factory=list)  # open: codes invalid on their date of service


class ClaimDetail(BaseModel):
    id: int
    claim_id: str
    status: str
    frequency_code: str
    original_claim_number: str | None
    payer_claim_number: str | None
    total_charge_cents: int
    document: ClaimImport
    line_control_numbers: list[str]
    history: list[StatusEventOut]
    replaces: str | None = None  # claim_id of the claim this corrected/void claim replaces
    replaced_by: list[str] = Field(default_factory=list)  # corrected/void claims that replace this one
    revisions: list[RevisionOut] = Field(default_factory=list)  # re-imports, newest last
    diagnosis_titles: dict[str, str] = Field(default_factory=dict)  # code -> title in force on the DOS


class TransitionRequest(BaseModel):
    to: str
    actor: str = "api"
    note: str | None = None


class AcceptedCode(BaseModel):
    """A code accepted from the suggestion engine, fed to ``create_draft_claim_from_codes``."""

    code: str
    system: Literal["ICD-10-CM", "CPT", "HCPCS"]
    modifiers: list[str] = Field(default_factory=list)
    units: int = 1
    charge_cents: int | None = None
