"""Patients, coverage, payers and providers: register, find, edit, order the coverages, merge duplicates.

Every function works inside the caller's transaction and flushes; a refused input raises an
``AssistantError`` naming the field before anything is written, so nothing is half-saved.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.core.errors import Conflict, InvalidInput, NotFound
from assistant.parties import repository as repo
from assistant.parties.models import Coverage, Patient, Payer, Provider
from assistant.parties.schemas import (
    ENTITY_TYPES,
    FILING_INDICATORS,
    MAX_COVERAGES,
    ORDER_NAMES,
    RELATIONSHIP_CODES,
    AddressIn,
    AddressOut,
    CoverageIn,
    CoverageOut,
    GuarantorOut,
    MergeResult,
    PatientIn,
    PatientOut,
    PatientSaved,
    PatientSummary,
    PayerIn,
    PayerOut,
    ProviderIn,
    ProviderOut,
    SubscriberOut,
)
from assistant.security import audit

PATIENT_MERGE = "patient.merge"
_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})|(\d{1,2})/(\d{1,2})/(\d{4})")


class DuplicatePatient(Conflict):
    """Another active record has the same name and date of birth; the user may confirm and save anyway."""

    def __init__(self, duplicates: list[PatientSummary]) -> None:
        ids = ", ".join(f"#{d.id}" for d in duplicates)
        super().__init__(
            f"a patient with this name and date of birth is already registered ({ids})",
            field="confirm_duplicate",
            fix="open the existing record, or confirm that this is a different person and save again",
        )
        self.duplicates = duplicates

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(super().to_dict())
        data["duplicates"] = [d.model_dump(mode="json") for d in self.duplicates]
        return data


# ------------------------------------------------------------------------------------------ views


def _address(row: Patient | Payer | Provider) -> AddressOut:
    """The address columns of a patient, payer or provider row."""
    return AddressOut(
        line1=row.address_line1, line2=row.address_line2, city=row.city, state=row.state, zip=row.zip
    )


def _set_address(row: Patient | Payer | Provider, address: AddressIn | None) -> None:
    a = address or AddressIn()
    row.address_line1, row.address_line2, row.city, row.state, row.zip = (
        a.line1,
        a.line2,
        a.city,
        a.state,
        a.zip,
    )


def _address_dict(address: AddressIn | None) -> dict[str, str] | None:
    if address is None or address.is_empty():
        return None
    return {k: v for k, v in address.model_dump().items() if v is not None}


def payer_out(p: Payer) -> PayerOut:
    return PayerOut(
        id=p.id,
        payer_id=p.payer_id,
        name=p.name,
        filing_indicator=p.filing_indicator,
        address=_address(p),
        timely_filing_days=p.timely_filing_days,
        telehealth_policy=p.telehealth_policy,
    )


def is_active(c: Coverage, on: date) -> bool:
    """True when the coverage is in force on ``on`` (open-ended dates count as in force)."""
    return (c.effective_from is None or c.effective_from <= on) and (
        c.effective_to is None or on <= c.effective_to
    )


def coverage_out(c: Coverage, today: date | None = None) -> CoverageOut:
    subscriber = None
    if c.relationship_to_subscriber != "self":
        subscriber = SubscriberOut(
            first_name=c.subscriber_first_name,
            last_name=c.subscriber_last_name,
            dob=c.subscriber_dob,
            sex=c.subscriber_sex,
            address=AddressOut(**c.subscriber_address) if c.subscriber_address else None,
        )
    return CoverageOut(
        id=c.id,
        order=c.order,
        order_name=ORDER_NAMES.get(c.order, f"#{c.order}"),
        payer=payer_out(c.payer),
        member_id=c.member_id,
        group_number=c.group_number,
        relationship=c.relationship_to_subscriber,
        relationship_code=RELATIONSHIP_CODES.get(c.relationship_to_subscriber, "G8"),
        subscriber=subscriber,
        effective_from=c.effective_from,
        effective_to=c.effective_to,
        copay_cents=c.copay_cents,
        active=is_active(c, today or date.today()),
    )


def patient_out(p: Patient) -> PatientOut:
    guarantor = GuarantorOut(relationship=p.guarantor_relationship or "self")
    if p.guarantor_relationship and p.guarantor_relationship != "self":
        guarantor = GuarantorOut(
            relationship=p.guarantor_relationship,
            first_name=p.guarantor_first_name,
            last_name=p.guarantor_last_name,
            address=AddressOut(**p.guarantor_address) if p.guarantor_address else None,
            phone=p.guarantor_phone,
        )
    return PatientOut(
        id=p.id,
        first_name=p.first_name,
        last_name=p.last_name,
        dob=p.dob,
        sex=p.sex,
        address=_address(p),
        phone=p.phone,
        email=p.email,
        preferred_contact=p.preferred_contact,
        guarantor=guarantor,
        coverages=[coverage_out(c) for c in sorted(p.coverages, key=lambda c: c.order)],
        merged_into_id=p.merged_into_id,
    )


def summary(p: Patient) -> PatientSummary:
    primary = min(p.coverages, key=lambda c: c.order) if p.coverages else None
    return PatientSummary(
        id=p.id,
        first_name=p.first_name,
        last_name=p.last_name,
        dob=p.dob,
        sex=p.sex,
        phone=p.phone,
        primary_payer=primary.payer.name if primary else None,
        primary_member_id=primary.member_id if primary else None,
    )


# --------------------------------------------------------------------------------------- patients


def _patient_row(session: Session, patient_id: int) -> Patient:
    p = repo.patient(session, patient_id)
    if p is None:
        raise NotFound(f"no patient #{patient_id}", field="patient_id", fix="search the patient list")
    return p


def _active_row(session: Session, patient_id: int) -> Patient:
    p = _patient_row(session, patient_id)
    if p.merged_into_id is not None:
        raise Conflict(
            f"patient #{patient_id} was merged into #{p.merged_into_id}",
            field="patient_id",
            fix=f"work on patient #{p.merged_into_id}",
        )
    return p


def _check_contact(data: PatientIn) -> None:
    needs = {"email": ("email", data.email), "phone": ("phone", data.phone), "text": ("phone", data.phone)}
    if data.preferred_contact in needs:
        field, value = needs[data.preferred_contact]
        if not value:
            raise InvalidInput(
                f"preferred contact is {data.preferred_contact} but no {field} is given",
                field=field,
                fix=f"enter the {field}, or choose another preferred contact",
            )
    if data.preferred_contact == "mail" and (data.address is None or not data.address.line1):
        raise InvalidInput(
            "preferred contact is mail but no street address is given",
            field="address.line1",
            fix="enter the address, or choose another preferred contact",
        )


def _fill_patient(p: Patient, data: PatientIn) -> None:
    p.first_name, p.last_name, p.dob, p.sex = data.first_name, data.last_name, data.dob, data.sex
    _set_address(p, data.address)
    p.phone, p.email, p.preferred_contact = data.phone, data.email, data.preferred_contact
    g = data.guarantor
    p.guarantor_relationship = g.relationship if g else "self"
    p.guarantor_first_name = g.first_name if g else None
    p.guarantor_last_name = g.last_name if g else None
    p.guarantor_address = _address_dict(g.address) if g else None
    p.guarantor_phone = g.phone if g else None


def _duplicates(session: Session, data: PatientIn, exclude_id: int | None) -> list[PatientSummary]:
    rows = repo.same_name_and_dob(session, data.first_name, data.last_name, data.dob, exclude_id=exclude_id)
    return [summary(r) for r in rows]


def register_patient(session: Session, data: PatientIn, *, confirm_duplicate: bool = False) -> PatientSaved:
    """A new patient. The same name and date of birth as an active record raises ``DuplicatePatient``
    unless ``confirm_duplicate`` (the user says it is a different person)."""
    _check_contact(data)
    duplicates = _duplicates(session, data, None)
    if duplicates and not confirm_duplicate:
        raise DuplicatePatient(duplicates)
    p = Patient()
    _fill_patient(p, data)
    repo.add(session, p)
    return PatientSaved(patient=patient_out(_patient_row(session, p.id)), duplicates=duplicates)


def update_patient(
    session: Session, patient_id: int, data: PatientIn, *, confirm_duplicate: bool = False
) -> PatientSaved:
    p = _active_row(session, patient_id)
    _check_contact(data)
    renamed = (p.first_name.lower(), p.last_name.lower(), p.dob) != (
        data.first_name.lower(),
        data.last_name.lower(),
        data.dob,
    )
    duplicates = _duplicates(session, data, patient_id) if renamed else []
    if duplicates and not confirm_duplicate:
        raise DuplicatePatient(duplicates)
    _fill_patient(p, data)
    session.flush()
    return PatientSaved(patient=patient_out(p), duplicates=duplicates)


def get_patient(session: Session, patient_id: int) -> PatientOut:
    return patient_out(_patient_row(session, patient_id))


def possible_duplicates(session: Session, patient_id: int) -> list[PatientSummary]:
    """Other active records with this patient's name and date of birth (candidates for a merge)."""
    p = _patient_row(session, patient_id)
    if p.merged_into_id is not None:
        return []
    rows = repo.same_name_and_dob(session, p.first_name, p.last_name, p.dob, exclude_id=p.id)
    return [summary(r) for r in rows]


def parse_date(text: str) -> date | None:
    """2026-01-31 or 1/31/2026 (the two ways people type a birth date); None when ``text`` is neither."""
    m = _DATE_RE.fullmatch(text.strip())
    if m is None:
        return None
    try:
        if m.group(1):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return date(int(m.group(6)), int(m.group(4)), int(m.group(5)))
    except ValueError:
        return None


def search_patients(
    session: Session,
    q: str = "",
    *,
    name: str | None = None,
    dob: date | None = None,
    member_id: str | None = None,
    limit: int = 50,
) -> list[PatientSummary]:
    """Find patients. ``q`` is what the front desk types in one box: a birth date (2026-01-31 or
    1/31/2026), or words matching the names, or a member ID; ``name``/``dob``/``member_id`` narrow."""
    rows: dict[int, Patient] = {}
    words = q.strip()
    typed_dob = parse_date(words) if words else None
    if typed_dob is not None:
        dob, words = typed_dob, ""
    for p in repo.search_patients(
        session, name=(name or "") + " " + words, dob=dob, member_id=member_id, limit=limit
    ):
        rows[p.id] = p
    if words and " " not in words:  # one token: it may also be a member ID
        for p in repo.search_patients(session, name=name, dob=dob, member_id=words, limit=limit):
            rows.setdefault(p.id, p)
    ordered = sorted(rows.values(), key=lambda p: (p.last_name.lower(), p.first_name.lower(), p.id))
    return [summary(p) for p in ordered[:limit]]


# ----------------------------------------------------------------------------------------- payers


def _payer_row(session: Session, payer_id: str) -> Payer:
    p = repo.payer_by_payer_id(session, payer_id.strip())
    if p is None:
        raise InvalidInput(
            f"no payer with payer ID {payer_id!r}",
            field="payer_id",
            fix="choose a payer from the payer list, or add it on the Payers page (assistant payers add)",
        )
    return p


def _fill_payer(p: Payer, data: PayerIn) -> None:
    if data.filing_indicator not in FILING_INDICATORS:
        raise InvalidInput(
            f"{data.filing_indicator!r} is not a claim filing indicator",
            field="filing_indicator",
            fix="use an X12 SBR09 code such as CI (commercial), MB (Medicare Part B), MC (Medicaid), BL",
        )
    p.name, p.filing_indicator = data.name, data.filing_indicator
    _set_address(p, data.address)
    p.timely_filing_days, p.telehealth_policy = data.timely_filing_days, data.telehealth_policy


def add_payer(session: Session, data: PayerIn) -> PayerOut:
    if repo.payer_by_payer_id(session, data.payer_id) is not None:
        raise Conflict(
            f"payer ID {data.payer_id} is already in the payer list",
            field="payer_id",
            fix="edit that payer instead",
        )
    p = Payer(payer_id=data.payer_id)
    _fill_payer(p, data)
    repo.add(session, p)
    return payer_out(p)


def update_payer(session: Session, payer_id: str, data: PayerIn) -> PayerOut:
    p = _payer_row(session, payer_id)
    if data.payer_id != p.payer_id:
        raise InvalidInput(
            "a payer's ID cannot change (claims and remittances name it)",
            field="payer_id",
            fix="add a new payer for the new ID",
        )
    _fill_payer(p, data)
    session.flush()
    return payer_out(p)


def list_payers(session: Session) -> list[PayerOut]:
    return [payer_out(p) for p in repo.payers(session)]


def get_payer(session: Session, payer_id: str) -> PayerOut:
    return payer_out(_payer_row(session, payer_id))


# -------------------------------------------------------------------------------------- providers


def provider_out(p: Provider) -> ProviderOut:
    return ProviderOut(
        id=p.id,
        npi=p.npi,
        entity_type=p.entity_type,
        entity_name=ENTITY_TYPES.get(p.entity_type, p.entity_type),
        display_name=p.display_name,
        name=p.name,
        first_name=p.first_name,
        last_name=p.last_name,
        taxonomy=p.taxonomy,
        tax_id=p.tax_id,
        address=_address(p),
    )


def _provider_row(session: Session, provider_id: int) -> Provider:
    p = repo.provider(session, provider_id)
    if p is None:
        raise NotFound(
            f"no provider #{provider_id}", field="provider_id", fix="choose one from the provider list"
        )
    return p


def _check_provider_names(data: ProviderIn) -> None:
    """A person (entity type 1) has a first and last name; an organisation (2) has a name."""
    if data.entity_type == "2":
        if not data.name:
            raise InvalidInput(
                "an organisation (entity type 2) needs its name",
                field="name",
                fix="enter the practice's name as on its NPI record, or choose entity type 1 for a person",
            )
        return
    for field, label in (("first_name", "first"), ("last_name", "last")):
        if not getattr(data, field):
            raise InvalidInput(
                f"a person (entity type 1) needs a {label} name",
                field=field,
                fix=f"enter the provider's {label} name, or choose entity type 2 for an organisation",
            )


def _fill_provider(p: Provider, data: ProviderIn) -> None:
    p.entity_type = data.entity_type
    person = data.entity_type == "1"
    p.name = None if person else data.name
    p.first_name = data.first_name if person else None
    p.last_name = data.last_name if person else None
    p.taxonomy, p.tax_id = data.taxonomy, data.tax_id
    _set_address(p, data.address)


def add_provider(session: Session, data: ProviderIn) -> ProviderOut:
    """Register a billing or rendering provider; an NPI already registered is refused."""
    _check_provider_names(data)
    same = repo.provider_by_npi(session, data.npi)
    if same is not None:
        raise Conflict(
            f"NPI {data.npi} is already registered ({same.display_name}, provider #{same.id})",
            field="npi",
            fix=f"edit provider #{same.id} instead (on /providers, or PUT /api/providers/{same.id})",
        )
    p = Provider(npi=data.npi)
    _fill_provider(p, data)
    repo.add(session, p)
    return provider_out(p)


def update_provider(session: Session, provider_id: int, data: ProviderIn) -> ProviderOut:
    """Edit a provider's names, taxonomy, tax ID and address; the NPI stays (claims name it)."""
    p = _provider_row(session, provider_id)
    if data.npi != p.npi:
        raise InvalidInput(
            f"a provider's NPI cannot change (provider #{provider_id} is NPI {p.npi}; claims name it)",
            field="npi",
            fix="add a new provider for the other NPI",
        )
    _check_provider_names(data)
    _fill_provider(p, data)
    session.flush()
    return provider_out(p)


def list_providers(session: Session) -> list[ProviderOut]:
    return [provider_out(p) for p in repo.all_providers(session)]


def get_provider(session: Session, provider_id: int) -> ProviderOut:
    return provider_out(_provider_row(session, provider_id))


# -------------------------------------------------------------------------------------- coverages


def _check_coverage(patient: Patient, data: CoverageIn, coverage_id: int | None) -> None:
    if data.effective_from and data.effective_to and data.effective_to < data.effective_from:
        raise InvalidInput(
            f"the coverage ends ({data.effective_to}) before it starts ({data.effective_from})",
            field="effective_to",
            fix="check the dates on the insurance card",
        )
    if data.relationship != "self" and data.subscriber is None:
        raise InvalidInput(
            f"the patient is the subscriber's {data.relationship}: the subscriber is required",
            field="subscriber.first_name",
            fix="enter the policy holder's name, date of birth and sex",
        )
    others = [c for c in patient.coverages if c.id != coverage_id]
    if data.order is not None and any(c.order == data.order for c in others):
        raise InvalidInput(
            f"patient #{patient.id} already has a {ORDER_NAMES[data.order]} coverage",
            field="order",
            fix="choose another order, or reorder the coverages first",
        )


def _fill_coverage(c: Coverage, payer: Payer, data: CoverageIn) -> None:
    c.payer_pk, c.payer = payer.id, payer
    c.member_id, c.group_number = data.member_id, data.group_number
    c.relationship_to_subscriber = data.relationship
    sub = data.subscriber if data.relationship != "self" else None
    c.subscriber_first_name = sub.first_name if sub else None
    c.subscriber_last_name = sub.last_name if sub else None
    c.subscriber_dob = sub.dob if sub else None
    c.subscriber_sex = sub.sex if sub else None
    c.subscriber_address = _address_dict(sub.address) if sub else None
    c.effective_from, c.effective_to, c.copay_cents = data.effective_from, data.effective_to, data.copay_cents


def _same_policy(
    session: Session, patient: Patient, payer: Payer, member_id: str, coverage_id: int | None
) -> None:
    found = repo.find_coverage(session, patient.id, payer.id, member_id)
    if found is not None and found.id != coverage_id:
        raise Conflict(
            f"patient #{patient.id} already has {payer.name} member ID {member_id}",
            field="member_id",
            fix="edit that coverage instead",
        )


def add_coverage(session: Session, patient_id: int, data: CoverageIn) -> CoverageOut:
    """A coverage at ``data.order`` (default: after the last one); at most primary, secondary, tertiary."""
    patient = _active_row(session, patient_id)
    payer = _payer_row(session, data.payer_id)
    _check_coverage(patient, data, None)
    _same_policy(session, patient, payer, data.member_id, None)
    order = data.order or repo.max_coverage_order(session, patient.id) + 1
    if order > MAX_COVERAGES:
        raise Conflict(
            f"patient #{patient.id} already has {MAX_COVERAGES} coverages (primary, secondary, tertiary)",
            field="order",
            fix="end or edit a coverage instead of adding a fourth",
        )
    c = Coverage(patient_id=patient.id, order=order)
    _fill_coverage(c, payer, data)
    repo.add(session, c)
    _compact_orders(session, patient.id)
    return coverage_out(_coverage_row(_patient_row(session, patient.id), c.id))


def _compact_orders(session: Session, patient_id: int) -> None:
    """Keep the ranks 1, 2, 3... without gaps (a lone "tertiary" coverage is the secondary)."""
    session.expire_all()
    ranked = sorted(_patient_row(session, patient_id).coverages, key=lambda c: c.order)
    wanted = {c.id: n for n, c in enumerate(ranked, start=1)}
    if any(c.order != wanted[c.id] for c in ranked):
        repo.set_coverage_orders(session, wanted)


def _coverage_row(patient: Patient, coverage_id: int) -> Coverage:
    for c in patient.coverages:
        if c.id == coverage_id:
            return c
    raise NotFound(f"patient #{patient.id} has no coverage #{coverage_id}", field="coverage_id")


def update_coverage(session: Session, patient_id: int, coverage_id: int, data: CoverageIn) -> CoverageOut:
    patient = _active_row(session, patient_id)
    c = _coverage_row(patient, coverage_id)
    payer = _payer_row(session, data.payer_id)
    _check_coverage(patient, data, coverage_id)
    _same_policy(session, patient, payer, data.member_id, coverage_id)
    _fill_coverage(c, payer, data)
    session.flush()
    if data.order is not None and data.order != c.order:
        repo.set_coverage_orders(session, {coverage_id: data.order})
        _compact_orders(session, patient_id)
    return coverage_out(_coverage_row(_patient_row(session, patient_id), coverage_id))


def reorder_coverages(session: Session, patient_id: int, coverage_ids: list[int]) -> PatientOut:
    """Primary, secondary, tertiary in the order given; every coverage of the patient, each once."""
    patient = _active_row(session, patient_id)
    have = {c.id for c in patient.coverages}
    if len(set(coverage_ids)) != len(coverage_ids):
        raise InvalidInput("a coverage is listed twice", field="coverage_ids", fix="list each coverage once")
    if set(coverage_ids) != have:
        raise InvalidInput(
            f"the new order must list every coverage of patient #{patient_id} ({sorted(have)})",
            field="coverage_ids",
            fix="send all of the patient's coverage ids, primary first",
        )
    repo.set_coverage_orders(session, {cid: n for n, cid in enumerate(coverage_ids, start=1)})
    return get_patient(session, patient_id)


def move_coverage_up(session: Session, patient_id: int, coverage_id: int) -> PatientOut:
    """Swap a coverage with the one ranked just above it (secondary becomes primary...)."""
    patient = _active_row(session, patient_id)
    ids = [c.id for c in sorted(patient.coverages, key=lambda c: c.order)]
    _coverage_row(patient, coverage_id)
    i = ids.index(coverage_id)
    if i > 0:
        ids[i - 1], ids[i] = ids[i], ids[i - 1]
    return reorder_coverages(session, patient_id, ids)


def coverages_in_force(session: Session, patient_id: int, on: date) -> list[CoverageOut]:
    """The patient's coverages in force on ``on`` (a date of service), primary first."""
    patient = _active_row(session, patient_id)
    ranked = sorted(patient.coverages, key=lambda c: c.order)
    return [coverage_out(c, on) for c in ranked if is_active(c, on)]


def coverage_for_service(session: Session, patient_id: int, coverage_id: int, on: date) -> CoverageOut:
    """The coverage a claim bills for a visit on ``on``; refused when it is not the patient's or not in
    force that day (ended before, or starting after, the date of service)."""
    patient = _active_row(session, patient_id)
    c = _coverage_row(patient, coverage_id)
    if c.effective_to is not None and c.effective_to < on:
        raise InvalidInput(
            f"the {c.payer.name} coverage ended on {c.effective_to}, before the date of service {on}",
            field="coverage_id",
            fix="bill a coverage in force that day, or correct the coverage's termination date",
        )
    if c.effective_from is not None and on < c.effective_from:
        raise InvalidInput(
            f"the {c.payer.name} coverage starts on {c.effective_from}, after the date of service {on}",
            field="coverage_id",
            fix="bill a coverage in force that day, or correct the coverage's effective date",
        )
    return coverage_out(c, on)


# ------------------------------------------------------------------------------------------ merge


def _combine_coverages(session: Session, survivor: Patient, merged: Patient) -> tuple[int, int]:
    """Move the merged record's coverages to the survivor after its own; the same policy on both is kept
    once (the claims that used the merged record's copy now use the survivor's)."""
    moved = combined = 0
    next_order = repo.max_coverage_order(session, survivor.id) + 1
    for c in sorted(merged.coverages, key=lambda c: c.order):
        twin = repo.find_coverage(session, survivor.id, c.payer_pk, c.member_id)
        if twin is not None:
            for table_name, column_name in repo.referencing_columns(session, "coverages"):
                repo.repoint(session, table_name, column_name, c.id, twin.id)
            repo.delete(session, c)
            combined += 1
            continue
        c.patient_id, c.order = survivor.id, next_order
        session.flush()
        next_order += 1
        moved += 1
    return moved, combined


def merge_patients(
    session: Session, survivor_id: int, merged_id: int, *, actor: str, ip: str | None = None
) -> MergeResult:
    """Merge a duplicate record into the survivor: coverages, encounters, claims, ledger rows, payments,
    plans and statements move to the survivor; the duplicate is kept, marked merged, and leaves the
    lists. One audit entry names both records."""
    if survivor_id == merged_id:
        raise InvalidInput(
            "a patient cannot be merged into itself", field="merge_id", fix="choose the duplicate"
        )
    survivor = _active_row(session, survivor_id)
    merged = _active_row(session, merged_id)
    try:
        moved_cov, combined = _combine_coverages(session, survivor, merged)
        moved: dict[str, int] = {}
        for table_name, column_name in repo.referencing_columns(session, "patients"):
            if (table_name, column_name) == ("coverages", "patient_id"):
                continue
            count = repo.repoint(session, table_name, column_name, merged.id, survivor.id)
            if count:
                moved[table_name] = moved.get(table_name, 0) + count
        session.expire_all()
        merged = _patient_row(session, merged_id)
        merged.merged_into_id = survivor_id
        session.flush()
        _compact_orders(session, survivor_id)
    except IntegrityError as exc:
        raise Conflict(
            "the two records hold rows that cannot be combined (e.g. a statement of the same cycle)",
            field="merge_id",
            fix=f"resolve the clash first; database said: {str(exc.orig)[:160]}",
        ) from None
    result = MergeResult(
        survivor_id=survivor_id,
        merged_id=merged_id,
        moved=moved,
        coverages_moved=moved_cov,
        coverages_combined=combined,
    )
    detail = {
        "survivor_id": survivor_id,
        "merged_id": merged_id,
        "moved": moved,
        "coverages_moved": moved_cov,
    }
    audit.record(session, actor, PATIENT_MERGE, "patient", survivor_id, ip, detail)
    return result


# -------------------------------------------------------------------- parties named by a claim file


def payer_for_claim(session: Session, payer_id: str, name: str) -> Payer:
    """The payer of an imported claim: the listed one, or a new list entry under that ID."""
    payer = repo.payer_by_payer_id(session, payer_id)
    if payer is None:
        payer = Payer(payer_id=payer_id, name=name)
        repo.add(session, payer)
    return payer


def _survivor(session: Session, patient: Patient) -> Patient:
    """The record a merged-away patient now lives in (following merges of merges)."""
    seen = {patient.id}
    while patient.merged_into_id is not None and patient.merged_into_id not in seen:
        seen.add(patient.merged_into_id)
        patient = _patient_row(session, patient.merged_into_id)
    return patient


def find_patient(session: Session, first_name: str, last_name: str, dob: date) -> Patient | None:
    """The record of this name and birth date: the oldest active one, else the survivor of a merged one
    (a claim file still spelling a merged duplicate's name lands on the surviving record)."""
    found = repo.same_name_and_dob(session, first_name, last_name, dob, include_merged=True)
    active = [p for p in found if p.merged_into_id is None]
    if active:
        return active[0]
    return _survivor(session, found[0]) if found else None


def patient_for_claim(session: Session, first_name: str, last_name: str, dob: date, sex: str) -> Patient:
    """The registered patient of this name and birth date (``find_patient``), or a new registration:
    a person is stored once whether they were keyed at the front desk or arrived in a claim file."""
    found = find_patient(session, first_name, last_name, dob)
    if found is not None:
        return found
    patient = Patient(first_name=first_name, last_name=last_name, dob=dob, sex=sex)
    repo.add(session, patient)
    return patient


def coverage_for_claim(session: Session, patient: Patient, payer: Payer, member_id: str) -> Coverage:
    """The patient's coverage with this payer and member ID, or a new one ranked after the others."""
    coverage = repo.find_coverage(session, patient.id, payer.id, member_id)
    if coverage is None:
        order = repo.max_coverage_order(session, patient.id) + 1
        coverage = Coverage(patient_id=patient.id, payer_pk=payer.id, member_id=member_id, order=order)
        repo.add(session, coverage)
    return coverage


# ------------------------------------------------------- records for the claim form, schedule and encounters


def patient_record(session: Session, patient_id: int) -> Patient | None:
    """The stored patient (merged-away records too: their history still names them)."""
    return repo.patient(session, patient_id)


def coverages_of(session: Session, patient_id: int) -> list[Coverage]:
    """The patient's coverages in billing order (primary first); none for an unknown patient."""
    p = repo.patient(session, patient_id)
    return sorted(p.coverages, key=lambda c: (c.order, c.id)) if p is not None else []


def coverage_record(session: Session, coverage_id: int) -> Coverage | None:
    return repo.coverage(session, coverage_id)


def first_coverage_in_force(session: Session, patient_id: int, on: date) -> Coverage | None:
    """The coverage billed first for a visit on ``on`` (the primary in force; None: self-pay)."""
    return next((c for c in coverages_of(session, patient_id) if is_active(c, on)), None)


def provider_record(session: Session, provider_id: int) -> Provider | None:
    return repo.provider(session, provider_id)


def providers_of_type(session: Session, entity_type: str) -> list[Provider]:
    """Rendering providers are people (NPI entity type 1); billing providers organisations (2)."""
    return list(repo.providers(session, entity_type))
