from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.app.container import Container
from assistant.config import Settings
from tests.web.auth import sign_in
from tests.web.fakes import StubSuggester


@pytest.fixture
def container(tmp_settings: Settings, reference: Any) -> Container:
    tmp_settings.data_dir.mkdir(parents=True, exist_ok=True)
    c = Container(tmp_settings)
    c.__dict__["reference"] = reference  # the session-wide real code sets (cached_property slot)
    c.set_suggester(StubSuggester())
    return c


@pytest.fixture
def anon(container: Container) -> Iterator[TestClient]:
    """A client with no credentials (the database is migrated when it starts)."""
    from web.app import create_app

    with TestClient(create_app(container.settings, container=container, load_engine=False)) as tc:
        yield tc


@pytest.fixture
def client(anon: TestClient) -> TestClient:
    """Signed in as an admin through the real login form; sends the CSRF header like htmx does."""
    sign_in(anon, "ada", role="admin")
    return anon
