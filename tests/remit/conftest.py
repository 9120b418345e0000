from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "x12"


@pytest.fixture
def x12() -> Path:
    return FIXTURES


@pytest.fixture
def sessions(tmp_settings):  # type: ignore[no-untyped-def]
    """A fresh migrated operational DB (the data folder is created first: Alembic does not create it)."""
    from assistant.core import migrate
    from assistant.core.db import make_engine, session_factory

    tmp_settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(tmp_settings.resolved_database_url)
    engine = make_engine(tmp_settings.resolved_database_url)
    yield session_factory(engine)
    engine.dispose()
