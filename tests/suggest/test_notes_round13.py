"""Round 13 of the us-notes batches: general classes the blind batch usn-1241 ... usn-1264 showed. Each test
has a note of our own wording the rule must change and one it must leave alone."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules import NoteContext
from assistant.suggest.coding_rules.adverse_effects import _DEVICE_AFTER
from assistant.suggest.coding_rules.drugs_given import _NAMED_NOT_GIVEN, ALIASES, facility_visit
from assistant.suggest.coding_rules.encounters import _general_exam_said
from assistant.suggest.coding_rules.injuries import _place_query
from assistant.suggest.coding_rules.partners import add_weeks
from assistant.suggest.coding_rules.pregnancy import carrier_in_pregnancy
from assistant.suggest.coding_rules.removed_organ import removed_organ
from assistant.suggest.coding_rules.symptoms import integral_to
from assistant.suggest.coding_rules.transport import car_occupant_query
from assistant.suggest.coding_rules.underdosing import underdosing
from assistant.suggest.history import history_cue
from assistant.suggest.not_coded import immunity_in_list, why_not_coded
from assistant.suggest.patient import read_demographics
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

TITLES = {
    "O02.1": "Missed abortion",
    "O20.0": "Threatened abortion",
    "Z3A.10": "10 weeks gestation of pregnancy",
    "Z3A.00": "Weeks of gestation of pregnancy not specified",
}


def _catalog() -> CodeCatalog:
    return CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in TITLES.items()}})


def _picks(note: str, words: str, *codes: str) -> dict[str, Pick]:
    start = note.index(words)
    m = Mention(start, start + len(words), words, words, "assessment", 0, len(note))
    return {c: Pick(c, 0.8, True, [m]) for c in codes}


def test_no_weeks_of_gestation_beside_a_pregnancy_with_abortive_outcome() -> None:
    note = "30F G2P1 at 10w1d, sac without heartbeat on scan. Impression: missed AB; mifepristone discussed."
    picks = _picks(note, "missed AB", "O02.1", "Z3A.10")
    add_weeks(picks, NoteContext(note=note, pregnant=True, weeks=10), _catalog())
    assert picks["O02.1"].final and not picks["Z3A.10"].final


def test_weeks_of_gestation_stay_beside_a_pregnancy_that_goes_on() -> None:
    note = "30F G2P1 at 10w1d with light bleeding, heartbeat seen. Impression: threatened AB, pelvic rest."
    picks = _picks(note, "threatened AB", "O20.0")
    add_weeks(picks, NoteContext(note=note, pregnant=True, weeks=10), _catalog())
    assert picks["O20.0"].final and "Z3A.10" in picks and picks["Z3A.10"].final


@pytest.mark.parametrize(
    ("note", "pregnant"),
    [
        # a vitamin taken before conceiving and a dose change awaiting a pregnancy document none
        ("34F hoping to conceive next spring; takes a prenatal vitamin daily.", False),
        ("29F with Graves on methimazole; switch to PTU once pregnancy is confirmed.", False),
        ("27F, trying for pregnancy for 8 months, cycles irregular.", False),
        # a pregnancy stated as present still is one
        ("31F G2P1 at 20 weeks, on her prenatal vitamins, here for anatomy scan.", True),
        ("26F, pregnancy confirmed by hCG today; prenatal labs drawn.", True),
    ],
)
def test_a_pregnancy_hoped_for_is_not_documented(note: str, pregnant: bool) -> None:
    assert read_demographics(note).pregnant is pregnant


def test_a_diagnosis_not_favored_is_negated() -> None:
    ms = read_note(
        "Assessment:\n1. Lymphoma not favored given normal LDH.\n2. Reactive lymph nodes - recheck.\n"
    )
    assert any(m.negated for m in ms if m.text.startswith("Lymphoma"))
    assert not any(m.negated for m in ms if m.text.startswith("Reactive"))
    # "favored" alone is the physician's leading diagnosis, not a denial
    ms = read_note("Assessment:\n1. Viral pericarditis favored; colchicine.\n")
    assert not any(m.negated for m in ms if "pericarditis" in m.text)


@pytest.mark.parametrize(
    ("chunk", "sentence", "immune"),
    [
        ("Measles", "Measles and mumps immune per titers.", True),
        ("hepatitis B", "Hepatitis B nonimmune, series restarted.", True),
        ("Measles", "Measles exposure at daycare 5 days ago.", False),
        ("immune thrombocytopenia", "Immune thrombocytopenia on steroids.", False),
    ],
)
def test_a_disease_named_in_an_immunity_sentence_is_its_immunity(
    chunk: str, sentence: str, immune: bool
) -> None:
    assert immunity_in_list(chunk, sentence) is immune


@pytest.mark.parametrize(
    ("text", "general"),
    [
        ("the neurologist's examination showed brisk reflexes", False),
        ("exam revealed a harsh systolic murmur", False),
        ("annual physical exam", True),
        ("routine examination for employment", True),
    ],
)
def test_an_examination_reported_by_its_findings_is_no_general_exam(text: str, general: bool) -> None:
    assert _general_exam_said(text) is general


@pytest.mark.parametrize(
    ("sentence", "mention", "past"),
    [
        (
            "She had a stage II ovarian carcinoma treated with debulking surgery and six cycles of "
            "carboplatin in October 2019.",
            "ovarian carcinoma",
            True,
        ),
        ("His rectal cancer was irradiated; radiotherapy completed in May.", "rectal cancer", True),
        # a cancer still under treatment, or a treatment planned, is current
        ("Her lung cancer is being treated with carboplatin, cycle 3 in May 2026.", "lung cancer", False),
        ("Bladder cancer - therapy to start once the port is placed.", "Bladder cancer", False),
    ],
)
def test_a_cancer_whose_treatment_the_note_dates_as_finished_is_history(
    sentence: str, mention: str, past: bool
) -> None:
    assert (history_cue(sentence, mention) is not None) is past


@pytest.mark.parametrize(
    ("text", "device"),
    [
        (" pump occlusion overnight", True),
        ("-pen dosing error", True),
        (" infusion set kinked", True),
        (" therapy for 3 weeks", False),
        (" use", False),
    ],
)
def test_the_delivery_device_after_a_drug_is_no_adverse_effect_of_it(text: str, device: bool) -> None:
    assert (_DEVICE_AFTER.match(text) is not None) is device


@pytest.mark.parametrize(
    ("text", "query"),
    [
        (
            "Belted driver whose sedan was rear-ended at a light on Main Street.",
            "car driver injured in collision with other type car in traffic accident",
        ),
        (
            "Front-seat passenger, T-boned by a pickup truck on the highway.",
            "car passenger injured in collision with pick-up truck in traffic accident",
        ),
        (
            "Driver, MVC with an SUV while backing out in a parking lot.",
            "car driver injured in collision with sport utility vehicle in nontraffic accident",
        ),
        # another road user, or the other party's driver, is no car occupant
        ("Cyclist struck by a car at an intersection.", None),
        ("Pedestrian hit by a distracted driver in a crosswalk, collision at low speed.", None),
        ("Driver, no collision; twisted ankle stepping out of the car.", None),
    ],
)
def test_a_car_occupants_crash_is_asked_in_the_titles_words(text: str, query: str | None) -> None:
    assert car_occupant_query(text) == query


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("Bruise of L front thigh", "Bruise of left front thigh"),
        ("R medial knee pain", "right medial knee pain"),
        ("Received 2 L, lateral decubitus film", "Received 2 L, lateral decubitus film"),
    ],
)
def test_a_side_letter_before_a_direction_word_is_the_side(text: str, expanded: str) -> None:
    assert expand_text(text) == expanded


@pytest.mark.parametrize(
    ("first_line", "facility"),
    [
        ("Rheum clinic - 52 F with lupus since 2015 when admitted with nephritis.", False),
        ("Office f/u - 60 M seen in the ER 2 weeks ago for gout, better now.", False),
        ("ED visit - 33 M with a hand laceration.", True),
        ("Admitted 11/30 for cellulitis; hospital day 2.", True),
    ],
)
def test_a_stay_of_the_past_on_the_first_line_is_no_facility_visit(first_line: str, facility: bool) -> None:
    assert facility_visit(NoteContext(note=first_line + "\nA/P: ...")) is facility


def test_pcn_is_read_as_penicillin_in_a_drug_given() -> None:
    assert ALIASES["pcn"] == "penicillin"


def _drug_table_search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
    """A stand-in for the Drug-table walk: the insulin row's columns."""
    if "insulin" not in text:
        return []
    return [("T38.3X6" if text.startswith("underdosing") else "T38.3X5", 0.9)]


def test_underdosing_stated_in_words_takes_the_underdosing_column() -> None:
    titles = {
        "E11.65": "Type 2 diabetes mellitus with hyperglycemia",
        "T38.3X6A": "Underdosing of insulin and oral hypoglycemic [antidiabetic] drugs, initial encounter",
    }
    catalog = CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in titles.items()}})
    note = "Ran out of pens - underdosing of insulin for 5 days. A/P: DM2 w/ hyperglycemia."
    picks = _picks(note, "DM2 w/ hyperglycemia", "E11.65")
    underdosing(picks, NoteContext(note=note, search=_drug_table_search), catalog)
    assert "T38.3X6A" in picks and picks["T38.3X6A"].final
    # "no underdosing" is denied; a dose taken as prescribed is no underdosing
    for denied in (
        "Took every dose, no underdosing of insulin. A/P: DM2 w/ hyperglycemia.",
        "Insulin taken as prescribed. A/P: DM2 w/ hyperglycemia.",
    ):
        picks = _picks(denied, "DM2 w/ hyperglycemia", "E11.65")
        underdosing(picks, NoteContext(note=denied, search=_drug_table_search), catalog)
        assert "T38.3X6A" not in picks


@pytest.mark.parametrize(
    ("after", "not_given"),
    [(" contamination risk)", True), (" use disorder", True), (" overdose", True), (" 50 mcg IV", False)],
)
def test_a_drug_named_for_a_risk_or_a_use_is_not_given(after: str, not_given: bool) -> None:
    assert (_NAMED_NOT_GIVEN.match(after) is not None) is not_given


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        # current clinical terms the FY2025 Index does not list, in the Index's words
        ("functional neurological symptom disorder, tremor type", "conversion disorder, tremor type"),
        ("adenotonsillar hypertrophy on exam", "hypertrophy of tonsils with adenoids on exam"),
        ("preconception counseling today", "procreative counseling today"),
        ("Hashimoto's hypothyroidism, euthyroid", "hashimoto's thyroiditis, euthyroid"),
        # the neighbours are left as written
        ("functional dyspepsia", "functional dyspepsia"),
        ("tonsillar hypertrophy", "tonsillar hypertrophy"),
        ("postpartum hypothyroidism", "postpartum hypothyroidism"),
    ],
)
def test_current_terms_read_in_the_indexs_words(text: str, expanded: str) -> None:
    assert expand_text(text).lower() == expanded.lower()


@pytest.mark.parametrize(
    ("place", "query"),
    [
        ("on I-80", "interstate highway as the place of occurrence"),
        ("on the freeway", "interstate highway as the place of occurrence"),
        ("on the street", "on the street as the place of occurrence"),
    ],
)
def test_a_limited_access_highway_is_the_interstate_place(place: str, query: str) -> None:
    assert _place_query(place) == query


@pytest.mark.parametrize(
    ("symptom", "diagnoses", "owner"),
    [
        ("M54.2", ["S13.4XXA"], "S13.4XXA"),  # neck pain of the whiplash sprain
        ("N50.811", ["N45.1"], "N45.1"),  # testicular pain of the epididymitis
        ("R00.2", ["I48.0"], "I48.0"),  # palpitations of the atrial fibrillation
        ("R06.02", ["I35.0"], "I35.0"),  # exertional breathlessness of aortic stenosis
        ("G24.9", ["G20.B1"], "G20.B1"),  # the dyskinesia of Parkinson's disease coded "with dyskinesia"
        ("G24.9", ["G20.A1"], None),  # one coded without it: the dyskinesia is its own
        ("R25.1", ["G20.A1"], "G20.A1"),  # the tremor of Parkinson's disease
        # a symptom beside a diagnosis it is not part of stays
        ("M54.2", ["S93.401A"], None),
        ("R00.2", ["E78.5"], None),
        ("N50.811", ["N40.0"], None),
    ],
)
def test_symptoms_routinely_part_of_a_diagnosis(
    symptom: str, diagnoses: list[str], owner: str | None
) -> None:
    assert integral_to(symptom, diagnoses) == owner


def _gallbladder_catalog() -> CodeCatalog:
    titles = {
        "K80.20": "Calculus of gallbladder without cholecystitis without obstruction",
        "K81.1": "Chronic cholecystitis",
        "K80.50": "Calculus of bile duct without cholangitis or cholecystitis without obstruction",
        "Z48.815": "Encounter for surgical aftercare following surgery on the digestive system",
    }
    return CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in titles.items()}})


def test_the_disease_of_a_removed_organ_is_history_after_the_operation() -> None:
    note = (
        "Post-op check, 12 d after lap chole for biliary colic from gallstones. Incisions healing.\nA/P: ..."
    )
    picks = _picks(note, "gallstones", "K80.20", "K80.50")
    removed_organ(picks, NoteContext(note=note), _gallbladder_catalog())
    assert not picks["K80.20"].final and picks["K80.50"].final  # a stone left in the duct stays
    assert "Z48.815" in picks and picks["Z48.815"].final
    # the hospital stay that took the gallbladder out codes what it was taken out for
    picks = _picks(note, "gallstones", "K80.20")
    removed_organ(picks, NoteContext(note=note, setting="inpatient"), _gallbladder_catalog())
    assert picks["K80.20"].final
    # an operation planned, not done, leaves the disease current and the visit no aftercare
    planned = "Surgery consult. Gallstones with chronic cholecystitis - lap chole scheduled next week."
    picks = _picks(planned, "chronic cholecystitis", "K81.1")
    removed_organ(picks, NoteContext(note=planned), _gallbladder_catalog())
    assert picks["K81.1"].final and "Z48.815" not in picks


@pytest.mark.parametrize(
    ("mention", "past"),
    [
        ("2 bouts of sinusitis in the last year", True),
        ("three episodes of cystitis over 6 months", True),
        # the current episode by its ordinal, a count that is no acute illness
        ("4th UTI this year", False),
        ("2 falls in the past month", False),
    ],
)
def test_acute_episodes_counted_over_a_period_are_history(mention: str, past: bool) -> None:
    assert (history_cue(mention + " - no treatment today.", mention) is not None) is past


@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("Addiction medicine intake", "administrative"),
        ("Cardiology evaluation", "administrative"),
        ("cocaine addiction", None),
    ],
)
def test_a_specialty_intake_heading_is_no_diagnosis(chunk: str, why: str | None) -> None:
    assert why_not_coded(chunk) == why


def test_a_group_b_strep_carrier_in_pregnancy_is_the_chapter_15_carrier_code() -> None:
    titles = {
        "Z22.330": "Carrier of Group B streptococcus",
        "O99.820": "Streptococcus B carrier state complicating pregnancy",
        "O99.824": "Streptococcus B carrier state complicating childbirth",
    }
    catalog = CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in titles.items()}})
    note = "31F G2P1 at 37 weeks, vaginal swab grew group B strep. A/P: GBS carrier - IV penicillin in labor."
    picks = _picks(note, "GBS carrier", "Z22.330")
    carrier_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=37), catalog)
    assert picks["O99.820"].final and not picks["Z22.330"].final
    # a carrier who is not pregnant keeps the carrier code
    plain = "45M, throat swab grew group B strep, no symptoms. A/P: GBS carrier - no treatment."
    picks = _picks(plain, "GBS carrier", "Z22.330")
    carrier_in_pregnancy(picks, NoteContext(note=plain), catalog)
    assert list(picks) == ["Z22.330"] and picks["Z22.330"].final


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("GBS positive on the 36 week swab", "carrier of group b streptococcus on the 36 week swab"),
        ("GBS carrier", "carrier of group b streptococcus"),
        ("GBS positive sepsis in the newborn", "GBS positive sepsis in the newborn"),
    ],
)
def test_a_positive_group_b_strep_screen_is_the_carrier_state(text: str, expanded: str) -> None:
    assert expand_text(text) == expanded
