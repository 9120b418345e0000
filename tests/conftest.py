"""Shared fixtures.

The real code sets are loaded once by ``make test`` (``assistant codesets load --if-missing``) into
``data/reference.sqlite``; tests open it read-only through ``reference``. Operational databases are
fresh temporary SQLite files migrated with Alembic.

PostgreSQL: with ``ASSISTANT_TEST_POSTGRES_URL`` (or ``--postgres-url``) set to an admin URL such as
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``, every test under ``BOTH_BACKENDS`` that uses
``tmp_settings`` runs twice, on SQLite and on a fresh PostgreSQL database of its own (created from a
migrated template, dropped after the test). Unset, the PostgreSQL runs are skipped with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from assistant.config import PROJECT_ROOT, Settings  # noqa: E402

SHARED = PROJECT_ROOT.parent / "shared"
REAL_REFERENCE_DB = PROJECT_ROOT / "data" / "reference.sqlite"


POSTGRES_ENV = "ASSISTANT_TEST_POSTGRES_URL"
# Test folders whose database tests (those using ``tmp_settings`` or ``op_database_url``) run on both.
BOTH_BACKENDS = ("billing", "claims", "denials", "remit", "reliability", "trainee")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgres-url",
        default=os.environ.get(POSTGRES_ENV, ""),
        help=f"admin URL of a PostgreSQL server for the second database backend (env {POSTGRES_ENV})",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "op_backend" in metafunc.fixturenames:
        tests_dir = Path(__file__).resolve().parent
        rel = metafunc.definition.path.resolve().relative_to(tests_dir).parts
        if rel and rel[0] in BOTH_BACKENDS:
            metafunc.parametrize("op_backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def op_backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` (default) or ``postgresql`` (for tests under BOTH_BACKENDS)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def postgres_template(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database migrated to head once per test process, copied for every PostgreSQL test."""
    from tests.reliability.pg import create_database, drop_database

    admin = request.config.getoption("--postgres-url")
    if not admin:
        pytest.skip(f"PostgreSQL backend not configured: set {POSTGRES_ENV} (.ci/run starts a server)")
    from assistant.core import migrate

    url = create_database(admin, prefix="tmpl")
    migrate.upgrade(url)
    yield url
    drop_database(admin, url)


@pytest.fixture
def op_database_url(op_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The operational database URL of this test: a SQLite file in tmp_path or a fresh PostgreSQL DB."""
    if op_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'assistant.db'}"
        return
    from tests.reliability.pg import create_database, drop_database

    admin = request.config.getoption("--postgres-url")
    url = create_database(admin, template=request.getfixturevalue("postgres_template"))
    yield url
    drop_database(admin, url)


@pytest.fixture
def tmp_settings(tmp_path: Path, op_backend: str, request: pytest.FixtureRequest) -> Settings:
    """Settings pointing every writable path into a temporary folder, reading the real reference DB."""
    url = request.getfixturevalue("op_database_url") if op_backend == "postgresql" else ""
    return Settings(
        data_dir=tmp_path / "data",
        reference_db_path=REAL_REFERENCE_DB,
        index_dir=tmp_path / "index",
        database_url=url,
    )


@pytest.fixture(scope="session")
def reference():  # type: ignore[no-untyped-def]
    """The real, fully loaded code sets (read-only)."""
    from assistant.codesets.repository import CodeSetRepository

    if not REAL_REFERENCE_DB.exists():
        pytest.fail("reference data not loaded: run `assistant codesets load` (make test does this)")
    return CodeSetRepository.open(REAL_REFERENCE_DB)


def migrated_sessions(settings: Settings) -> Iterator[Any]:
    """Session factory of ``settings``' operational database, migrated to head (the data folder is
    created first: Alembic does not create it); the engine is disposed when the generator closes."""
    from assistant.core import migrate
    from assistant.core.db import make_engine, session_factory

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def op_session_factory(tmp_settings: Settings) -> Iterator[Any]:
    """A fresh operational database migrated to head."""
    yield from migrated_sessions(tmp_settings)
