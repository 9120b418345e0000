"""User management (admin only): the pages and their JSON twins, each action one service call.

HTML: GET /admin/users (list, create form), GET /admin/users/{username} (role, disable/enable, unlock,
password reset, TOTP, API tokens). Every form posts to the same path as its JSON twin without the
/api prefix and is answered with a redirect (post/redirect/get): the outcome, and a secret shown once
(temporary password, new API token, TOTP key), reach the next page through ``web.flash``.
JSON: GET/POST /api/admin/users, GET /api/admin/users/{username}, POST .../role, .../disable,
.../enable, .../unlock, .../password, .../totp, .../totp/confirm, .../totp/reset, GET/POST .../tokens,
POST .../tokens/{id}/revoke, .../tokens/{id}/expire. ``GET /api/users`` stays as the older list.
Every action is audited by the security service, with the signed-in admin as the actor.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from assistant.core.errors import AssistantError, InvalidInput
from assistant.security import service
from assistant.security.models import utcnow
from assistant.security.permissions import ROLES, USERS_ADMIN
from assistant.security.schemas import Principal, UserView
from web.deps import ContainerDep, Fields, SessionDep
from web.flash import clear_flash, read_flash, set_flash
from web.rendering import render, wants_json
from web.security_deps import audited, client_ip, require

router = APIRouter(tags=["admin"])
UserAdmin = Annotated[Principal, require(USERS_ADMIN)]
M = TypeVar("M", bound=BaseModel)
Work = Callable[[Session, str, str | None], Any]  # (db, actor, ip) -> a service result


class NewUserIn(BaseModel):
    username: str
    role: str
    password: str | None = None  # none: a temporary password is made and shown once


class RoleIn(BaseModel):
    role: str


class TokenIn(BaseModel):
    name: str = "default"
    days: int | None = None


class CodeIn(BaseModel):
    code: str


def _parse(model: type[M], fields: dict[str, Any]) -> M:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "(body)"
        raise InvalidInput(
            f"{field}: {first.get('msg', 'invalid')}", field=field, fix="correct that field"
        ) from None


def user_url(username: str) -> str:
    return f"/admin/users/{quote(username, safe='')}"


def _act(request: Request, container: Any, principal: Principal, work: Work) -> Any:
    ip = client_ip(request)
    return audited(container, lambda db: work(db, principal.username, ip))


def _outcome(
    request: Request,
    container: Any,
    principal: Principal,
    work: Work,
    *,
    back: str,
    said: Callable[[Any], str],
    shown_once: Callable[[Any], dict[str, str]] | None = None,
    created: bool = False,
    back_on_error: str | None = None,
) -> Response:
    """Run ``work``; answer JSON under /api, else redirect to ``back`` with the outcome as a flash
    (a refusal goes to ``back_on_error``, by default ``back``, with the message and its fix)."""
    if wants_json(request):
        result = _act(request, container, principal, work)
        return JSONResponse(jsonable_encoder(result), status_code=201 if created else 200)
    try:
        result = _act(request, container, principal, work)
    except AssistantError as exc:
        response = RedirectResponse(back_on_error or back, status_code=303)
        set_flash(request, response, exc.message, kind="error", fix=exc.fix or "", field=exc.field or "")
        return response
    response = RedirectResponse(back, status_code=303)
    set_flash(request, response, said(result), **(shown_once(result) if shown_once else {}))
    return response


def _shown_once(attr: str, label: str, uri: str | None = None) -> Callable[[Any], dict[str, str]]:
    """The result's secret (attribute ``attr``), shown once on the next page under ``label``."""

    def once(result: Any) -> dict[str, str]:
        secret = getattr(result, attr)
        if not secret:
            return {}
        return {"secret": secret, "secret_label": label, **({"uri": getattr(result, uri)} if uri else {})}

    return once


UserCall = Callable[..., Any]  # service.f(db, username, *, actor, ip) -> UserView


def _user_action(action: str, call: UserCall, said: str) -> None:
    """``POST /admin/users/{username}/<action>`` and its JSON twin: one service call on the user, which
    answers the user (``UserView``); ``said`` formats the page's flash from it."""

    def handler(request: Request, username: str, container: ContainerDep, principal: UserAdmin) -> Response:
        def work(db: Session, actor: str, ip: str | None) -> Any:
            return call(db, username, actor=actor, ip=ip)

        return _outcome(request, container, principal, work, back=user_url(username), said=said.format)

    handler.__name__ = handler.__qualname__ = action.replace("/", "_")
    router.post(f"/admin/users/{{username}}/{action}")(handler)
    router.post(f"/api/admin/users/{{username}}/{action}", response_model=UserView)(handler)


def _page(request: Request, template: str, context: dict[str, Any]) -> Response:
    flash = read_flash(request)
    response = render(request, template, {**context, "flash": flash, "roles": ROLES, "active": "admin"})
    clear_flash(request, response)
    return response


# ------------------------------------------------------------------ the list and a new user


@router.get("/api/users", response_model=list[UserView])
@router.get("/api/admin/users", response_model=list[UserView])
def api_users(session: SessionDep, _: UserAdmin) -> list[UserView]:
    return service.list_users(session)


@router.get("/admin/users")
def users_page(request: Request, session: SessionDep, _: UserAdmin) -> Response:
    return _page(request, "admin/users.html", {"users": service.list_users(session), "now": utcnow()})


@router.post("/admin/users")
@router.post("/api/admin/users", status_code=201)
def create_user(request: Request, container: ContainerDep, principal: UserAdmin, fields: Fields) -> Response:
    def work(db: Session, actor: str, ip: str | None) -> Any:
        body = _parse(NewUserIn, fields)
        return service.create_account(
            db, body.username, body.role, body.password, actor=actor, ip=ip, settings=container.settings
        )

    def said(r: Any) -> str:
        how = " with a temporary password (shown once, below)" if r.temporary_password else ""
        return f"Created {r.user.username} ({r.user.role}){how}."

    return _outcome(
        request,
        container,
        principal,
        work,
        back=user_url(str(fields.get("username", "")).strip().lower()),
        back_on_error="/admin/users",
        said=said,
        shown_once=_shown_once("temporary_password", "Temporary password"),
        created=True,
    )


# ------------------------------------------------------------------ one user


@router.get("/api/admin/users/{username}")
def api_user(username: str, session: SessionDep, container: ContainerDep, _: UserAdmin) -> Any:
    return service.user_detail(session, username, settings=container.settings)


@router.get("/admin/users/{username}")
def user_page(
    request: Request, username: str, session: SessionDep, container: ContainerDep, _: UserAdmin
) -> Response:
    detail = service.user_detail(session, username, settings=container.settings)
    pending_totp = not detail.user.totp_enabled and service.totp_pending(session, username)
    return _page(
        request, "admin/user.html", {"detail": detail, "pending_totp": pending_totp, "now": utcnow()}
    )


@router.post("/admin/users/{username}/role")
@router.post("/api/admin/users/{username}/role", response_model=UserView)
def set_role(
    request: Request, username: str, container: ContainerDep, principal: UserAdmin, fields: Fields
) -> Response:
    def work(db: Session, actor: str, ip: str | None) -> Any:
        return service.set_role(db, username, _parse(RoleIn, fields).role, actor=actor, ip=ip)

    said = "{0.username} is now {0.role}; their open sessions were ended.".format
    return _outcome(request, container, principal, work, back=user_url(username), said=said)


_user_action(
    "disable",
    partial(service.set_disabled, disabled=True),
    "{0.username} is disabled: their API tokens were revoked and their sessions ended.",
)


_user_action(
    "enable",
    partial(service.set_disabled, disabled=False),
    "{0.username} is enabled again (revoked tokens stay revoked: issue new ones).",
)


_user_action("unlock", service.unlock, "{0.username} is unlocked and may sign in again.")


@router.post("/admin/users/{username}/password")
@router.post("/api/admin/users/{username}/password")
def reset_password(
    request: Request, username: str, container: ContainerDep, principal: UserAdmin
) -> Response:
    def work(db: Session, actor: str, ip: str | None) -> Any:
        return service.reset_password(db, username, actor=actor, ip=ip, settings=container.settings)

    def said(r: Any) -> str:
        return (
            f"The password of {r.username} was reset: their sessions were ended and API tokens revoked. "
            "Give them the temporary password below; they change it on their Account page."
        )

    once = _shown_once("temporary_password", "Temporary password")
    return _outcome(request, container, principal, work, back=user_url(username), said=said, shown_once=once)


@router.post("/admin/users/{username}/totp")
@router.post("/api/admin/users/{username}/totp")
def totp_enroll(request: Request, username: str, container: ContainerDep, principal: UserAdmin) -> Response:
    def work(db: Session, actor: str, ip: str | None) -> Any:
        return service.totp_enrollment(db, username, actor=actor, settings=container.settings)

    def said(r: Any) -> str:
        return (
            f"Authenticator enrolment started for {r.username}: add the key below to their app, "
            "then confirm with a code it shows. Sign-in needs a code only once confirmed."
        )

    once = _shown_once("secret", "Authenticator key", uri="provisioning_uri")
    return _outcome(request, container, principal, work, back=user_url(username), said=said, shown_once=once)


@router.post("/admin/users/{username}/totp/confirm")
@router.post("/api/admin/users/{username}/totp/confirm", response_model=UserView)
def totp_confirm(
    request: Request, username: str, container: ContainerDep, principal: UserAdmin, fields: Fields
) -> Response:
    def work(db: Session, actor: str, ip: str | None) -> Any:
        service.totp_confirm(db, username, _parse(CodeIn, fields).code, actor=actor)
        return service.user_detail(db, username, settings=container.settings).user

    said = "Two-factor sign-in is on for {0.username}: sign-ins now need a code.".format
    return _outcome(request, container, principal, work, back=user_url(username), said=said)


_user_action(
    "totp/reset",
    service.totp_reset,
    "The authenticator of {0.username} was removed: until enrolled again, a password signs in.",
)


# ------------------------------------------------------------------ API tokens


@router.get("/api/admin/users/{username}/tokens")
def api_tokens(username: str, session: SessionDep, container: ContainerDep, _: UserAdmin) -> Any:
    return service.list_tokens(session, username, settings=container.settings)


@router.post("/admin/users/{username}/tokens")
@router.post("/api/admin/users/{username}/tokens", status_code=201)
def issue_token(
    request: Request, username: str, container: ContainerDep, principal: UserAdmin, fields: Fields
) -> Response:
    def work(db: Session, actor: str, ip: str | None) -> Any:
        body = _parse(TokenIn, fields)
        return service.issue_token(
            db, username, body.name, actor=actor, ip=ip, days=body.days, settings=container.settings
        )

    def said(r: Any) -> str:
        return f"New API token {r.name!r} for {r.username}, valid until {r.expires_at:%Y-%m-%d}: copy it now."

    once = _shown_once("token", "API token")
    return _outcome(
        request, container, principal, work, back=user_url(username), said=said, shown_once=once, created=True
    )


@router.post("/admin/users/{username}/tokens/{token_id}/revoke")
@router.post("/api/admin/users/{username}/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, username: str, token_id: int, container: ContainerDep, principal: UserAdmin
) -> Response:
    def work(db: Session, actor: str, ip: str | None) -> Any:
        service.revoke_token(db, username, token_id, actor=actor, ip=ip)
        return next(t for t in service.list_tokens(db, username) if t.id == token_id)

    said = "Token {0.id} ({0.name!r}) is revoked.".format
    return _outcome(request, container, principal, work, back=user_url(username), said=said)


@router.post("/admin/users/{username}/tokens/{token_id}/expire")
@router.post("/api/admin/users/{username}/tokens/{token_id}/expire")
def expire_token(
    request: Request, username: str, token_id: int, container: ContainerDep, principal: UserAdmin
) -> Response:
    def work(db: Session, actor: str, ip: str | None) -> Any:
        return service.expire_token(db, username, token_id, actor=actor, ip=ip)

    said = "Token {0.id} ({0.name!r}) is {0.state} as of now.".format
    return _outcome(request, container, principal, work, back=user_url(username), said=said)
