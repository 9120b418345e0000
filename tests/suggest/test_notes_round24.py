"""Round 24 (the lead's probe notes): the thumb as a digit of the hand, amphetamine-type substances as the
Index's stimulants, the sigmoid as part of the colon, an acuity the Index does not classify, a spinal
injection's steroid, a benzodiazepine called long-term, the discharge of an otitis, a drug's short name, a
rash's dermatome, a past stay's recap, the external kind after a comma."""

from __future__ import annotations

import pytest

from assistant.codesets.repository import CodeSetRepository
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.partners import add_drugs
from assistant.suggest.coding_rules.past_stay import stay_spans
from assistant.suggest.coding_rules.symptoms import integral_to
from assistant.suggest.coding_rules.traumatic_fracture import traumatic_fracture
from assistant.suggest.consolidate import absorb_same_category, drop_covered, substance_hierarchy
from assistant.suggest.history import history_cue
from assistant.suggest.index_first import injury_before_its_cause
from assistant.suggest.index_walker import IndexWalker, read_mention
from assistant.suggest.not_coded import treatment_tail, why_not_coded, without_sizes
from assistant.suggest.reader import qualifies_previous
from assistant.suggest.service import SuggestionService
from assistant.suggest.types import Candidate, Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog
from tests.suggest.rules_corpus import rules_service
from tests.suggest.test_notes_round17 import STEROIDS, _mention
from tests.suggest.test_notes_round23 import causes_asked


@pytest.fixture(scope="module")
def walker(reference: CodeSetRepository) -> IndexWalker:
    return IndexWalker.from_reference(reference)


def _first(walker: IndexWalker, text: str) -> str:
    hits = walker.walk(text, None, 3)
    return hits[0].code if hits else ""


@pytest.mark.parametrize(
    ("mention", "code"),
    [
        # Paronychia, see also Cellulitis, digit: the Index names fingers and toes, the thumb is a finger
        ("paronychia of right thumb", "L03.01"),
        ("paronychia of left great toe", "L03.03"),
        # where the Index names the thumb itself, its own entry wins
        ("trigger thumb, right", "M65.31"),
        ("laceration of left thumb", "S61.012"),
        ("sprain of left thumb", "S63.60"),
    ],
)
def test_the_thumb_is_a_finger_only_where_the_index_names_no_thumb(
    walker: IndexWalker, mention: str, code: str
) -> None:
    assert _first(walker, mention) == code


@pytest.mark.parametrize(
    ("mention", "code"),
    [
        ("methamphetamine use disorder, moderate", "F15.20"),  # Disorder, stimulant use, moderate or severe
        ("amphetamine use disorder, mild", "F15.10"),
        ("methamphetamine use", "F15.90"),
        ("cocaine use disorder, mild", "F14.10"),  # another stimulant keeps its own category
    ],
)
def test_amphetamine_type_substances_are_the_index_stimulants(
    walker: IndexWalker, mention: str, code: str
) -> None:
    assert _first(walker, mention) == code


@pytest.mark.parametrize(
    ("mention", "code"),
    [
        ("sigmoid diverticulosis", "K57.30"),  # Diverticulosis, intestine, large
        ("sigmoid diverticulitis", "K57.32"),
        ("sigmoid colon cancer", "C18.7"),  # the table's own sigmoid entry before its colon
        ("diverticulosis", "K57.90"),
    ],
)
def test_the_sigmoid_is_part_of_the_large_intestine(walker: IndexWalker, mention: str, code: str) -> None:
    assert _first(walker, mention) == code


def test_an_acuity_the_index_does_not_classify_costs_nothing(walker: IndexWalker) -> None:
    plain = walker.walk("paronychia of right thumb", None, 1)[0].score
    assert walker.walk("acute paronychia of right thumb", None, 1)[0].score == pytest.approx(plain, abs=0.1)
    # where the Index offers an acute subterm, "acute" chooses it and the plain entry reads less
    bronchitis = {h.code: h.score for h in walker.walk("acute bronchitis", None, 5)}
    assert bronchitis["J20.9"] > bronchitis["J40"]
    cystitis = walker.walk("acute cystitis", None, 2)
    assert cystitis[0].code == "N30.00" and cystitis[1].score < cystitis[0].score


@pytest.mark.parametrize(
    ("note", "taking"),
    [
        (
            "A/P: Lumbar radiculopathy - left L5 transforaminal ESI performed, 80 mg methylprednisolone.",
            False,
        ),
        ("A/P: Lumbar radiculopathy - L4-5 interlaminar injection, methylprednisolone 80 mg.", False),
        ("A/P: Lumbar radiculopathy - methylprednisolone 4 mg daily, on it for months.", True),
    ],
)
def test_the_steroid_of_a_spinal_injection_is_no_long_term_use(note: str, taking: bool) -> None:
    picks = {"M06.9": Pick("M06.9", 0.8, True, [_mention(note, "Lumbar radiculopathy")])}
    add_drugs(picks, NoteContext(note=note), STEROIDS)
    assert ("Z79.52" in picks and picks["Z79.52"].final) is taking


BENZODIAZEPINE = hierarchy_catalog(
    {
        "Z79.899": "Other long term (current) drug therapy",
        "F41.0": "Panic disorder [episodic paroxysmal anxiety]",
    },
    {"Z79": "Long term drug therapy", "Z79.8": "Other", "Z79.89": "Other", "F41": "Other anxiety disorders"},
)


@pytest.mark.parametrize(
    ("line", "taking"),
    [
        ("Panic disorder - on chronic alprazolam, prescribed by psychiatry", True),
        ("Panic disorder. Long-term benzodiazepine use, reviewed PDMP", True),
        ("Panic disorder - alprazolam 0.5 mg prn", False),  # a prescription alone is no long-term use said
        ("Panic disorder - chronic alprazolam stopped, tapered off in 2024", False),
    ],
)
def test_a_benzodiazepine_called_long_term_is_other_long_term_drug_therapy(line: str, taking: bool) -> None:
    note = f"A/P: {line}"
    picks = {"F41.0": Pick("F41.0", 0.8, True, [_mention(note, "Panic disorder")])}
    add_drugs(picks, NoteContext(note=note), BENZODIAZEPINE)
    assert ("Z79.899" in picks and picks["Z79.899"].final) is taking


def test_the_discharge_of_a_suppurative_or_external_otitis_is_part_of_it() -> None:
    assert integral_to("H92.11", ["H66.011"]) == "H66.011"  # otorrhea with the rupture of the ear drum
    assert integral_to("H92.12", ["H60.392"]) == "H60.392"
    assert integral_to("H92.11", ["J06.9"]) is None


@pytest.mark.parametrize(
    ("chunk", "condition"),
    [
        ("HTN on HCTZ", "HTN"),  # a drug's short name
        ("HTN on chlorthalidone", "HTN"),
        ("GERD on PPI", "GERD"),
        ("HFrEF on carvedilol and furosemide", "HFrEF"),
        ("Depression on escitalopram", "Depression"),
        ("Opioid dependence on buprenorphine", None),  # the dependence is the condition's own word
    ],
)
def test_a_treatment_named_by_its_short_name_is_no_word_of_the_condition(
    chunk: str, condition: str | None
) -> None:
    at = treatment_tail(chunk)
    assert (chunk[:at] if at is not None else None) == condition


@pytest.mark.parametrize(
    ("query", "searched"),
    [
        ("Shingles of right T6 dermatome", "Shingles"),
        ("Herpes zoster in left L4-L5 distribution", "Herpes zoster"),
        ("Lipoma of the back, 3 cm", "Lipoma of the back,"),
        ("Shingles", "Shingles"),
    ],
)
def test_a_rash_dermatome_is_where_it_lies_not_a_word_of_its_code(query: str, searched: str) -> None:
    assert without_sizes(query) == searched


def test_a_note_opening_with_an_admission_recaps_that_line_only() -> None:
    note = "Admitted for pneumonia last month, treated with Unasyn.\nChronic: CKD 4, HTN, BPH.\n"
    spans = stay_spans(note)
    assert spans and all(end <= note.index("\n") for _, end in spans)
    headed = "HPI: cough.\nHospital course: pneumonia, treated.\nA/P: HTN."
    start, end = stay_spans(headed)[0]
    assert "pneumonia" in headed[start:end] and "HTN" not in headed[start:end]


@pytest.mark.parametrize(
    ("chunk", "qualifies"),
    [("external", True), ("internal", True), ("bleeding intermittently", False)],
)
def test_the_inner_or_outer_kind_after_a_comma_completes_the_condition(chunk: str, qualifies: bool) -> None:
    assert qualifies_previous(chunk) is qualifies


@pytest.mark.parametrize(
    "chunk", ["Tetanus up to date", "tetanus UTD", "Rabies vaccine series given", "pertussis booster due"]
)
def test_the_disease_a_vaccine_is_named_for_is_no_diagnosis_beside_its_status(chunk: str) -> None:
    assert why_not_coded(chunk) == "immunization given"


def test_a_tetanus_infection_stays_a_diagnosis() -> None:
    assert why_not_coded("Tetanus after a puncture wound") is None


def _cand(code: str, score: float, walk: float = 0.0) -> Candidate:
    return Candidate(code, 0, score, walk=walk)


def test_the_injury_heads_the_mention_that_also_names_its_cause() -> None:
    cands = [_cand("W26.0XXA", 0.35, 0.8), _cand("S61.411A", 0.02, 0.9), _cand("X58.XXXA", 0.01)]
    injury_before_its_cause(cands)
    assert [c.code for c in cands[:2]] == ["S61.411A", "W26.0XXA"] and cands[0].score == 0.35
    # an injury the Index walk did not reach is no reading of the mention
    guessed = [_cand("W26.0XXA", 0.35, 0.8), _cand("S36.032A", 0.02)]
    injury_before_its_cause(guessed)
    assert guessed[0].code == "W26.0XXA"


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> SuggestionService:
    return rules_service(tmp_path_factory.mktemp("rules24"))


@pytest.mark.parametrize(
    ("story", "asked"),
    [
        ("Laceration to right palm from kitchen knife while cooking at home.", "contact with knife"),
        (
            "Cut left index finger on sheet metal at work today.",
            "contact with other specified sharp object",
        ),
    ],
)
def test_the_knife_or_the_sharp_edge_a_cut_came_from_is_asked(
    svc: SuggestionService, story: str, asked: str
) -> None:
    assert asked in causes_asked(svc, story, "laceration")


@pytest.mark.parametrize(
    ("sentence", "history"),
    [
        (
            "Sigmoid adenocarcinoma s/p sigmoid colectomy 6/2023 + adjuvant CAPOX x 8 cycles completed "
            "1/2024.",
            True,
        ),
        ("Sigmoid adenocarcinoma s/p sigmoid colectomy 6/2023, now on adjuvant CAPOX, cycle 3.", False),
    ],
)
def test_an_adjuvant_course_the_clause_calls_completed_is_over(sentence: str, history: bool) -> None:
    assert (history_cue(sentence, "Sigmoid adenocarcinoma") is not None) is history


def test_a_remission_with_its_evidence_after_a_colon_completes_the_disorder() -> None:
    assert qualifies_previous("in early remission: last use 2/2026")
    assert qualifies_previous("in sustained remission")


@pytest.mark.parametrize(
    ("chunk", "qualifies"),
    [
        ("with ascites", True),
        ("with radiculopathy", True),
        ("w/ LUTS", True),
        ("with left flank pain", False),
    ],
)
def test_a_with_feature_the_titles_subdivide_by_completes_the_condition(chunk: str, qualifies: bool) -> None:
    assert qualifies_previous(chunk) is qualifies


@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("IV fluids 1L NS in clinic", "plan"),
        ("NS bolus 20 ml/kg given", "plan"),
        ("Fluids given in the ED", "plan"),
        ("Fluid overload", None),
    ],
)
def test_fluids_given_with_their_amount_and_place_are_a_treatment(chunk: str, why: str | None) -> None:
    assert why_not_coded(chunk) == why


SUBSTANCE = hierarchy_catalog(
    {
        "F10.20": "Alcohol dependence, uncomplicated",
        "F10.120": "Alcohol abuse with intoxication, uncomplicated",
        "F10.220": "Alcohol dependence with intoxication, uncomplicated",
    },
    {"F10": "Alcohol related disorders", "F10.1": "Alcohol abuse", "F10.2": "Alcohol dependence"},
)


def test_two_levels_of_one_substance_are_no_wording_of_one_code() -> None:
    """ "Alcohol intoxication. Alcohol use disorder, moderate.": the dependence is not folded into the abuse
    code the intoxication read; the hierarchy (I.C.5.b.2) keeps the dependence with its intoxication."""
    note = "Alcohol intoxication. Alcohol use disorder, moderate."
    picks = {
        "F10.120": Pick("F10.120", 0.71, True, [_mention(note, "Alcohol intoxication")]),
        "F10.20": Pick("F10.20", 0.70, True, [_mention(note, "Alcohol use disorder, moderate")]),
    }
    absorb_same_category(picks, SUBSTANCE)
    assert set(picks) == {"F10.120", "F10.20"}
    substance_hierarchy(picks, SUBSTANCE)
    assert sorted(c for c, p in picks.items() if p.final) == ["F10.220"]


@pytest.mark.parametrize("chunk", ["seasonal", "perennial"])
def test_a_season_after_the_comma_completes_the_allergic_rhinitis(chunk: str) -> None:
    assert qualifies_previous(chunk)


def test_a_vertebral_fracture_names_the_titles_vertebra() -> None:
    assert read_mention("vertebral fracture").words >= {"vertebra"}


@pytest.mark.parametrize(
    ("mention", "counted"),
    [
        ("lumbar degenerative disc disease L4-L5", False),  # the level restates the region the titles name
        ("cervical radiculopathy C6", False),
        ("L4-L5 disc herniation", True),  # no region word: the level is the mention's only site
    ],
)
def test_a_spinal_level_beside_its_region_is_no_word_a_path_must_read(mention: str, counted: bool) -> None:
    assert ("l4" in read_mention(mention).base or "c6" in read_mention(mention).base) is counted


def test_a_fracture_s_closed_or_open_is_read_by_its_seventh_character(walker: IndexWalker) -> None:
    closed = walker.walk("closed fracture of radius", None, 1)[0]
    assert closed.code.startswith("S52.9") and closed.score == pytest.approx(1.0)


def test_the_traumatic_twin_is_asked_as_the_index_traumatic_fracture() -> None:
    asked: list[str] = []

    def search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
        asked.append(text)
        return [("S52.91XA", 0.7)]

    note = "A/P: 1. Fracture of right radius, closed."
    pathological = Pick("M84.433A", 0.4, True, [_mention(note, "Fracture of right radius, closed")])
    catalog = hierarchy_catalog(
        {
            "M84.433A": "Pathological fracture, right radius, initial encounter for fracture",
            "S52.91XA": "Unspecified fracture of right forearm, initial encounter for closed fracture",
        },
        {"M84": "Disorder of continuity of bone", "S52": "Fracture of forearm"},
    )
    picks = {"M84.433A": pathological}
    traumatic_fracture(picks, NoteContext(note=note, search=search), catalog)
    assert asked == ["traumatic Fracture of right radius,"]
    assert not pathological.final and picks["S52.91XA"].final


def test_hypothyroidism_of_hashimoto_s_thyroiditis_is_e06_3_alone() -> None:
    """Index: Hypothyroidism, autoimmune - see Thyroiditis, autoimmune (E06.3)."""
    catalog = hierarchy_catalog(
        {"E03.9": "Hypothyroidism, unspecified", "E06.3": "Autoimmune thyroiditis"},
        {"E03": "Other hypothyroidism", "E06": "Thyroiditis"},
    )
    note = "A/P: Hypothyroidism due to Hashimoto's thyroiditis."
    picks = {
        "E06.3": Pick("E06.3", 0.8, True, [_mention(note, "Hashimoto's thyroiditis")]),
        "E03.9": Pick("E03.9", 0.6, True, [_mention(note, "Hypothyroidism")]),
    }
    drop_covered(picks, catalog)
    assert [c for c, p in picks.items() if p.final] == ["E06.3"]
    alone = {"E03.9": Pick("E03.9", 0.6, True, [_mention(note, "Hypothyroidism")])}
    drop_covered(alone, catalog)
    assert alone["E03.9"].final
