"""Hemorrhoids by grade, a disease named by three sites, ordinal degrees, a cataract tied to age beside
diabetes, and a problem line that ends where a later sentence names another condition. Titles as in the
ICD-10-CM tabular (public domain); notes written for these tests."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.combination import combine
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.encounters import _IMMUNIZATION
from assistant.suggest.consolidate import fold_integral_symptoms, substance_hierarchy
from assistant.suggest.index_walker import IndexWalker, read_mention, word_key
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import read_note, walk_query
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import SuggestionService
from assistant.suggest.sibling_guard import _line_of, _other_mentions
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("Internal hemorrhoids, grade II, bleeding", "Internal hemorrhoids, second degree, bleeding"),
        ("grade 3 hemorrhoids", "third degree hemorrhoids"),
        ("stage IV internal hemorrhoids", "fourth degree internal hemorrhoids"),
        ("grade 2 diastolic dysfunction", "grade 2 diastolic dysfunction"),
    ],
)
def test_hemorrhoids_by_grade_are_the_index_s_hemorrhoids_by_degree(said: str, read: str) -> None:
    assert expand_text(said) == read


def test_the_index_s_ordinal_degree_matches_the_word() -> None:
    assert word_key("2nd") == word_key("second") and word_key("4th") == word_key("fourth")
    walker = IndexWalker.from_rows(
        [
            {"source": "main", "level": 0, "path": "Hemorrhoids", "code": "K64.9"},
            {"source": "main", "level": 1, "path": "Hemorrhoids, 2nd degree", "code": "K64.1"},
        ]
    )
    assert walker.walk("second degree hemorrhoids")[0].code == "K64.1"


def test_a_disease_named_by_three_sites_is_one_mention() -> None:
    note = "Toddler with mouth sores and rash on palms.\nImp: Hand, foot and mouth disease - fluids."
    texts = [m.text for m in read_note(note)]
    assert "Hand, foot and mouth disease" in texts
    assert "hand-foot-and-mouth disease" in expand_text("HFMD, supportive care")


def _catalog(titles: dict[str, str]) -> CodeCatalog:
    codes: dict[str, list[Any]] = {c: [ICD, t, True, c[:3], "code"] for c, t in titles.items()}
    for c in {c[:3] for c in titles}:
        codes[c] = [ICD, c, False, None, "category"]
    refs = {"E11.36": {"use_additional": []}}
    return CodeCatalog({"codes": codes, "refs": refs})


CATARACT = _catalog(
    {
        "E11.9": "Type 2 diabetes mellitus without complications",
        "E11.36": "Type 2 diabetes mellitus with diabetic cataract",
        "H26.9": "Unspecified cataract",
        "H25.12": "Age-related nuclear cataract, left eye",
    }
)


def _mention(note: str, text: str) -> Any:
    return next(m for m in read_note(note) if m.text.startswith(text))


@pytest.mark.parametrize(("age_related", "linked"), [(True, False), (False, True)])
def test_a_cataract_tied_to_age_is_no_diabetic_cataract(age_related: bool, linked: bool) -> None:
    note = "Pre-op visit for cataract extraction.\nA/P: 1. Type 2 diabetes. 2. Nuclear cataract, left eye."
    dm, eye = _mention(note, "Type 2 diabetes"), _mention(note, "Pre-op visit")
    picks = {"E11.9": Pick("E11.9", 0.9, True, [dm]), "H26.9": Pick("H26.9", 0.7, True, [eye])}
    if age_related:
        picks["H25.12"] = Pick("H25.12", 0.9, True, [_mention(note, "Nuclear cataract")])
    combine(picks, NoteContext(note=note), CATARACT)
    assert ("E11.36" in picks and picks["E11.36"].final) is linked


def test_a_problem_line_ends_where_a_later_sentence_names_another_condition() -> None:
    note = "Ortho visit.\nDx: L carpal tunnel syndrome - night splint. Plantar fasciitis bilaterally."
    tunnel, feet = _mention(note, "L carpal tunnel"), _mention(note, "Plantar fasciitis")
    picks = {
        "G56.02": Pick("G56.02", 0.8, True, [tunnel], heads=[tunnel]),
        "M67.A09": Pick("M67.A09", 0.5, False, [feet]),  # not final yet: its words still end the line
    }
    line = _line_of(note, tunnel, _other_mentions(picks, "G56.02"))
    assert "carpal tunnel" in line and "bilaterally" not in line


def test_a_side_ends_what_a_negation_covers() -> None:
    mention = read_mention("laceration without foreign body left palm")
    assert word_key("left") in mention.plain and word_key("foreign") in mention.negated
    assert "laceration" in expand_text("2 cm lac over the chin, no FB seen").split()
    assert "foreign body" in expand_text("2 cm lac over the chin, no FB seen")


def test_a_tetanus_diphtheria_shot_given_is_an_immunization() -> None:
    assert _IMMUNIZATION.search("Td given in the left deltoid")
    assert _IMMUNIZATION.search("tetanus booster today")


@pytest.mark.parametrize(
    ("line", "encounter"),
    [
        ("Dx: Sprain of right wrist, initial.", "A"),
        ("Dx: Sprain of right wrist, init.", "A"),
        ("Dx: Sprain of right wrist, subsequent.", "D"),
        ("Dx: Sprain of right wrist.", None),
    ],
)
def test_the_encounter_said_after_the_injury_s_comma(line: str, encounter: str | None) -> None:
    sprain = _mention(f"Urgent care visit.\n{line}", "Sprain")
    assert sprain.encounter == encounter
    if encounter == "A":  # the Index walk reads the injury, the encounter is its 7th character
        assert walk_query(expand_text(line[4:].rstrip("."))).strip() == "Sprain of right wrist"


def test_thoughts_of_suicide_stay_beside_the_depression_they_come_with() -> None:
    note = "Intake. Low mood, poor sleep, passive SI without plan.\nDx: MDD, single episode, moderate."
    hpi = [m for m in read_note(note) if m.section != "diagnosis"]
    sleep = next(m for m in hpi if m.text.startswith("poor sleep"))
    ideation = next(m for m in hpi if m.text.startswith("passive SI"))
    picks = {
        "F32.1": Pick("F32.1", 0.9, True, [_mention(note, "MDD")]),
        "R45.851": Pick("R45.851", 0.6, True, [ideation]),
        "G47.9": Pick("G47.9", 0.6, True, [sleep]),
    }
    fold_integral_symptoms(picks, note)
    assert picks["R45.851"].final and picks["F32.1"].final


@pytest.mark.parametrize(
    ("said", "factor"),
    [
        ("RA, seropositive, on methotrexate", "with rheumatoid factor"),
        ("rheumatoid arthritis seronegative", "without rheumatoid factor"),
    ],
)
def test_a_rheumatoid_factor_said_after_the_arthritis(said: str, factor: str) -> None:
    assert f"rheumatoid arthritis {factor}" in expand_text(said)


def test_a_factor_or_a_site_after_the_comma_completes_the_condition() -> None:
    note = (
        "Dictated note. She has rheumatoid arthritis, RF positive, involving both hands, and hypothyroidism."
    )
    assert "She has rheumatoid arthritis, RF positive, involving both hands" in [
        m.text for m in read_note(note)
    ]


def test_a_cause_named_without_its_generic_noun_is_the_index_s_disorder() -> None:
    walker = IndexWalker.from_rows(
        [
            {"source": "main", "level": 0, "path": "Insomnia", "code": "G47.00"},
            {"source": "main", "level": 1, "path": "Insomnia, due to", "code": None},
            {"source": "main", "level": 2, "path": "Insomnia, due to, anxiety disorder", "code": "F51.05"},
            {"source": "main", "level": 1, "path": "Insomnia, panic disorder", "code": "X99.9"},
        ]
    )
    assert walker.walk("insomnia due to anxiety")[0].code == "F51.05"
    assert walker.walk("insomnia with panic")[0].code == "G47.00"  # only a cause's noun is implied


def test_an_injury_is_acute_by_nature() -> None:
    walker = IndexWalker.from_rows(
        [
            {"source": "main", "level": 0, "path": "Strain", "code": None},
            {"source": "main", "level": 1, "path": "Strain, back", "code": "S39.012A"},
            {"source": "main", "level": 0, "path": "Otitis", "code": "H66.90"},
            {"source": "main", "level": 1, "path": "Otitis, acute", "code": "H66.90"},
            {"source": "main", "level": 0, "path": "Paronychia", "code": "L03.019"},
        ]
    )
    assert walker.walk("acute back strain")[0].score == pytest.approx(1.0)
    assert walker.walk("acute otitis")[0].score == pytest.approx(1.0)  # the disease's acute subterm
    assert walker.walk("acute otitis", other_is_nec=False)[0].path == ["Otitis", "acute"]
    # "acute" is a subterm's word for a disease: the entry alone reads less, where the Index offers one
    assert walker.walk("acute otitis media")[0].score < 0.9
    # ... and costs nothing where the Index has no acute kind to choose
    assert walker.walk("acute paronychia")[0].score == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("said", "meaning"),
    [
        ("Echo today: AI, moderate, and mild MR.", "aortic insufficiency"),
        ("On AI since 2023 for breast ca; arthralgias.", "aromatase inhibitor"),
    ],
)
def test_ai_is_read_by_its_neighbours(said: str, meaning: str) -> None:
    assert meaning in expand_text(said)


@pytest.mark.parametrize(
    ("chunk", "why"),
    [("IM B12 monthly", "medication"), ("SQ enoxaparin daily", "medication"), ("Stage IV lung cancer", None)],
)
def test_a_drug_given_by_its_route_is_the_treatment(chunk: str, why: str | None) -> None:
    assert why_not_coded(chunk) == why


def test_admitted_with_introduces_the_condition_of_that_admission() -> None:
    by_text = {m.text: m for m in read_note("Elderly man, frail.\nAdmitted w/ aspiration pneumonia, on abx.")}
    assert "aspiration pneumonia" in by_text and not by_text["aspiration pneumonia"].history
    past = {m.text: m for m in read_note("Clinic visit.\nHCV dx 2015 when admitted w/ jaundice; cured.")}
    assert past["jaundice"].history  # the admission the sentence dates in the past


def test_a_lung_lobe_in_its_letters_is_no_word_of_the_walk() -> None:
    walker = IndexWalker.from_rows(
        [
            {"source": "main", "level": 0, "path": "Pneumonia", "code": "J18.9"},
            {"source": "main", "level": 1, "path": "Pneumonia, aspiration", "code": "J69.0"},
        ]
    )
    hit = walker.walk("aspiration pneumonia RLL")[0]
    assert hit.code == "J69.0" and hit.score == pytest.approx(1.0)


def test_a_condition_a_procedure_ended_is_history() -> None:
    note = "A/P:\n1. SVT - s/p ablation 2023, no recurrence; no meds.\n2. Asthma - albuterol prn."
    by_text = {m.text: m for m in read_note(note)}
    assert by_text["SVT"].history and not by_text["Asthma"].history
    still = {m.text: m for m in read_note("A/P:\n1. SVT - s/p ablation 2023, recurred in May.\n2. GERD.")}
    assert not still["SVT"].history


def test_what_a_lower_substance_level_named_moves_to_the_highest_level() -> None:
    titles = {
        "F10.129": "Alcohol abuse with intoxication, unspecified",
        "F10.20": "Alcohol dependence, uncomplicated",
        "F10.229": "Alcohol dependence with intoxication, unspecified",
        "F12.10": "Cannabis abuse, uncomplicated",
        "F12.20": "Cannabis dependence, uncomplicated",
    }
    catalog = _catalog(titles)
    picks = {c: Pick(c, 0.6, True, []) for c in ("F10.129", "F10.20")}
    substance_hierarchy(picks, catalog)
    assert {c for c, p in picks.items() if p.final} == {"F10.229"}
    plain = {c: Pick(c, 0.6, True, []) for c in ("F12.10", "F12.20")}
    substance_hierarchy(plain, catalog)
    assert {c for c, p in plain.items() if p.final} == {"F12.20"}  # nothing named beyond the level


@pytest.mark.parametrize(
    ("said", "side"), [("Swimmer's ear R - drops", "right"), ("Pink eye L, erythromycin", "left")]
)
def test_a_side_letter_after_an_ear_or_eye(said: str, side: str) -> None:
    assert side in expand_text(said)
    assert "right" not in expand_text("Seen R and L shoulders")  # no ear or eye beside it


def test_a_resolved_episode_leaves_its_condition() -> None:
    note = "A/P:\n# AF with RVR - resolved on diltiazem, rate now 78.\n# Cellulitis - resolved.\n# GERD."
    by_text = {m.text: m for m in read_note(note)}
    atrial = by_text["AF with RVR"]
    assert not atrial.negated and "RVR" not in atrial.query and "rapid" not in atrial.query
    assert by_text["Cellulitis"].negated  # the condition itself resolved


def test_a_past_colon_polyp_is_searched_as_a_benign_neoplasm_s_history(service: SuggestionService) -> None:
    note = "A/P:\n1. h/o colon polyps - repeat colonoscopy 2028.\n2. Colon polyp seen today, biopsied."
    queries = [q.text for m, q, _ in service._plan(SuggestRequest(text=note), read_note(note)) if q]
    assert any(q.startswith("personal history of") and "benign neoplasm colon polyp" in q for q in queries)
    assert not any("benign neoplasm" in q for q in queries if not q.startswith("personal history"))
