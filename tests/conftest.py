"""Shared fixtures.

The real code sets are loaded once by ``make test`` (``assistant codesets load --if-missing``) into
``data/reference.sqlite``; tests open it read-only through ``reference``. Operational databases are
fresh temporary SQLite files migrated with Alembic.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from assistant.config import PROJECT_ROOT, Settings  # noqa: E402

SHARED = PROJECT_ROOT.parent / "shared"
REAL_REFERENCE_DB = PROJECT_ROOT / "data" / "reference.sqlite"


@pytest.fixture
def tmp_settings(tmp_path: Path) -> Settings:
    """Settings pointing every writable path into a temporary folder, reading the real reference DB."""
    return Settings(
        data_dir=tmp_path / "data",
        reference_db_path=REAL_REFERENCE_DB,
        index_dir=tmp_path / "index",
    )


@pytest.fixture(scope="session")
def reference():  # type: ignore[no-untyped-def]
    """The real, fully loaded code sets (read-only)."""
    from assistant.codesets.repository import CodeSetRepository

    if not REAL_REFERENCE_DB.exists():
        pytest.fail("reference data not loaded: run `assistant codesets load` (make test does this)")
    return CodeSetRepository.open(REAL_REFERENCE_DB)


@pytest.fixture
def op_session_factory(tmp_settings: Settings) -> Iterator[object]:
    """A fresh operational database migrated to head."""
    from assistant.core import migrate
    from assistant.core.db import make_engine, session_factory

    tmp_settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(tmp_settings.resolved_database_url)
    engine = make_engine(tmp_settings.resolved_database_url)
    yield session_factory(engine)
    engine.dispose()
