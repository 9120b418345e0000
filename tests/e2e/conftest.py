"""A real uvicorn server on 127.0.0.1 (random free port) with a temp data dir, the tests' reference DB and a
fake suggestion engine (tests.web.fakes.StubSuggester: starts instantly), plus a headless Debian chromium.

Users (one per role, password ``tests.web.auth.PASSWORD``) are created once the server has migrated its
database; every browser page signs in through the real /login page, and API calls from the tests send
an admin's bearer token (``api_headers``)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.config import PROJECT_ROOT, Settings

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


PASSWORD_CHANGER = "e2e-changer"  # its own user: changing the password ends its sessions
E2E_USERS = {"admin": "ada", "trainee": "tia"}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from assistant.app.container import Container
    from tests.conftest import reference_db
    from tests.web.fakes import StubSuggester
    from web.app import create_app

    data = tmp_path_factory.mktemp("e2e-data")
    settings = Settings(data_dir=data, reference_db_path=reference_db(), index_dir=data / "index")
    container = Container(settings)
    container.set_suggester(StubSuggester())
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, container=container, load_engine=False),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    from assistant.core.db import transaction
    from assistant.security import service
    from tests.web.auth import PASSWORD

    with transaction(container.sessions) as session:
        for role, username in E2E_USERS.items():
            service.create_user(session, username, role, PASSWORD, settings=settings)
        service.create_user(session, PASSWORD_CHANGER, "coder", PASSWORD, settings=settings)
        token = service.issue_token(session, E2E_USERS["admin"], "e2e").token
    _TOKENS["admin"] = token
    _SETTINGS["live"] = settings
    LIVE["container"] = container  # the server's own container (a test may age a session in its database)
    _CONTAINER["live"] = container
    _SESSIONS.append(container.sessions)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent: install Debian's chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


_TOKENS: dict[str, str] = {}
_SETTINGS: dict[str, Settings] = {}


@pytest.fixture
def live_settings(live_server: str) -> Settings:
    """The live server's settings (its data and index folders)."""
    return _SETTINGS["live"]


LIVE: dict[str, Any] = {}
_CONTAINER: dict[str, Any] = {}


@pytest.fixture
def live_container(live_server: str) -> Any:
    """The live server's container (tests seed rows no page creates yet, e.g. an encounter)."""
    return _CONTAINER["live"]


_SESSIONS: list[Any] = []  # the live server's session factory, for tests that set up data directly


@pytest.fixture
def live_sessions(live_server: str) -> Any:
    """The live server's database sessions (to put a claim in a state no page reaches directly)."""
    return _SESSIONS[0]


@pytest.fixture
def api_headers(live_server: str) -> dict[str, str]:
    """Headers for API calls made by the test itself (an admin's bearer token)."""
    return {"Authorization": f"Bearer {_TOKENS['admin']}"}


def sign_in_page(page: Any, username: str, then: str = "/") -> None:
    """Sign in through the real login page (the app sends an unknown visitor there first)."""
    from tests.web.auth import PASSWORD

    page.goto(then)
    page.wait_for_url("**/login**")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def new_page(browser: Any, live_server: str) -> Any:
    context = browser.new_context(
        base_url=live_server, accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    p = context.new_page()
    p.set_default_timeout(15_000)
    return p


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A browser signed in as the admin (every page of the app is open to it)."""
    p = new_page(browser, live_server)
    sign_in_page(p, E2E_USERS["admin"])
    yield p
    p.context.close()


@pytest.fixture
def trainee_page(browser: Any, live_server: str) -> Iterator[Any]:
    p = new_page(browser, live_server)
    sign_in_page(p, E2E_USERS["trainee"], then="/trainee")
    yield p
    p.context.close()


def shot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
