"""All SQL of the security domain."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.security.models import ApiToken, AuditEntry, AuthSession, User


def user_by_name(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def list_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.username)).all()


def add(session: Session, obj: object) -> None:
    session.add(obj)
    session.flush()


def token_by_hash(session: Session, digest: str) -> ApiToken | None:
    return session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).one_or_none()


def token_by_id(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def tokens_of(session: Session, user_id: int) -> Sequence[ApiToken]:
    return session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)).all()


def auth_session(session: Session, session_id: str) -> AuthSession | None:
    return session.get(AuthSession, session_id)


def open_sessions_of(session: Session, user_id: int) -> Sequence[AuthSession]:
    return session.scalars(
        select(AuthSession).where(AuthSession.user_id == user_id, AuthSession.ended_at.is_(None))
    ).all()


def revoke_tokens_of(session: Session, user_id: int, when: datetime) -> int:
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = when
    return len(tokens)


def last_audit_entry(session: Session) -> AuditEntry | None:
    return session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one_or_none()


def audit_entry(session: Session, entry_id: int) -> AuditEntry | None:
    return session.get(AuditEntry, entry_id)


def first_audit_entry(session: Session, action: str) -> AuditEntry | None:
    return session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id).limit(1)
    ).one_or_none()


def recent_audit_times(session: Session, actions: Sequence[str], ip: str, since: str) -> list[str]:
    """Timestamps (oldest first) of entries with one of ``actions`` from ``ip`` at or after ``since``."""
    rows = session.scalars(
        select(AuditEntry.ts)
        .where(AuditEntry.action.in_(actions), AuditEntry.ip == ip, AuditEntry.ts >= since)
        .order_by(AuditEntry.id)
    ).all()
    return list(rows)


def iter_audit(session: Session, batch: int = 1000) -> Iterator[AuditEntry]:
    """Every entry in id order, read in batches (the log can be long)."""
    after = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].id


def audit_entries(
    session: Session, *, actor: str | None = None, action: str | None = None, limit: int = 100
) -> Sequence[AuditEntry]:
    query = select(AuditEntry)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action.like(action.replace("*", "%")))
    return session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)).all()


def count_audit(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def audit_page(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[Sequence[AuditEntry], int]:
    """Newest first, filtered; ``since``/``until`` compare with the ISO ``ts`` text (until is exclusive)."""
    query = select(AuditEntry)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action.like(action.replace("*", "%")))
    if since:
        query = query.where(AuditEntry.ts >= since)
    if until:
        query = query.where(AuditEntry.ts < until)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).offset(offset).limit(limit)).all()
    return rows, total
