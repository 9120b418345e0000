"""FastAPI app factory. Delivery only: every route calls a service from ``assistant``."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.config import Settings, get_settings
from assistant.core.container import Container
from assistant.core.errors import AssistantError
from assistant.core.modules import module_exists

WEB_DIR = Path(__file__).resolve().parent

# Routers are added here as domains land; each module exposes `router`.
ROUTER_MODULES = [
    "web.routers.health",
    "web.routers.codes",
    "web.routers.suggest",
    "web.routers.chat",
    "web.routers.trainee",
    "web.routers.claims",
    "web.routers.remits",
    "web.routers.denials",
    "web.routers.billing",
    "web.routers.pages_claims",
    "web.routers.pages_remits",
    "web.routers.pages_billing",
    "web.routers.auth",
    "web.routers.account",
    "web.routers.admin",
]


class SecurityHeaders:
    """Pure ASGI middleware (streams pass through untouched): no framing, no sniffing, no caching of
    pages and API answers that may hold PHI, no referrer leaving the site."""

    HEADERS = [
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
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


def create_app(
    settings: Settings | None = None, *, container: Container | None = None, load_engine: bool = True
) -> FastAPI:
    container = container or Container(settings or get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from assistant.core import migrate

        migrate.upgrade(container.settings.resolved_database_url)
        if load_engine:
            _ = container.suggester  # load the model and index once, here, not per request
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
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")

    @app.exception_handler(AssistantError)
    async def _domain_error(request: Request, exc: AssistantError) -> Response:
        from web.rendering import render_error

        return render_error(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
        from web.rendering import validation_error

        return validation_error(request, exc)

    for module in ROUTER_MODULES:
        if module_exists(module):
            app.include_router(importlib.import_module(module).router)
    return app
