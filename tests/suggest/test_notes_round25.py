"""Round 25 (the lead's probe notes): a "code first any associated" list whose conditions all apply, two
conditions one sentence lists side by side, insomnia due to an abbreviated disorder, the edema of a venous
insufficiency, heavy menses."""

from __future__ import annotations

import copy

import pytest

from assistant.codesets.repository import CodeSetRepository
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.insomnia_cause import insomnia_due_to_mental_disorder
from assistant.suggest.coding_rules.symptoms import drop_integral_symptoms, integral_to
from assistant.suggest.consolidate import absorb_same_category
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import read_note
from assistant.suggest.rules import associated_groups
from assistant.suggest.service import SuggestionService
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import expand_abbreviations
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog
from tests.suggest.rules_corpus import rules_service
from tests.suggest.test_notes_round17 import _mention

ICD = "ICD-10-CM"


def _kidney_catalog(first: list[str]) -> CodeCatalog:
    codes: dict[str, list[object]] = {
        "E11": [ICD, "Type 2 diabetes mellitus", False, None, "category"],
        "E11.22": [ICD, "Type 2 diabetes mellitus with diabetic chronic kidney disease", True, "E11", "code"],
        "I12": [ICD, "Hypertensive chronic kidney disease", False, None, "category"],
        "I12.9": [
            ICD,
            "Hypertensive chronic kidney disease with stage 1 through stage 4 chronic kidney disease, "
            "or unspecified chronic kidney disease",
            True,
            "I12",
            "code",
        ],
        "N18": [ICD, "Chronic kidney disease (CKD)", False, None, "category"],
        "N18.3": [ICD, "Chronic kidney disease, stage 3 (moderate)", False, "N18", "subcategory"],
        "N18.31": [ICD, "Chronic kidney disease, stage 3a", True, "N18.3", "code"],
    }
    refs = ["E11.22", "I12.-"]
    return CodeCatalog(
        {"codes": codes, "notes": {"N18": {"code_first": first}}, "refs": {"N18": {"code_first": refs}}}
    )


ASSOCIATED = [
    "any associated:",
    "diabetic chronic kidney disease (E11.22)",
    "hypertensive chronic kidney disease (I12.-)",
]


def test_an_any_associated_list_gives_each_condition_its_own_group() -> None:
    catalog = _kidney_catalog(ASSOCIATED)
    assert associated_groups(catalog, "N18.31", "code_first", ["E11.22", "I12.-"]) == [["E11.22"], ["I12.-"]]
    # "code first the underlying disease, such as: ..." lists alternatives: no groups
    such_as = _kidney_catalog(["underlying disease, such as:", "diabetes (E11.22)", "hypertension (I12.-)"])
    assert associated_groups(such_as, "N18.31", "code_first", ["E11.22", "I12.-"]) is None


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> SuggestionService:
    return rules_service(tmp_path_factory.mktemp("rules"))


@pytest.mark.parametrize(
    ("first", "both"), [(ASSOCIATED, True), (["diabetic CKD (E11.22)", "HTN CKD (I12.-)"], False)]
)
def test_ckd_due_to_diabetes_and_hypertension_takes_both_causes(
    svc: SuggestionService, first: list[str], both: bool
) -> None:
    """N18: "code first any associated: diabetic CKD (E11.22); hypertensive CKD (I12.-)". Hypertensive CKD
    coded does not stand for the diabetic CKD the same line states (I.C.9.a.2, I.C.4.a)."""
    service = copy.copy(svc)
    service.catalog = _kidney_catalog(first)
    note = "A/P: CKD stage 3a due to type 2 diabetes and hypertension."
    ckd = _mention(note, "CKD stage 3a due to type 2 diabetes")
    picks = {
        "N18.31": Pick("N18.31", 0.9, True, [ckd]),
        "I12.9": Pick("I12.9", 0.5, True, [ckd, _mention(note, "hypertension")]),
        "E11.22": Pick("E11.22", 0.2, False, [ckd]),
    }
    service._pair_rules(picks, note)
    assert picks["E11.22"].final is both


def _head(note: str, words: str, code: str, score: float) -> Pick:
    m = _mention(note, words)
    return Pick(code, score, True, [m], heads=[m])


TINEA = CodeCatalog(
    {
        "codes": {
            "B35": [ICD, "Dermatophytosis", False, None, "category"],
            "B35.1": [ICD, "Tinea unguium", True, "B35", "code"],
            "B35.3": [ICD, "Tinea pedis", True, "B35", "code"],
        }
    }
)


@pytest.mark.parametrize(
    ("note", "second", "kept"),
    [
        ("A/P: Tinea pedis and onychomycosis of toenails.", "onychomycosis of toenails", True),
        ("A/P: Tinea pedis, onychomycosis of toenails.", "onychomycosis of toenails", True),
        # the same condition said again in its own words: one code
        ("A/P: Tinea pedis and tinea of the toenails.", "tinea of the toenails", False),
        # not side by side in one list
        ("A/P: Tinea pedis, treat with terbinafine for onychomycosis.", "onychomycosis", False),
    ],
)
def test_two_conditions_listed_side_by_side_keep_their_own_codes(note: str, second: str, kept: bool) -> None:
    picks = {
        "B35.3": _head(note, "Tinea pedis", "B35.3", 0.65),
        "B35.1": _head(note, second, "B35.1", 0.59),
    }
    absorb_same_category(picks, TINEA, note)
    assert ("B35.1" in picks) is kept and "B35.3" in picks


MOOD = hierarchy_catalog(
    {"G47.00": "Insomnia, unspecified", "F51.05": "Insomnia due to other mental disorder",
     "F33.1": "Major depressive disorder, recurrent, moderate"},
    {"G47": "Sleep disorders", "G47.0": "Insomnia", "F51": "Sleep disorders not due to a substance",
     "F51.0": "Insomnia not due to a substance", "F33": "Major depressive disorder, recurrent"},
)  # fmt: skip


@pytest.mark.parametrize(
    ("said", "insomnia_final", "finals"),
    [
        # the cause abbreviated, the insomnia coded by the mention
        ("Insomnia due to MDD", True, ["F33.1", "F51.05"]),
        # the mention's words ranked the disorder first: its insomnia candidate is read too
        ("Insomnia due to MDD", False, ["F33.1", "F51.05"]),
        # a mention about something else that only names insomnia later is not read
        ("Trazodone for insomnia due to MDD", False, ["F33.1"]),
        ("Insomnia due to chronic pain", False, ["F33.1"]),
    ],
)
def test_insomnia_due_to_an_abbreviated_mental_disorder(
    said: str, insomnia_final: bool, finals: list[str]
) -> None:
    mdd = "MDD, recurrent, moderate"
    note = f"A/P:\n# {mdd} - sertraline.\n# {said} - trazodone qhs."
    picks = {
        "F33.1": Pick("F33.1", 0.5, True, [_mention(note, mdd)]),
        "G47.00": Pick("G47.00", 0.16, insomnia_final, [_mention(note, said)]),
    }
    insomnia_due_to_mental_disorder(picks, NoteContext(note), MOOD)
    assert sorted(c for c, p in picks.items() if p.final) == finals


@pytest.mark.parametrize(
    ("symptom", "diagnosis", "integral"),
    [
        ("R60.0", "I87.2", "I87.2"),  # the leg swelling of chronic venous insufficiency
        ("R60.9", "I89.0", "I89.0"),
        ("R60.0", "I50.32", "I50.32"),
        ("R60.0", "I83.90", None),  # asymptomatic varicose veins come without it
    ],
)
def test_edema_is_integral_to_venous_insufficiency(
    symptom: str, diagnosis: str, integral: str | None
) -> None:
    assert integral_to(symptom, [diagnosis]) == integral


@pytest.fixture(scope="module")
def walker(reference: CodeSetRepository) -> IndexWalker:
    return IndexWalker.from_reference(reference)


@pytest.mark.parametrize(
    ("mention", "code"),
    [
        # menses and the menstrual bleeding are the Index's periods and menstruation
        ("heavy menses", "N92.0"),
        ("heavy menstrual bleeding", "N92.0"),
        ("painful menses", "N94.6"),
        ("irregular menses", "N92.6"),
        ("heavy periods", "N92.0"),
    ],
)
def test_menses_are_the_indexs_periods(walker: IndexWalker, mention: str, code: str) -> None:
    hits = walker.walk(mention, None, 3)
    assert hits and hits[0].code == code


LIMBS = hierarchy_catalog(
    {"M25.511": "Pain in right shoulder", "M25.531": "Pain in right wrist",
     "M25.571": "Pain in right ankle and joints of right foot",
     "S93.402D": "Sprain of unspecified ligament of left ankle, subsequent encounter",
     "S93.401A": "Sprain of unspecified ligament of right ankle, initial encounter",
     "S52.501A": "Unspecified fracture of the lower end of right radius, initial encounter",
     "M25.521": "Pain in right elbow", "M25.522": "Pain in left elbow",
     "M77.12": "Lateral epicondylitis, left elbow"},
    {"M25": "Other joint disorder", "M25.5": "Pain in joint", "M25.51": "Pain in shoulder",
     "M25.53": "Pain in wrist", "M25.57": "Pain in ankle and joints of foot",
     "S93": "Dislocation and sprain of ankle", "S93.4": "Sprain of ankle",
     "S93.40": "Sprain of unspecified ligament of ankle", "S52": "Fracture of forearm",
     "S52.5": "Fracture of lower end of radius", "S52.50": "Unspecified fracture"},
)  # fmt: skip


@pytest.mark.parametrize(
    ("pain", "injury", "kept"),
    [
        ("M25.511", "S93.402D", True),  # the right shoulder beside a left ankle sprain: its own problem
        ("M25.571", "S93.402D", True),  # the other side's ankle
        ("M25.571", "S93.401A", False),  # the sprained ankle's own pain
        ("M25.531", "S52.501A", False),  # the wrist's pain of a distal radius fracture, the next block
        # a joint's pain beside the disorder coded for that joint and side
        ("M25.522", "M77.12", False),
        ("M25.521", "M77.12", True),
    ],
)
def test_a_pain_is_part_only_of_an_injury_of_its_own_side_and_limb(
    pain: str, injury: str, kept: bool
) -> None:
    note = "A/P: pain and injury."
    picks = {
        pain: Pick(pain, 0.7, True, [_mention(note, "pain")]),
        injury: Pick(injury, 0.5, True, [_mention(note, "injury")]),
    }
    drop_integral_symptoms(picks, NoteContext(note), LIMBS)
    assert picks[pain].final is kept and picks[injury].final


def test_an_associated_cause_the_note_denies_is_not_paired(svc: SuggestionService) -> None:
    service = copy.copy(svc)
    service.catalog = _kidney_catalog(ASSOCIATED)
    note = "A/P: DM2 on insulin. HTN w/ CKD stage 3a (nephrosclerosis, unrelated to DM per nephrology)."
    ckd = _mention(note, "HTN w/ CKD stage 3a")
    picks = {
        "N18.31": Pick("N18.31", 0.9, True, [ckd]),
        "I12.9": Pick("I12.9", 0.5, True, [ckd]),
        "E11.22": Pick("E11.22", 0.2, False, [ckd, _mention(note, "DM2")]),
    }
    service._pair_rules(picks, note)
    assert not picks["E11.22"].final
    said = note.replace(" (nephrosclerosis, unrelated to DM per nephrology)", " and DM2")
    picks["E11.22"] = Pick("E11.22", 0.2, False, [_mention(said, "HTN w/ CKD stage 3a")])
    service._pair_rules(picks, said)
    assert picks["E11.22"].final


@pytest.mark.parametrize(
    ("mention", "code"),
    [
        # Pain, joint, knee: the note names the knee and leaves the joint unsaid
        ("left knee pain", "M25.56"),
        ("right hip pain", "M25.55"),
        ("pain in right elbow", "M25.52"),
        ("joint pain", "M25.50"),
        # a subterm beside the joint that names the site wins: Pain, shoulder; Pain, finger (limb, upper)
        ("right shoulder pain", "M25.51"),
        ("finger pain", "M79.6"),
        ("left great toe pain", "M79.67"),
        ("finger joint pain", "M25.54"),
    ],
)
def test_a_joints_sign_reaches_the_joint_the_note_names(walker: IndexWalker, mention: str, code: str) -> None:
    hits = walker.walk(mention, None, 3)
    assert hits and hits[0].code.startswith(code)
    if code.startswith("M25.5") and code != "M25.51":
        assert "joint" in hits[0].path


PREGNANCY_DIABETES = hierarchy_catalog(
    {"O24.410": "Gestational diabetes mellitus in pregnancy, diet controlled",
     "O24.419": "Gestational diabetes mellitus in pregnancy, unspecified control"},
    {"O24": "Diabetes mellitus in pregnancy, childbirth, and the puerperium",
     "O24.4": "Gestational diabetes mellitus", "O24.41": "Gestational diabetes mellitus in pregnancy"},
)  # fmt: skip


def test_a_comma_that_restates_the_condition_by_its_class_is_one_condition() -> None:
    """A1GDM is the diet-controlled gestational diabetes the words before the comma name: one code."""
    note = "Pregnancy c/b gestational diabetes, A1GDM (diet only), good control."
    picks = {
        "O24.419": _head(note, "gestational diabetes", "O24.419", 0.83),
        "O24.410": _head(note, "A1GDM", "O24.410", 0.5),
    }
    absorb_same_category(picks, PREGNANCY_DIABETES, note)
    assert len(picks) == 1


@pytest.mark.parametrize(
    ("symptom", "gout", "integral"),
    [
        ("M25.462", "M10.062", "M10.062"),  # the left knee's effusion in its gout flare
        ("M25.562", "M10.062", "M10.062"),
        ("M25.572", "M10.062", None),  # the ankle's pain beside a knee's gout: another joint
        ("M25.472", "M10.072", "M10.072"),
    ],
)
def test_a_gouty_joints_own_signs_are_part_of_the_flare(
    symptom: str, gout: str, integral: str | None
) -> None:
    assert integral_to(symptom, [gout]) == integral


@pytest.mark.parametrize(
    ("note", "words", "family"),
    [
        # the parent who brought the child ("w/ mom") is no family history of what follows
        ("8 yo M w/ mom, sore throat and fever x2d.\nA/P: strep pharyngitis.", "sore throat", False),
        ("8 yo M w/mom, sore throat.\nA/P: URI.", "sore throat", False),
        ("FH: mom w/ DM2, dad HTN.\nA/P: URI.", "mom w/ DM2", True),
        ("Mom has asthma.\nA/P: URI.", "Mom has asthma", True),
    ],
)
def test_the_parent_who_came_with_the_child_is_no_family_history(note: str, words: str, family: bool) -> None:
    mention = next(m for m in read_note(note) if m.text == words)
    assert mention.family is family


KIDNEY = hierarchy_catalog(
    {"N18.6": "End stage renal disease", "N18.9": "Chronic kidney disease, unspecified"},
    {"N18": "Chronic kidney disease (CKD)"},
)


def test_an_unspecified_code_folds_into_the_specific_one_its_words_also_ranked() -> None:
    """ "ESRD on HD / HTN heart & CKD": the bare "CKD" is the ESRD the line states (N18.6), not a second
    kidney disease (N18.9), though N18.6 is only its second-ranked code."""
    note = "A/P: ESRD on HD / HTN heart & CKD w/ chronic diastolic HF."
    esrd, ckd = _mention(note, "ESRD on HD"), _mention(note, "CKD")
    esrd.query, ckd.query = "end stage renal disease on hemodialysis", "chronic kidney disease"
    picks = {
        "N18.6": Pick("N18.6", 0.87, True, [esrd, ckd], heads=[esrd]),
        "N18.9": Pick("N18.9", 0.5, True, [ckd], heads=[ckd]),
    }
    absorb_same_category(picks, KIDNEY, note)
    assert set(picks) == {"N18.6"}


@pytest.mark.parametrize(
    ("chunk", "kind"),
    [("PT/OT", "plan"), ("OT/PT", "plan"), ("home PT eval", "plan"), ("PT 14.2", None), ("PTSD", None)],
)
def test_the_therapies_by_their_initials_are_the_plan(chunk: str, kind: str | None) -> None:
    assert why_not_coded(chunk) == kind


def test_a_problem_followed_by_its_therapies_is_read_alone() -> None:
    """ "Recurrent falls - PT/OT": the initials are two letters each, and were read as part of the problem."""
    texts = [m.text for m in read_note("A/P:\nRecurrent falls - PT/OT, home safety.")]
    assert "Recurrent falls" in texts


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("Sjogren syndrome with dry eyes", "Sjogren syndrome with keratoconjunctivitis"),
        ("Dry eyes - artificial tears", "Dry eyes - artificial tears"),  # no Sjogren syndrome said
    ],
)
def test_a_sjogren_syndromes_dry_eyes_are_its_keratoconjunctivitis(text: str, expanded: str) -> None:
    assert expand_abbreviations(text) == expanded


def test_keratoconjunctivitis_is_part_of_sjogren_syndrome_coded_with_it() -> None:
    assert integral_to("H16.203", ["M35.01"]) == "M35.01"
    assert integral_to("H16.203", ["L40.0"]) is None
