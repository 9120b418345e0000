"""An API client for the reliability tests: the real app on a temporary database, signed in with a
bearer token made through the security service (the way scripts call the API)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from assistant.app.container import Container
from assistant.core.db import transaction

PASSWORD = "correct horse battery staple"


def issue_token(container: Container, username: str = "fuzz-admin", role: str = "admin") -> str:
    from assistant.security import repository, service

    with transaction(container.sessions) as session:
        if repository.user_by_name(session, username) is None:
            service.create_user(session, username, role, PASSWORD, settings=container.settings)
        return service.issue_token(session, username, "reliability").token


@contextmanager
def api_client(container: Container) -> Iterator[TestClient]:
    """TestClient on create_app (lifespan migrates the database), sending ``Authorization: Bearer``."""
    from web.app import create_app

    app = create_app(container.settings, container=container, load_engine=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.headers["Authorization"] = f"Bearer {issue_token(container)}"
        yield client


def count_rows(container: Container, *tables: str) -> dict[str, Any]:
    from sqlalchemy import text

    with container.sessions() as s:
        return {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}
