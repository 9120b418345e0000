from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner, Result

from assistant.config import Settings, get_settings
from tests.conftest import migrated_sessions

STRONG = "correct horse battery staple"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Env-driven settings (what the CLI reads) pointing every writable path into tmp_path."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    for name in ("DATABASE_URL", "SECRET_KEY_PATH", "PHI_KEY_PATH"):
        monkeypatch.delenv(f"ASSISTANT_{name}", raising=False)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def db(settings: Settings, migrated_template: Path) -> Iterator[sessionmaker[Session]]:
    """The operational database of the env-driven ``settings`` (the CLI's), at head."""
    yield from migrated_sessions(settings, migrated_template)


@pytest.fixture
def cli(settings: Settings) -> Callable[..., Result]:
    from assistant.cli.main import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input)

    return invoke


def make_user(factory: sessionmaker[Session], username: str, role: str, password: str = STRONG) -> Any:
    from assistant.core.db import transaction
    from assistant.security import service

    with transaction(factory) as session:
        return service.create_user(session, username, role, password)
