from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def op_session_factory(tmp_settings: Any) -> Iterator[Any]:
    """A fresh migrated operational DB (the data folder is created first: SQLite cannot create it)."""
    from assistant.core import migrate
    from assistant.core.db import make_engine, session_factory

    tmp_settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(tmp_settings.resolved_database_url)
    engine = make_engine(tmp_settings.resolved_database_url)
    yield session_factory(engine)
    engine.dispose()
