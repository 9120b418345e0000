"""All SQL of the parties domain: patients, payers, coverages and providers, and the re-pointing a merge
does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, inspect, or_, select, table, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql import column

from assistant.parties.models import Coverage, Patient, Payer, Provider

_PATIENT_LOADS = (selectinload(Patient.coverages).selectinload(Coverage.payer),)


def add(session: Session, row: Patient | Payer | Coverage | Provider) -> None:
    session.add(row)
    session.flush()


def delete(session: Session, row: Coverage) -> None:
    session.delete(row)
    session.flush()


def patient(session: Session, patient_id: int) -> Patient | None:
    return session.scalars(select(Patient).where(Patient.id == patient_id).options(*_PATIENT_LOADS)).first()


def search_patients(
    session: Session,
    *,
    name: str | None = None,
    dob: date | None = None,
    member_id: str | None = None,
    limit: int = 50,
) -> Sequence[Patient]:
    """Patients (never merged-away records) matching every given criterion; name words match the start
    of the first or last name, case-insensitively."""
    stmt = select(Patient).where(Patient.merged_into_id.is_(None))
    for word in (name or "").lower().split():
        like = f"{word}%"
        stmt = stmt.where(
            or_(func.lower(Patient.first_name).like(like), func.lower(Patient.last_name).like(like))
        )
    if dob is not None:
        stmt = stmt.where(Patient.dob == dob)
    if member_id:
        covered = select(Coverage.patient_id).where(
            func.upper(Coverage.member_id) == member_id.strip().upper()
        )
        stmt = stmt.where(Patient.id.in_(covered))
    stmt = (
        stmt.options(*_PATIENT_LOADS).order_by(Patient.last_name, Patient.first_name, Patient.id).limit(limit)
    )
    return session.scalars(stmt).all()


def same_name_and_dob(
    session: Session,
    first_name: str,
    last_name: str,
    dob: date,
    *,
    exclude_id: int | None = None,
    include_merged: bool = False,
) -> Sequence[Patient]:
    """Patients with this name (case-insensitive) and date of birth, oldest record first (active ones
    only unless ``include_merged``)."""
    stmt = select(Patient).where(
        func.lower(Patient.first_name) == first_name.lower(),
        func.lower(Patient.last_name) == last_name.lower(),
        Patient.dob == dob,
    )
    if not include_merged:
        stmt = stmt.where(Patient.merged_into_id.is_(None))
    if exclude_id is not None:
        stmt = stmt.where(Patient.id != exclude_id)
    return session.scalars(stmt.options(*_PATIENT_LOADS).order_by(Patient.id)).all()


def payer_by_payer_id(session: Session, payer_id: str) -> Payer | None:
    return session.scalars(select(Payer).where(Payer.payer_id == payer_id)).first()


def payers(session: Session) -> Sequence[Payer]:
    return session.scalars(select(Payer).order_by(Payer.name, Payer.payer_id)).all()


def find_coverage(session: Session, patient_id: int, payer_pk: int, member_id: str) -> Coverage | None:
    stmt = select(Coverage).where(
        Coverage.patient_id == patient_id, Coverage.payer_pk == payer_pk, Coverage.member_id == member_id
    )
    return session.scalars(stmt).first()


def max_coverage_order(session: Session, patient_id: int) -> int:
    return session.scalar(select(func.max(Coverage.order)).where(Coverage.patient_id == patient_id)) or 0


def set_coverage_orders(session: Session, orders: dict[int, int]) -> None:
    """Give each coverage (id -> order) its new order in two steps, so the unique (patient, order) pair
    never collides half-way."""
    for coverage_id in orders:
        session.execute(update(Coverage).where(Coverage.id == coverage_id).values(order=-coverage_id))
    for coverage_id, order in orders.items():
        session.execute(update(Coverage).where(Coverage.id == coverage_id).values(order=order))
    session.expire_all()


def referencing_columns(session: Session, target: str) -> list[tuple[str, str]]:
    """Every (table, column) of the live database with a foreign key to ``target``.id, read from the
    database itself, so rows of every domain (claims, encounters, ledger...) are found without this
    domain importing them."""
    inspector = inspect(session.connection())
    found: list[tuple[str, str]] = []
    for name in sorted(inspector.get_table_names()):
        for fk in inspector.get_foreign_keys(name):
            if fk.get("referred_table") == target and fk.get("referred_columns") == ["id"]:
                found.extend((name, col) for col in fk["constrained_columns"])
    return found


def repoint(session: Session, table_name: str, column_name: str, old: int, new: int) -> int:
    """UPDATE table SET column = new WHERE column = old; the number of rows moved."""
    t = table(table_name, column(column_name))
    result = session.execute(update(t).where(t.c[column_name] == old).values({column_name: new}))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def coverage(session: Session, coverage_id: int) -> Coverage | None:
    return session.get(Coverage, coverage_id)


def provider(session: Session, provider_id: int) -> Provider | None:
    return session.get(Provider, provider_id)


def providers(session: Session, entity_type: str) -> Sequence[Provider]:
    """Providers of one NPI entity type (1 person, 2 organisation), by name."""
    stmt = select(Provider).where(Provider.entity_type == entity_type)
    return session.scalars(
        stmt.order_by(Provider.name, Provider.last_name, Provider.first_name, Provider.id)
    ).all()


def provider_by_npi(session: Session, npi: str) -> Provider | None:
    return session.scalars(select(Provider).where(Provider.npi == npi)).first()


def all_providers(session: Session) -> Sequence[Provider]:
    """Every provider: organisations (billing) first, then people, by name."""
    stmt = select(Provider).order_by(
        Provider.entity_type.desc(), Provider.name, Provider.last_name, Provider.first_name, Provider.id
    )
    return session.scalars(stmt).all()
