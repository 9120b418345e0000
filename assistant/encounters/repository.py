"""Every query of the encounters domain: encounters, their diagnoses and suggested codes, and the patient
and provider rows they name (read from the parties tables)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assistant.encounters.models import Encounter, EncounterDiagnosis, EncounterSuggestion
from assistant.parties.models import Patient, Provider


def get(session: Session, encounter_id: int) -> Encounter | None:
    return session.get(Encounter, encounter_id)


def add(session: Session, row: Encounter) -> Encounter:
    session.add(row)
    session.flush()
    return row


def queue(
    session: Session,
    *,
    statuses: Sequence[str],
    provider_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    patient_id: int | None = None,
    limit: int = 200,
) -> list[Encounter]:
    stmt = select(Encounter).options(selectinload(Encounter.diagnoses))
    if statuses:
        stmt = stmt.where(Encounter.status.in_(list(statuses)))
    if provider_id is not None:
        stmt = stmt.where(Encounter.rendering_provider_id == provider_id)
    if patient_id is not None:
        stmt = stmt.where(Encounter.patient_id == patient_id)
    if date_from is not None:
        stmt = stmt.where(Encounter.date_of_service >= date_from)
    if date_to is not None:
        stmt = stmt.where(Encounter.date_of_service <= date_to)
    stmt = stmt.order_by(Encounter.date_of_service.desc(), Encounter.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def patients_by_id(session: Session, ids: set[int]) -> dict[int, Patient]:
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Patient).where(Patient.id.in_(ids)))}


def providers_by_id(session: Session, ids: set[int]) -> dict[int, Provider]:
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Provider).where(Provider.id.in_(ids)))}


def suggestion(session: Session, encounter_id: int, system: str, code: str) -> EncounterSuggestion | None:
    return session.scalars(
        select(EncounterSuggestion).where(
            EncounterSuggestion.encounter_id == encounter_id,
            EncounterSuggestion.system == system,
            EncounterSuggestion.code == code,
        )
    ).first()


def add_suggestion(session: Session, row: EncounterSuggestion) -> EncounterSuggestion:
    session.add(row)
    session.flush()
    return row


def delete_suggestion(session: Session, row: EncounterSuggestion) -> None:
    session.delete(row)
    session.flush()


def set_diagnoses(session: Session, encounter: Encounter, codes: list[str]) -> None:
    """Replace the encounter's diagnoses with ``codes`` in order (position 1 = primary)."""
    encounter.diagnoses.clear()
    session.flush()  # the unique (encounter, position) rows go before the new ones come
    encounter.diagnoses.extend(EncounterDiagnosis(position=i, code=c) for i, c in enumerate(codes, 1))
    session.flush()
