from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.config import Settings


def test_defaults_use_embedded_sqlite_in_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSISTANT_REFERENCE_DB_PATH", raising=False)  # set for the whole test session
    s = Settings(data_dir=tmp_path)
    assert s.resolved_database_url == f"sqlite:///{tmp_path / 'assistant.db'}"
    assert s.resolved_reference_db == tmp_path / "reference.sqlite"
    assert s.host == "127.0.0.1"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", "postgresql+psycopg://u@localhost/db")
    monkeypatch.setenv("ASSISTANT_TIMELY_FILING_DAYS", "90")
    s = Settings(data_dir=tmp_path)
    assert s.resolved_database_url.startswith("postgresql+psycopg://")
    assert s.timely_filing_days == 90


def test_invalid_setting_names_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        Settings(timely_filing_days=0)
    assert "timely_filing_days" in str(info.value)


def test_every_setting_is_described() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} needs a description"
