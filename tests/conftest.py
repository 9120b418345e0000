"""Shared fixtures. Tests never read or write the user's ``data/`` folder.

Reference data: the code sets shipped in ``codesets/`` are loaded by the tests themselves, once, into a
cache folder of this checkout under the system temp dir (``reference_db()``; rebuilt only when the
manifests change, kept read-only, shared by xdist workers under a file lock). ``pytest_configure`` points
``ASSISTANT_DATA_DIR`` at a temporary folder of the session, which receives a copy of that build, so CLI
tests that read settings from the environment see the same data and may write without harm.

Operational data: one SQLite database migrated with Alembic per test process (``migrated_template``),
copied into each test's temporary folder by ``tmp_settings`` instead of running the migrations for every
test; ``sessions`` (the one database fixture name of every domain) opens it.

PostgreSQL: with ``ASSISTANT_TEST_POSTGRES_URL`` (or ``--postgres-url``) set to an admin URL such as
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``, every test under ``BOTH_BACKENDS`` that uses
``tmp_settings`` runs twice, on SQLite and on PostgreSQL: one database per test process, copied from a
migrated template and emptied before each test (copied again when a test changed its schema), so each
test starts as on a fresh copy. Unset, the PostgreSQL runs are skipped with the reason.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from _pytest.nodeid import coerce_node_id
from argon2 import PasswordHasher
from sqlalchemy.orm import Session, sessionmaker

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from assistant.codesets.repository import CodeSetRepository  # noqa: E402
from assistant.codesets.service import ensure_loaded  # noqa: E402
from assistant.config import PROJECT_ROOT, Settings, get_settings  # noqa: E402
from assistant.core import migrate  # noqa: E402
from assistant.core.db import make_engine, session_factory  # noqa: E402
from assistant.security import passwords  # noqa: E402
from tests.reliability.pg import (  # noqa: E402
    create_database,
    drop_database,
    reset_database,
    schema_fingerprint,
)

SHARED = PROJECT_ROOT.parent / "shared"
# The tests' own build of the shipped code sets: one folder per checkout, never the user's data/.
REFERENCE_CACHE = Path(tempfile.gettempdir()) / (
    f"assistant-tests-{os.getuid()}-{hashlib.sha256(str(PROJECT_ROOT).encode()).hexdigest()[:10]}"
)

POSTGRES_ENV = "ASSISTANT_TEST_POSTGRES_URL"
# Test folders whose database tests (those using ``tmp_settings`` or ``op_database_url``) run on both.
BOTH_BACKENDS = (
    "billing",
    "claims",
    "denials",
    "fees",
    "parties",
    "remit",
    "reliability",
    "schedule",
    "trainee",
)
_SESSION_DATA: list[Path] = []


@functools.cache
def reference_db() -> Path:
    """The shipped code sets loaded into the tests' cache folder (built on first use, ~10 s; reused while
    the manifests are unchanged). The file is read-only: a test that needs to write copies it."""
    REFERENCE_CACHE.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        data_dir=REFERENCE_CACHE / "data",
        reference_db_path=REFERENCE_CACHE / "reference.sqlite",
        codesets_dir=PROJECT_ROOT / "codesets",
        index_dir=REFERENCE_CACHE / "index",
        database_url="",
    )
    with open(REFERENCE_CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # xdist workers: one builds, the others wait and reuse it
        ensure_loaded(settings, progress=False)
        settings.resolved_reference_db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return settings.resolved_reference_db


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgres-url",
        default=os.environ.get(POSTGRES_ENV, ""),
        help=f"admin URL of a PostgreSQL server for the second database backend (env {POSTGRES_ENV})",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Environment-driven settings (the CLI's) point at a temporary data folder and the tests' reference
    build, never at the user's data/ or .env database."""
    data = Path(tempfile.mkdtemp(prefix="assistant-tests-data-"))
    _SESSION_DATA.append(data)
    os.environ["ASSISTANT_DATA_DIR"] = str(data)
    os.environ["ASSISTANT_DATABASE_URL"] = ""  # the data folder's SQLite file, never a .env's database
    for name in ("REFERENCE_DB_PATH", "SECRET_KEY_PATH", "PHI_KEY_PATH"):
        os.environ.pop(f"ASSISTANT_{name}", None)  # unset: inside the data folder
    # A test process loads many engines; frozen cycles among them would never be collected.
    os.environ["ASSISTANT_FREEZE_HEAP_AFTER_LOAD"] = "0"
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # Each xdist worker is one process of several on the machine: one model thread each, not one per core.
        os.environ["ASSISTANT_EMBED_THREADS"] = "1"
    get_settings.cache_clear()
    _use_password_hasher(_CHEAP_HASHER)


# Password hashing: the product's argon2id profile (passwords.PROFILE, 64 MiB and 3 passes) costs about
# 0.1 s per hash or check on a quiet machine and seconds on a busy one, twice for every signed-in test
# client. The tests hash with argon2id at its cheapest cost instead; the tests that are about the real
# cost (the profile itself, sign-ins under load) ask for ``production_password_hashing``.
_CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _use_password_hasher(hasher: PasswordHasher) -> None:
    passwords._hasher = hasher
    passwords._DUMMY_HASH = hasher.hash("timing-equaliser-not-a-password")


@pytest.fixture
def production_password_hashing() -> Iterator[PasswordHasher]:
    """The product's argon2id profile for this test (every other test hashes at the cheapest cost)."""
    real = PasswordHasher.from_parameters(passwords.PROFILE)
    _use_password_hasher(real)
    yield real
    _use_password_hasher(_CHEAP_HASHER)


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _SESSION_DATA:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``--dist loadgroup`` (``make test``): keep each ``xdist_group`` on one worker.

    pytest-xdist 3.8 tells its scheduler a test's group by appending ``@group`` to the node id in the
    worker, through ``item._nodeid``; pytest 9.2 keeps node ids in ``item._id`` and ignores that, so the
    groups were silently spread over the workers (pytest-xdist issue 1386): a second live server and
    browser, and the real-model fixtures built once per worker. Set the suffix where pytest reads it,
    unless xdist already did."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        if not names or item.nodeid.rfind("@") > item.nodeid.rfind("]"):
            continue
        item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(sorted(names))}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "op_backend" in metafunc.fixturenames:
        tests_dir = Path(__file__).resolve().parent
        rel = metafunc.definition.path.resolve().relative_to(tests_dir).parts
        if rel and rel[0] in BOTH_BACKENDS:
            metafunc.parametrize("op_backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session", autouse=True)
def reference_db_path() -> Path:
    """The tests' reference build, also copied into the session's ASSISTANT_DATA_DIR before the first test
    (CLI tests reading the environment's settings find it there)."""
    built = reference_db()
    session_copy = Path(os.environ["ASSISTANT_DATA_DIR"]) / "reference.sqlite"
    if not session_copy.exists():
        shutil.copyfile(built, session_copy)
    return built


@pytest.fixture
def op_backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` (default) or ``postgresql`` (for tests under BOTH_BACKENDS)."""
    return str(getattr(request, "param", "sqlite"))


@functools.cache
def migrated_sqlite() -> Path:
    """An operational SQLite database migrated to head once per test process (removed at its end);
    tests copy it rather than running the migrations again."""
    folder = Path(tempfile.mkdtemp(prefix="assistant-tests-op-template-"))
    _SESSION_DATA.append(folder)
    path = folder / "assistant.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrated_template() -> Path:
    """``migrated_sqlite()`` as a fixture: the template ``tmp_settings`` and ``sessions`` copy."""
    return migrated_sqlite()


@pytest.fixture(scope="session")
def postgres_template(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database migrated to head once per test process, copied for every PostgreSQL test."""
    admin = request.config.getoption("--postgres-url")
    if not admin:
        pytest.skip(f"PostgreSQL backend not configured: set {POSTGRES_ENV} (.ci/run starts a server)")
    url = create_database(admin, prefix="tmpl")
    migrate.upgrade(url)
    yield url
    drop_database(admin, url)


@dataclass(frozen=True)
class PostgresCopy:
    """This test process's PostgreSQL database: a copy of ``template`` that every test gets back fresh."""

    admin: str
    template: str
    url: str
    fingerprint: str  # the template's schema digest

    def fresh(self) -> str:
        """The database as a new copy of the template would be (see ``reset_database``)."""
        reset_database(self.admin, self.url, template=self.template, fingerprint=self.fingerprint)
        return self.url


@pytest.fixture(scope="session")
def postgres_copy(request: pytest.FixtureRequest, postgres_template: str) -> Iterator[PostgresCopy]:
    admin = request.config.getoption("--postgres-url")
    url = create_database(admin, template=postgres_template, prefix="w")
    yield PostgresCopy(admin, postgres_template, url, schema_fingerprint(url))
    drop_database(admin, url)


@pytest.fixture
def op_database_url(op_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The operational database URL of this test: a SQLite file in tmp_path, or the test process's
    PostgreSQL database emptied (or copied again) to be what a fresh copy of the template would be."""
    if op_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'assistant.db'}"
    copy: PostgresCopy = request.getfixturevalue("postgres_copy")
    return copy.fresh()


@pytest.fixture
def tmp_settings(
    tmp_path: Path, op_backend: str, migrated_template: Path, request: pytest.FixtureRequest
) -> Settings:
    """Settings pointing every writable path into a temporary folder, reading the tests' reference DB.
    The operational database already exists at head (a copy of the session template), so the app's and
    the CLI's own ``migrate.upgrade`` on start are no-ops."""
    url = request.getfixturevalue("op_database_url") if op_backend == "postgresql" else ""
    settings = Settings(
        data_dir=tmp_path / "data",
        reference_db_path=reference_db(),
        index_dir=tmp_path / "index",
        database_url=url,
    )
    copy_migrated(settings, migrated_template)
    return settings


@pytest.fixture(scope="session")
def reference() -> CodeSetRepository:
    """The shipped code sets, fully loaded by the tests (read-only)."""
    return CodeSetRepository.open(reference_db())


def copy_migrated(settings: Settings, template: Path) -> None:
    """Give ``settings``' SQLite database the migrated schema by copying the session template (a
    PostgreSQL URL already points at a copy of its own template)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.resolved_database_url
    if url.startswith("sqlite:///"):
        target = Path(url.split("///", 1)[1])
        if not target.exists():
            shutil.copyfile(template, target)


def migrated_sessions(settings: Settings, template: Path) -> Iterator[sessionmaker[Session]]:
    """Session factory of ``settings``' operational database at head (copied from ``template``); the
    engine is disposed when the generator closes."""
    copy_migrated(settings, template)
    engine = make_engine(settings.resolved_database_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def sessions(tmp_settings: Settings, migrated_template: Path) -> Iterator[sessionmaker[Session]]:
    """A fresh operational database at head: the one database fixture of every domain."""
    yield from migrated_sessions(tmp_settings, migrated_template)


@pytest.fixture
def op_session_factory(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """Temporary alias of ``sessions`` for branches written before issue 15; remove after the merge."""
    return sessions
