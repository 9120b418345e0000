from __future__ import annotations

import pytest

from tests.denials.fakes import DenialsFakeReference


@pytest.fixture
def sessions(tmp_settings):  # type: ignore[no-untyped-def]
    from assistant.core import migrate
    from assistant.core.db import make_engine, session_factory

    tmp_settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(tmp_settings.resolved_database_url)
    engine = make_engine(tmp_settings.resolved_database_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def ref() -> DenialsFakeReference:
    return DenialsFakeReference()
