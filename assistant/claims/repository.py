"""All SQL of the claims domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assistant.claims.models import (
    Claim,
    ClaimBatchRun,
    ClaimCodeFlag,
    ClaimRevision,
    ClaimStatus,
    ServiceLine,
    X12Batch,
    X12BatchClaim,
    X12ControlNumber,
)
from assistant.core.db import serialize_writers
from assistant.encounters.models import Encounter
from assistant.parties.models import Payer, Provider

_CLAIM_LOADS = (
    selectinload(Claim.lines).selectinload(ServiceLine.rendering_provider),
    selectinload(Claim.diagnoses),
    selectinload(Claim.history),
    selectinload(Claim.patient),
    selectinload(Claim.coverage),
    selectinload(Claim.payer),
    selectinload(Claim.billing_provider),
    selectinload(Claim.rendering_provider),
)


def claim_by_claim_id(session: Session, claim_id: str) -> Claim | None:
    return session.scalars(select(Claim).where(Claim.claim_id == claim_id).options(*_CLAIM_LOADS)).first()


def claim_by_pk(session: Session, pk: int) -> Claim | None:
    return session.scalars(select(Claim).where(Claim.id == pk).options(*_CLAIM_LOADS)).first()


def list_claims(
    session: Session,
    *,
    status: str | None = None,
    payer_id: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> Sequence[Claim]:
    stmt = select(Claim).options(*_CLAIM_LOADS).order_by(Claim.id.desc()).limit(limit).offset(offset)
    if status:
        stmt = stmt.where(Claim.status == status)
    if payer_id:
        stmt = stmt.join(Payer, Claim.payer_pk == Payer.id).where(Payer.payer_id == payer_id)
    return session.scalars(stmt).all()


def ready_claims_for_payer(session: Session, payer_id: str) -> Sequence[Claim]:
    stmt = (
        select(Claim)
        .join(Payer, Claim.payer_pk == Payer.id)
        .where(Payer.payer_id == payer_id, Claim.status == ClaimStatus.READY.value)
        .options(*_CLAIM_LOADS)
        .order_by(Claim.id)
    )
    return session.scalars(stmt).all()


def payer_by_payer_id(session: Session, payer_id: str) -> Payer | None:
    return session.scalars(select(Payer).where(Payer.payer_id == payer_id)).first()


def provider_by_npi(session: Session, npi: str) -> Provider | None:
    return session.scalars(select(Provider).where(Provider.npi == npi)).first()


def patient_lines_on(
    session: Session,
    patient_id: int,
    dates: list[date],
    exclude_claim_id: str | None,
    skip_statuses: set[str],
) -> list[tuple[ServiceLine, Claim]]:
    stmt = (
        select(ServiceLine, Claim)
        .join(Claim, ServiceLine.claim_pk == Claim.id)
        .where(Claim.patient_id == patient_id, ServiceLine.date_of_service.in_(dates))
        .where(Claim.status.not_in(skip_statuses))
    )
    if exclude_claim_id:
        stmt = stmt.where(Claim.claim_id != exclude_claim_id)
    return [(row[0], row[1]) for row in session.execute(stmt).all()]


def next_control_number(session: Session, name: str) -> int:
    """Increment and return a persisted sequence; unique across runs (the caller's transaction commits it)."""
    serialize_writers(session, f"x12_control_numbers:{name}")  # SQLite ignores FOR UPDATE
    row = session.get(X12ControlNumber, name, with_for_update=True)
    if row is None:
        row = X12ControlNumber(name=name, last_value=0)
        session.add(row)
    row.last_value += 1
    session.flush()
    return row.last_value


def add_batch(session: Session, batch: X12Batch) -> X12Batch:
    session.add(batch)
    session.flush()
    return batch


def claims_by_payer_claim_number(session: Session, payer_claim_number: str, payer_pk: int) -> Sequence[Claim]:
    return session.scalars(
        select(Claim)
        .where(Claim.payer_claim_number == payer_claim_number, Claim.payer_pk == payer_pk)
        .order_by(Claim.id)
    ).all()


def replacements_of(session: Session, claim_pk: int) -> Sequence[Claim]:
    """Corrected (frequency 7) and void (8) claims that replace the claim ``claim_pk``."""
    return session.scalars(select(Claim).where(Claim.replaces_claim_pk == claim_pk).order_by(Claim.id)).all()


def unsubmitted_claims(session: Session, statuses: Sequence[str]) -> Sequence[Claim]:
    return session.scalars(select(Claim).where(Claim.status.in_(list(statuses))).options(*_CLAIM_LOADS)).all()


def code_flags(
    session: Session, status: str | None = "open", claim_pks: Sequence[int] | None = None
) -> Sequence[ClaimCodeFlag]:
    stmt = select(ClaimCodeFlag).order_by(ClaimCodeFlag.id)
    if status:
        stmt = stmt.where(ClaimCodeFlag.status == status)
    if claim_pks is not None:
        stmt = stmt.where(ClaimCodeFlag.claim_pk.in_(list(claim_pks)))
    return session.scalars(stmt).all()


def add_code_flag(session: Session, flag: ClaimCodeFlag) -> ClaimCodeFlag:
    session.add(flag)
    session.flush()
    return flag


def add_revision(session: Session, revision: ClaimRevision) -> ClaimRevision:
    session.add(revision)
    session.flush()
    return revision


def revisions_of(session: Session, claim_pk: int) -> Sequence[ClaimRevision]:
    return session.scalars(
        select(ClaimRevision).where(ClaimRevision.claim_pk == claim_pk).order_by(ClaimRevision.id)
    ).all()


def add_batch_run(session: Session, run: ClaimBatchRun) -> ClaimBatchRun:
    session.add(run)
    session.flush()
    return run


def batch_run(session: Session, run_id: int) -> ClaimBatchRun | None:
    return session.get(ClaimBatchRun, run_id)


def batch_runs(session: Session, limit: int = 50) -> Sequence[ClaimBatchRun]:
    return session.scalars(
        select(ClaimBatchRun)
        .options(selectinload(ClaimBatchRun.batch), selectinload(ClaimBatchRun.payer))
        .order_by(ClaimBatchRun.id.desc())
        .limit(limit)
    ).all()


def batch_claim_ids(session: Session, batch_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Claim.claim_id)
            .join(X12BatchClaim, X12BatchClaim.claim_pk == Claim.id)
            .where(X12BatchClaim.batch_id == batch_id)
            .order_by(Claim.claim_id)
        )
    )


# ---------------------------------------------------------------- the visit a chat draft bills


def encounter_by_id(session: Session, encounter_id: int) -> Encounter | None:
    return session.get(Encounter, encounter_id)


def claims_of_encounter(session: Session, encounter_id: int) -> Sequence[Claim]:
    """The claims built from one encounter, oldest first."""
    return session.scalars(select(Claim).where(Claim.encounter_id == encounter_id).order_by(Claim.id)).all()
