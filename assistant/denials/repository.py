"""Every query of the denials domain (patterns and local rules)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.denials.models import DenialPattern, LocalRule


def active_local_rules(session: Session) -> Sequence[LocalRule]:
    return session.scalars(select(LocalRule).where(LocalRule.active.is_(True)).order_by(LocalRule.id)).all()


def active_rule_of_pattern(session: Session, pattern_id: int) -> LocalRule | None:
    return session.scalar(
        select(LocalRule).where(LocalRule.pattern_id == pattern_id, LocalRule.active.is_(True))
    )


def patterns_seen_at_least(session: Session, min_count: int) -> Sequence[DenialPattern]:
    return session.scalars(
        select(DenialPattern).where(DenialPattern.count >= min_count).order_by(DenialPattern.count.desc())
    ).all()


def pattern_for(
    session: Session, payer_id: str, group_code: str, reason_code: str, procedure_code: str
) -> DenialPattern | None:
    return session.scalar(
        select(DenialPattern).where(
            DenialPattern.payer_id == payer_id,
            DenialPattern.group_code == group_code,
            DenialPattern.reason_code == reason_code,
            DenialPattern.procedure_code == procedure_code,
        )
    )
