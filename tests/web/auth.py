"""Signing test clients in: real users in the app's database, a bearer token or the real /login form.

Call these after the client's lifespan ran (inside ``with TestClient(app) as client``), so the
database is migrated.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.core.db import transaction

PASSWORD = "correct horse battery staple"


def _container(client: Any) -> Any:
    return client.app.state.container


def create_user(client: Any, username: str, role: str, password: str = PASSWORD) -> None:
    from assistant.security import repository, service

    with transaction(_container(client).sessions) as session:
        if repository.user_by_name(session, username) is None:
            service.create_user(session, username, role, password, settings=_container(client).settings)


def token_for(client: Any, username: str, role: str) -> str:
    """A new API token of a (created if missing) user."""
    from assistant.security import service

    create_user(client, username, role)
    with transaction(_container(client).sessions) as session:
        return service.issue_token(session, username, "tests").token


def use_token(client: Any, role: str = "admin", username: str | None = None) -> str:
    """Every request of ``client`` from now on carries ``Authorization: Bearer``; returns the token."""
    token = token_for(client, username or f"{role}-api", role)
    client.headers["Authorization"] = f"Bearer {token}"
    return token


def login_form_token(client: Any, path: str = "/login") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


def sign_in(
    client: Any,
    username: str,
    password: str = PASSWORD,
    *,
    role: str | None = None,
    send_csrf_header: bool = True,
) -> str:
    """Sign in through the real /login form (creating the user first when ``role`` is given).

    Returns the session's CSRF token; with ``send_csrf_header`` every later request sends it as
    X-CSRF-Token (what the page's htmx does), so plain form posts in tests need no hidden field.
    """
    if role is not None:
        create_user(client, username, role, password)
    form_token = login_form_token(client)
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": form_token, "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:800]
    csrf = client.get("/api/me").json()["csrf_token"]
    if send_csrf_header:
        client.headers["X-CSRF-Token"] = csrf
    return str(csrf)
