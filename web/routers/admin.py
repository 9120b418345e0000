"""Admin pages (read-only): the audit log with filters and paging, and the user list.

HTML: /admin/audit, /admin/users. JSON twins: GET /api/audit, GET /api/users. GET /api/openapi.json
(the API description) is admin-only too; the interactive docs are off (they would load from a CDN).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from assistant.security import audit, service
from assistant.security.models import utcnow
from assistant.security.permissions import AUDIT_READ, USERS_ADMIN
from assistant.security.schemas import AuditPage, Principal, UserView
from web.deps import SessionDep
from web.routers.pages_common import respond
from web.security_deps import require

router = APIRouter(tags=["admin"])
AuditReader = Annotated[Principal, require(AUDIT_READ)]
UserAdmin = Annotated[Principal, require(USERS_ADMIN)]


def _audit_page(
    session: Any,
    user: str,
    action: str,
    since: date | None,
    until: date | None,
    page: int,
    per_page: int,
) -> AuditPage:
    return audit.page(
        session,
        actor=user.strip().lower() or None,
        action=action.strip() or None,
        since=since,
        until=until,
        page=page,
        per_page=per_page,
    )


@router.get("/api/audit", response_model=AuditPage)
def api_audit(
    session: SessionDep,
    _: AuditReader,
    user: str = "",
    action: str = "",
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
    per_page: int = 50,
) -> AuditPage:
    """Newest first. ``action`` may end in ``*`` (``login.*``); ``since``/``until`` are UTC dates."""
    return _audit_page(session, user, action, since, until, page, per_page)


@router.get("/admin/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    _: AuditReader,
    user: str = "",
    action: str = "",
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Response:
    result = _audit_page(session, user, action, since, until, page, per_page)
    filters = {
        "user": user,
        "action": action,
        "since": since or "",
        "until": until or "",
        "per_page": per_page,
    }

    def link(to: int) -> str:
        return "/admin/audit?" + urlencode({**{k: v for k, v in filters.items() if v}, "page": to})

    return respond(
        request,
        "admin/audit.html",
        {"result": result, "filters": filters},
        extra={
            "active": "admin",
            "prev_url": link(page - 1) if page > 1 else "",
            "next_url": link(page + 1) if page < result.pages else "",
        },
    )


@router.get("/api/users", response_model=list[UserView])
def api_users(session: SessionDep, _: UserAdmin) -> list[UserView]:
    return service.list_users(session)


@router.get("/admin/users")
def users_page(request: Request, session: SessionDep, _: UserAdmin) -> Response:
    return respond(
        request,
        "admin/users.html",
        {"users": service.list_users(session)},
        extra={"active": "admin", "now": utcnow()},
    )


@router.get("/api/openapi.json", include_in_schema=False)
def openapi(request: Request, _: UserAdmin) -> JSONResponse:
    return JSONResponse(request.app.openapi())
