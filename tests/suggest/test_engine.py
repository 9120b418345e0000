"""Ranking and coding rules with the fake embedder on the fixture slice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.core.errors import NotReady
from assistant.suggest import rules
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.index_build import build_index, read_manifest
from assistant.suggest.schemas import SuggestRequest, SuggestResponse
from assistant.suggest.service import SuggestionService, check_evidence
from tests.suggest.fixture_corpus import corpus


def run(service: SuggestionService, text: str, **kw: object) -> SuggestResponse:
    response = service.suggest(SuggestRequest(text=text, **kw))  # type: ignore[arg-type]
    check_evidence(text, response)
    for s in response.suggestions:
        for e in s.evidence:
            assert text[e.start : e.end] == e.text
    return response


def finals(response: SuggestResponse) -> list[str]:
    return [s.code for s in response.suggestions if s.confidence in ("high", "medium")]


def codes(response: SuggestResponse) -> list[str]:
    return [s.code for s in response.suggestions]


def test_phrase_ranks_inclusion_term(service: SuggestionService) -> None:
    r = run(service, "Classical cholera", top_k=3)
    assert codes(r)[0] == "A00.0"
    assert len(r.suggestions) == 3


def test_every_mode_returns_ranked_codes(service: SuggestionService) -> None:
    for mode in ("full", "hybrid", "dense", "bm25"):
        r = run(service, "Type 2 diabetes mellitus with hyperglycemia", mode=mode)
        assert codes(r)[0] == "E11.65", mode
        scores = [s.score for s in r.suggestions]
        assert scores == sorted(scores, reverse=True) or mode == "full"


def test_only_billable_codes(service: SuggestionService) -> None:
    r = run(service, "HPI: chronic kidney disease stage 3. Cholera. Fracture of radius.")
    for s in r.suggestions:
        assert service.catalog.billable(s.code), s.code


def test_negated_mention_not_coded(service: SuggestionService) -> None:
    r = run(service, "HPI: Patient reports cough.\nROS: Denies fever.")
    assert "R50.9" not in finals(r)
    assert any("negated" in w and "fever" in w for w in r.warnings)
    assert "R05.9" in finals(r)


def test_normal_exam_findings_are_not_searched(service: SuggestionService) -> None:
    r = run(service, "HPI: cough.\nExam: chest clear, heart regular, abdomen soft and non-tender.")
    skipped = {m["text"]: m.get("skipped") for m in r.mentions}
    assert skipped["chest clear"] == skipped["heart regular"] == "normal finding"
    assert skipped["abdomen soft"] == "normal finding"
    assert all("candidates" not in m for m in r.mentions if m.get("skipped") == "normal finding")
    assert "R05.9" in finals(r)


def test_former_smoker_is_a_personal_history_code(service: SuggestionService) -> None:
    r = run(service, "SH: former smoker.\nA/P: cough.")
    assert "Z87.891" in finals(r)


def test_uncertain_outpatient_vs_inpatient(service: SuggestionService) -> None:
    note = "A/P: Probable pneumonia.\nCough for three days."
    out = run(service, note, setting="outpatient")
    assert "J18.9" not in finals(out)
    assert "R05.9" in finals(out)
    inp = run(service, note, setting="inpatient")
    assert "J18.9" in finals(inp)


def test_history_gives_z_code(service: SuggestionService) -> None:
    r = run(service, "PMH: personal history of malignant neoplasm of large intestine.\nCough.")
    top = finals(r)
    assert "Z85.038" in top
    assert not any(c.startswith("C") for c in top)


def test_family_history_gives_family_z_code(service: SuggestionService) -> None:
    r = run(service, "FH: mother with malignant neoplasm of breast.\nA/P: cough.")
    assert "Z80.3" in finals(r)


def test_combination_code_keeps_its_partner(service: SuggestionService) -> None:
    r = run(service, "A/P: Type 2 diabetes mellitus with diabetic chronic kidney disease, stage 3a.")
    f = finals(r)
    assert "E11.22" in f and "N18.31" in f
    e11 = next(s for s in r.suggestions if s.code == "E11.22")
    assert any("N18.31" in reason for reason in e11.reasons)
    assert e11.notes.get("use_additional")


def test_missing_partner_warns(tmp_path: Path) -> None:
    emb = HashingEmbedder(64)
    build_index(tmp_path / "idx", corpus(), emb, codes={"E11.22", "I10", "A00.0"}, progress=False)
    service = SuggestionService.from_index_dir(tmp_path / "idx", emb)
    r = run(service, "Type 2 diabetes mellitus with diabetic kidney disease")
    e11 = next(s for s in r.suggestions if s.code == "E11.22")
    assert any("use additional code" in w for w in e11.warnings)
    # the mention names the partner without its stage: CKD, unspecified (N18.9) is coded, no warning
    r = run(service, "Type 2 diabetes mellitus with diabetic chronic kidney disease")
    e11 = next(s for s in r.suggestions if s.code == "E11.22")
    assert "N18.9" in finals(r) and not any("use additional code" in w for w in e11.warnings)


def test_excludes1_never_both_kept(service: SuggestionService) -> None:
    r = run(
        service,
        "A/P: Type 1 diabetes mellitus without complications.\n"
        "Type 2 diabetes mellitus without complications.",
    )
    f = finals(r)
    assert not ("E10.9" in f and "E11.9" in f)
    assert any("Excludes1" in w for s in r.suggestions for w in s.warnings)


def test_laterality_documented_and_missing(service: SuggestionService) -> None:
    right = run(service, "A/P: Unspecified fracture of the lower end of right radius, initial encounter.")
    assert finals(right)[0] == "S52.501A"
    none = run(service, "A/P: Unspecified fracture of the lower end of radius, initial encounter.")
    top = none.suggestions[0]
    assert top.code == "S52.509A"
    assert any("laterality not documented" in w for w in top.warnings)


def test_seventh_character_by_encounter(service: SuggestionService) -> None:
    follow = run(service, "A/P: Fracture of lower end of left radius, follow-up visit, healing well.")
    assert finals(follow)[0] == "S52.502D"
    sequela = run(service, "A/P: Fracture of lower end of left radius, sequela.")
    assert finals(sequela)[0] == "S52.502S"
    assert sequela.suggestions[0].notes.get("seven_chr")


def test_header_resolution_and_refs() -> None:
    from assistant.suggest.index_build import _catalog
    from assistant.suggest.store import CodeCatalog
    from tests.suggest.fixture_corpus import records

    cat = CodeCatalog(_catalog(records()))
    leaf, warning = rules.resolve_header(cat, "N18.3", [])
    assert leaf in ("N18.31", "N18.32") and warning and "header" in warning
    leaf, _ = rules.resolve_header(cat, "N18", ["N18.4", "N18.9"])
    assert leaf == "N18.4"
    assert rules.ref_matches("N18.1-N18.6", "N18.31") and not rules.ref_matches("N18.1-N18.6", "N18.9")
    assert rules.ref_matches("E10.-", "E10.9") and not rules.ref_matches("E10.-", "E11.9")
    assert rules.excludes1_conflict(cat, "E11.9", "E10.9")
    assert rules.more_specific_warning(cat, "N18.9")


def test_one_mention_one_final_code(service: SuggestionService) -> None:
    note = "A/P: Cholera, unspecified."
    r = run(service, note)
    assert len(finals(r)) == 1


def test_systems_filter(service: SuggestionService) -> None:
    r = run(service, "Classical cholera", systems=["HCPCS"])
    assert r.suggestions == []


def test_restricted_index_and_stale_refusal(tmp_path: Path) -> None:
    emb = HashingEmbedder(64)
    manifest = build_index(tmp_path / "idx", corpus(), emb, codes={"A00.0", "A00.9", "I10"}, progress=False)
    assert manifest.restricted and manifest.count == 3
    assert read_manifest(tmp_path / "idx").model == "hashing-64"
    svc = SuggestionService.from_index_dir(tmp_path / "idx", emb)
    assert set(codes(svc.suggest(SuggestRequest(text="cholera")))) <= {"A00.0", "A00.9", "I10"}
    with pytest.raises(NotReady, match="assistant index build"):
        SuggestionService.from_index_dir(tmp_path / "idx", HashingEmbedder(32))
    with pytest.raises(NotReady, match="not built"):
        SuggestionService.from_index_dir(tmp_path / "missing", emb)


def test_unchanged_inputs_are_not_rebuilt(tmp_path: Path) -> None:
    emb = HashingEmbedder(64)
    first = build_index(tmp_path / "idx", corpus(), emb, progress=False)
    again = build_index(tmp_path / "idx", corpus(), emb, progress=False, force=False)
    assert again.built_at == first.built_at and again.inputs_sha == first.inputs_sha


def test_batch_equals_single(service: SuggestionService) -> None:
    texts = ["Classical cholera", "A/P: cough. Denies fever.", "Essential hypertension"]
    many = service.suggest_many([SuggestRequest(text=t) for t in texts])
    for t, r in zip(texts, many, strict=True):
        assert codes(r) == codes(service.suggest(SuggestRequest(text=t)))


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__(64)
        self.seen = 0

    def embed(self, texts: list[str]):  # type: ignore[no-untyped-def]
        self.seen += len(texts)
        return super().embed(texts)


def test_rebuild_reuses_cached_vectors(tmp_path: Path) -> None:
    emb = CountingEmbedder()
    first = build_index(tmp_path / "idx", corpus(), emb, codes={"A00.0", "A00.9"}, progress=False)
    assert emb.seen == 2
    second = build_index(tmp_path / "idx", corpus(), emb, codes={"A00.0", "A00.9", "I10"}, progress=False)
    assert emb.seen == 3  # only the new code was embedded
    assert second.inputs_sha != first.inputs_sha
    svc = SuggestionService.from_index_dir(tmp_path / "idx", emb)
    assert codes(svc.suggest(SuggestRequest(text="Cholera, unspecified")))[0] == "A00.9"


def test_presumed_link_combinations(tmp_path: Path) -> None:
    from tests.suggest.fixture_corpus import with_combinations

    emb = HashingEmbedder(256)
    build_index(tmp_path / "idx", with_combinations(), emb, progress=False)
    svc = SuggestionService.from_index_dir(tmp_path / "idx", emb)
    r = run(
        svc, "A/P:\n1. Type 2 diabetes mellitus without complications.\n2. Chronic kidney disease, stage 4."
    )
    f = finals(r)
    assert "E11.22" in f and "N18.4" in f and "E11.9" not in f
    r = run(svc, "A/P:\n1. Essential hypertension.\n2. Chronic kidney disease, stage 4.")
    f = finals(r)
    assert "I12.9" in f and "N18.4" in f and "I10" not in f
    i12 = next(s for s in r.suggestions if s.code == "I12.9")
    assert any("presumed" in reason for reason in i12.reasons)


class FailingEmbedder(CountingEmbedder):
    def __init__(self, fail_after: int) -> None:
        super().__init__()
        self.fail_after = fail_after

    def embed(self, texts: list[str]):  # type: ignore[no-untyped-def]
        if self.seen >= self.fail_after:
            raise KeyboardInterrupt
        return super().embed(texts)


def test_interrupted_build_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.suggest.index_build as ib

    real = ib._embed_all
    monkeypatch.setattr(
        ib, "_embed_all", lambda e, t, p, batch=256, cache=None, **kw: real(e, t, p, 4, cache, **kw)
    )
    broken = FailingEmbedder(fail_after=8)
    with pytest.raises(KeyboardInterrupt):
        build_index(tmp_path / "idx", corpus(), broken, progress=False)
    assert not (tmp_path / "idx").exists()
    resumed = CountingEmbedder()
    manifest = build_index(tmp_path / "idx", corpus(), resumed, progress=False)
    distinct = len(set(json.loads((tmp_path / "idx" / "dense_texts.json").read_text())))
    assert distinct < manifest.count  # the fixture's fractures share their initial encounter's text
    assert resumed.seen == distinct - 8
    assert not list(tmp_path.glob(".embed-cache-*"))


def test_excludes1_declared_at_block_and_chapter_levels_binds_every_code_below() -> None:
    from assistant.suggest.store import CodeCatalog

    def row(title: str, billable: bool, parent: str | None, kind: str) -> list[object]:
        return ["ICD-10-CM", title, billable, parent, kind]

    catalog = CodeCatalog(
        {
            "codes": {
                "4": row("Endocrine, nutritional and metabolic diseases", False, None, "chapter"),
                "E70-E88": row("Metabolic disorders", False, "4", "block"),
                "E87": row(
                    "Other disorders of fluid, electrolyte and acid-base balance",
                    False,
                    "E70-E88",
                    "category",
                ),
                "E87.6": row("Hypokalemia", True, "E87", "subcategory"),
                "16": row("Certain conditions originating in the perinatal period", False, None, "chapter"),
                "P74": row(
                    "Other transitory neonatal electrolyte and metabolic disturbances",
                    False,
                    "16",
                    "category",
                ),
                "P74.22": row("Hypokalemia of newborn", True, "P74", "subcategory"),
            },
            "notes": {},
            "refs": {"4": {"excludes1": ["P70-P74"]}},
            "seven_chr": {},
        }
    )
    assert rules.excludes1_conflict(catalog, "E87.6", "P74.22")
    assert rules.excludes1_conflict(catalog, "P74.22", "E87.6")  # found from either side
    assert catalog.ancestors("E87.6") == ["E87"]  # rules that walk codes still stop below the block


def test_a_phrase_fills_its_list_with_distinct_codes(service: SuggestionService) -> None:
    # The 7th-character and laterality rules map several fracture candidates to one code; the phrase still
    # lists top_k different codes.
    out = run(service, "Fracture of lower end of radius", top_k=8)
    listed = codes(out)
    assert len(listed) == 8 == len(set(listed))


def test_a_phrase_with_a_negation_word_inside_its_term_is_searched(service: SuggestionService) -> None:
    # "gram-negative" names the organism; a phrase that starts with a denial stays not coded.
    assert "J18.9" in codes(run(service, "Pneumonia due to gram-negative bacteria"))
    denied = run(service, "no pneumonia")
    assert "J18.9" not in codes(denied)
    assert any("negated" in w for w in denied.warnings)


def test_a_current_condition_never_gets_its_personal_history_code(tmp_path: Path) -> None:
    emb = HashingEmbedder(64)
    build_index(tmp_path / "idx", corpus(), emb, codes={"J18.9", "Z87.01", "I10"}, progress=False)
    service = SuggestionService.from_index_dir(tmp_path / "idx", emb)
    current = run(service, "A/P: Pneumonia (recurrent) - start amoxicillin.")
    assert "Z87.01" not in [s.code for s in current.suggestions]
    past = run(service, "A/P: Recurrent pneumonia in the past, none this year.")
    assert "Z87.01" in [s.code for s in past.suggestions]


def test_a_phrase_whose_suspicion_a_code_names_is_searched(tmp_path: Path) -> None:
    from assistant.suggest.corpus import CodeRecord, MemoryCorpus

    extra = [
        CodeRecord(
            "ICD-10-CM", "Z03", "Encounter for medical observation ruled out", False, None, "category"
        ),
        CodeRecord(
            "ICD-10-CM",
            "Z03.89",
            "Encounter for observation for other suspected diseases and conditions ruled out",
            True,
            "Z03",
        ),
    ]
    from tests.suggest.fixture_corpus import records

    emb = HashingEmbedder(64)
    both = MemoryCorpus(records() + extra, {"ICD-10-CM": {"release": "2026-04-01", "sha256": "fixture"}})
    build_index(tmp_path / "idx", both, emb, codes={"J18.9", "Z03", "Z03.89"}, progress=False)
    service = SuggestionService.from_index_dir(tmp_path / "idx", emb)
    ruled_out = run(service, "Suspected pneumonia, ruled out after observation")
    assert codes(ruled_out)[:1] == ["Z03.89"]
    # a plain suspicion stays an uncertain diagnosis, not coded in the outpatient setting
    maybe = run(service, "suspected pneumonia")
    assert "J18.9" not in codes(maybe) and "Z03.89" not in codes(maybe)
