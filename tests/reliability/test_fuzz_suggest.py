"""Fuzzing the note input of POST /api/suggest with the real suggestion engine on the committed tiny
fixture index and a hashing embedder (no model): any body gets 200 or a clear 4xx, never a 5xx, and
every evidence span of a 200 points at the very text it quotes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from assistant.app.container import Container
from assistant.config import Settings
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.service import SuggestionService
from tests.conftest import copy_migrated
from tests.reliability.api import api_client
from tests.reliability.mutate import NASTY_TEXT, finite_json_values
from tests.suggest.fixture_corpus import FIXTURE_DIM, FIXTURE_DIR

WORDS = [
    "patient",
    "type 2 diabetes",
    "with hyperglycemia",
    "no",
    "denies",
    "history of",
    "hypertension",
    "knee pain",
    "right",
    "left",
    "A1c 9.2%",
    "follow-up",
    "E11.65",
    "rule out",
    "-",
    ";",
    "\n",
    "\t",
    "\u00a0",
    "\u200b",
    "\u0301",
    "\ufeff",
    "\x00",
    "\U0001f600",
    "ﬁ",
    "İ",
    "ß",
]
note_like = st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join)
any_text = st.text(alphabet=st.characters(blacklist_categories=()), max_size=400)
notes = st.one_of(note_like, any_text, st.sampled_from(NASTY_TEXT), st.just("x" * 120_000))
fields = st.fixed_dictionaries(
    {"text": st.one_of(notes, finite_json_values)},
    optional={
        "top_k": st.one_of(st.integers(-5, 500), finite_json_values),
        "date_of_service": st.one_of(
            st.sampled_from(["2026-05-04", "2026-13-01", "yesterday", ""]), finite_json_values
        ),
        "setting": st.one_of(st.sampled_from(["outpatient", "inpatient", "ED"]), finite_json_values),
        "systems": st.one_of(
            st.lists(st.sampled_from(["ICD-10-CM", "HCPCS", "CPT", "XYZ", ""]), max_size=3),
            finite_json_values,
        ),
        "mode": st.one_of(st.sampled_from(["full", "dense", "lexical", "nope"]), finite_json_values),
    },
)


@pytest.fixture(scope="module")
def engine() -> SuggestionService:
    return SuggestionService.from_index_dir(FIXTURE_DIR, HashingEmbedder(FIXTURE_DIM))


@pytest.fixture
def client(tmp_path: Path, engine: SuggestionService, migrated_template: Path) -> Iterator[Any]:
    """SQLite only: the database holds just the API user here (the backends are compared elsewhere)."""
    settings = Settings(data_dir=tmp_path / "data", index_dir=tmp_path / "index", database_url="")
    copy_migrated(settings, migrated_template)  # the database at head, as the app expects
    container = Container(settings)
    container.set_suggester(engine)
    with api_client(container) as c:
        yield c


def _check(response: Any, body: Any) -> None:
    assert response.status_code < 500, response.text[:500]
    event(f"status {response.status_code}")
    if response.status_code != 200:
        assert response.status_code in (400, 413, 422), response.status_code
        assert "message" in response.json() or "detail" in response.json()
        return
    note = body["text"]
    for s in response.json()["suggestions"]:
        for ev in s["evidence"]:
            assert note[ev["start"] : ev["end"]] == ev["text"]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(body=fields)
def test_suggest_api_answers_every_note_with_200_or_4xx(client: Any, body: dict[str, Any]) -> None:
    r = client.post(
        "/api/suggest", content=json.dumps(body, allow_nan=True), headers={"Content-Type": "application/json"}
    )
    _check(r, body)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(finite_json_values.map(lambda v: json.dumps(v).encode()), st.binary(max_size=200)))
def test_suggest_api_refuses_bodies_that_are_not_a_request(client: Any, raw: bytes) -> None:
    r = client.post("/api/suggest", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code < 500, r.text[:300]


def test_suggest_api_refuses_non_finite_numbers(client: Any) -> None:
    for raw in ('{"text": "knee pain", "top_k": Infinity}', '{"text": "knee pain", "top_k": NaN}'):
        r = client.post("/api/suggest", content=raw, headers={"Content-Type": "application/json"})
        assert r.status_code == 422, r.status_code
