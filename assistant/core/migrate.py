"""Run Alembic migrations of the operational database programmatically."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "heads") -> None:
    """Bring the database to the newest schema. Each domain is an Alembic branch, hence ``heads``.

    Run it once before starting several app workers (``assistant serve`` does); a second run is a no-op.
    """
    if database_url.startswith("sqlite:///") and database_url != "sqlite:///:memory:":
        Path(database_url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)  # a first run
    command.upgrade(alembic_config(database_url), revision)


def current(database_url: str) -> list[str]:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(database_url)
    with engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    engine.dispose()
    return list(heads)
