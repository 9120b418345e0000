"""Sign-in and sign-out. The cookie holds a random session token (``sessions.start``); the server keeps
only its hash, with the idle and absolute timeouts. The security service audits every sign-in,
failure, lockout and sign-out, so nothing here records them again.

HTML: GET/POST /login, POST /logout. JSON: POST /api/auth/login, POST /api/auth/logout, GET /api/me.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from assistant.config import Settings
from assistant.core.db import transaction
from assistant.core.errors import AssistantError
from assistant.security import service, sessions
from assistant.security.errors import TooManyAttempts, Unauthorized
from assistant.security.schemas import NewSession, Principal
from web.deps import ContainerDep
from web.rendering import csrf_token_for, render, safe_next
from web.security_deps import audited, client_ip, get_principal, require

router = APIRouter(tags=["auth"])
LOGIN_CSRF_COOKIE = "assistant_login_csrf"  # double-submit token of the sign-in form (no session yet)
SignedIn = Annotated[Principal, require(password_change=True)]  # sign-out and who-am-I
LOGIN_SLOT_WAIT_S = 2.0  # a sign-in waits this long for a free check slot, then gets 429
_SLOTS_LOCK = threading.Lock()
KEPT = "Sign in again to continue: you go back to the page you were on, with any text you had not sent."


def _secure(request: Request, settings: Settings) -> bool:
    return settings.cookie_secure or request.url.scheme == "https"


def _set_session_cookie(response: Response, request: Request, settings: Settings, new: NewSession) -> None:
    response.set_cookie(
        sessions.COOKIE_NAME,
        new.token,
        max_age=settings.session_max_hours * 3600,
        path="/",
        secure=_secure(request, settings),
        httponly=True,
        samesite="lax",
    )


def _clear_session_cookie(response: Response) -> None:
    response.delete_cookie(sessions.COOKIE_NAME, path="/")


def _login_slots(request: Request, settings: Settings) -> threading.BoundedSemaphore:
    """The worker's sign-in checks that may run at once (argon2 is slow on purpose: a burst of bad
    sign-ins must not take every core from signed-in users)."""
    slots: threading.BoundedSemaphore | None = getattr(request.app.state, "login_slots", None)
    if slots is None:
        with _SLOTS_LOCK:
            slots = getattr(request.app.state, "login_slots", None)
            if slots is None:
                slots = threading.BoundedSemaphore(settings.login_max_concurrent)
                request.app.state.login_slots = slots
    return slots


def _sign_in(
    request: Request, container: Any, username: str, password: str, totp_code: str | None
) -> NewSession:
    """Throttle, check the password outside any lock, then record the outcome and open a session.

    Only the short bookkeeping runs in ``audited`` (which writers take in turns); the argon2 check runs
    with no lock and no open transaction, at most ``login_max_concurrent`` at a time per worker."""
    settings = container.settings
    ip = client_ip(request)
    code = (totp_code or "").replace(" ", "") or None
    agent = request.headers.get("user-agent")
    audited(container, lambda db: service.check_login_rate(db, ip, settings=settings))
    slots = _login_slots(request, settings)
    if not slots.acquire(timeout=LOGIN_SLOT_WAIT_S):
        raise TooManyAttempts(
            "too many sign-ins are being checked right now",
            retry_after=1,
            field="username",
            fix="try again in a second",
        )
    try:
        with transaction(container.sessions) as db:
            stored = service.stored_password_hash(db, username)
        verdict = service.check_password(username, stored, password)
    finally:
        slots.release()

    def finish(db: Session) -> NewSession:
        principal = service.finish_password_login(db, verdict, ip, totp_code=code, settings=settings)
        return sessions.start(db, settings, principal, ip=ip, user_agent=agent)

    return audited(container, finish)


def _login_page(
    request: Request,
    settings: Settings,
    *,
    next_url: str,
    username: str = "",
    error: AssistantError | None = None,
    notice: str = "",
    expired: bool = False,
    status_code: int = 200,
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "auth/login.html",
        {
            "next": next_url,
            "username": username,
            "error": error,
            "notice": notice,
            "expired": expired,
            "login_csrf": token,
            "idle_minutes": settings.session_idle_minutes,
        },
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        path="/login",
        secure=_secure(request, settings),
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/login")
def login_form(request: Request, container: ContainerDep, next: str = "/") -> Response:
    target = safe_next(next)
    try:
        principal = get_principal(request, container)
    except Unauthorized as exc:  # a dead session: say why, and forget the cookie
        request.state.principal = None
        notice = f"Your session expired ({exc.message}). {KEPT}"
        response = _login_page(request, container.settings, next_url=target, notice=notice, expired=True)
        _clear_session_cookie(response)
        return response
    if principal is not None and principal.method == "session":
        return RedirectResponse(target, status_code=303)
    notice = ""
    if request.query_params.get("signed_out"):
        notice = "You were signed out."
    elif request.query_params.get("password_changed"):
        notice = "Your password was changed and you were signed out everywhere. Sign in with the new one."
    elif request.query_params.get("expired"):
        notice = (
            f"Your session expired (signed out after {container.settings.session_idle_minutes} minutes "
            f"without activity, or elsewhere). {KEPT}"
        )
    expired = bool(request.query_params.get("expired"))
    return _login_page(request, container.settings, next_url=target, notice=notice, expired=expired)


@router.post("/login")
def login(
    request: Request,
    container: ContainerDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    totp_code: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    settings = container.settings
    target = safe_next(next)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        error = AssistantError(
            "the sign-in form expired", field="csrf_token", fix="sign in again on this fresh form"
        )
        return _login_page(
            request, settings, next_url=target, username=username, error=error, status_code=403
        )
    try:
        new = _sign_in(request, container, username, password, totp_code)
    except AssistantError as exc:
        page = _login_page(
            request, settings, next_url=target, username=username, error=exc, status_code=exc.status_code
        )
        if isinstance(exc, TooManyAttempts):
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    response = RedirectResponse(target, status_code=303)
    _set_session_cookie(response, request, settings, new)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, container: ContainerDep, principal: SignedIn) -> Response:
    raw = request.cookies.get(sessions.COOKIE_NAME)
    if principal.method == "session" and raw:
        ip = client_ip(request)
        audited(container, lambda db: sessions.end(db, raw, ip=ip))
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    _clear_session_cookie(response)
    return response


# ---------------------------------------------------------------- JSON twins


class LoginIn(BaseModel):
    username: str
    password: str
    totp_code: str | None = None


class Me(BaseModel):
    username: str
    role: str
    permissions: list[str]
    method: str
    csrf_token: str | None = None
    expires_at: datetime | None = None


def _me(principal: Principal, csrf_token: str | None, expires_at: datetime | None = None) -> Me:
    return Me(
        username=principal.username,
        role=principal.role,
        permissions=sorted(principal.permissions),
        method=principal.method,
        csrf_token=csrf_token or None,
        expires_at=expires_at,
    )


@router.post("/api/auth/login", response_model=Me)
def api_login(body: LoginIn, request: Request, container: ContainerDep) -> JSONResponse:
    """Opens a cookie session (for browser scripts). Scripts without a browser use API tokens instead."""
    new = _sign_in(request, container, body.username, body.password, body.totp_code)
    me = _me(new.principal, new.csrf_token, new.expires_at)
    response = JSONResponse(me.model_dump(mode="json"))
    _set_session_cookie(response, request, container.settings, new)
    return response


@router.post("/api/auth/logout")
def api_logout(request: Request, container: ContainerDep, principal: SignedIn) -> JSONResponse:
    raw = request.cookies.get(sessions.COOKIE_NAME)
    ended = False
    if principal.method == "session" and raw:
        ip = client_ip(request)
        ended = audited(container, lambda db: sessions.end(db, raw, ip=ip))
    response = JSONResponse({"signed_out": ended})
    _clear_session_cookie(response)
    return response


@router.get("/api/me", response_model=Me)
def api_me(request: Request, principal: SignedIn) -> Me:
    return _me(principal, csrf_token_for(request))
