"""Fuzzing the X12 readers: the 835 parser (and its posting), the 837P reader and the pyx12 validator.

Whatever the bytes, the outcome is a parsed document or an AssistantError naming the problem, never
another exception; a file refused at import writes nothing; the CLI answers with a message, not a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from assistant.core.errors import AssistantError
from assistant.remit.parser import parse_835
from assistant.remit.service import post_remit
from tests.reliability.faults import import_in_fresh_data, snapshot
from tests.reliability.mutate import mutated_x12, revalued_x12
from tests.remit.helpers import load_fixture_claims

ROOT = Path(__file__).resolve().parent.parent
SEEDS_835 = [
    (ROOT / "fixtures" / "x12" / name).read_bytes()
    for name in ("multi_claim.835", "reversal.835", "unbalanced.835")
] + [(ROOT / "billing" / "pr_flow.835").read_bytes()]

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DB = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
any_835 = st.sampled_from(SEEDS_835).flatmap(mutated_x12)
revalued_835 = st.sampled_from(SEEDS_835).flatmap(revalued_x12)


def _parse_or_refuse(data: bytes) -> object | None:
    try:
        return parse_835(data, filename="fuzz.835")
    except AssistantError as exc:
        assert exc.message and exc.field  # says what is wrong and where
        return None


@FAST
@given(st.binary(max_size=600))
def test_835_parser_random_bytes(data: bytes) -> None:
    _parse_or_refuse(data)


@FAST
@given(st.one_of(any_835, revalued_835))
def test_835_parser_damaged_files(data: bytes) -> None:
    _parse_or_refuse(data)


@pytest.fixture
def sessions(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """The shared fresh database, with the fixture claims the 835s pay."""
    load_fixture_claims(sessions)
    return sessions


@DB
@given(data=revalued_835)
def test_damaged_835_posts_whole_or_not_at_all(sessions: sessionmaker[Session], data: bytes) -> None:
    """A damaged file that still parses is posted through the real service on both backends: it either
    posts, or is refused with an AssistantError before anything is written."""
    parsed = _parse_or_refuse(data)
    if parsed is None:
        event("refused by the parser")
        return
    before = snapshot(sessions)
    try:
        post_remit(sessions, parsed, actor="fuzz")  # type: ignore[arg-type]
    except AssistantError:
        event("refused before posting")
        assert snapshot(sessions) == before
        return
    event("posted")
    after = snapshot(sessions)
    assert after["conservation"]["difference_cents"] == 0
    again = post_remit(sessions, parsed, actor="fuzz")  # type: ignore[arg-type]
    assert again.claims_posted == 0 and snapshot(sessions) == after  # idempotent, even for odd files


# ----------------------------------------------------------------------------- the CLI surface


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(any_835, st.binary(max_size=300)))
def test_remit_import_cli_never_shows_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    result = import_in_fresh_data(tmp_path_factory, monkeypatch, "in.835", data, "remit", "import", "--json")
    if result.exit_code != 0:
        assert "Error" in result.output or '"error"' in result.output


# ----------------------------------------------------------------------------- 837P and pyx12


@pytest.fixture(scope="module")
def sample_837() -> str:
    """An 837P the product generated for the clean fixture claim (built without touching a database)."""
    import json
    from datetime import datetime

    from assistant.claims.schemas import parse_claim_document
    from assistant.claims.x12_837 import Envelope, build_837p

    doc = parse_claim_document(json.loads((ROOT / "fixtures" / "claims" / "claim_clean.json").read_text()))
    env = Envelope(interchange_control_number=7, group_control_number=7, created=datetime(2026, 6, 1, 9, 30))
    return build_837p([doc], env)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_837p_reader_damaged_files(sample_837: str, data: st.DataObject) -> None:
    from assistant.claims.x12_validate import parse_837p

    damaged = data.draw(mutated_x12(sample_837.encode())).decode("utf-8", "replace")
    try:
        parse_837p(damaged)
    except AssistantError as exc:
        assert exc.message


def test_837p_units_too_large_for_a_number_is_a_clear_error(sample_837: str) -> None:
    """Found by the fuzz test above: SV1 units "1E+400" overflowed the int conversion (a traceback)."""
    from assistant.claims.x12_validate import parse_837p

    damaged = sample_837.replace("*UN*1***1", "*UN*1E+400***1", 1)
    assert damaged != sample_837
    with pytest.raises(AssistantError) as caught:
        parse_837p(damaged)
    assert caught.value.field == "x12"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_pyx12_validation_of_damaged_837p_reports_instead_of_crashing(
    sample_837: str, data: st.DataObject
) -> None:
    from assistant.claims.x12_validate import ensure_valid_x12

    damaged = data.draw(mutated_x12(sample_837.encode())).decode("utf-8", "replace")
    try:
        ensure_valid_x12(damaged)
    except AssistantError as exc:
        assert exc.message
