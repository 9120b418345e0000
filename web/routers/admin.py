"""Admin pages: the audit log with filters and paging (user management is in ``admin_users``).

HTML: /admin/audit (a wrong filter shows as a form error in words). JSON twin: GET /api/audit.
GET /api/openapi.json (the API description) is admin-only too; the interactive docs are off (they
would load from a CDN).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from assistant.core.errors import InvalidInput
from assistant.security import audit
from assistant.security.permissions import AUDIT_READ, USERS_ADMIN
from assistant.security.schemas import AuditPage, Principal
from web.deps import SessionDep
from web.rendering import wants_json
from web.routers.pages_common import respond
from web.security_deps import require

router = APIRouter(tags=["admin"])
AuditReader = Annotated[Principal, require(AUDIT_READ)]
UserAdmin = Annotated[Principal, require(USERS_ADMIN)]


@router.get("/admin/audit")
@router.get("/api/audit", response_model=AuditPage)
def audit_page(
    request: Request,
    session: SessionDep,
    _: AuditReader,
    user: str = "",
    action: str = "",
    since: str = "",
    until: str = "",
    page: int = 1,
    per_page: int = 50,
) -> Response:
    """Newest first. ``action`` may end in ``*`` (``login.*``); ``since``/``until`` are UTC dates. The JSON
    twin answers the page of entries (``AuditPage``); the page lists them under its filters."""
    filters = {"user": user, "action": action, "since": since, "until": until, "per_page": per_page}
    error = None
    try:
        result = audit.page(
            session,
            actor=user.strip().lower() or None,
            action=action.strip() or None,
            since=audit.filter_day(since, "since"),
            until=audit.filter_day(until, "until"),
            page=page,
            per_page=per_page,
        )
    except InvalidInput as exc:  # a form error in words, shown above the filters; no entries listed
        if wants_json(request):
            raise
        error = exc
        result = AuditPage(entries=[], total=0, page=1, per_page=per_page, pages=1)

    def link(to: int) -> str:
        return "/admin/audit?" + urlencode({**{k: v for k, v in filters.items() if v}, "page": to})

    return respond(
        request,
        "admin/audit.html",
        result,
        status_code=error.status_code if error else 200,
        extra={
            "result": result,
            "filters": filters,
            "error": error,
            "active": "admin",
            "prev_url": link(page - 1) if page > 1 else "",
            "next_url": link(page + 1) if page < result.pages else "",
        },
    )


@router.get("/api/openapi.json", include_in_schema=False)
def openapi(request: Request, _: UserAdmin) -> JSONResponse:
    return JSONResponse(request.app.openapi())
