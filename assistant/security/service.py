"""Users, authentication and authorization: the functions the CLI and web layer call.

None of these commit, except that failed authentication commits its bookkeeping (failure counter,
lockout, audit entry) before raising, so a caller's rollback cannot erase a failed attempt.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy.orm import Session

from assistant.config import Settings, get_settings
from assistant.core.errors import Conflict, InvalidInput, NotFound
from assistant.security import audit, passwords, totp
from assistant.security import repository as repo
from assistant.security.errors import Forbidden, TooManyAttempts, Unauthorized
from assistant.security.models import ApiToken, User, utcnow
from assistant.security.permissions import ROLES, grants
from assistant.security.schemas import (
    CreatedUser,
    IssuedToken,
    Principal,
    TemporaryPassword,
    TokenView,
    TotpEnrollment,
    UserDetail,
    UserView,
)
from assistant.security.sessions import end_all_for_user, principal_for
from assistant.security.tokens import new_api_token, token_hash

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
BAD_LOGIN = "invalid username or password"
BAD_LOGIN_FIX = (
    "check the user name, password and authenticator code (if your account uses one); "
    "after repeated failures wait or ask an admin"
)
THROTTLE_WINDOW_S = 60


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


def temporary_password() -> str:
    """A random password for an admin to hand over once (24 characters, 144 bits)."""
    return secrets.token_urlsafe(18)


def create_account(
    session: Session,
    username: str,
    role: str,
    password: str | None = None,
    *,
    actor: str = "system",
    ip: str | None = None,
    settings: Settings | None = None,
) -> CreatedUser:
    """Create a user with the given password, or with a temporary one returned (to show once)."""
    temporary = None if password else temporary_password()
    user = create_user(
        session, username, role, password or temporary or "", actor=actor, ip=ip, settings=settings
    )
    if temporary:
        _user(session, user.username).must_change_password = True  # the owner replaces it at sign-in
    return CreatedUser(user=user, temporary_password=temporary)


def user_detail(session: Session, username: str, *, settings: Settings | None = None) -> UserDetail:
    user = UserView.model_validate(_user(session, username))
    return UserDetail(user=user, tokens=list_tokens(session, username, settings=settings))


def _not_yourself(actor: str, username: str, what: str) -> None:
    """An admin never locks themself out: no disabling or re-roling of one's own account."""
    if actor == username:
        raise Conflict(
            f"you cannot {what} your own account",
            field="username",
            fix="ask another admin to do it (an account that does it to itself could lock everyone out)",
        )


def list_users(session: Session) -> list[UserView]:
    return [UserView.model_validate(u) for u in repo.list_users(session)]


def set_role(
    session: Session, username: str, role: str, *, actor: str = "system", ip: str | None = None
) -> UserView:
    user = _user(session, username)
    old = user.role
    if old != role:
        _not_yourself(actor, username, "change the role of")
    user.role = _role(role)
    if old != role:
        audit.record(session, actor, audit.PERMISSION_CHANGE, "user", username, ip, {"from": old, "to": role})
        end_all_for_user(session, user.id, "role-change", actor)
    return UserView.model_validate(user)


def set_disabled(
    session: Session, username: str, disabled: bool, *, actor: str = "system", ip: str | None = None
) -> UserView:
    user = _user(session, username)
    if disabled:
        _not_yourself(actor, username, "disable")
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
    revoke_tokens: bool = True,
) -> None:
    """Set a password (an admin reset): ends the user's sessions and revokes their API tokens."""
    settings = settings or get_settings()
    user = _user(session, username)
    passwords.check_policy(new_password, username=user.username, min_length=settings.password_min_length)
    user.password_hash = passwords.hash_password(new_password)
    user.must_change_password = False
    end_all_for_user(session, user.id, "password-change", actor)
    revoked = repo.revoke_tokens_of(session, user.id, utcnow()) if revoke_tokens else 0
    audit.record(session, actor, audit.USER_PASSWORD, "user", username, ip, {"tokens_revoked": revoked})


def reset_password(
    session: Session,
    username: str,
    *,
    actor: str = "system",
    ip: str | None = None,
    settings: Settings | None = None,
) -> TemporaryPassword:
    """An admin's reset: a random temporary password (returned once), the user's sessions end and
    their API tokens are revoked, as with any admin-set password."""
    password = temporary_password()
    change_password(session, username, password, actor=actor, ip=ip, settings=settings)
    user = _user(session, username)
    user.must_change_password = True  # the owner replaces it at the next sign-in
    return TemporaryPassword(username=user.username, temporary_password=password)


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
        change_password(
            session, username, new_password, actor=username, ip=ip, settings=settings, revoke_tokens=False
        )
    except InvalidInput as exc:  # the password policy: on the form, that is the new password's field
        raise InvalidInput(exc.message, field="new_password", fix=exc.fix) from exc


def issue_token(
    session: Session,
    username: str,
    name: str = "default",
    *,
    actor: str = "system",
    ip: str | None = None,
    days: int | None = None,
    settings: Settings | None = None,
) -> IssuedToken:
    """A new API token (only its hash is stored) valid for ``days`` (default ``api_token_days``)."""
    settings = settings or get_settings()
    user = _user(session, username)
    if user.disabled:
        raise Conflict(f"user {username!r} is disabled", field="username", fix="enable the user first")
    valid_days = settings.api_token_days if days is None else days
    if valid_days < 1:
        raise InvalidInput("a token must be valid for at least one day", field="days", fix="e.g. --days 90")
    raw = new_api_token()
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name[:64],
        token_hash=token_hash(raw),
        created_at=now,
        expires_at=now + timedelta(days=valid_days),
    )
    repo.add(session, token)
    detail = {"name": name, "token_id": token.id, "days": valid_days}
    audit.record(session, actor, audit.TOKEN_ISSUE, "user", username, ip, detail)
    return IssuedToken(
        username=user.username, name=name, token=raw, token_id=token.id, expires_at=token.expires_at
    )


def token_expiry(token: ApiToken, settings: Settings) -> datetime:
    """When a token stops working (tokens issued before expiry existed: ``api_token_days`` after issue)."""
    return token.expires_at or token.created_at + timedelta(days=settings.api_token_days)


def list_tokens(session: Session, username: str, *, settings: Settings | None = None) -> list[TokenView]:
    settings = settings or get_settings()
    user = _user(session, username)
    now = utcnow()
    views = []
    for token in repo.tokens_of(session, user.id):
        expires = token_expiry(token, settings)
        state = "revoked" if token.revoked_at else ("expired" if expires <= now else "active")
        views.append(
            TokenView(
                id=token.id,
                name=token.name,
                created_at=token.created_at,
                expires_at=expires,
                last_used_at=token.last_used_at,
                revoked_at=token.revoked_at,
                state=state,
            )
        )
    return views


def _token_of(session: Session, username: str, token_id: int) -> ApiToken:
    """A token of ``username``; an unknown id, or another user's, is NotFound."""
    user = _user(session, username)
    token = repo.token_by_id(session, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(
            f"{username} has no token {token_id}",
            field="token_id",
            fix=f"see `assistant users tokens {username}`",
        )
    return token


def revoke_token(
    session: Session, username: str, token_id: int, *, actor: str = "system", ip: str | None = None
) -> None:
    """Revoke one token of ``username`` (audited). An unknown id, or another user's, is NotFound."""
    token = _token_of(session, username, token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(session, actor, audit.TOKEN_REVOKE, "token", token.id, ip, {"user": username})


def expire_token(
    session: Session, username: str, token_id: int, *, actor: str = "system", ip: str | None = None
) -> TokenView:
    """End one token of ``username`` now (it stays listed as expired; audited). Revoked ones stay revoked."""
    token = _token_of(session, username, token_id)
    now = utcnow()
    if token.revoked_at is None and (token.expires_at is None or token.expires_at > now):
        token.expires_at = now
        audit.record(session, actor, audit.TOKEN_EXPIRE, "token", token.id, ip, {"user": username})
    return next(v for v in list_tokens(session, username) if v.id == token_id)


def _fail(
    session: Session,
    user: User | None,
    username: str,
    ip: str | None,
    reason: str,
    settings: Settings,
    action: str = audit.LOGIN_FAILURE,
) -> NoReturn:
    """Count a failure (locking at the threshold), audit the real reason, commit, raise the one generic 401.

    Every sign-in failure (unknown user, wrong password, disabled, locked, missing or wrong TOTP code)
    answers the same message, so the answer never tells whether an account exists or a password was right.
    """
    detail: dict[str, object] = {"reason": reason}
    if user is not None and action == audit.LOGIN_FAILURE:
        user.failed_logins += 1
        if user.failed_logins >= settings.lockout_threshold:
            user.locked_until = utcnow() + timedelta(minutes=settings.lockout_minutes)
            user.failed_logins = 0
            detail["locked_minutes"] = settings.lockout_minutes
    audit.record(session, username or "anonymous", action, "user", username, ip, detail)
    session.commit()
    raise Unauthorized(BAD_LOGIN, field="password", fix=BAD_LOGIN_FIX)


@dataclass(frozen=True)
class PasswordVerdict:
    """The slow part of a sign-in (argon2), computed without holding any lock or transaction."""

    username: str
    checked_hash: str | None  # the stored hash that was verified (None: unknown user)
    ok: bool
    new_hash: str | None = None  # the password re-hashed when the argon2 parameters changed


def _normal(username: str | None) -> str:
    return (username or "").strip().lower()


def stored_password_hash(session: Session, username: str) -> str | None:
    """The user's argon2 hash, or None for an unknown user (read in a short transaction of its own)."""
    name = _normal(username)
    user = repo.user_by_name(session, name) if name else None
    return user.password_hash if user is not None else None


def check_password(username: str, stored_hash: str | None, password: str) -> PasswordVerdict:
    """Verify ``password`` against ``stored_hash`` (an unknown user costs the same). No database access."""
    ok = passwords.verify_password(stored_hash, password)
    new_hash = None
    if ok and stored_hash is not None and passwords.needs_rehash(stored_hash):
        new_hash = passwords.hash_password(password)
    return PasswordVerdict(username=_normal(username), checked_hash=stored_hash, ok=ok, new_hash=new_hash)


def finish_password_login(
    session: Session,
    verdict: PasswordVerdict,
    ip: str | None = None,
    *,
    totp_code: str | None = None,
    settings: Settings | None = None,
) -> Principal:
    """The quick bookkeeping after ``check_password``: lockout, disabled, TOTP, failure counter, audit."""
    settings = settings or get_settings()
    username = verdict.username
    user = repo.user_by_name(session, username) if username else None
    now = utcnow()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        _fail(session, user, username, ip, "locked", settings, action=audit.LOGIN_LOCKED)
    if user is None or not verdict.ok:
        _fail(session, user, username, ip, "unknown user" if user is None else "bad password", settings)
    if user.password_hash != verdict.checked_hash:  # changed while the password was being checked
        _fail(session, user, username, ip, "password changed during sign-in", settings)
    if user.disabled:
        _fail(session, None, username, ip, "disabled", settings)
    if user.totp_enabled:
        if not totp_code:
            _fail(session, user, username, ip, "totp code missing", settings)
        try:
            user.totp_last_step = totp.verify(
                user.totp_secret or "", totp_code, last_step=user.totp_last_step
            )
        except InvalidInput:
            _fail(session, user, username, ip, "bad totp", settings)
    if verdict.new_hash:
        user.password_hash = verdict.new_hash
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


def authenticate_password(
    session: Session,
    username: str,
    password: str,
    ip: str | None = None,
    *,
    totp_code: str | None = None,
    settings: Settings | None = None,
) -> Principal:
    """Check a password (and the TOTP code when the user enrolled). Locks after repeated failures.

    One session for everything (the CLI and tests); the web app runs the three steps separately so the
    argon2 check holds no lock."""
    verdict = check_password(username, stored_password_hash(session, username), password)
    return finish_password_login(session, verdict, ip, totp_code=totp_code, settings=settings)


def check_login_rate(session: Session, ip: str | None, *, settings: Settings | None = None) -> None:
    """Refuse (429) an address with ``login_attempts_per_minute`` failed sign-ins in the last minute.

    Counted from the audit log (every worker sees the same count); the refusal is audited too."""
    settings = settings or get_settings()
    if not ip:
        return
    since = utcnow() - timedelta(seconds=THROTTLE_WINDOW_S)
    failures = repo.recent_audit_times(
        session, (audit.LOGIN_FAILURE, audit.LOGIN_LOCKED), ip, since.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    )
    if len(failures) < settings.login_attempts_per_minute:
        return
    oldest = datetime.strptime(failures[0], "%Y-%m-%dT%H:%M:%S.%fZ")
    wait = THROTTLE_WINDOW_S - int((utcnow() - oldest).total_seconds())
    audit.record(session, "anonymous", audit.LOGIN_THROTTLED, "address", ip, ip, {"failures": len(failures)})
    session.commit()
    raise TooManyAttempts(
        f"too many failed sign-ins from this address; try again in {max(1, wait)} second(s)",
        retry_after=wait,
        field="username",
        fix="wait, then sign in with the right user name and password",
    )


def authenticate_token(
    session: Session, raw_token: str | None, ip: str | None = None, *, settings: Settings | None = None
) -> Principal:
    """The principal behind an API token (``Authorization: Bearer``); ``Unauthorized`` otherwise."""
    settings = settings or get_settings()
    token = repo.token_by_hash(session, token_hash(raw_token)) if raw_token else None
    user = repo.user_by_id(session, token.user_id) if token else None
    reason = None
    if token is None or user is None:
        reason = "unknown token"
    elif token.revoked_at is not None:
        reason = "revoked"
    elif user.disabled:
        reason = "user disabled"
    elif token_expiry(token, settings) <= utcnow():
        reason = "expired"
    if reason is not None:
        audit.record(
            session,
            user.username if user else "anonymous",
            audit.TOKEN_AUTH_FAILURE,
            "token",
            str(token.id) if token else None,
            ip,
            {"reason": reason},
        )
        session.commit()
        raise Unauthorized(
            "invalid, expired or revoked API token",
            field="Authorization",
            fix="send `Authorization: Bearer <token>` with a current token from `assistant users token`",
        )
    assert token is not None and user is not None
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


def totp_enrollment(
    session: Session, username: str, *, actor: str = "system", settings: Settings | None = None
) -> TotpEnrollment:
    """``totp_enroll`` with the key spelled out too (for typing it into an app by hand)."""
    uri = totp_enroll(session, username, actor=actor, settings=settings)
    secret = _user(session, username).totp_secret or ""
    return TotpEnrollment(username=username, provisioning_uri=uri, secret=secret)


def totp_pending(session: Session, username: str) -> bool:
    """True while an enrolment waits for its first code (a key is stored, sign-in does not ask yet)."""
    user = _user(session, username)
    return bool(user.totp_secret) and not user.totp_enabled


def totp_reset(session: Session, username: str, *, actor: str = "system", ip: str | None = None) -> UserView:
    """Turn the second factor off and forget its key (a lost phone); the user enrols again."""
    user = _user(session, username)
    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_step = None
    audit.record(session, actor, audit.TOTP_RESET, "user", username, ip, {})
    return UserView.model_validate(user)


def has_users(session: Session) -> bool:
    return repo.count_users(session) > 0


def bootstrap_admin(
    session: Session, *, username: str = "admin", settings: Settings | None = None
) -> str | None:
    """First run: when no user exists, create ``username`` (role admin) with a random password and
    return that password (the caller shows it once and stores it nowhere). None when users exist."""
    if has_users(session):
        return None
    password = temporary_password()
    create_user(session, username, "admin", password, actor="bootstrap", settings=settings)
    return password
