"""All SQL of the remit domain."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.claims.models import Claim, ServiceLine
from assistant.remit.models import (
    Remit,
    RemitAdjustment,
    RemitClaim,
    RemitLine,
    RemitProviderAdjustment,
    RemitWorkItem,
)


def remit_by_file_tx(session: Session, file_sha256: str, transaction_index: int) -> Remit | None:
    return session.scalar(
        select(Remit).where(Remit.file_sha256 == file_sha256, Remit.transaction_index == transaction_index)
    )


def remit_by_pk(session: Session, pk: int) -> Remit | None:
    return session.get(Remit, pk)


def list_remits(session: Session, limit: int = 100, offset: int = 0) -> Sequence[Remit]:
    return session.scalars(select(Remit).order_by(Remit.id.desc()).limit(limit).offset(offset)).all()


def remit_by_payment(session: Session, payer_id: str, trace_number: str, payment_cents: int) -> Remit | None:
    return session.scalar(
        select(Remit).where(
            Remit.payer_id == payer_id,
            Remit.trace_number == trace_number,
            Remit.payment_cents == payment_cents,
        )
    )


def posted_claims_for(session: Session, payer_id: str, clp_claim_id: str) -> Sequence[RemitClaim]:
    """Every posted payment or reversal of one claim (CLP01) from one payer, in posting order."""
    return session.scalars(
        select(RemitClaim)
        .join(Remit, Remit.id == RemitClaim.remit_id)
        .where(Remit.payer_id == payer_id, RemitClaim.clp_claim_id == clp_claim_id)
        .order_by(RemitClaim.id)
    ).all()


def paid_total(session: Session, remit_id: int) -> int:
    """Sum of CLP04 posted under one remit."""
    return int(
        session.scalar(select(func.sum(RemitClaim.paid_cents)).where(RemitClaim.remit_id == remit_id)) or 0
    )


def open_work_item_exists(session: Session, remit_claim_id: int | None, kind: str, reason: str) -> bool:
    return (
        session.scalar(
            select(RemitWorkItem.id).where(
                RemitWorkItem.remit_claim_id == remit_claim_id,
                RemitWorkItem.kind == kind,
                RemitWorkItem.reason == reason,
                RemitWorkItem.status == "open",
            )
        )
        is not None
    )


def posting_key_exists(session: Session, key: str) -> bool:
    return session.scalar(select(RemitClaim.id).where(RemitClaim.posting_key == key)) is not None


def plb_key_exists(session: Session, key: str) -> bool:
    return (
        session.scalar(select(RemitProviderAdjustment.id).where(RemitProviderAdjustment.posting_key == key))
        is not None
    )


def claim_by_claim_id(session: Session, claim_id: str) -> Claim | None:
    return session.scalar(select(Claim).where(Claim.claim_id == claim_id))


def claim_by_payer_claim_number(session: Session, number: str) -> Claim | None:
    return session.scalar(select(Claim).where(Claim.payer_claim_number == number).order_by(Claim.id.desc()))


def service_line_by_lcn(session: Session, lcn: str) -> ServiceLine | None:
    return session.scalar(select(ServiceLine).where(ServiceLine.line_control_number == lcn))


def remit_claims(session: Session, remit_id: int) -> Sequence[RemitClaim]:
    return session.scalars(
        select(RemitClaim).where(RemitClaim.remit_id == remit_id).order_by(RemitClaim.claim_index)
    ).all()


def remit_claims_for_claim(session: Session, claim_pk: int) -> Sequence[RemitClaim]:
    return session.scalars(
        select(RemitClaim).where(RemitClaim.claim_pk == claim_pk).order_by(RemitClaim.id)
    ).all()


def line_adjustments(session: Session, remit_line_id: int) -> Sequence[RemitAdjustment]:
    return session.scalars(
        select(RemitAdjustment)
        .where(RemitAdjustment.remit_line_id == remit_line_id)
        .order_by(RemitAdjustment.id)
    ).all()


def claim_level_adjustments(session: Session, remit_claim_id: int) -> Sequence[RemitAdjustment]:
    return session.scalars(
        select(RemitAdjustment)
        .where(RemitAdjustment.remit_claim_id == remit_claim_id, RemitAdjustment.remit_line_id.is_(None))
        .order_by(RemitAdjustment.id)
    ).all()


def remit_lines(session: Session, remit_claim_id: int) -> Sequence[RemitLine]:
    return session.scalars(
        select(RemitLine).where(RemitLine.remit_claim_id == remit_claim_id).order_by(RemitLine.line_index)
    ).all()


def work_items(
    session: Session, status: str | None = "open", remit_id: int | None = None
) -> Sequence[RemitWorkItem]:
    stmt = select(RemitWorkItem).order_by(RemitWorkItem.id)
    if status:
        stmt = stmt.where(RemitWorkItem.status == status)
    if remit_id is not None:
        stmt = stmt.where(RemitWorkItem.remit_id == remit_id)
    return session.scalars(stmt).all()


def count_rows(session: Session) -> dict[str, int]:
    out = {}
    for model in (Remit, RemitClaim, RemitLine, RemitAdjustment, RemitProviderAdjustment, RemitWorkItem):
        out[model.__tablename__] = session.scalar(select(func.count()).select_from(model)) or 0
    return out
