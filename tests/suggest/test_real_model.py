"""The real MiniLM model on a real slice of ICD-10-CM (chapter J and the Z history/family codes)."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import SuggestionService, check_evidence
from tests.conftest import reference_db

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("real-model")]  # one index build per run


@pytest.fixture(scope="session")
def real_service(tmp_path_factory: pytest.TempPathFactory) -> SuggestionService:
    from assistant.codesets.repository import CodeSetRepository
    from assistant.suggest.corpus import SqlCorpus, indexable
    from assistant.suggest.index_build import build_index, load_embedder

    reference = CodeSetRepository.open(reference_db())
    settings = Settings(reference_db_path=reference_db(), index_dir=tmp_path_factory.mktemp("real") / "index")
    records = list(SqlCorpus(reference.engine).records())
    wanted = {
        r.code
        for r in records
        if indexable(r)
        and r.code.startswith(
            ("J0", "J1", "J2", "J4", "E11", "N18", "I10", "Z80", "Z85", "Z87", "R05", "R50")
        )
    }
    embedder = load_embedder(settings)
    manifest = build_index(settings, reference, embedder, codes=wanted, progress=False)
    assert manifest.restricted and manifest.count == len(wanted)
    return SuggestionService.from_settings(settings, reference, embedder)


def _finals(text: str, service: SuggestionService, **kw: object) -> list[str]:
    r = service.suggest(SuggestRequest(text=text, **kw))  # type: ignore[arg-type]
    check_evidence(text, r)
    return [s.code for s in r.suggestions if s.confidence != "low"]


def test_phrases(real_service: SuggestionService) -> None:
    r = real_service.suggest(SuggestRequest(text="Acute maxillary sinusitis", top_k=5))
    assert r.suggestions[0].code.startswith("J01.0")
    r = real_service.suggest(SuggestRequest(text="high blood pressure"))
    assert "I10" in [s.code for s in r.suggestions[:3]]


def test_note_with_context(real_service: SuggestionService) -> None:
    note = (
        "HPI: 64-year-old with T2DM and CKD stage 4 presents with productive cough and fever. "
        "Denies hemoptysis.\n"
        "PMH: HTN. History of colon cancer.\n"
        "FH: mother with breast cancer.\n"
        "A/P:\n1. Community acquired pneumonia.\n2. Type 2 diabetes with diabetic CKD stage 4.\n3. HTN."
    )
    codes = _finals(note, real_service, setting="inpatient")
    assert any(c.startswith("J18") for c in codes)
    assert "E11.22" in codes and "N18.4" in codes
    assert any(c.startswith("Z85.0") for c in codes)
    assert "Z80.3" in codes
    assert not any(c.startswith("C") for c in codes)
