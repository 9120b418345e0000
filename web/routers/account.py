"""The signed-in user's own account: change the password (the page and its JSON twin).

A change ends every session of the user, this one included: the page sends them to sign in again.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from assistant.core.errors import AssistantError, InvalidInput
from assistant.security import service, sessions
from assistant.security.schemas import Principal
from web.deps import ContainerDep
from web.rendering import render
from web.security_deps import audited, client_ip, require

router = APIRouter(tags=["account"])
SignedIn = Annotated[Principal, require(password_change=True)]


class PasswordChange(BaseModel):
    current_password: str
    new_password: str


def _change(request: Request, container: ContainerDep, principal: Principal, body: PasswordChange) -> None:
    ip = client_ip(request)
    audited(
        container,
        lambda db: service.change_own_password(
            db,
            principal.username,
            body.current_password,
            body.new_password,
            ip=ip,
            settings=container.settings,
        ),
    )


@router.get("/account/password")
def password_page(request: Request, container: ContainerDep, principal: SignedIn) -> Response:
    return render(
        request,
        "auth/password.html",
        {"min_length": container.settings.password_min_length, "error": None},
    )


@router.post("/account/password")
def change_password_page(
    request: Request,
    container: ContainerDep,
    principal: SignedIn,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    repeat_password: Annotated[str, Form()] = "",
) -> Response:
    try:
        if new_password != repeat_password:
            raise InvalidInput(
                "the two new passwords differ", field="repeat_password", fix="type the same password twice"
            )
        change = PasswordChange(current_password=current_password, new_password=new_password)
        _change(request, container, principal, change)
    except AssistantError as exc:
        return render(
            request,
            "auth/password.html",
            {"min_length": container.settings.password_min_length, "error": exc},
            status_code=exc.status_code,
        )
    response = RedirectResponse("/login?password_changed=1", status_code=303)
    response.delete_cookie(sessions.COOKIE_NAME, path="/")
    return response


@router.post("/api/account/password")
def change_password_api(
    body: PasswordChange, request: Request, container: ContainerDep, principal: SignedIn
) -> dict[str, bool]:
    """Changes the caller's password; their sessions end (API tokens stay valid)."""
    _change(request, container, principal, body)
    return {"changed": True, "sessions_ended": True}
