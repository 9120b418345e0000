"""Append-only audit log sealed with a keyed MAC chain (HIPAA 164.312(b)).

``record(session, actor, action, target_type, target_id, ip, detail)`` is the API every domain calls
inside its own transaction. Each entry's ``hash`` is HMAC-SHA256, keyed by the audit key file (outside
the database), over the canonical JSON of ``{id, ts, actor, action, target_type, target_id, ip, detail,
prev_hash}``; the first entry's ``prev_hash`` is 64 zeros. Without the key nobody can rewrite an entry
and recompute the chain. After each commit the newest entry's id and MAC are appended to the anchor
file (``audit_anchor``), so cutting the newest rows is caught too.

Logs written before the MAC (plain sha256 links) are kept: the first entry written by this version is an
``audit.seal`` entry that names the last legacy entry; ``verify_chain`` checks the entries before it as
sha256 links and every entry from it on with the key (see docs/security.md, "Audit log").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from assistant.config import get_settings
from assistant.core.db import serialize_writers
from assistant.core.errors import InvalidInput
from assistant.security import audit_anchor
from assistant.security import repository as repo
from assistant.security.keys import load_or_create_key
from assistant.security.models import AuditEntry
from assistant.security.schemas import AuditEntryView, AuditPage, ChainReport, Principal

GENESIS = "0" * 64
SCHEME = "hmac-sha256"

# Action vocabulary (free text is allowed, but prefer these).
LOGIN_SUCCESS = "login.success"
LOGIN_FAILURE = "login.failure"
LOGIN_LOCKED = "login.locked"
LOGIN_THROTTLED = "login.throttled"
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
USER_PASSWORD = "user.password"
TOKEN_ISSUE = "token.issue"
TOKEN_REVOKE = "token.revoke"
TOKEN_EXPIRE = "token.expire"
TOTP_ENROLL = "totp.enroll"
TOTP_ENABLE = "totp.enable"
TOTP_RESET = "totp.reset"
BACKUP_CREATE = "backup.create"
BACKUP_RESTORE = "backup.restore"
AUDIT_SEAL = "audit.seal"


def _default_key() -> bytes:
    return load_or_create_key(get_settings().resolved_audit_key_path)


_key_provider: Callable[[], bytes] = _default_key


def audit_key() -> bytes:
    return _key_provider()


def set_key_provider(provider: Callable[[], bytes] | None) -> None:
    """Override where the audit key comes from (an app or test with its own settings)."""
    global _key_provider
    _key_provider = provider or _default_key


def canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def legacy_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """The link of logs written before the keyed MAC: plain sha256 (anyone can recompute it)."""
    payload = canonical({**fields, "prev_hash": prev_hash})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def entry_mac(key: bytes, fields: dict[str, Any], prev_hash: str) -> str:
    payload = canonical({**fields, "prev_hash": prev_hash})
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


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


def _mac_ok(key: bytes, entry: AuditEntry) -> bool:
    return hmac.compare_digest(entry_mac(key, _fields(entry), entry.prev_hash), entry.hash)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
TARGET_ID_LENGTH = 128  # AuditEntry.target_id


def printable_target(target_id: str | int | None) -> str | None:
    """A caller's target ID as the log can hold it: control characters (a NUL, which PostgreSQL text refuses)
    written as ``\\xNN`` and the length cut to the column's. The attempt stays recorded, readable."""
    if target_id is None:
        return None
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(target_id))
    return text[:TARGET_ID_LENGTH]


def _append(
    session: Session,
    key: bytes,
    last: AuditEntry | None,
    who: str,
    action: str,
    target_type: str | None,
    target_id: str | int | None,
    ip: str | None,
    detail: dict[str, Any] | None,
) -> AuditEntry:
    entry = AuditEntry(
        id=(last.id + 1) if last else 1,
        ts=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        actor=who[:64],
        action=action,
        target_type=target_type,
        target_id=printable_target(target_id),
        ip=ip,
        detail=canonical(detail or {}),
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = entry_mac(key, _fields(entry), entry.prev_hash)
    repo.add(session, entry)
    return entry


def _unsealed_legacy_log(session: Session, last: AuditEntry) -> bool:
    """A log written before the MAC, met for the first time: its newest entry is a valid sha256 link, no
    seal exists, and nothing was anchored yet. Once anything is anchored, an unkeyed newest entry is a
    rewrite (verify reports it), never a new legacy part to seal."""
    return (
        legacy_hash(_fields(last), last.prev_hash) == last.hash
        and repo.first_audit_entry(session, AUDIT_SEAL) is None
        and not audit_anchor.default_anchor().has_lines()
    )


def record(
    session: Session,
    actor: str | Principal,
    action: str,
    target_type: str | None = None,
    target_id: str | int | None = None,
    ip: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry (flushed, committed with the caller's transaction). Never put PHI in ``detail``.

    The first entry written after an upgrade from the unkeyed chain is preceded by an ``audit.seal``
    entry naming the last legacy entry. After the commit the new head goes to the anchor file."""
    if not action:
        raise InvalidInput("audit action is empty", field="action", fix="name the action, e.g. phi.read")
    who = actor.username if isinstance(actor, Principal) else (actor or "anonymous")
    key = audit_key()
    serialize_writers(session, "audit_log")  # app workers append one at a time: the chain never forks
    last = repo.last_audit_entry(session)
    if last is not None and not _mac_ok(key, last) and _unsealed_legacy_log(session, last):
        seal = {"legacy_through": last.id, "legacy_scheme": "sha256", "scheme": SCHEME}
        last = _append(session, key, last, "system", AUDIT_SEAL, "audit_log", None, None, seal)
    entry = _append(session, key, last, who, action, target_type, target_id, ip, detail)
    first = entry if entry.id == 1 else repo.audit_entry(session, 1)
    audit_anchor.remember_head(session, chain=first.hash if first else "", entry_id=entry.id, mac=entry.hash)
    return entry


PROVES = (
    "every entry from the seal on was written by a holder of the audit key, in this order, unchanged",
    "no entry before the seal changed since the seal was written (its MAC covers the last legacy link)",
    "no entry up to the newest anchored id was removed or replaced",
)
CANNOT_PROVE = (
    "tampering by someone who holds the audit key file",
    "removal of entries newer than the newest anchored id (e.g. a commit whose anchor write failed)",
    "removal of entries when the anchor file was cut as well: keep it on append-only storage or "
    "forward the log lines elsewhere",
    "changes to legacy (unkeyed) entries made before the seal was written",
)


def verify_chain(
    session: Session, *, key: bytes | None = None, anchor: audit_anchor.Anchor | None = None
) -> ChainReport:
    """Walk the log in id order: each link, each MAC (sha256 before the seal), then the anchored heads.

    Reports the first entry that does not check out. ``anchor`` None: the chain alone (a restored backup).
    """
    key = key if key is not None else audit_key()
    seal = repo.first_audit_entry(session, AUDIT_SEAL)
    legacy_through = seal.id - 1 if seal is not None else 0
    first = repo.audit_entry(session, 1)
    anchored = anchor.heads(first.hash) if anchor is not None and first is not None else {}
    prev_hash, expected_id, count = GENESIS, 1, 0

    def report(intact: bool, **extra: Any) -> ChainReport:
        return ChainReport(
            intact=intact,
            entries=count,
            last_hash=None if count == 0 else prev_hash,
            scheme=SCHEME if legacy_through == 0 else f"sha256 to entry {legacy_through}, then {SCHEME}",
            legacy_entries=legacy_through,
            anchored_id=max(anchored) if anchored else None,
            anchor_file=str(anchor.path) if anchor is not None else None,
            proves=list(PROVES) if intact else [],
            cannot_prove=list(CANNOT_PROVE)
            + ([] if anchor is not None else ["truncation (no anchor checked)"]),
            **extra,
        )

    for entry in repo.iter_audit(session):
        count += 1
        reason = None
        if entry.id != expected_id:
            reason = f"entry {expected_id} is missing (next id is {entry.id})"
        elif entry.prev_hash != prev_hash:
            reason = "prev_hash does not match the previous entry's hash"
        elif entry.id <= legacy_through:
            if legacy_hash(_fields(entry), entry.prev_hash) != entry.hash:
                reason = "content does not match its hash (a legacy entry was altered)"
        elif not _mac_ok(key, entry):
            reason = "content does not match its MAC (altered, or written without the audit key)"
        elif entry.action == AUDIT_SEAL and seal is not None and entry.id != seal.id:
            reason = "a second seal entry (the log was rewritten)"
        if reason is None and entry.id in anchored and anchored[entry.id] != {entry.hash}:
            reason = "the entry differs from the one anchored under its id (the log was cut and rewritten)"
        if reason:
            return report(False, broken_id=entry.id, reason=reason)
        prev_hash, expected_id = entry.hash, entry.id + 1
    if anchored and max(anchored) > count:
        newest = max(anchored)
        return report(
            False,
            broken_id=count + 1,
            reason=f"the anchor file records entry {newest}, but the log ends at entry {count}: "
            "the newest entries were removed",
        )
    if anchor is not None and count == 0 and anchor.has_lines() and repo.count_users(session) > 0:
        # users exist, and creating one always writes an entry: the log was emptied
        return report(
            False,
            broken_id=1,
            reason="the log is empty, yet users exist and the anchor file records entries: it was emptied",
        )
    return report(True)


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


FILTER_LABELS = {"since": "From", "until": "To"}


def filter_day(text: str | None, field: str) -> date | None:
    """A filter date typed as YYYY-MM-DD ('' or None: no limit); a wrong one is refused in words."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        label = FILTER_LABELS.get(field, field)
        raise InvalidInput(
            f"the {label} date {text!r} is not a calendar date",
            field=field,
            fix=f"write it as year-month-day (e.g. {date.today().isoformat()}) or leave it empty",
        ) from None


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
        raise InvalidInput(
            f"the From date ({since.isoformat()}) is after the To date ({until.isoformat()})",
            field="since",
            fix="give a From date on or before the To date",
        )
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
