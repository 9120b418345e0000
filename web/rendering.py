"""Templates and the one rule for errors: JSON under /api, an inline alert for HTMX, a page otherwise.

A page request without a valid sign-in is sent to ``/login?next=...`` (303; HTMX gets ``HX-Redirect``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from assistant.core.errors import AssistantError, InvalidInput, NotFound
from assistant.core.hints import in_app
from assistant.security import csrf, sessions
from assistant.security.errors import PasswordChangeRequired, Unauthorized
from assistant.suggest.index_status import index_status
from web.paths import TEMPLATES_DIR
from web.security_deps import csrf_secret, get_principal

templates = Jinja2Blocks(directory=str(TEMPLATES_DIR))
templates.env.globals["app_place"] = in_app  # _alert.html: where the app does what a fix's command does


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def principal_of(request: Request) -> Any:
    return getattr(request.state, "principal", None)


def csrf_token_for(request: Request) -> str:
    """A CSRF token for the signed-in session of this request ('' without one), minted once per request."""
    token: str | None = getattr(request.state, "csrf_token", None)
    if token is not None:
        return token
    principal = principal_of(request)
    token = ""
    if principal is not None and principal.method == "session":
        token = csrf.issue(csrf_secret(request, request.app.state.container), principal.session_id)
    request.state.csrf_token = token
    return token


def page_context(request: Request) -> dict[str, Any]:
    """What base.html needs on every page: who is signed in, what they may do, the CSRF token."""
    me = principal_of(request)
    index_dir = request.app.state.container.settings.index_dir
    return {
        "request": request,
        "me": me,
        "index": index_status(index_dir) if me is not None else None,
        "can": (lambda *needed: me is not None and all(me.can(p) for p in needed)),
        "csrf_token": csrf_token_for(request),
    }


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    block: str | None = None,
    status_code: int = 200,
) -> Response:
    """Render a full page, or only ``block`` of it for an HTMX request."""
    ctx = {**page_context(request), **context}
    if block and is_htmx(request):
        return templates.TemplateResponse(request, template, ctx, block_name=block, status_code=status_code)
    return templates.TemplateResponse(request, template, ctx, status_code=status_code)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a local path may follow sign-in (no scheme, no host, no '//' or backslash tricks)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return default
    return target


def login_url(request: Request) -> str:
    """Where to come back after signing in: this page for a GET, else the page the form was on
    (for HTMX, the page the fragment was asked from)."""
    current = urlsplit(request.headers.get("hx-current-url", "")) if is_htmx(request) else None
    if current is not None and current.netloc == request.url.netloc:
        here = current.path + (f"?{current.query}" if current.query else "")
    elif request.method == "GET":
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:
        ref = urlsplit(request.headers.get("referer", ""))
        here = ref.path + (f"?{ref.query}" if ref.query else "") if ref.netloc == request.url.netloc else "/"
    here = safe_next(here)
    return "/login" if here == "/" else f"/login?next={quote(here, safe='/')}"


def _expired(url: str, expired: bool) -> str:
    return url + ("&" if "?" in url else "?") + "expired=1" if expired else url


def _sign_in_again(request: Request, exc: Unauthorized) -> Response:
    expired = bool(getattr(request.state, "clear_session_cookie", False))
    if wants_json(request):
        response: Response = JSONResponse(
            exc.to_dict(), status_code=exc.status_code, headers={"WWW-Authenticate": "Bearer"}
        )
    elif is_htmx(request):  # htmx follows HX-Redirect; the page's unsent text waits in sessionStorage
        response = Response(
            status_code=exc.status_code, headers={"HX-Redirect": _expired(login_url(request), expired)}
        )
    else:
        response = RedirectResponse(_expired(login_url(request), expired), status_code=303)
    if expired:
        response.delete_cookie(sessions.COOKIE_NAME, path="/")
    return response


def render_error(
    request: Request, exc: AssistantError, *, extra_json: dict[str, Any] | None = None
) -> Response:
    if isinstance(exc, Unauthorized):
        return _sign_in_again(request, exc)
    if isinstance(exc, PasswordChangeRequired) and not wants_json(request):
        if is_htmx(request):
            return Response(status_code=exc.status_code, headers={"HX-Redirect": exc.PAGE})
        return RedirectResponse(exc.PAGE, status_code=303)
    extra_json = extra_json or {}
    retry_after = getattr(exc, "retry_after", None)  # 429: when to come back
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    if wants_json(request):
        body: dict[str, Any] = {**exc.to_dict(), **extra_json}
        place = in_app(exc.fix)
        if place is not None:  # the page that does what the hint's command does
            body["fix_in_app"] = place.model_dump()
        return JSONResponse(body, status_code=exc.status_code, headers=headers)
    template = "_alert.html" if is_htmx(request) else "error.html"
    # HTMX ignores 4xx bodies by default; the alert is swapped in with a 200 and an error flag.
    status = 200 if is_htmx(request) else exc.status_code
    ctx = {**page_context(request), "error": exc}
    return templates.TemplateResponse(request, template, ctx, status_code=status, headers=headers)


async def http_error(request: Request, exc: HTTPException) -> Response:
    """Starlette's own errors (an unknown URL, a wrong method) as AssistantErrors: JSON under /api
    (with the usual ``detail`` too), an error page with the navigation for a page."""
    if exc.status_code == 404:
        err: AssistantError = NotFound(
            f"there is no page at {request.url.path}",
            field="url",
            fix="check the address, or use the menu above",
        )
    else:
        err = AssistantError(
            str(exc.detail), field="url", fix="go back and use the page's own links and forms"
        )
        err.status_code = exc.status_code
    if not wants_json(request) and getattr(request.state, "principal", None) is None:
        try:  # who is asking, for the navigation of the error page (a dead session shows none)
            await run_in_threadpool(get_principal, request, request.app.state.container)
        except AssistantError:
            request.state.principal = None
    response = render_error(request, err, extra_json={"detail": exc.detail})
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def validation_error(request: Request, exc: Any) -> Response:
    """A request the schema refuses: the first problem as an InvalidInput, plus every problem in
    ``detail`` without echoing the raw input (which may not even be JSON-writable, e.g. NaN)."""
    problems = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
    ]
    first = problems[0] if problems else {"loc": ["body"], "msg": "invalid request"}
    field = ".".join(p for p in first["loc"] if p != "body") or "(body)"
    err = InvalidInput(
        f"{field}: {first['msg']}", field=field, fix="correct that field and send the request again"
    )
    if wants_json(request) or request.url.path.startswith("/api"):
        return JSONResponse({**err.to_dict(), "detail": problems}, status_code=422)
    return render_error(request, err)
