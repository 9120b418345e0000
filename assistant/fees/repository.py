"""All SQL of the fee schedule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assistant.fees.models import FeeScheduleEntry


def entries_for(session: Session, code: str, modifier: str | None = None) -> Sequence[FeeScheduleEntry]:
    stmt = select(FeeScheduleEntry).where(FeeScheduleEntry.code == code)
    if modifier is not None:
        stmt = stmt.where(FeeScheduleEntry.modifier == modifier)
    return session.scalars(stmt.order_by(FeeScheduleEntry.effective_from)).all()


def in_force(session: Session, code: str, modifiers: Sequence[str], on: date) -> Sequence[FeeScheduleEntry]:
    """Entries of ``code`` in force on ``on`` whose modifier is one of ``modifiers`` or blank."""
    stmt = select(FeeScheduleEntry).where(
        FeeScheduleEntry.code == code,
        FeeScheduleEntry.modifier.in_([*modifiers, ""]),
        FeeScheduleEntry.effective_from <= on,
        or_(FeeScheduleEntry.effective_to.is_(None), FeeScheduleEntry.effective_to >= on),
    )
    return session.scalars(stmt).all()


def list_entries(
    session: Session, code: str | None = None, on: date | None = None, limit: int = 500
) -> Sequence[FeeScheduleEntry]:
    stmt = select(FeeScheduleEntry)
    if code:
        stmt = stmt.where(FeeScheduleEntry.code == code)
    if on is not None:
        stmt = stmt.where(
            FeeScheduleEntry.effective_from <= on,
            or_(FeeScheduleEntry.effective_to.is_(None), FeeScheduleEntry.effective_to >= on),
        )
    order = (FeeScheduleEntry.code, FeeScheduleEntry.modifier, FeeScheduleEntry.effective_from)
    return session.scalars(stmt.order_by(*order).limit(limit)).all()


def entry_by_id(session: Session, entry_id: int) -> FeeScheduleEntry | None:
    return session.get(FeeScheduleEntry, entry_id)


def add(session: Session, entry: FeeScheduleEntry) -> FeeScheduleEntry:
    session.add(entry)
    session.flush()
    return entry


def delete(session: Session, entry: FeeScheduleEntry) -> None:
    session.delete(entry)
    session.flush()
