"""Hypertension, anemia and pre-existing diabetes in a documented pregnancy are coded in chapter 15
(I.C.15.a.1, I.C.15.d, I.C.15.g): notes the rules must recode and notes they must leave alone. Titles are
the ICD-10-CM tabular's (public domain)."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules import NoteContext, apply_coding_rules
from assistant.suggest.coding_rules.pregnancy import (
    conditions_in_pregnancy,
    excluded_in_pregnancy,
    hypertension_in_pregnancy,
    outcome_of_delivery,
    previous_cesarean,
    trimester,
)
from assistant.suggest.patient import read_demographics
from assistant.suggest.qualifiers import CHILDBIRTH, read_qualifiers, trimester_of_weeks
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

TITLES = {
    "I10": "Essential (primary) hypertension",
    "O10.011": "Pre-existing essential hypertension complicating pregnancy, first trimester",
    "O10.012": "Pre-existing essential hypertension complicating pregnancy, second trimester",
    "O10.013": "Pre-existing essential hypertension complicating pregnancy, third trimester",
    "O10.019": "Pre-existing essential hypertension complicating pregnancy, unspecified trimester",
    "O13.3": "Gestational [pregnancy-induced] hypertension without significant proteinuria, third trimester",
    "D50.9": "Iron deficiency anemia, unspecified",
    "O99.012": "Anemia complicating pregnancy, second trimester",
    "O99.013": "Anemia complicating pregnancy, third trimester",
    "O30.043": "Twin pregnancy, dichorionic/diamniotic, third trimester",
    "E11.9": "Type 2 diabetes mellitus without complications",
    "O24.113": "Pre-existing type 2 diabetes mellitus, in pregnancy, third trimester",
    "O24.410": "Gestational diabetes mellitus in pregnancy, diet controlled",
    "E03.9": "Hypothyroidism, unspecified",
    "O99.280": "Endocrine, nutritional and metabolic diseases complicating pregnancy, unspecified trimester",
    "O99.281": "Endocrine, nutritional and metabolic diseases complicating pregnancy, first trimester",
    "O99.282": "Endocrine, nutritional and metabolic diseases complicating pregnancy, second trimester",
    "E87.6": "Hypokalemia",
    "O21.1": "Hyperemesis gravidarum with metabolic disturbance",
    "O15.02": "Eclampsia complicating pregnancy, second trimester",
    "O09.522": "Supervision of elderly multigravida, second trimester",
    "F32.1": "Major depressive disorder, single episode, moderate",
    "O99.343": "Other mental disorders complicating pregnancy, third trimester",
    "U07.1": "COVID-19",
    "O98.512": "Other viral diseases complicating pregnancy, second trimester",
    "O98.519": "Other viral diseases complicating pregnancy, unspecified trimester",
    "O99.413": "Diseases of the circulatory system complicating pregnancy, third trimester",
    "O34.211": "Maternal care for low transverse scar from previous cesarean delivery",
    "O34.219": "Maternal care for unspecified type scar from previous cesarean delivery",
    "N76.0": "Acute vaginitis",
    "O23.592": "Infection of other part of genital tract in pregnancy, second trimester",
    "N30.00": "Acute cystitis without hematuria",
    "O23.13": "Infections of bladder in pregnancy, third trimester",
    "M54.50": "Low back pain, unspecified",
    "G56.01": "Carpal tunnel syndrome, right upper limb",
    "O99.353": "Diseases of the nervous system complicating pregnancy, third trimester",
    "O99.891": "Other specified diseases and conditions complicating pregnancy",
    "N39.0": "Urinary tract infection, site not specified",
}


@pytest.fixture(scope="module")
def catalog() -> CodeCatalog:
    return CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in TITLES.items()}})


def _picks(note: str, *codes: str, words: str = "HTN") -> dict[str, Pick]:
    start = note.index(words)
    m = Mention(start, start + len(words), words, words, "assessment", 0, len(note))
    return {c: Pick(c, 0.8, True, [m]) for c in codes}


@pytest.mark.parametrize(
    ("weeks", "digit"), [(8, "1"), (13, "1"), (14, "2"), (27, "2"), (28, "3"), (39, "3")]
)
def test_the_trimester_follows_chapter_15s_weeks(weeks: int, digit: str) -> None:
    assert trimester(weeks) == digit
    assert trimester(None) == "9"


def test_essential_hypertension_in_a_pregnancy_becomes_o10_by_trimester(catalog: CodeCatalog) -> None:
    note = "31 yo G2P1 at 30 weeks. A/P: 1. Chronic HTN - continue labetalol."
    picks = _picks(note, "I10")
    hypertension_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=30), catalog)
    assert list(picks) == ["O10.013"] and picks["O10.013"].final
    assert "I.C.15" in picks["O10.013"].reasons[0]
    assert picks["O10.013"].mentions[0].text == "HTN"  # the evidence stays on the note's own words


def test_weeks_not_documented_give_the_unspecified_trimester(catalog: CodeCatalog) -> None:
    note = "Pregnant, HTN on labetalol."
    picks = _picks(note, "I10")
    apply_coding_rules(picks, NoteContext(note=note, pregnant=True), catalog)
    assert "O10.019" in picks and "I10" not in picks


def test_without_a_pregnancy_essential_hypertension_stays(catalog: CodeCatalog) -> None:
    note = "58 yo man. A/P: HTN - continue lisinopril."
    picks = _picks(note, "I10")
    hypertension_in_pregnancy(picks, NoteContext(note=note, weeks=None), catalog)
    assert list(picks) == ["I10"]


def test_a_chapter_15_hypertension_code_already_final_replaces_i10(catalog: CodeCatalog) -> None:
    note = "G1P0 at 34 weeks with gestational HTN, no proteinuria."
    picks = _picks(note, "I10", "O13.3")
    hypertension_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=34), catalog)
    assert list(picks) == ["O13.3"]


def test_an_option_that_is_not_final_is_left_alone(catalog: CodeCatalog) -> None:
    note = "G2P1 at 20 weeks, BP 118/70, no HTN."
    picks = _picks(note, "I10")
    picks["I10"].final = False
    hypertension_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=20), catalog)
    assert list(picks) == ["I10"]


def test_anemia_in_a_pregnancy_is_listed_with_its_chapter_15_code(catalog: CodeCatalog) -> None:
    note = "G1P0 at 22 weeks. A/P: iron deficiency anemia, start ferrous sulfate."
    picks = _picks(note, "D50.9", words="iron deficiency anemia")
    conditions_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=22), catalog)
    assert set(picks) == {"D50.9", "O99.012"} and picks["O99.012"].final and picks["D50.9"].final


def test_pre_existing_diabetes_gets_o24_but_gestational_diabetes_does_not(catalog: CodeCatalog) -> None:
    note = "G3P2 at 33 weeks with type 2 diabetes on insulin."
    picks = _picks(note, "E11.9", words="type 2 diabetes")
    conditions_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=33), catalog)
    assert set(picks) == {"E11.9", "O24.113"}
    gestational = "G1P0 at 30 weeks, GDM diet controlled, type 2 diabetes in her mother."
    picks = _picks(gestational, "O24.410", "E11.9", words="GDM")
    conditions_in_pregnancy(picks, NoteContext(note=gestational, pregnant=True, weeks=30), catalog)
    assert set(picks) == {"O24.410", "E11.9"}


def test_conditions_without_a_pregnancy_keep_their_own_chapter(catalog: CodeCatalog) -> None:
    note = "54 yo woman with type 2 diabetes and iron deficiency anemia."
    picks = _picks(note, "E11.9", "D50.9", words="type 2 diabetes")
    conditions_in_pregnancy(picks, NoteContext(note=note, weeks=None), catalog)
    assert set(picks) == {"E11.9", "D50.9"}
    note = "24 yo woman, not pregnant. A/P: bacterial vaginosis."
    picks = _picks(note, "N76.0", words="bacterial vaginosis")
    conditions_in_pregnancy(picks, NoteContext(note=note, weeks=None), catalog)
    assert set(picks) == {"N76.0"}


def _at(note: str, words: str) -> Mention:
    start = note.index(words)
    return Mention(start, start + len(words), words, words, "assessment", 0, len(note))


@pytest.mark.parametrize(
    ("note", "condition", "words", "weeks", "companion"),
    [
        (
            "G2P1 at 22 weeks. A/P: hypothyroidism, on levothyroxine.",
            "E03.9",
            "hypothyroidism",
            22,
            "O99.282",
        ),
        (
            "G2P1, pregnant. A/P: hypothyroidism, on levothyroxine.",
            "E03.9",
            "hypothyroidism",
            None,
            "O99.280",
        ),
        ("G1P0 at 35 weeks. A/P: MDD, single episode, moderate.", "F32.1", "MDD", 35, "O99.343"),
        ("Pregnant at 18 weeks with COVID-19, PCR positive.", "U07.1", "COVID-19", 18, "O98.512"),
        ("Pregnant, weeks unsure, COVID-19 by PCR.", "U07.1", "COVID-19", None, "O98.519"),
        # O23: infections of the genitourinary tract in pregnancy, by site
        (
            "G1P0 at 18w2d. a/p: bacterial vaginosis in pregnancy.",
            "N76.0",
            "bacterial vaginosis",
            18,
            "O23.592",
        ),
        ("G2P1 at 30 weeks. A/P: acute cystitis.", "N30.00", "acute cystitis", 30, "O23.13"),
        # O99.89's inclusion note: conditions in M00-N99 (and D00-D48, H, Q), one code without a trimester
        ("G1 at 24 weeks. A/P: low back pain, no red flags.", "M54.50", "low back pain", 24, "O99.891"),
    ],
)
def test_a_condition_in_a_pregnancy_gets_the_subcategory_its_range_belongs_to(
    catalog: CodeCatalog, note: str, condition: str, words: str, weeks: int | None, companion: str
) -> None:
    picks = _picks(note, condition, words=words)
    conditions_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=weeks), catalog)
    assert set(picks) == {condition, companion} and picks[companion].final and picks[condition].final
    assert "I.C.15.a.1" in picks[companion].reasons[0]


def test_a_chapter_15_code_misread_from_the_condition_line_gives_way(catalog: CodeCatalog) -> None:
    note = (
        "40 yo G3P2 at 20 weeks, elderly multigravida.\nA/P: Hypothyroidism complicating pregnancy, 2nd tri."
    )
    picks = _picks(note, "E03.9", words="Hypothyroidism")
    picks["O15.02"] = Pick("O15.02", 0.5, True, [_at(note, "complicating pregnancy, 2nd tri")])
    picks["O09.522"] = Pick("O09.522", 0.5, True, [_at(note, "elderly multigravida")])
    conditions_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=20), catalog)
    assert picks["O99.282"].final and picks["O09.522"].final  # another line's chapter 15 code stays
    assert not picks["O15.02"].final and picks["O15.02"].vetoed  # eclampsia was never said


def test_no_companion_where_the_line_has_its_chapter_15_code_or_no_pregnancy_is_current(
    catalog: CodeCatalog,
) -> None:
    note = "G1P0 at 9 weeks.\nImpression: hyperemesis gravidarum with hypokalemia."
    picks = _picks(note, "E87.6", words="hypokalemia")
    picks["O21.1"] = Pick("O21.1", 0.8, True, [_at(note, "hyperemesis gravidarum")])
    conditions_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=9), catalog)
    assert set(picks) == {"E87.6", "O21.1"}  # O21.1 ("with metabolic disturbance") codes the line
    # a plan line listing several problems: the twins' code is another clause's, not the anemia's
    plan = "G2P1 at 31 weeks.\nPlan: DCDA twins - growth US q4wk; iron deficiency anemia - ferrous sulfate."
    picks = _picks(plan, "D50.9", words="iron deficiency anemia")
    picks["O30.043"] = Pick("O30.043", 0.8, True, [_at(plan, "DCDA twins")])
    conditions_in_pregnancy(picks, NoteContext(note=plan, pregnant=True, weeks=31), catalog)
    assert "O99.013" in picks
    one = "G2P1 at 31 weeks.\nPlan: anemia of twin pregnancy - iron."
    picks = _picks(one, "D50.9", words="anemia")
    picks["O30.043"] = Pick("O30.043", 0.8, True, [_at(one, "anemia of twin pregnancy")])
    conditions_in_pregnancy(picks, NoteContext(note=one, pregnant=True, weeks=31), catalog)
    assert "O99.013" not in picks  # the same clause: its chapter 15 code names it
    postpartum = "6 weeks postpartum visit. Hypothyroidism on levothyroxine."
    picks = _picks(postpartum, "E03.9", words="Hypothyroidism")
    conditions_in_pregnancy(picks, NoteContext(note=postpartum, pregnant=True), catalog)
    assert set(picks) == {"E03.9"}  # after the delivery: the puerperium, not a trimester
    hypertension = "G2P1 at 30 weeks with chronic HTN."
    picks = _picks(hypertension, "I10")
    conditions_in_pregnancy(picks, NoteContext(note=hypertension, pregnant=True, weeks=30), catalog)
    assert set(picks) == {"I10"}  # O10-O16, not O99.41 (hypertension_in_pregnancy's)


def _sentence_mention(note: str, words: str, section: str) -> Mention:
    start = note.index(words)
    s_start = max(note.rfind(". ", 0, start) + 2, note.rfind("\n", 0, start) + 1, 0)
    s_end = min(i for i in (note.find(". ", start), note.find("\n", start), len(note)) if i >= 0)
    return Mention(start, start + len(words), words, words, section, s_start, s_end)


def test_a_condition_the_note_does_not_place_in_the_current_pregnancy_gets_no_companion(
    catalog: CodeCatalog,
) -> None:
    history = "54 yo woman with hypothyroidism. Obstetric history G3P3, term deliveries. Now a neck lump."
    picks = {"E03.9": Pick("E03.9", 0.8, True, [_sentence_mention(history, "hypothyroidism", "body")])}
    conditions_in_pregnancy(picks, NoteContext(note=history, pregnant=True), catalog)
    assert set(picks) == {"E03.9"}  # obstetric history in a case report: no current pregnancy, no weeks
    prenatal = "Prenatal visit, 24 weeks.\nA/P: 1. Hypothyroidism - continue levothyroxine."
    m = _sentence_mention(prenatal, "Hypothyroidism", "assessment")
    picks = {"E03.9": Pick("E03.9", 0.8, True, [m])}
    conditions_in_pregnancy(picks, NoteContext(note=prenatal, pregnant=True, weeks=24), catalog)
    assert set(picks) == {"E03.9", "O99.282"}  # assessed in a prenatal note with its weeks
    picks = {"E03.9": Pick("E03.9", 0.8, True, [_sentence_mention(prenatal, "Hypothyroidism", "hpi")])}
    conditions_in_pregnancy(picks, NoteContext(note=prenatal, pregnant=True, weeks=24), catalog)
    assert set(picks) == {"E03.9"}  # the same words outside the assessment, its sentence silent on pregnancy


@pytest.mark.parametrize(
    ("note", "pregnant", "expected"),
    [
        ("G2P1 at 26w2d. Prior LTCS 2023 for arrest of dilation, desires TOLAC.", True, "O34.211"),
        ("G3P2 at 30 weeks, h/o C-section x1, plans repeat C/S.", True, "O34.219"),
        ("G1P0 at 20 weeks, no prior C-section, no surgeries.", True, None),
        ("58F, hx of cesarean 1995, here for knee pain.", False, None),
    ],
)
def test_a_previous_cesarean_in_this_pregnancy_is_maternal_care_for_the_scar(
    catalog: CodeCatalog, note: str, pregnant: bool, expected: str | None
) -> None:
    picks: dict[str, Pick] = {}
    previous_cesarean(picks, NoteContext(note, pregnant=pregnant), catalog)
    assert [c for c, p in picks.items() if p.final] == ([expected] if expected else [])


def _ob_catalog() -> CodeCatalog:
    titles = {
        "K64.9": "Unspecified hemorrhoids",
        "O87.2": "Hemorrhoids in the puerperium",
        "O22.42": "Hemorrhoids in pregnancy, second trimester",
        "F53.0": "Postpartum depression",
        "E87.6": "Hypokalemia",
        "O21.1": "Hyperemesis gravidarum with metabolic disturbance",
        "R11.0": "Nausea",
        "O21.0": "Mild hyperemesis gravidarum",
        "R60.0": "Localized edema",
        "O12.03": "Gestational edema, third trimester",
        "O12.23": "Gestational edema with proteinuria, third trimester",
        "I83.93": "Asymptomatic varicose veins of bilateral lower extremities",
        "O22.02": "Varicose veins of lower extremity in pregnancy, second trimester",
        "E11.9": "Type 2 diabetes mellitus without complications",
        "O24.413": "Gestational diabetes mellitus in pregnancy, unspecified control",
    }
    codes = {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in titles.items()}
    codes["O22.4"] = ["ICD-10-CM", "Hemorrhoids in pregnancy", False, "O22", "subcategory"]
    codes["O22.42"][3] = "O22.4"
    notes = {
        "K64": {
            "excludes1": [
                "hemorrhoids complicating childbirth and the puerperium (O87.2)",
                "hemorrhoids complicating pregnancy (O22.4)",
            ]
        },
        "E87": {"excludes1": ["electrolyte imbalance associated with hyperemesis gravidarum (O21.1)"]},
        "F53": {"excludes1": ["mood disorders with psychotic features (F30.2, F31.2)"]},
        "R11": {"excludes1": ["excessive vomiting in pregnancy (O21.-)"]},
        "R60": {"excludes1": ["gestational edema (O12.0-)"]},
        "I83": {"excludes2": ["varicose veins complicating pregnancy (O22.0-)"]},
        "E11": {"excludes1": ["gestational diabetes (O24.4-)"]},
    }
    for c in ("K64", "E87", "F53", "R11", "R60", "I83", "E11"):
        codes[c] = ["ICD-10-CM", c, False, None, "category"]
    return CodeCatalog({"codes": codes, "notes": notes})


def test_a_condition_its_excludes1_sends_to_chapter_15_is_coded_there() -> None:
    catalog = _ob_catalog()
    after = "Postpartum video visit, G1P1, delivered 12 days ago. Painful hemorrhoids - sitz baths."
    picks = _picks(after, "K64.9", words="hemorrhoids")
    excluded_in_pregnancy(picks, NoteContext(after, pregnant=True), catalog)
    assert [c for c, p in picks.items() if p.final] == ["O87.2"]
    during = "OB visit, G2P1 at 24 weeks. Hemorrhoids - witch hazel."
    picks = _picks(during, "K64.9", words="Hemorrhoids")
    excluded_in_pregnancy(picks, NoteContext(during, pregnant=True, weeks=24), catalog)
    assert [c for c, p in picks.items() if p.final] == ["O22.42"]


@pytest.mark.parametrize(
    ("note", "code", "words", "weeks", "expected"),
    [
        # "gestational edema (O12.0-)": edema arising in a pregnancy is coded there, by the weeks' trimester
        ("OB visit at 33 weeks. Ankle edema, BP normal.", "R60.0", "Ankle edema", 33, "O12.03"),
        # an Excludes2 note sends it there too ("varicose veins complicating pregnancy (O22.0-)")
        ("Prenatal, 20 weeks. Varicose veins both legs.", "I83.93", "Varicose veins", 20, "O22.02"),
        # pre-existing diabetes is not the gestational one its Excludes1 names
        ("Prenatal, 30 weeks. A/P: type 2 DM on insulin.", "E11.9", "type 2 DM", 30, "E11.9"),
        # no pregnancy: the edema stays
        ("Clinic visit. Ankle edema, BP normal.", "R60.0", "Ankle edema", None, "R60.0"),
    ],
)
def test_a_gestational_or_excludes2_condition_is_coded_in_chapter_15(
    note: str, code: str, words: str, weeks: int | None, expected: str
) -> None:
    picks = _picks(note, code, words=words)
    excluded_in_pregnancy(picks, NoteContext(note, pregnant=weeks is not None, weeks=weeks), _ob_catalog())
    assert [c for c, p in picks.items() if p.final] == [expected]


def test_no_chapter_15_code_for_a_named_obstetric_complication_or_without_a_pregnancy() -> None:
    catalog = _ob_catalog()
    note = "OB visit, G1P0 at 10 weeks, pregnant. Hypokalemia - K supplement."
    picks = _picks(note, "E87.6", words="Hypokalemia")
    excluded_in_pregnancy(picks, NoteContext(note, pregnant=True, weeks=10), catalog)
    assert picks["E87.6"].final and "O21.1" not in picks
    nausea = "OB visit, G1P0 at 10 weeks, pregnant. Nausea without vomiting - diet."
    picks = _picks(nausea, "R11.0", words="Nausea")
    excluded_in_pregnancy(picks, NoteContext(nausea, pregnant=True, weeks=10), catalog)
    assert picks["R11.0"].final and "O21.0" not in picks  # "excessive vomiting" is not any nausea
    history = "Hx postpartum depression 2015. Hemorrhoids - fiber."
    picks = _picks(history, "K64.9", words="Hemorrhoids")
    excluded_in_pregnancy(picks, NoteContext(history, pregnant=False), catalog)
    assert picks["K64.9"].final and "O87.2" not in picks


def test_a_note_of_the_delivery_itself_reads_as_the_childbirth_episode() -> None:
    delivery = (
        "Admitted at 37w2d in labor. Spontaneous vaginal delivery of a liveborn male.\nDx: preeclampsia."
    )
    facts = read_demographics(delivery)
    assert facts.weeks == 37 and facts.delivered
    assert not read_demographics("Prenatal visit at 30w1d. Preeclampsia.").delivered
    # a previous or a planned delivery is not this stay's
    assert not read_demographics(
        "G2P1 at 24w3d. Prior low transverse C-section 2022; desires TOLAC."
    ).delivered
    assert not read_demographics("G1P0 at 36w3d, plan cesarean section at 39 weeks.").delivered
    assert not read_demographics("G2P1 at 30w2d. Delivered first child by C-section 2019.").delivered
    title = read_qualifiers("Mild to moderate pre-eclampsia, complicating childbirth", title=True)
    assert title.trimester == CHILDBIRTH == trimester_of_weeks(37, delivered=True)
    assert trimester_of_weeks(37) == 3
    assert (
        read_qualifiers("Anemia complicating pregnancy, childbirth and the puerperium", title=True).trimester
        is None
    )


def test_without_severe_features_is_no_severity() -> None:
    assert read_qualifiers("preeclampsia without severe features").severity is None
    assert read_qualifiers("severe preeclampsia").severity == "severe"


def test_the_outcome_of_a_single_live_birth_goes_on_the_mothers_record() -> None:
    catalog = CodeCatalog({"codes": {"Z37.0": ["ICD-10-CM", "Single live birth", True, None, "code"]}})

    def outcome(note: str, delivered: bool = True) -> set[str]:
        picks: dict[str, Pick] = {}
        outcome_of_delivery(
            picks, NoteContext(note=note, pregnant=True, weeks=39, delivered=delivered), catalog
        )
        return set(picks)

    assert outcome("39w1d, SVD of a liveborn female, 3100 g.") == {"Z37.0"}
    assert outcome("39w1d, NSVD of twins, both liveborn.") == set()  # not a single birth: the coder reads it
    assert outcome("Delivered a liveborn girl 3 weeks ago.", delivered=False) == set()  # a postpartum visit


def test_a_urinary_tract_infection_is_not_an_other_specified_condition_of_pregnancy(
    catalog: CodeCatalog,
) -> None:
    note = "G2P1 at 26 weeks. A/P: UTI, nitrofurantoin."
    picks = _picks(note, "N39.0", words="UTI")
    conditions_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=26), catalog)
    assert set(picks) == {"N39.0"}  # O23.4- (urinary tract), never O99.891
