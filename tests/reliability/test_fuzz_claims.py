"""Fuzzing the claim JSON importer (docs/claim-import.schema.json): parser, import, scrub, CLI and API.

A damaged document is imported whole or refused with an AssistantError naming the field, and a
refused import writes nothing (on SQLite and PostgreSQL); the CLI and the API never answer with a
traceback or a 5xx.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from assistant.app.container import Container
from assistant.claims import service
from assistant.claims.schemas import parse_claim_json
from assistant.config import Settings
from assistant.core.db import transaction
from assistant.core.errors import AssistantError
from tests.claims.fakes import FakeReference
from tests.reliability.api import api_client, count_rows
from tests.reliability.faults import import_in_fresh_data
from tests.reliability.mutate import json_values, mutated_json

CLEAN = json.loads(
    (Path(__file__).resolve().parent.parent / "fixtures" / "claims" / "claim_clean.json").read_text()
)
CLAIM_TABLES = ("claims", "service_lines", "claim_diagnoses", "patients", "coverages", "payers", "providers")

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
damaged = mutated_json(CLEAN)


def _refused(exc: AssistantError) -> None:
    assert exc.message and exc.field, exc  # names the problem and the field


@FAST
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_claim_json_parser_random_text(raw: str | bytes) -> None:
    try:
        parse_claim_json(raw)
    except AssistantError as exc:
        _refused(exc)


@FAST
@given(st.one_of(json_values, damaged, st.lists(damaged, max_size=3)))
def test_claim_json_parser_damaged_documents(doc: Any) -> None:
    try:
        docs = parse_claim_json(json.dumps(doc, allow_nan=True))
    except AssistantError as exc:
        _refused(exc)
        return
    for parsed in docs:  # what the parser accepts, the scrubber can check
        try:
            service.scrub_document(parsed, FakeReference(), Settings(timely_filing_days=36500))
        except AssistantError as exc:
            _refused(exc)


@pytest.fixture
def container(tmp_settings: Settings) -> Iterator[Container]:
    from assistant.core import migrate

    tmp_settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(tmp_settings.resolved_database_url)
    c = Container(tmp_settings)
    yield c
    c.db_engine.dispose()


@SLOW
@given(doc=damaged)
def test_an_import_with_one_damaged_claim_writes_nothing(container: Container, doc: Any) -> None:
    """A file of two claims, the second damaged: all or nothing, on both backends."""
    good = copy.deepcopy(CLEAN)
    good["claim_id"] = "FUZZ-GOOD-1"
    if isinstance(doc, dict) and doc.get("claim_id") == good["claim_id"]:
        doc["claim_id"] = "FUZZ-OTHER"
    before = count_rows(container, *CLAIM_TABLES)
    text = json.dumps([good, doc], allow_nan=True)
    try:
        with transaction(container.sessions) as session:
            results = service.import_json(session, text, actor="fuzz", source="fuzz.json")
    except AssistantError as exc:
        event("refused")
        _refused(exc)
        assert count_rows(container, *CLAIM_TABLES) == before
        return
    event("imported")
    assert len(results) == 2
    with transaction(container.sessions) as session:  # a second import of the same file changes nothing
        again = service.import_json(session, text, actor="fuzz", source="fuzz.json")
    assert {r.outcome for r in again} == {"unchanged"}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.one_of(damaged, json_values))
def test_claims_import_cli_never_shows_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, doc: Any
) -> None:
    content = json.dumps(doc, allow_nan=True).encode()
    result = import_in_fresh_data(tmp_path_factory, monkeypatch, "claims.json", content, "claims", "import")
    if result.exit_code != 0:
        assert "Error" in result.output


@pytest.fixture
def client(container: Container, reference: Any) -> Iterator[Any]:
    container.__dict__["reference"] = reference  # the real code sets, read-only
    container.settings.timely_filing_days = 36500
    with api_client(container) as c:
        yield c


def test_claims_api_refuses_a_body_that_is_not_utf8(client: Any) -> None:
    for path in ("/api/claims/scrub", "/api/claims"):
        r = client.post(path, content=b"\x80{}", headers={"Content-Type": "application/json"})
        assert r.status_code == 422, (path, r.status_code)


utf8_bodies = st.text(max_size=100).map(lambda t: t.encode("utf-8"))


@SLOW
@given(body=st.one_of(damaged, json_values, utf8_bodies))
def test_claims_api_answers_4xx_never_5xx(client: Any, container: Container, body: Any) -> None:
    before = count_rows(container, *CLAIM_TABLES)
    content = body if isinstance(body, bytes) else json.dumps(body, allow_nan=True).encode()
    headers = {"Content-Type": "application/json"}
    scrub = client.post("/api/claims/scrub", content=content, headers=headers)
    assert scrub.status_code < 500, scrub.text[:500]
    if scrub.status_code >= 400:
        assert scrub.json().get("message"), scrub.text[:300]  # a clear message, not a stack trace
    created = client.post("/api/claims", content=content, headers=headers)
    assert created.status_code < 500, created.text[:500]
    if created.status_code >= 400:
        event(f"create {created.status_code}")
        assert count_rows(container, *CLAIM_TABLES) == before
    else:
        event("created")
