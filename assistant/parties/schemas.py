"""Shapes of the parties domain: what the front desk enters (``*In``) and what every surface shows (``*Out``).

Field-level checks live here (sex, state, ZIP, phone, e-mail, dates that cannot be in the future); rules
that compare fields or read the database (duplicates, payer exists, coverage order, date ranges) live in
``service``. Form inputs are named like the fields (``address.zip``, ``guarantor.phone``) so an error's
field is the input to mark.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictInt

from assistant.parties.npi import is_valid_npi
from assistant.parties.telehealth import DEFAULT_TELEHEALTH_POLICY, TelehealthPolicy

# X12 SBR09 claim filing indicator codes.
FILING_INDICATORS = frozenset(
    {
        "11", "12", "13", "14", "15", "16", "17", "AM", "BL", "CH", "CI", "DS", "FI", "HM", "LM", "MA",
        "MB", "MC", "OF", "TV", "VA", "WC", "ZZ",
    }
)  # fmt: skip
# The patient's relationship to the subscriber, and its X12 individual relationship code (SBR02/PAT01).
RELATIONSHIP_CODES: dict[str, str] = {"self": "18", "spouse": "01", "child": "19", "other": "G8"}
RELATIONSHIPS = tuple(RELATIONSHIP_CODES)
GUARANTOR_RELATIONSHIPS = ("self", "spouse", "parent", "child", "other")
CONTACT_METHODS = ("phone", "text", "email", "mail")
SEXES = ("M", "F", "U")
ORDER_NAMES = {1: "primary", 2: "secondary", 3: "tertiary"}
MAX_COVERAGES = len(ORDER_NAMES)
# USPS codes: the states, DC, the territories and the armed-forces "states".
US_STATES = frozenset(
    """AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY
    NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR VI GU AS MP AA AE AP""".split()  # noqa: SIM905
)
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
PAYER_ID_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,79}")
# NPI entity types (NPPES): a person (a rendering doctor) or an organisation (the billing practice).
ENTITY_TYPES = {"1": "person", "2": "organisation"}
TAXONOMY_RE = re.compile(r"[0-9A-Z]{9}X")  # NUCC health care provider taxonomy, e.g. 207Q00000X


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _upper(value: Any) -> Any:
    value = _blank_to_none(value)
    return value.upper() if isinstance(value, str) else value


def _state(value: str | None) -> str | None:
    if value is not None and value not in US_STATES:
        raise ValueError(f"{value!r} is not a US state or territory code (e.g. IL, NY, DC, PR)")
    return value


def _optional(check: Callable[[str], Any]) -> Callable[[Any], Any]:
    """A check of a field that may be left blank: blank (or None) is None, anything else is checked."""

    def optional(value: Any) -> Any:
        value = _blank_to_none(value)
        return None if value is None else check(str(value))

    return optional


def _digits(pattern: str, message: str) -> Callable[[str], str]:
    """A number typed with or without dashes and spaces (ZIP, tax ID, NPI): its digits, which must match
    ``pattern``."""

    def check(value: str) -> str:
        digits = value.replace("-", "").replace(" ", "")
        if not re.fullmatch(pattern, digits):
            raise ValueError(message)
        return digits

    return check


_zip = _optional(_digits(r"\d{5}(\d{4})?", "must be a 5-digit ZIP code or ZIP+4 (12345 or 12345-6789)"))
_tax_id = _optional(_digits(r"\d{9}", "must be the 9-digit tax ID (EIN 12-3456789, or an SSN)"))
_npi_digits = _digits(r"\d{10}", "must be the 10-digit NPI (e.g. 1234567893)")


@_optional
def _phone(text: str) -> str:
    if re.search(r"[^0-9()+.\- ]", text):
        raise ValueError("must be a phone number: digits, spaces, ( ) - . only")
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        raise ValueError("must be a 10-digit US phone number, e.g. 217-555-0134")
    return digits


@_optional
def _email(value: str) -> str:
    if len(value) > 120 or not EMAIL_RE.fullmatch(value):
        raise ValueError("must be an e-mail address such as name@example.org")
    return value.lower()


def _sex(value: Any) -> Any:
    value = _upper(value)
    if value not in SEXES:
        raise ValueError("must be M, F or U (unknown)")
    return value


def _past_date(value: date) -> date:
    if value > date.today():
        raise ValueError(f"{value.isoformat()} is in the future")
    if value.year < 1900:
        raise ValueError(f"{value.isoformat()} is before 1900")
    return value


def _npi(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None:
        raise ValueError("is required")
    text = _npi_digits(str(value))
    if not is_valid_npi(text):
        raise ValueError(f"{text} is not a valid NPI: its check digit does not match (a typo?)")
    return text


def _taxonomy(value: Any) -> Any:
    value = _upper(value)
    if value is not None and not TAXONOMY_RE.fullmatch(value):
        raise ValueError("must be a 10-character NUCC taxonomy code ending in X, e.g. 207Q00000X")
    return value


def _relationship(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None:
        return "self"
    text = str(value).strip()
    by_code = {code: word for word, code in RELATIONSHIP_CODES.items()}
    word = by_code.get(text.upper(), text.lower())
    if word not in RELATIONSHIP_CODES:
        raise ValueError("must be self (18), spouse (01), child (19) or other (G8)")
    return word


def _name(max_len: int) -> Any:
    def check(value: Any) -> str:
        value = _blank_to_none(value)
        if not isinstance(value, str):
            raise ValueError("is required")
        if len(value) > max_len:
            raise ValueError(f"must be at most {max_len} characters")
        return value

    return BeforeValidator(check)


def _optional_text(max_len: int) -> Any:
    def check(value: Any) -> Any:
        value = _blank_to_none(value)
        if isinstance(value, str) and len(value) > max_len:
            raise ValueError(f"must be at most {max_len} characters")
        return value

    return BeforeValidator(check)


Name = Annotated[str, _name(60)]
OptText55 = Annotated[str | None, _optional_text(55)]
State = Annotated[str | None, BeforeValidator(_upper), AfterValidator(_state)]
Zip = Annotated[str | None, BeforeValidator(_zip)]
Phone = Annotated[str | None, BeforeValidator(_phone)]
Email = Annotated[str | None, BeforeValidator(_email)]
Sex = Annotated[str, BeforeValidator(_sex)]
BirthDate = Annotated[date, AfterValidator(_past_date)]
OptDate = Annotated[date | None, BeforeValidator(_blank_to_none)]
Relationship = Annotated[str, BeforeValidator(_relationship)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AddressIn(_In):
    line1: OptText55 = None
    line2: OptText55 = None
    city: Annotated[str | None, _optional_text(30)] = None
    state: State = None
    zip: Zip = None

    def is_empty(self) -> bool:
        return not any((self.line1, self.line2, self.city, self.state, self.zip))


class GuarantorIn(_In):
    """The person responsible for the bill when it is not the patient."""

    relationship: Literal["spouse", "parent", "child", "other"]
    first_name: Name
    last_name: Name
    address: AddressIn | None = None
    phone: Phone = None


class PatientIn(_In):
    first_name: Name
    last_name: Name
    dob: BirthDate
    sex: Sex
    address: AddressIn | None = None
    phone: Phone = None
    email: Email = None
    preferred_contact: Annotated[
        Literal["phone", "text", "email", "mail"] | None, BeforeValidator(_blank_to_none)
    ] = None
    guarantor: GuarantorIn | None = None  # None: the patient is their own guarantor


class SubscriberIn(_In):
    """The policy holder when the patient is not (spouse, child, other)."""

    first_name: Name
    last_name: Name
    dob: BirthDate
    sex: Sex
    address: AddressIn | None = None


class CoverageIn(_In):
    payer_id: Annotated[str, _name(80)]  # the payer's ID from the payer list (NM109 of NM1*PR)
    member_id: Annotated[str, _name(80)]
    group_number: Annotated[str | None, _optional_text(50)] = None
    order: Annotated[int | None, BeforeValidator(_blank_to_none), Field(ge=1, le=MAX_COVERAGES)] = None
    relationship: Relationship = "self"
    subscriber: SubscriberIn | None = None  # required unless relationship is self
    effective_from: OptDate = None
    effective_to: OptDate = None
    copay_cents: Annotated[StrictInt | None, Field(ge=0, le=10_000_000)] = None


class PayerIn(_In):
    payer_id: Annotated[str, _name(80)]
    name: Name
    filing_indicator: Annotated[str, BeforeValidator(_upper)] = "CI"
    address: AddressIn | None = None  # where paper claims go
    timely_filing_days: Annotated[int | None, BeforeValidator(_blank_to_none), Field(ge=1, le=3650)] = None
    telehealth_policy: TelehealthPolicy = DEFAULT_TELEHEALTH_POLICY


class ProviderIn(_In):
    """A billing (organisation, entity type 2) or rendering (person, entity type 1) provider. Which names
    the entity type needs is checked in ``service`` (a rule over two fields)."""

    npi: Annotated[str, BeforeValidator(_npi)]
    entity_type: Literal["1", "2"] = "1"
    name: Annotated[str | None, _optional_text(60)] = None  # organisation name
    first_name: Annotated[str | None, _optional_text(35)] = None
    last_name: Annotated[str | None, _optional_text(60)] = None
    taxonomy: Annotated[str | None, BeforeValidator(_taxonomy)] = None
    tax_id: Annotated[str | None, BeforeValidator(_tax_id)] = None
    address: AddressIn | None = None


class ReorderIn(_In):
    coverage_ids: list[int]  # primary first


class MergeIn(_In):
    merge_id: int  # the duplicate record; its coverages, encounters, claims and ledger move to the survivor


# ------------------------------------------------------------------------------------------ outputs


class AddressOut(BaseModel):
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


class GuarantorOut(BaseModel):
    relationship: str
    first_name: str | None = None
    last_name: str | None = None
    address: AddressOut | None = None
    phone: str | None = None


class PayerOut(BaseModel):
    id: int
    payer_id: str
    name: str
    filing_indicator: str
    address: AddressOut
    timely_filing_days: int | None
    telehealth_policy: str


class ProviderOut(BaseModel):
    id: int
    npi: str
    entity_type: str  # 1 person, 2 organisation
    entity_name: str
    display_name: str
    name: str | None
    first_name: str | None
    last_name: str | None
    taxonomy: str | None
    tax_id: str | None
    address: AddressOut


class SubscriberOut(BaseModel):
    first_name: str | None
    last_name: str | None
    dob: date | None
    sex: str | None
    address: AddressOut | None = None


class CoverageOut(BaseModel):
    id: int
    order: int
    order_name: str
    payer: PayerOut
    member_id: str
    group_number: str | None
    relationship: str
    relationship_code: str  # X12: 18 self, 01 spouse, 19 child, G8 other
    subscriber: SubscriberOut | None  # None: the patient is the subscriber
    effective_from: date | None
    effective_to: date | None
    copay_cents: int | None
    active: bool  # in force today


class PatientSummary(BaseModel):
    id: int
    first_name: str
    last_name: str
    dob: date
    sex: str
    phone: str | None
    primary_payer: str | None
    primary_member_id: str | None


class PatientOut(BaseModel):
    id: int
    first_name: str
    last_name: str
    dob: date
    sex: str
    address: AddressOut
    phone: str | None
    email: str | None
    preferred_contact: str | None
    guarantor: GuarantorOut
    coverages: list[CoverageOut]
    merged_into_id: int | None


class PatientSaved(BaseModel):
    """A registration or edit, with the other records of the same name and birth date (if confirmed)."""

    patient: PatientOut
    duplicates: list[PatientSummary] = Field(default_factory=list)


class MergeResult(BaseModel):
    survivor_id: int
    merged_id: int
    moved: dict[str, int]  # table -> rows re-pointed to the survivor
    coverages_moved: int
    coverages_combined: int  # the same policy on both records: kept once, the survivor's
