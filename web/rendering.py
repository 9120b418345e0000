"""Templates and the one rule for errors: JSON under /api, an inline alert for HTMX, a page otherwise."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2_fragments.fastapi import Jinja2Blocks

from assistant.core.errors import AssistantError
from web.app import WEB_DIR

templates = Jinja2Blocks(directory=str(WEB_DIR / "templates"))


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def render(request: Request, template: str, context: dict[str, Any], *, block: str | None = None,
           status_code: int = 200) -> HTMLResponse:
    """Render a full page, or only ``block`` of it for an HTMX request."""
    ctx = {"request": request, **context}
    if block and is_htmx(request):
        return templates.TemplateResponse(request, template, ctx, block_name=block, status_code=status_code)
    return templates.TemplateResponse(request, template, ctx, status_code=status_code)


def render_error(request: Request, exc: AssistantError) -> Response:
    if wants_json(request):
        return JSONResponse(exc.to_dict(), status_code=exc.status_code)
    template = "_alert.html" if is_htmx(request) else "error.html"
    # HTMX ignores 4xx bodies by default; the alert is swapped in with a 200 and an error flag.
    status = 200 if is_htmx(request) else exc.status_code
    return templates.TemplateResponse(request, template, {"request": request, "error": exc}, status_code=status)
