"""X-Forwarded-For/-Proto are believed only from configured proxies (issue 18 §3), through real uvicorn."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn

from assistant.app.container import Container
from assistant.cli.serve import proxy_options
from assistant.config import Settings
from assistant.core.db import transaction
from assistant.security import audit, service
from tests.security.conftest import STRONG


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _served(container: Container, options: dict[str, Any]) -> Iterator[str]:
    """The app on 127.0.0.1 in a uvicorn thread, configured as `assistant serve` configures it."""
    from web.app import create_app

    app = create_app(container.settings, container=container, load_engine=False)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def _login_ip(container: Container, base: str) -> str | None:
    with transaction(container.sessions) as session:
        if not service.has_users(session):
            service.create_user(session, "ada", "admin", STRONG, settings=container.settings)
    forged = {"X-Forwarded-For": "203.0.113.77", "X-Forwarded-Proto": "https"}
    r = httpx.post(f"{base}/api/auth/login", json={"username": "ada", "password": STRONG}, headers=forged)
    assert r.status_code == 200, r.text
    https_believed = "secure" in r.headers["set-cookie"].lower()  # X-Forwarded-Proto: https believed
    assert https_believed == bool(container.settings.trusted_proxies)
    with transaction(container.sessions) as session:
        entries = audit.list_entries(session, action=audit.LOGIN_SUCCESS, limit=1)
    return entries[0].ip


@pytest.mark.parametrize(("trusted", "logged"), [([], "127.0.0.1"), (["127.0.0.1"], "203.0.113.77")])
def test_forwarded_for_is_believed_only_from_trusted_proxies(
    settings: Settings, db: Any, trusted: list[str], logged: str
) -> None:
    configured = settings.model_copy(update={"trusted_proxies": trusted})
    container = Container(configured)
    with _served(container, proxy_options(configured)) as base:
        assert _login_ip(container, base) == logged
