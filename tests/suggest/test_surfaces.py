"""CLI (CliRunner on the real app) and POST /api/suggest with the fake-embedder engine injected."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from assistant.app.container import Container
from assistant.cli.main import app
from assistant.config import Settings
from assistant.core.errors import NoReleaseForDate
from assistant.suggest.service import SuggestionService
from tests.conftest import copy_migrated

runner = CliRunner()
NOTE = "HPI: cough for three days. Denies fever.\nA/P: Type 2 diabetes mellitus with hyperglycemia."


class _Release:
    release = "2026-04-01"


class FakeReference:
    """Only the release lookup the engine uses for dates."""

    def release_for(self, system: str, on: object = None) -> _Release:
        if on is not None and str(on) < "2025-10-01":
            raise NoReleaseForDate(
                f"no {system} release covers {on}", field="date_of_service", fix="use a later date"
            )
        return _Release()


@pytest.fixture
def engine(service: SuggestionService, monkeypatch: pytest.MonkeyPatch) -> SuggestionService:
    import assistant.suggest.cli as cli

    svc = SuggestionService(service.index, service.embedder, FakeReference())
    monkeypatch.setattr(cli, "_service", lambda: svc)
    return svc


def test_cli_json_from_file(engine: SuggestionService, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text(NOTE)
    result = runner.invoke(app, ["suggest", str(note), "--json", "--top", "3"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert 1 <= len(doc["suggestions"]) <= 3
    assert doc["suggestions"][0]["code"] in ("E11.65", "R05.9")
    for s in doc["suggestions"]:
        for e in s["evidence"]:
            assert NOTE[e["start"] : e["end"]] == e["text"]


def test_cli_stdin_and_table(engine: SuggestionService) -> None:
    result = runner.invoke(app, ["suggest", "-"], input="Classical cholera")
    assert result.exit_code == 0, result.output
    assert "A00.0" in result.output


def test_cli_jsonl_keeps_order(engine: SuggestionService, tmp_path: Path) -> None:
    rows = [
        {"id": "b", "text": "Essential hypertension"},
        {"id": "a", "text": "Classical cholera", "setting": "inpatient"},
        {"id": "c", "text": NOTE, "date_of_service": "2026-05-01"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = runner.invoke(app, ["suggest", "--jsonl", str(path), "--top", "2"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.strip().splitlines()]
    assert [line["id"] for line in lines] == ["b", "a", "c"]
    assert lines[0]["suggestions"][0]["code"] == "I10"
    assert lines[1]["suggestions"][0]["code"] == "A00.0"
    assert all(len(line["suggestions"]) <= 2 for line in lines)
    assert set(lines[2]["suggestions"][0]) >= {"code", "system", "title", "score", "evidence", "warnings"}


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["suggest", "-"], "   \n", "empty"),
        (["suggest", "-"], "x" * 100_001, "100 kB"),
        (["suggest", "-", "--date", "2019-01-01"], "cough", "no ICD-10-CM release"),
        (["suggest", "-", "--date", "yesterday"], "cough", "not a date"),
        (["suggest", "-", "--setting", "clinic"], "cough", "setting"),
        (["suggest", "-", "--mode", "magic"], "cough", "mode"),
    ],
)
def test_cli_bad_input(engine: SuggestionService, args: list[str], stdin: str, message: str) -> None:
    result = runner.invoke(app, args, input=stdin)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_not_utf8(engine: SuggestionService, tmp_path: Path) -> None:
    bad = tmp_path / "note.txt"
    bad.write_bytes(b"chest pain \xff\xfe")
    result = runner.invoke(app, ["suggest", str(bad)])
    assert result.exit_code == 2 and "not UTF-8" in result.output


@pytest.fixture
def client(engine: SuggestionService, tmp_path: Path, migrated_template: Path) -> httpx.Client:
    from fastapi.testclient import TestClient

    from web.app import create_app

    settings = Settings(data_dir=tmp_path / "data", index_dir=tmp_path / "index")
    settings.data_dir.mkdir(parents=True)
    container = Container(settings)
    container.set_suggester(engine)
    from tests.web.auth import use_token

    copy_migrated(settings, migrated_template)  # the database at head, as the app expects
    tc = TestClient(create_app(settings, container=container, load_engine=False))
    use_token(tc, "coder")  # the API needs a sign-in (codes:read)
    return tc


def test_api_suggest(client: httpx.Client) -> None:
    with client:
        r = client.post("/api/suggest", json={"text": NOTE, "top_k": 4, "setting": "inpatient"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert 1 <= len(body["suggestions"]) <= 4
    assert body["releases"]["ICD-10-CM"] == "2026-04-01"
    assert body["mentions"]
    for s in body["suggestions"]:
        assert s["confidence"] in ("high", "medium", "low")
        for e in s["evidence"]:
            assert NOTE[e["start"] : e["end"]] == e["text"]


@pytest.mark.parametrize(
    "payload",
    [
        {"text": ""},
        {"text": "x" * 100_001},
        {},
        {"text": "cough", "date_of_service": "2019-01-01"},
        {"text": "c", "top_k": 0},
    ],
)
def test_api_bad_input_is_422(client: httpx.Client, payload: dict[str, object]) -> None:
    with client:
        r = client.post("/api/suggest", json=payload, headers={"accept": "application/json"})
    assert r.status_code == 422, r.text
    assert "Traceback" not in r.text
