"""Round 19 of the us-notes batches: general classes the blind batch usn-1397 ... usn-1420 (EHR smart-phrase
notes) showed. Each test has a wording of our own the rule must change and one it must leave alone. Titles as
in the ICD-10-CM tabular (public domain)."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.adverse_effects import drug_adverse_effects
from assistant.suggest.coding_rules.combination import _named_by_partner_title
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.device_status import device_status
from assistant.suggest.coding_rules.drugs_given import drugs_given
from assistant.suggest.coding_rules.infection_screening import infection_screening
from assistant.suggest.coding_rules.injuries import _ACTIVITY
from assistant.suggest.coding_rules.partners import add_drugs, add_organism, add_weeks, not_taken_drugs
from assistant.suggest.coding_rules.post_covid import past_infection_of_post_covid
from assistant.suggest.coding_rules.pregnancy import pregnancy_condition_told_past
from assistant.suggest.coding_rules.prenatal import routine_only_without_complication
from assistant.suggest.coding_rules.tobacco import names_tobacco
from assistant.suggest.reader import Mention, read_note, sections
from assistant.suggest.rules import head_unsaid
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog


def _mention(note: str, words: str, section: str = "assessment") -> Mention:
    start = note.index(words)
    return Mention(start, start + len(words), words, words, section, 0, len(note))


ANTICOAGULANT = hierarchy_catalog(
    {"Z79.01": "Long term (current) use of anticoagulants", "I48.0": "Paroxysmal atrial fibrillation"},
    {"Z79": "Long term (current) drug therapy", "Z79.0": "Anticoagulants", "I48": "Atrial fibrillation"},
)


@pytest.mark.parametrize(
    ("meds", "taking"),
    [
        ("apixaban (ELIQUIS) 5 mg tablet  Take 1 tablet by mouth 2 times daily.  Not Taking", False),
        ("apixaban (ELIQUIS) 5 mg tablet  Take 1 tablet by mouth 2 times daily.  Taking", True),
    ],
)
def test_a_medication_row_marked_not_taking_is_no_current_drug(meds: str, taking: bool) -> None:
    note = f"HPI: AF, bled while on apixaban.\nCurrent Outpatient Medications\n  {meds}\nA/P: paroxysmal AF"
    picks = {"I48.0": Pick("I48.0", 0.9, True, [_mention(note, "paroxysmal AF")])}
    add_drugs(picks, NoteContext(note=note), ANTICOAGULANT)
    assert ("Z79.01" in picks and picks["Z79.01"].final) is taking


def test_a_drug_word_of_a_taken_row_stays_taken() -> None:
    note = (
        "insulin glargine (LANTUS) 100 unit/mL  Inject 10 Units nightly.  Not Taking\n"
        "insulin lispro (HUMALOG) 100 unit/mL  Inject 6 Units with meals.  Taking"
    )
    assert not_taken_drugs(note) == {"glargine", "lantus"}


ORAL = hierarchy_catalog(
    {
        "Z79.84": "Long term (current) use of oral hypoglycemic drugs",
        "Z79.4": "Long term (current) use of insulin",
        "E11.65": "Type 2 diabetes mellitus with hyperglycemia",
    },
    {"Z79": "Long term (current) drug therapy", "Z79.8": "Other", "E11": "Type 2 diabetes", "E11.6": "Other"},
)


@pytest.mark.parametrize(
    ("words", "kept"),
    [("with long-term current use of insulin", False), ("on metformin", True)],
)
def test_a_long_term_drug_code_read_from_another_class_words_goes(words: str, kept: bool) -> None:
    note = f"A/P: Type 2 diabetes mellitus with hyperglycemia, {words}"
    picks = {
        "E11.65": Pick("E11.65", 0.9, True, [_mention(note, "Type 2 diabetes mellitus with hyperglycemia")]),
        "Z79.84": Pick("Z79.84", 0.85, True, [_mention(note, words)]),
    }
    add_drugs(picks, NoteContext(note=note), ORAL)
    assert picks["Z79.84"].final is kept


WEEKS = hierarchy_catalog(
    {
        "Z3A.01": "Less than 8 weeks gestation of pregnancy",
        "Z3A.24": "24 weeks gestation of pregnancy",
        "O99.012": "Anemia complicating pregnancy, second trimester",
    },
    {"Z3A": "Weeks of gestation", "Z3A.0": "Weeks of gestation", "Z3A.2": "20-29", "O99": "Other",
     "O99.0": "Anemia", "O99.01": "Anemia complicating pregnancy"},
)  # fmt: skip


@pytest.mark.parametrize(
    ("words", "weeks"),
    [("G2P2, 6 weeks s/p SVD, pregnancy anemia", None), ("G1P0 at 24 weeks, pregnancy anemia", "Z3A.24")],
)
def test_weeks_since_a_delivery_are_no_gestational_age(words: str, weeks: str | None) -> None:
    note = f"HPI: {words}\nA/P: anemia"
    picks = {"O99.012": Pick("O99.012", 0.9, True, [_mention(note, "anemia", "assessment")])}
    add_weeks(picks, NoteContext(note=note, pregnant=True), WEEKS)
    found = [c for c, p in picks.items() if c.startswith("Z3A") and p.final]
    assert found == ([weeks] if weeks else [])


@pytest.mark.parametrize(("other", "routine"), [("O99.012", False), ("D50.9", True)])
def test_a_complication_of_the_pregnancy_leaves_no_routine_supervision(other: str, routine: bool) -> None:
    note = "A/P: Encounter for supervision of normal first pregnancy in second trimester; anemia"
    picks = {
        "Z34.02": Pick("Z34.02", 0.95, True, [_mention(note, "Encounter for supervision")]),
        other: Pick(other, 0.6, True, [_mention(note, "anemia")]),
    }
    routine_only_without_complication(picks)
    assert picks["Z34.02"].final is routine


GDM = hierarchy_catalog(
    {"O24.410": "Gestational diabetes mellitus in pregnancy, diet controlled",
     "Z86.32": "Personal history of gestational diabetes"},
    {"O24": "Diabetes in pregnancy", "O24.4": "Gestational diabetes", "O24.41": "GDM in pregnancy",
     "Z86": "Personal history", "Z86.3": "Endocrine"},
)  # fmt: skip


@pytest.mark.parametrize(
    ("words", "history"),
    [
        ("Pregnancy was complicated by diet-controlled GDM", True),
        ("GDM this pregnancy (diet-controlled)", True),
        ("Diet-controlled GDM", False),
    ],
)
def test_a_delivered_pregnancy_told_complicated_is_its_history(words: str, history: bool) -> None:
    note = f"Postpartum visit, 6 weeks after SVD.\nHPI: {words}. Breastfeeding."
    picks = {"O24.410": Pick("O24.410", 0.9, True, [_mention(note, words, "hpi")])}
    pregnancy_condition_told_past(picks, NoteContext(note=note, pregnant=True), GDM)
    assert ("Z86.32" in picks) is history
    assert picks["O24.410"].final is not history


AGENTS = hierarchy_catalog(
    {
        "B95.61": "Methicillin susceptible Staphylococcus aureus infection as the cause of diseases "
        "classified elsewhere",
        "B95.62": "Methicillin resistant Staphylococcus aureus infection as the cause of diseases "
        "classified elsewhere",
        "Z16.11": "Resistance to penicillins",
        "Z16.12": "Extended spectrum beta lactamase (ESBL) resistance",
    },
    {"B95": "Streptococcus, Staphylococcus", "B95.6": "Staphylococcus aureus", "Z16": "Resistance",
     "Z16.1": "Resistance to beta lactam antibiotics"},
)  # fmt: skip


@pytest.mark.parametrize(
    ("culture", "agent"),
    [
        ("Staphylococcus aureus, methicillin-sensitive", "B95.61"),
        ("Staphylococcus aureus, methicillin-resistant", "B95.62"),
    ],
)
def test_the_agent_code_follows_the_words_of_the_culture(culture: str, agent: str) -> None:
    note = f"HPI: exit-site culture: {culture}.\nA/P: exit site infection"
    picks = {"B95.62": Pick("B95.62", 0.6, True, [_mention(note, culture, "hpi")])}
    add_organism(picks, NoteContext(note=note), AGENTS)
    assert [c for c, p in picks.items() if p.final] == [agent]


@pytest.mark.parametrize(
    ("line", "code", "kept"),
    [
        ("yeast infection due to antibiotic (amoxicillin)", "Z16.11", False),
        ("cystitis, ESBL E. coli", "Z16.12", True),
    ],
)
def test_a_resistance_code_needs_a_reported_resistance(line: str, code: str, kept: bool) -> None:
    note = f"A/P: {line}"
    picks = {code: Pick(code, 0.8, True, [_mention(note, line)])}
    add_organism(picks, NoteContext(note=note), AGENTS)
    assert picks[code].final is kept


PSA = hierarchy_catalog(
    {
        "C61": "Malignant neoplasm of prostate",
        "R97.21": "Rising PSA following treatment for malignant neoplasm of prostate",
        "N18.9": "Chronic kidney disease, unspecified",
        "E11.22": "Type 2 diabetes mellitus with diabetic chronic kidney disease",
        "N18.4": "Chronic kidney disease, stage 4 (severe)",
        "D63.1": "Anemia in chronic kidney disease",
    },
    {"C61-C61": "Prostate", "R97": "Abnormal tumor markers", "R97.2": "Elevated PSA", "N18": "CKD",
     "E11": "Type 2 diabetes", "E11.2": "With kidney complications", "D63": "Anemia in chronic diseases"},
)  # fmt: skip


@pytest.mark.parametrize(
    ("code", "core", "partner", "named"),
    [
        ("C61", {"malignant", "neoplasm", "prostate"}, "R97.21", True),
        ("N18.9", {"chronic", "kidney", "disease"}, "E11.22", False),  # "DM2 with CKD": N18.9 is said
        ("D63.1", {"anemia", "chronic", "kidney", "disease"}, "N18.4", False),
    ],
)
def test_a_partner_said_only_inside_the_other_codes_title(
    code: str, core: set[str], partner: str, named: bool
) -> None:
    assert _named_by_partner_title(PSA, code, core, partner) is named


@pytest.mark.parametrize(
    ("hpi", "current"),
    [("COVID-19 in 7/2026, home test positive", False), ("COVID-19 in 7/2026; reinfection now, PCR +", True)],
)
def test_a_post_covid_condition_follows_a_past_infection(hpi: str, current: bool) -> None:
    note = f"HPI: {hpi}. Fatigue since.\nA/P: Post-COVID-19 condition"
    picks = {
        "U09.9": Pick("U09.9", 0.84, True, [_mention(note, "Post-COVID-19 condition")]),
        "U07.1": Pick("U07.1", 0.82, True, [_mention(note, "COVID-19 in 7/2026", "hpi")]),
    }
    past_infection_of_post_covid(picks, NoteContext(note=note), PSA)
    assert picks["U07.1"].final is current


CANDIDA = hierarchy_catalog(
    {
        "B37.31": "Acute candidiasis of vulva and vagina",
        "T36.0X5A": "Adverse effect of penicillins, initial encounter",
    },
    {"B37": "Candidiasis", "B37.3": "Candidiasis of vulva and vagina", "T36": "Poisoning by antibiotics",
     "T36.0": "Penicillins", "T36.0X": "Penicillins", "T36.0X5": "Adverse effect of penicillins"},
)  # fmt: skip


@pytest.mark.parametrize(
    ("cause", "effect"),
    [("antibiotic (amoxicillin-clavulanate)", True), ("antibiotic (course finished)", False)],
)
def test_the_drug_named_in_brackets_after_its_class(cause: str, effect: bool) -> None:
    note = f"A/P: Vaginal yeast infection due to {cause}"
    picks = {"B37.31": Pick("B37.31", 0.9, True, [_mention(note, "Vaginal yeast infection")])}

    def search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
        return [("T36.0X5", 0.9)] if text == "adverse effect of amoxicillin" else []

    drug_adverse_effects(picks, NoteContext(note=note, search=search), CANDIDA)
    assert ("T36.0X5A" in picks) is effect


@pytest.mark.parametrize(
    ("text", "tobacco"),
    [("cannot smell coffee or smoke", False), ("does not smoke", True), ("smokes 1 ppd", True)],
)
def test_smoke_the_noun_is_no_smoking(text: str, tobacco: bool) -> None:
    assert names_tobacco(text) is tobacco


OCCLUDER = ["ICD-10-CM", "Presence of other cardiac implants and grafts", True, "Z95.81", "code"]


@pytest.mark.parametrize(
    ("note", "present"),
    [
        ("HPI: paroxysmal AF, s/p Watchman left atrial appendage occlusion 10/1/2026.", True),
        ("HPI: paroxysmal AF; referred for left atrial appendage occlusion, candidate for Watchman.", False),
    ],
)
def test_a_left_atrial_appendage_occluder_in_place_is_a_cardiac_implant(note: str, present: bool) -> None:
    picks: dict[str, Pick] = {}
    device_status(picks, NoteContext(note=note), CodeCatalog({"codes": {"Z95.818": OCCLUDER}}))
    assert ("Z95.818" in picks) is present


def _not_coded(note: str, words: str) -> str | None:
    return next(m.not_coded for m in read_note(note) if words.lower() in m.text.lower())


@pytest.mark.parametrize(
    ("line", "why"),
    [("  -  Glucose tolerance, 1 hour; Future", "test"), ("Impaired glucose tolerance, on diet", None)],
)
def test_an_ehr_order_with_its_status_is_a_test_not_a_finding(line: str, why: str | None) -> None:
    note = f"Diagnoses and all orders for this visit:\nPrediabetes\n{line}"
    assert _not_coded(note, "glucose tolerance") == why


@pytest.mark.parametrize(
    ("heading", "why"),
    [("Patient Instructions", "patient instructions"), ("Assessment & Plan:", None)],
)
def test_patient_instructions_give_no_diagnosis(heading: str, why: str | None) -> None:
    note = f"HPI: follow-up.\n{heading}\nVaginal yeast infection - keep the area dry."
    assert _not_coded(note, "yeast infection") == why


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("Patient Active Problem List", "pmh"),
        ("Current Outpatient Medications", "meds"),
        ("Outpatient Medications Marked as Taking for the 12/3/26 encounter:", "meds"),
    ],
)
def test_ehr_list_headings_open_their_sections(heading: str, section: str) -> None:
    note = f"ROS: negative except as noted in HPI\n{heading}\n  Primary hypertension\n"
    at = note.index("Primary")
    assert next(name for a, b, name in sections(note) if a <= at < b) == section


@pytest.mark.parametrize(
    ("note", "activity"),
    [
        ("fell down the stairs while carrying a laundry basket", "laundry"),
        ("fell down the stairs at 2 am", None),
    ],
)
def test_a_household_chore_is_its_activity(note: str, activity: str | None) -> None:
    found = _ACTIVITY.search(note)
    assert (next(g for g in found.groups() if g) if found else None) == activity


MIRENA = "Levonorgestrel-releasing intrauterine contraceptive system (mirena), 52 mg"
FACTOR_VIII = "Factor viii (antihemophilic factor, recombinant) per i.u., not otherwise specified"
IUD_AND_FACTOR = CodeCatalog(
    {
        "codes": {
            "J7298": ["HCPCS", MIRENA, True, None, "code"],
            "J7192": ["HCPCS", FACTOR_VIII, True, None, "code"],
            "E10.65": ["ICD-10-CM", "Type 1 diabetes mellitus with hyperglycemia", True, "E10.6", "code"],
        }
    }
)


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("levonorgestrel IUD (MIRENA) placed 2024", None),
        ("levonorgestrel IUD (MIRENA) placed today", "J7298"),
        ("Zoster vaccine recombinant (SHINGRIX) dose 1 - given", None),
    ],
)
def test_a_drug_given_in_an_earlier_year_or_named_by_how_it_is_made(line: str, code: str | None) -> None:
    note = f"A/P: type 1 diabetes with hyperglycemia\nMedications: {line}"
    m = _mention(note, "type 1 diabetes with hyperglycemia")
    picks = {"E10.65": Pick("E10.65", 0.9, True, [m], heads=[m])}
    drugs_given(picks, NoteContext(note=note), IUD_AND_FACTOR)
    assert [c for c in picks if c.startswith("J")] == ([code] if code else [])


STEROID = hierarchy_catalog(
    {"Z79.52": "Long term (current) use of systemic steroids",
     "M77.11": "Lateral epicondylitis, right elbow"},
    {"Z79": "Long term (current) drug therapy", "Z79.5": "Steroids", "M77": "Other enthesopathies",
     "M77.1": "Lateral epicondylitis"},
)  # fmt: skip


@pytest.mark.parametrize(
    ("line", "taking"),
    [
        ("Procedure: R elbow injection under ultrasound guidance - methylprednisolone 40 mg", False),
        ("Also on methylprednisolone 4 mg daily for her lupus", True),
    ],
)
def test_the_steroid_of_a_procedure_is_no_long_term_use(line: str, taking: bool) -> None:
    note = f"{line}\nA/P: Lateral epicondylitis of right elbow"
    picks = {"M77.11": Pick("M77.11", 0.9, True, [_mention(note, "Lateral epicondylitis of right elbow")])}
    add_drugs(picks, NoteContext(note=note), STEROID)
    assert ("Z79.52" in picks and picks["Z79.52"].final) is taking


@pytest.mark.parametrize(
    ("texts", "unsaid"),
    [
        (["Encounter for antineoplastic chemotherapy"], True),
        (["anemia from the chemotherapy, Hgb 8.9"], False),
    ],
)
def test_a_partner_due_to_its_cause_needs_its_condition_said(texts: list[str], unsaid: bool) -> None:
    assert head_unsaid("D64.81", "Anemia due to antineoplastic chemotherapy", texts) is unsaid


@pytest.mark.parametrize(
    ("line", "screened"),
    [("HIV screening test 2023 negative", False), ("HIV screening test ordered 12/3/2026", True)],
)
def test_a_screening_told_with_its_past_year_is_not_this_visits(line: str, screened: bool) -> None:
    picks: dict[str, Pick] = {}
    catalog = CodeCatalog(
        {"codes": {"Z11.4": ["ICD-10-CM", "Encounter for screening for HIV", True, "Z11", "code"]}}
    )
    infection_screening(picks, NoteContext(note=f"Annual exam.\n{line}."), catalog)
    assert ("Z11.4" in picks) is screened
