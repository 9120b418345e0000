"""Append-only, hash-chained audit log (HIPAA 164.312(b)).

``record(session, actor, action, target_type, target_id, ip, detail)`` is the API every domain calls
inside its own transaction. Each entry's ``hash`` is sha256 over the canonical JSON of
``{id, ts, actor, action, target_type, target_id, ip, detail, prev_hash}``; the first entry's
``prev_hash`` is 64 zeros. Editing, deleting or re-ordering any row breaks ``verify_chain``; SQLite
triggers refuse UPDATE/DELETE and no code path issues them.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from assistant.core.db import serialize_writers
from assistant.core.errors import InvalidInput
from assistant.security import repository as repo
from assistant.security.models import AuditEntry
from assistant.security.schemas import AuditEntryView, AuditPage, ChainReport, Principal

GENESIS = "0" * 64

# Action vocabulary (free text is allowed, but prefer these).
LOGIN_SUCCESS = "login.success"
LOGIN_FAILURE = "login.failure"
LOGIN_LOCKED = "login.locked"
LOGOUT = "logout"
SESSION_EXPIRED = "session.expired"
TOKEN_AUTH_FAILURE = "token.failure"
ACCESS_DENIED = "access.denied"
PHI_READ = "phi.read"
PHI_WRITE = "phi.write"
EXPORT_837 = "export.837"
EXPORT_PDF = "export.pdf"
PERMISSION_CHANGE = "permission.change"
USER_CREATE = "user.create"
USER_DISABLE = "user.disable"
USER_ENABLE = "user.enable"
USER_UNLOCK = "user.unlock"
TOKEN_ISSUE = "token.issue"
TOTP_ENROLL = "totp.enroll"
TOTP_ENABLE = "totp.enable"
BACKUP_CREATE = "backup.create"
BACKUP_RESTORE = "backup.restore"


def canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    payload = canonical({**fields, "prev_hash": prev_hash})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "ts": entry.ts,
        "actor": entry.actor,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "ip": entry.ip,
        "detail": entry.detail,
    }


def record(
    session: Session,
    actor: str | Principal,
    action: str,
    target_type: str | None = None,
    target_id: str | int | None = None,
    ip: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry (flushed, committed with the caller's transaction). Never put PHI in ``detail``."""
    if not action:
        raise InvalidInput("audit action is empty", field="action", fix="name the action, e.g. phi.read")
    who = actor.username if isinstance(actor, Principal) else (actor or "anonymous")
    serialize_writers(session, "audit_log")  # app workers append one at a time: the chain never forks
    last = repo.last_audit_entry(session)
    entry = AuditEntry(
        id=(last.id + 1) if last else 1,
        ts=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        actor=who[:64],
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        ip=ip,
        detail=canonical(detail or {}),
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = entry_hash(_fields(entry), entry.prev_hash)
    repo.add(session, entry)
    return entry


def verify_chain(session: Session) -> ChainReport:
    """Walk the log in id order; report the first entry whose link or content does not check out."""
    prev_hash, expected_id, count = GENESIS, 1, 0
    for entry in repo.iter_audit(session):
        count += 1
        reason = None
        if entry.id != expected_id:
            reason = f"entry {expected_id} is missing (next id is {entry.id})"
        elif entry.prev_hash != prev_hash:
            reason = "prev_hash does not match the previous entry's hash"
        elif entry_hash(_fields(entry), entry.prev_hash) != entry.hash:
            reason = "content does not match its hash (the entry was altered)"
        if reason:
            return ChainReport(
                intact=False, entries=count, last_hash=prev_hash, broken_id=entry.id, reason=reason
            )
        prev_hash, expected_id = entry.hash, entry.id + 1
    return ChainReport(intact=True, entries=count, last_hash=None if count == 0 else prev_hash)


def to_view(entry: AuditEntry) -> AuditEntryView:
    return AuditEntryView(
        id=entry.id,
        ts=entry.ts,
        actor=entry.actor,
        action=entry.action,
        target_type=entry.target_type,
        target_id=entry.target_id,
        ip=entry.ip,
        detail=json.loads(entry.detail or "{}"),
        hash=entry.hash,
    )


def list_entries(
    session: Session, *, actor: str | None = None, action: str | None = None, limit: int = 100
) -> list[AuditEntryView]:
    """Newest first. ``action`` may end in ``*`` (e.g. ``login.*``)."""
    return [to_view(e) for e in repo.audit_entries(session, actor=actor, action=action, limit=limit)]


def page(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
    per_page: int = 50,
) -> AuditPage:
    """One page of entries, newest first. ``since``/``until`` are inclusive UTC dates."""
    if page < 1:
        raise InvalidInput("page starts at 1", field="page", fix="use page=1 for the newest entries")
    if not 1 <= per_page <= 500:
        raise InvalidInput("per_page must be 1 to 500", field="per_page", fix="e.g. per_page=50")
    if since and until and since > until:
        raise InvalidInput("since is after until", field="since", fix="give since <= until")
    rows, total = repo.audit_page(
        session,
        actor=actor or None,
        action=action or None,
        since=since.isoformat() if since else None,
        until=(until + timedelta(days=1)).isoformat() if until else None,
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    pages = max(1, -(-total // per_page))
    return AuditPage(
        entries=[to_view(e) for e in rows], total=total, page=page, per_page=per_page, pages=pages
    )
