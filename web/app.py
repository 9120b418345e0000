"""FastAPI app factory. Delivery only: every route calls a service from ``assistant``."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.app.container import Container
from assistant.config import Settings, get_settings
from assistant.core import migrate
from assistant.core.errors import AssistantError
from assistant.suggest.index_status import index_status
from web.paths import STATIC_DIR
from web.rendering import http_error, render_error, validation_error
from web.routers import (
    account,
    admin,
    admin_users,
    auth,
    billing,
    chat,
    claim_form,
    claims,
    codes,
    denials,
    encounters,
    fees,
    health,
    pages_billing,
    pages_claims,
    pages_patients,
    pages_remits,
    pages_reports,
    patients,
    remits,
    schedule,
    secondary,
    suggest,
    trainee,
)

# Every router of the app; each module exposes `router`. Plain imports: a renamed router fails at start.
ROUTERS = [
    health.router,
    codes.router,
    suggest.router,
    chat.router,
    trainee.router,
    claim_form.router,  # before the claims routes: /claims/new is not a claim ID
    claims.router,
    remits.router,
    denials.router,
    secondary.router,
    billing.router,
    pages_claims.router,
    pages_remits.router,
    pages_billing.router,
    pages_reports.router,
    auth.router,
    account.router,
    admin.router,
    schedule.router,
    encounters.router,
    admin_users.router,
    pages_patients.router,
    patients.router,
    fees.router,
]


class SecurityHeaders:
    """Pure ASGI middleware (streams pass through untouched): no framing, no sniffing, no caching of
    pages and API answers that may hold PHI, no referrer leaving the site, and a Content-Security-Policy
    that runs only this site's own script and style files (no inline code, no eval)."""

    CSP = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )
    HEADERS = [
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"content-security-policy", CSP.encode()),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + self.HEADERS
                if not static and not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, add_headers)


def _warm(container: Container) -> None:
    with contextlib.suppress(AssistantError):  # said again, with its fix, to whoever asks for a suggestion
        _ = container.suggester


def create_app(
    settings: Settings | None = None, *, container: Container | None = None, load_engine: bool = True
) -> FastAPI:
    container = container or Container(settings or get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        migrate.upgrade(container.settings.resolved_database_url)
        if load_engine and index_status(container.settings.index_dir).state == "ready":
            # Load the model and index once, beside the first requests rather than before them: sign-in
            # and every page answer at once; a suggestion asked meanwhile waits for the load.
            threading.Thread(target=_warm, args=(container,), name="engine-load", daemon=True).start()
        # While the index builds, the engine loads (keyword-only) on the first suggestion instead.
        yield
        container.db_engine.dispose()

    # The interactive docs would load scripts from a CDN; the schema is served to admins at /api/openapi.json.
    app = FastAPI(
        title="Coding & Billing Assistant",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.container = container
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.exception_handler(AssistantError)
    async def _domain_error(request: Request, exc: AssistantError) -> Response:
        return render_error(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return validation_error(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return await http_error(request, exc)

    for router in ROUTERS:
        app.include_router(router)
    return app
