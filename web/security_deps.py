"""Who is calling, may they, and the audit trail: the web side of ``assistant.security``.

``get_principal`` accepts ``Authorization: Bearer <token>`` or the session cookie (``sessions.resume``
enforces the idle logoff). ``require(*permissions, record=...)`` is the one dependency every protected
route declares: it authenticates, checks the CSRF token of cookie-authenticated unsafe requests, checks
each permission (an ``access.denied`` audit entry on refusal) and, with ``record``, appends the PHI
audit entry (``phi.read``/``phi.write`` or an export action) naming the record from the path or query.

Unauthenticated page requests become a 303 to ``/login?next=...`` in ``web.rendering.render_error``;
API requests get the usual JSON error with status 401 (403 for a missing permission or CSRF token).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from assistant.app.container import Container
from assistant.core.db import transaction
from assistant.security import audit, csrf, service, sessions
from assistant.security.errors import PasswordChangeRequired, Unauthorized
from assistant.security.permissions import PHI_READ, PHI_WRITE
from assistant.security.schemas import Principal
from assistant.security.tokens import bearer_token
from web.deps import ContainerDep

# audit.record numbers entries from the last one: writers in this process take turns.
_AUDIT_LOCK = threading.RLock()
AUDIT_RETRIES = 3
T = TypeVar("T")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def audited(container: Container, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a short transaction of its own that may append audit entries, and commit.

    Audit ids are numbered from the last entry, so two writers can race for the same id: writers in
    this process take turns, and a lost race with another process (IntegrityError) is retried.
    """
    for attempt in range(AUDIT_RETRIES):
        try:
            with _AUDIT_LOCK, transaction(container.sessions) as session:
                return work(session)
        except IntegrityError:
            if attempt == AUDIT_RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def csrf_secret(request: Request, container: Container) -> bytes:
    secret: bytes | None = getattr(request.app.state, "csrf_secret", None)
    if secret is None:
        secret = sessions.csrf_secret(container.settings)
        request.app.state.csrf_secret = secret
    return secret


def get_principal(request: Request, container: ContainerDep) -> Principal | None:
    """The caller, or None without credentials; ``Unauthorized`` for a bad token or a dead session."""
    header = request.headers.get("authorization")
    raw_token = bearer_token(header)
    cookie = request.cookies.get(sessions.COOKIE_NAME)
    if header and raw_token is None:
        raise Unauthorized(
            "only bearer tokens are accepted in the Authorization header",
            field="Authorization",
            fix="send `Authorization: Bearer <token>` with a token from `assistant users token`",
        )
    if raw_token is None and not cookie:
        request.state.principal = None
        return None
    ip = client_ip(request)

    def authenticate(db: Session) -> Principal:
        if raw_token is not None:
            return service.authenticate_token(db, raw_token, ip, settings=container.settings)
        return sessions.resume(db, container.settings, cookie, ip=ip)

    try:
        principal = audited(container, authenticate)
    except Unauthorized:
        request.state.clear_session_cookie = raw_token is None
        raise
    request.state.principal = principal
    return principal


PrincipalOrNone = Annotated[Principal | None, Depends(get_principal)]


async def submitted_form(request: Request) -> FormData | None:
    """The form of an unsafe form request (parsed once; the route reads the same cached form)."""
    if request.method in UNSAFE_METHODS and request.headers.get("content-type", "").startswith(FORM_TYPES):
        return await request.form()
    return None


def _field(form: FormData | None, name: str) -> str | None:
    value = form.get(name) if form is not None else None
    return value if isinstance(value, str) else None


def check_csrf(request: Request, container: Container, principal: Principal, token: str | None) -> None:
    """Cookie-authenticated unsafe requests must carry the session's CSRF token (bearer calls need none)."""
    if principal.method == "session":
        csrf.verify(csrf_secret(request, container), principal.session_id, token, request.method)


def record_phi(
    container: Container,
    principal: Principal,
    request: Request,
    target_type: str,
    target_id: str | int | None,
    *,
    action: str = audit.PHI_READ,
    detail: dict[str, Any] | None = None,
) -> None:
    """One audit entry for a PHI access, committed in its own transaction. Call it before the route
    writes anything (an open write transaction on SQLite would block it); an attempt that then fails
    stays recorded, which is what an access log is for."""
    info = {"method": request.method, "path": request.url.path, **(detail or {})}
    ip = client_ip(request)
    audited(container, lambda db: audit.record(db, principal, action, target_type, target_id, ip, info))


def _deny(container: Container, request: Request, principal: Principal, permission: str) -> None:
    target = f"{request.method} {request.url.path}"[:128]
    ip = client_ip(request)
    detail = {"permission": permission}
    audited(
        container, lambda db: audit.record(db, principal, audit.ACCESS_DENIED, "route", target, ip, detail)
    )


def require(
    *permissions: str,
    record: str | None = None,
    id_param: str | None = None,
    action: str | None = None,
    password_change: bool = False,
) -> Any:
    """Dependency: a signed-in caller holding every permission; with ``record``, audit the PHI access.

    A session signed in with a password an admin set reaches only the routes declared with
    ``password_change=True`` (changing it, signing out, who-am-I) until the owner chose their own.

    ``record`` names the record type (``claim``, ``patient``...) and ``id_param`` the path, query or
    form parameter holding its id. ``action`` defaults to phi.write when ``phi:write`` is required,
    else phi.read.
    """
    audit_action = action or (audit.PHI_WRITE if PHI_WRITE in permissions else audit.PHI_READ)
    if record is not None and PHI_READ not in permissions and PHI_WRITE not in permissions:
        raise ValueError("a PHI audit record needs phi:read or phi:write")

    def dependency(
        request: Request,
        container: ContainerDep,
        principal: PrincipalOrNone,
        form: Annotated[FormData | None, Depends(submitted_form)],
    ) -> Principal:
        if principal is None:
            raise Unauthorized("sign-in required", field="session", fix="sign in, or send an API token")
        if principal.must_change_password and principal.method == "session" and not password_change:
            raise PasswordChangeRequired()
        token = request.headers.get(csrf.HEADER) or _field(form, csrf.FORM_FIELD)
        check_csrf(request, container, principal, token)
        for permission in permissions:
            if not principal.can(permission):
                _deny(container, request, principal, permission)
                service.require(principal, permission)
        if record is not None:
            target = None
            if id_param:
                target = (
                    request.path_params.get(id_param)
                    or request.query_params.get(id_param)
                    or _field(form, id_param)
                    or None
                )
            record_phi(container, principal, request, record, target, action=audit_action)
        return principal

    setattr(dependency, "permissions", tuple(permissions))  # noqa: B010 - read by the route tests
    setattr(dependency, "record", record)  # noqa: B010
    return Depends(dependency)


def permissions_of(call: Callable[..., Any]) -> tuple[str, ...] | None:
    """The permissions a ``require`` dependency checks (None for other callables)."""
    return getattr(call, "permissions", None)
