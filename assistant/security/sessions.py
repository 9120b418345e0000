"""Server-side sessions: idle timeout (default 15 minutes) and an absolute lifetime.

The cookie holds a random token; the database keeps only its SHA-256 (``AuthSession.id``). Every
request calls ``resume``: an idle or expired session is ended (audited) and refused.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from assistant.config import Settings
from assistant.security import audit, csrf
from assistant.security import repository as repo
from assistant.security.errors import Unauthorized
from assistant.security.keys import load_or_create_key
from assistant.security.models import AuthSession, User, utcnow
from assistant.security.permissions import permissions_for
from assistant.security.schemas import NewSession, Principal
from assistant.security.tokens import new_session_token, token_hash

COOKIE_NAME = "assistant_session"


def principal_for(user: User, method: str, session_id: str | None = None) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        role=user.role,
        permissions=permissions_for(user.role),
        method=method,
        session_id=session_id,
        must_change_password=bool(user.must_change_password),
    )


def start(
    session: Session,
    settings: Settings,
    principal: Principal,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
) -> NewSession:
    """Open a session for an authenticated principal (call after ``authenticate_password``)."""
    raw = new_session_token()
    now = utcnow()
    record = AuthSession(
        id=token_hash(raw),
        user_id=principal.user_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_max_hours),
        ip=ip,
        user_agent=(user_agent or "")[:255] or None,
    )
    repo.add(session, record)
    bound = principal.model_copy(update={"method": "session", "session_id": record.id})
    return NewSession(
        token=raw,
        session_id=record.id,
        csrf_token=csrf.issue(load_or_create_key(settings.resolved_secret_key_path), record.id),
        expires_at=record.expires_at,
        principal=bound,
    )


def _end(session: Session, record: AuthSession, reason: str, actor: str, ip: str | None) -> None:
    record.ended_at = utcnow()
    record.end_reason = reason
    action = audit.LOGOUT if reason == "logout" else audit.SESSION_EXPIRED
    audit.record(session, actor, action, "session", record.id[:12], ip, {"reason": reason})


def resume(
    session: Session, settings: Settings, raw_token: str | None, *, ip: str | None = None
) -> Principal:
    """The principal of a live session, refreshing its idle clock; ``Unauthorized`` otherwise.

    An expired session is ended and audited, and that bookkeeping is committed before raising.
    """
    if not raw_token:
        raise Unauthorized("not signed in", field="session", fix="sign in")
    record = repo.auth_session(session, token_hash(raw_token))
    if record is None or record.ended_at is not None:
        raise Unauthorized(
            "session is not valid (signed out or unknown)", field="session", fix="sign in again"
        )
    user = repo.user_by_id(session, record.user_id)
    now = utcnow()
    reason = None
    if user is None or user.disabled:
        reason = "user-disabled"
    elif now - record.last_seen_at > timedelta(minutes=settings.session_idle_minutes):
        reason = "idle"
    elif now >= record.expires_at:
        reason = "absolute"
    if reason:
        _end(session, record, reason, user.username if user else "unknown", ip)
        session.commit()
        message = {
            "idle": f"session ended after {settings.session_idle_minutes} minutes without activity",
            "absolute": f"session reached its {settings.session_max_hours}-hour limit",
            "user-disabled": "this account is disabled",
        }[reason]
        raise Unauthorized(message, field="session", fix="sign in again")
    assert user is not None
    record.last_seen_at = now
    return principal_for(user, "session", record.id)


def end(session: Session, raw_token: str, *, ip: str | None = None) -> bool:
    """Sign out. Returns False when the session was already ended or unknown."""
    record = repo.auth_session(session, token_hash(raw_token))
    if record is None or record.ended_at is not None:
        return False
    user = repo.user_by_id(session, record.user_id)
    _end(session, record, "logout", user.username if user else "unknown", ip)
    return True


def end_all_for_user(session: Session, user_id: int, reason: str, actor: str) -> int:
    """End every open session of a user (disable, role change, password change)."""
    records = repo.open_sessions_of(session, user_id)
    for record in records:
        _end(session, record, reason, actor, None)
    return len(records)


def csrf_secret(settings: Settings) -> bytes:
    return load_or_create_key(settings.resolved_secret_key_path)
