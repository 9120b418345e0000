"""Users, authentication and authorization: the functions the CLI and web layer call.

None of these commit, except that failed authentication commits its bookkeeping (failure counter,
lockout, audit entry) before raising, so a caller's rollback cannot erase a failed attempt.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

from sqlalchemy.orm import Session

from assistant.config import Settings, get_settings
from assistant.core.errors import Conflict, InvalidInput, NotFound
from assistant.security import audit, passwords, totp
from assistant.security import repository as repo
from assistant.security.errors import Forbidden, MfaRequired, Unauthorized
from assistant.security.models import ApiToken, User, utcnow
from assistant.security.permissions import ROLES, grants
from assistant.security.schemas import IssuedToken, Principal, UserView
from assistant.security.sessions import end_all_for_user, principal_for
from assistant.security.tokens import new_api_token, token_hash

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
BAD_LOGIN = "invalid username or password"


def _role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}", field="role", fix=f"use one of: {', '.join(ROLES)}")
    return role


def _user(session: Session, username: str) -> User:
    user = repo.user_by_name(session, username)
    if user is None:
        raise NotFound(f"no user named {username!r}", field="username", fix="see `assistant users list`")
    return user


def create_user(
    session: Session,
    username: str,
    role: str,
    password: str,
    *,
    actor: str = "system",
    ip: str | None = None,
    settings: Settings | None = None,
) -> UserView:
    settings = settings or get_settings()
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise InvalidInput(
            f"user name {username!r} is not allowed",
            field="username",
            fix="use 2-64 lowercase letters, digits, '.', '_' or '-'",
        )
    _role(role)
    if repo.user_by_name(session, username):
        raise Conflict(f"user {username!r} already exists", field="username", fix="choose another name")
    passwords.check_policy(password, username=username, min_length=settings.password_min_length)
    user = User(
        username=username,
        role=role,
        password_hash=passwords.hash_password(password),
        disabled=False,
        failed_logins=0,
        totp_enabled=False,
    )
    repo.add(session, user)
    audit.record(session, actor, audit.USER_CREATE, "user", username, ip, {"role": role})
    return UserView.model_validate(user)


def list_users(session: Session) -> list[UserView]:
    return [UserView.model_validate(u) for u in repo.list_users(session)]


def set_role(
    session: Session, username: str, role: str, *, actor: str = "system", ip: str | None = None
) -> UserView:
    user = _user(session, username)
    old = user.role
    user.role = _role(role)
    if old != role:
        audit.record(session, actor, audit.PERMISSION_CHANGE, "user", username, ip, {"from": old, "to": role})
        end_all_for_user(session, user.id, "role-change", actor)
    return UserView.model_validate(user)


def set_disabled(
    session: Session, username: str, disabled: bool, *, actor: str = "system", ip: str | None = None
) -> UserView:
    user = _user(session, username)
    user.disabled = disabled
    if disabled:
        revoked = repo.revoke_tokens_of(session, user.id, utcnow())
        ended = end_all_for_user(session, user.id, "user-disabled", actor)
        audit.record(
            session,
            actor,
            audit.USER_DISABLE,
            "user",
            username,
            ip,
            {"tokens_revoked": revoked, "sessions_ended": ended},
        )
    else:
        audit.record(session, actor, audit.USER_ENABLE, "user", username, ip, {})
    return UserView.model_validate(user)


def unlock(session: Session, username: str, *, actor: str = "system", ip: str | None = None) -> UserView:
    user = _user(session, username)
    user.failed_logins = 0
    user.locked_until = None
    audit.record(session, actor, audit.USER_UNLOCK, "user", username, ip, {})
    return UserView.model_validate(user)


def change_password(
    session: Session,
    username: str,
    new_password: str,
    *,
    actor: str = "system",
    ip: str | None = None,
    settings: Settings | None = None,
) -> None:
    settings = settings or get_settings()
    user = _user(session, username)
    passwords.check_policy(new_password, username=user.username, min_length=settings.password_min_length)
    user.password_hash = passwords.hash_password(new_password)
    end_all_for_user(session, user.id, "password-change", actor)
    audit.record(session, actor, audit.USER_PASSWORD, "user", username, ip, {})


def change_own_password(
    session: Session,
    username: str,
    current_password: str,
    new_password: str,
    *,
    ip: str | None = None,
    settings: Settings | None = None,
) -> None:
    """A signed-in user's own change: the current password must match; every session of theirs ends."""
    user = _user(session, username)
    if not passwords.verify_password(user.password_hash, current_password):
        raise InvalidInput(
            "the current password is wrong",
            field="current_password",
            fix="type the password you signed in with",
        )
    if new_password == current_password:
        raise InvalidInput(
            "the new password is the current one", field="new_password", fix="choose a different password"
        )
    try:
        change_password(session, username, new_password, actor=username, ip=ip, settings=settings)
    except InvalidInput as exc:  # the password policy: on the form, that is the new password's field
        raise InvalidInput(exc.message, field="new_password", fix=exc.fix) from exc


def issue_token(
    session: Session, username: str, name: str = "default", *, actor: str = "system", ip: str | None = None
) -> IssuedToken:
    user = _user(session, username)
    if user.disabled:
        raise Conflict(f"user {username!r} is disabled", field="username", fix="enable the user first")
    raw = new_api_token()
    repo.add(session, ApiToken(user_id=user.id, name=name[:64], token_hash=token_hash(raw)))
    audit.record(session, actor, audit.TOKEN_ISSUE, "user", username, ip, {"name": name})
    return IssuedToken(username=user.username, name=name, token=raw)


def _fail(
    session: Session, user: User | None, username: str, ip: str | None, reason: str, settings: Settings
) -> None:
    """Count a failure (locking at the threshold), audit it, commit, raise a generic 401."""
    detail: dict[str, object] = {"reason": reason}
    if user is not None:
        user.failed_logins += 1
        if user.failed_logins >= settings.lockout_threshold:
            user.locked_until = utcnow() + timedelta(minutes=settings.lockout_minutes)
            user.failed_logins = 0
            detail["locked_minutes"] = settings.lockout_minutes
    audit.record(session, username or "anonymous", audit.LOGIN_FAILURE, "user", username, ip, detail)
    session.commit()
    raise Unauthorized(BAD_LOGIN, field="password", fix="check the user name and password")


def authenticate_password(
    session: Session,
    username: str,
    password: str,
    ip: str | None = None,
    *,
    totp_code: str | None = None,
    settings: Settings | None = None,
) -> Principal:
    """Check a password (and the TOTP code when the user enrolled). Locks after repeated failures."""
    settings = settings or get_settings()
    username = (username or "").strip().lower()
    user = repo.user_by_name(session, username) if username else None
    now = utcnow()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        passwords.verify_password(None, password)  # same cost as a normal attempt
        audit.record(session, username, audit.LOGIN_LOCKED, "user", username, ip, {})
        session.commit()
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise Unauthorized(
            "account is locked after repeated failed sign-ins",
            field="username",
            fix=f"try again in about {minutes} minute(s) or ask an admin to run `assistant users unlock`",
        )
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not ok:
        _fail(session, user, username, ip, "unknown user" if user is None else "bad password", settings)
    assert user is not None
    if user.disabled:
        _fail(session, None, username, ip, "disabled", settings)
    if user.totp_enabled:
        if not totp_code:
            raise MfaRequired(
                "this account needs its authenticator code",
                field="totp_code",
                fix="enter the 6-digit code from your authenticator app",
            )
        try:
            user.totp_last_step = totp.verify(
                user.totp_secret or "", totp_code, last_step=user.totp_last_step
            )
        except InvalidInput:
            _fail(session, user, username, ip, "bad totp", settings)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(
        session,
        user.username,
        audit.LOGIN_SUCCESS,
        "user",
        user.username,
        ip,
        {"method": "password", "mfa": user.totp_enabled},
    )
    return principal_for(user, "password")


def authenticate_token(session: Session, raw_token: str | None, ip: str | None = None) -> Principal:
    """The principal behind an API token (``Authorization: Bearer``); ``Unauthorized`` otherwise."""
    token = repo.token_by_hash(session, token_hash(raw_token)) if raw_token else None
    user = repo.user_by_id(session, token.user_id) if token else None
    if token is None or token.revoked_at is not None or user is None or user.disabled:
        audit.record(
            session,
            user.username if user else "anonymous",
            audit.TOKEN_AUTH_FAILURE,
            "token",
            str(token.id) if token else None,
            ip,
            {},
        )
        session.commit()
        raise Unauthorized(
            "invalid or revoked API token",
            field="Authorization",
            fix="send `Authorization: Bearer <token>` with a token from `assistant users token`",
        )
    token.last_used_at = utcnow()
    return principal_for(user, "token")


def require(principal: Principal | None, permission: str) -> Principal:
    """Return the principal when it holds ``permission``; raise 401 (no principal) or 403."""
    if principal is None:
        raise Unauthorized("sign-in required", field="session", fix="sign in or send an API token")
    if not grants(principal.permissions, permission):
        raise Forbidden(
            f"role {principal.role!r} lacks permission {permission!r}",
            field="permission",
            fix="ask an admin for a role that includes it (`assistant users role`)",
        )
    return principal


def totp_enroll(
    session: Session, username: str, *, actor: str = "system", settings: Settings | None = None
) -> str:
    """Store a new (not yet active) TOTP secret and return its provisioning URI (for a QR code)."""
    settings = settings or get_settings()
    user = _user(session, username)
    secret = totp.new_secret()
    user.totp_secret = secret
    user.totp_enabled = False
    user.totp_last_step = None
    audit.record(session, actor, audit.TOTP_ENROLL, "user", username, None, {})
    return totp.provisioning_uri(secret, user.username, settings.totp_issuer)


def totp_confirm(
    session: Session, username: str, code: str, *, actor: str = "system", now: float | None = None
) -> None:
    """Activate TOTP once the user proves the authenticator produces valid codes."""
    user = _user(session, username)
    if not user.totp_secret:
        raise Conflict("no TOTP enrollment in progress", field="username", fix="run the enrollment first")
    user.totp_last_step = totp.verify(user.totp_secret, code, now=time.time() if now is None else now)
    user.totp_enabled = True
    audit.record(session, actor, audit.TOTP_ENABLE, "user", username, None, {})


def has_users(session: Session) -> bool:
    return repo.count_users(session) > 0


def bootstrap_admin(
    session: Session, *, username: str = "admin", settings: Settings | None = None
) -> str | None:
    """First run: when no user exists, create ``username`` (role admin) with a random password and
    return that password (the caller shows it once and stores it nowhere). None when users exist."""
    if has_users(session):
        return None
    import secrets

    password = secrets.token_urlsafe(18)  # 24 characters, 144 bits
    create_user(session, username, "admin", password, actor="bootstrap", settings=settings)
    return password
