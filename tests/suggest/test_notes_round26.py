"""Round 26 (the lead's probe notes): a drinking habit written after its label,
a note opened by its setting or its clinic ("UC.", "Allergy."), perimenopausal symptoms, a sports physical,
fibroids and urinary frequency by their context, the visit after the ED, "pre-" and "post-" words the Index
writes solid, the kind of an incontinence said after its comma, a newborn's examination by the days of life,
the rash of scarlet fever, carotid stenosis, an NSTEMI, the reason for admission, a cure that closes the
infection named before it, esophageal varices in a coded liver disease."""

from __future__ import annotations

import pytest

from assistant.codesets.repository import CodeSetRepository
from assistant.suggest.coding_rules.antineoplastic import antineoplastic_class
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.encounters import general_exam, newborn_days
from assistant.suggest.coding_rules.injuries import encounter_character
from assistant.suggest.coding_rules.secondary_varices import secondary_varices
from assistant.suggest.coding_rules.symptoms import integral_to
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.not_coded import light_drinking, why_not_coded
from assistant.suggest.qualifiers import read_qualifiers
from assistant.suggest.reader import clean_query, read_note
from assistant.suggest.service import SuggestionService
from assistant.suggest.text import expand_abbreviations
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog
from tests.suggest.rules_corpus import rules_service
from tests.suggest.test_notes_round17 import _mention


@pytest.mark.parametrize(
    ("label", "after", "light"),
    [
        ("Alcohol use, 2-3 drinks/wk", ", no concerns.", True),
        ("Alcohol use: 2 beers/week", ".", True),
        ("Alcohol use", " - 2-3 drinks/wk.", True),
        ("Alcohol use", ", 2-3 drinks/wk, no concerns.", True),
        ("Alcohol use: 2-3 drinks/wk", ", binge on weekends.", False),
        ("Alcohol use", " - 6 drinks/day, counseled.", False),
    ],
)
def test_a_drinking_label_with_a_light_habit_is_social_history(label: str, after: str, light: bool) -> None:
    """I.C.5.b.3: an alcohol use code needs use the provider documents as reportable; a few drinks a week
    written after the label, by a comma, colon or dash, is social history."""
    assert light_drinking(label, after) is light


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("UC. Laceration of L index finger.", "urgent care. Laceration of left index finger."),
        ("UC: sore throat x 3 d.", "urgent care: sore throat x 3 d."),
        ("UC - stable on mesalamine.", "ulcerative colitis - stable on mesalazine."),
        ("Problem list: HTN, UC. Stable.", "Problem list: hypertension, ulcerative colitis. Stable."),
    ],
)
def test_uc_opening_the_note_is_the_urgent_care(text: str, expanded: str) -> None:
    assert expand_abbreviations(text) == expanded


@pytest.mark.parametrize(
    ("chunk", "kind"),
    [
        ("Allergy", "administrative"),
        ("Allergy & Immunology f/u", "administrative"),
        ("Pain management visit", "administrative"),
        ("Podiatry", "administrative"),
        ("chemo-induced 2", "status"),  # a cause cut from its condition by the list's numbering
        ("Allergy to penicillin", None),
        ("Seasonal allergy", None),
    ],
)
def test_a_clinic_named_by_its_specialty_is_no_diagnosis(chunk: str, kind: str | None) -> None:
    assert why_not_coded(chunk) == kind


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        # Index: Climacteric, symptoms N95.1; Menopause, symptomatic N95.1
        ("Perimenopausal symptoms: hot flashes.", "climacteric symptoms: hot flashes."),
        ("Perimenopausal vasomotor symptoms.", "climacteric symptoms."),
        ("Vasomotor symptoms of menopause.", "menopausal symptoms of menopause."),
        ("Vasomotor symptoms after clonidine.", "Vasomotor symptoms after clonidine."),
        # Index: Examination, physical, sports Z02.5
        ("Sports PE. Cleared.", "sports physical examination. Cleared."),
        ("Pre-participation physical for soccer.", "sports physical examination for soccer."),
        # Index: Fibroid, uterus D25.9 (Leiomyoma, uterus, intramural D25.1)
        ("Fibroids (intramural) on US.", "uterine fibroids (intramural) on US."),
        ("Fibroids.", "Fibroids."),
        # Index: Stenosis, artery, see also Arteriosclerosis, carotid I65.2- (no "Stenosis, carotid" entry)
        ("Carotid stenosis, R ICA 60-79%.", "carotid artery stenosis, right internal carotid artery 60-79%."),
        # a lung's lobe named without the organ beside a neoplasm (Neoplasm, lung, lower lobe C34.3-)
        ("Carcinoma of the left lower lobe.", "Carcinoma of the left lower lobe of lung."),
        ("Pneumonia, left lower lobe.", "Pneumonia, left lower lobe."),
        # Index: Neutropenia, drug-induced, due to cytoreductive cancer chemotherapy D70.1
        ("Neutropenia, chemo-induced", "Neutropenia, drug-induced due to cytoreductive cancer chemotherapy"),
        ("Chemo-induced nausea.", "Chemo-induced nausea."),
        # the radiologist's canal is the spine's (Stenosis, spinal M48.0-), not the neural canal (M99.2-)
        ("Severe central canal stenosis.", "Severe central spinal stenosis."),
        # Index: Syndrome, irritable bowel, with constipation K58.1
        ("IBS-C", "irritable bowel syndrome with constipation"),
        # Index: Frequency, micturition R35.0
        ("Dysuria, frequency x 2 days.", "Dysuria, urinary frequency x 2 days."),
        ("Frequency of PVCs increased.", "Frequency of premature ventricular contractions increased."),
    ],
)
def test_words_read_in_their_context_reach_the_indexs_term(text: str, expanded: str) -> None:
    assert expand_abbreviations(text) == expanded


@pytest.mark.parametrize(
    ("note", "char"),
    [
        ("ED f/u. Seen in ED 2 days ago for L ankle sprain. Improving, continue brace.", "D"),
        ("ER follow-up visit for R wrist sprain, better.", "D"),
        ("L ankle sprain playing basketball today. RICE. ED f/u if unable to bear weight.", "A"),
        ("Wrist sprain today. ED follow-up in 2 days.", "A"),
    ],
)
def test_the_visit_after_the_emergency_department_treated_the_injury_is_subsequent(
    note: str, char: str
) -> None:
    """I.C.19.a: 7th character D for encounters after active treatment, in the healing phase."""
    assert encounter_character(note) == char


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("Pre-diabetes, A1c 6.0.", "prediabetes, A1c 6.0."),
        ("Post-menopausal bleeding x 2.", "postmenopausal bleeding x 2."),
        ("Post menopausal bleeding.", "postmenopausal bleeding."),
    ],
)
def test_a_word_the_index_writes_solid_is_read_solid(text: str, expanded: str) -> None:
    """ "Pre-diabetes" is the Index's "Prediabetes" (R73.03), not "Diabetes" with a prefix the walk drops."""
    assert expand_abbreviations(text) == expanded


@pytest.mark.parametrize(
    ("note", "words"),
    [
        ("Urinary incontinence, mixed. Constipation.", "Urinary incontinence, mixed"),
        ("Urinary incontinence, stress - pelvic floor PT.", "Urinary incontinence, stress"),
        ("Hyperlipidemia, mixed - on atorvastatin.", "Hyperlipidemia, mixed"),
        ("ADHD - stable. Also enuresis, nocturnal - desmopressin.", "Also enuresis, nocturnal"),
        ("Neutropenia, chemo-induced, afebrile - hold today.", "Neutropenia, chemo-induced"),
    ],
)
def test_the_kind_said_after_the_comma_is_the_conditions(note: str, words: str) -> None:
    """Index: Incontinence, urine, mixed (stress and urge) N39.46; Hyperlipidemia, mixed E78.2."""
    texts = [m.text for m in read_note(note)]
    assert any(text.startswith(words) for text in texts)
    assert words.rsplit(", ", 1)[1] not in texts


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> SuggestionService:
    return rules_service(tmp_path_factory.mktemp("rules"))


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("2 wk newborn check. Breastfeeding well. Mild neonatal jaundice.", "Z00.111"),
        ("5 day old newborn visit. Feeding well, wt down 6% from BW.", "Z00.110"),
        ("Newborn exam, DOL 3. Term male, normal exam.", "Z00.110"),
        ("2 mo well child. Doing well. Vaccines given today.", "Z00.129"),
    ],
)
def test_a_newborns_examination_is_coded_by_the_days_of_life(
    svc: SuggestionService, note: str, code: str
) -> None:
    """Z00.110 under 8 days, Z00.111 from 8 to 28 days; after the first 28 days the child's Z00.12-."""
    assert newborn_days("2 wk newborn check") == 14
    picks: dict[str, Pick] = {}
    general_exam(picks, NoteContext(note, age=0), svc.catalog)
    assert [c for c in picks if c.startswith("Z00")] == [code]


@pytest.mark.parametrize(
    ("symptom", "diagnosis", "integral"),
    [
        ("R21", "A38.9", "A38.9"),  # scarlet fever's rash is its sign
        ("R21", "J02.0", None),  # a strep throat has none
    ],
)
def test_the_rash_of_scarlet_fever_is_part_of_it(symptom: str, diagnosis: str, integral: str | None) -> None:
    assert integral_to(symptom, [diagnosis]) == integral


@pytest.fixture(scope="module")
def walker(reference: CodeSetRepository) -> IndexWalker:
    return IndexWalker.from_reference(reference)


def test_an_nstemi_reads_as_the_indexs_non_st_elevation_infarction(walker: IndexWalker) -> None:
    """Index: Infarct, myocardial, non-ST elevation (NSTEMI) I21.4: the expansion in the Index's order, so the
    "non-" covers the ST elevation only, not the infarction the walk starts from."""
    expanded = expand_abbreviations("NSTEMI")
    assert expanded == "myocardial infarction, non-ST elevation"
    hits = walker.walk(expanded, None, 3)
    assert hits and hits[0].code == "I21.4"
    hits = walker.walk("ST elevation myocardial infarction", None, 3)
    assert hits and hits[0].code == "I21.3"


@pytest.mark.parametrize(
    ("note", "words", "coded"),
    [
        ("Admit for acute pancreatitis due to gallstones. Lipase 2400.", "acute pancreatitis", True),
        ("Admission for CHF exacerbation, EF 25%.", "CHF exacerbation", True),
        ("CAP. Admit for IV antibiotics.", "IV antibiotics", False),
    ],
)
def test_the_reason_for_admission_is_read_apart_from_the_admit(note: str, words: str, coded: bool) -> None:
    mention = next(m for m in read_note(note) if words in m.text)
    assert (mention.not_coded is None) is coded


ULCER = (
    "Gastric ulcer, chronic, without hemorrhage or perforation - on PPI, H. pylori treated, "
    "eradication confirmed."
)


def test_a_cure_after_an_infection_is_the_infections_and_without_ends_at_the_dash() -> None:
    """The feature pair "without hemorrhage or perforation" is the ulcer's (K25.7); the eradication closes the
    H. pylori named before it, not the ulcer; "without" denies the ulcer's features, not the plan after the
    dash."""
    mentions = {m.text: m for m in read_note(ULCER)}
    ulcer = mentions["Gastric ulcer, chronic, without hemorrhage or perforation"]
    assert not ulcer.history and not ulcer.negated
    assert mentions["on PPI"].not_coded == "medication" and not mentions["on PPI"].negated
    pylori = next(m for text, m in mentions.items() if text.startswith("H. pylori"))
    assert pylori.history and not pylori.negated
    cervical = [m.text for m in read_note("Cervical spondylosis, without myelopathy or radiculopathy.")]
    assert cervical == ["Cervical spondylosis, without myelopathy or radiculopathy"]


VARICES = hierarchy_catalog(
    {
        "I85.00": "Esophageal varices without bleeding",
        "I85.11": "Secondary esophageal varices with bleeding",
        "I85.10": "Secondary esophageal varices without bleeding",
        "K70.31": "Alcoholic cirrhosis of liver with ascites",
        "K21.9": "Gastro-esophageal reflux disease without esophagitis",
    },
    {"I85": "Esophageal varices", "K70": "Alcoholic liver disease", "K21": "Gastro-esophageal reflux"},
)


@pytest.mark.parametrize(
    ("liver", "expected"), [("K70.31", ["I85.10", "K70.31"]), ("K21.9", ["I85.00", "K21.9"])]
)
def test_varices_in_a_coded_liver_disease_are_secondary(liver: str, expected: list[str]) -> None:
    """Index: Varix, esophagus, in (due to) alcoholic liver disease, cirrhosis, portal hypertension I85.1-."""
    note = "Alcoholic cirrhosis w/ ascites. Esophageal varices w/o bleeding on EGD - nadolol."
    m = _mention(note, "Esophageal varices w/o bleeding")
    picks = {"I85.00": Pick("I85.00", 0.8, True, [m]), liver: Pick(liver, 0.85, True, [m])}
    secondary_varices(picks, NoteContext(note), VARICES)
    assert sorted(c for c, p in picks.items() if p.final) == expected


@pytest.mark.parametrize(
    ("note", "words", "tested"),
    [
        ("STI screening, new partner. HIV, RPR, GC/CT urine sent. Condoms.", "HIV", True),
        ("Labs: CBC, CMP, hep C, HIV ordered. Anxiety.", "hep C", True),
        ("Labs: CBC, CMP, hep C, HIV ordered. Anxiety.", "HIV ordered", True),
        ("HIV on Biktarvy, VL undetectable. HTN, lipids ordered.", "HIV on Biktarvy", False),
        ("Hep C, genotype 1a, untreated. Refer hepatology.", "Hep C", False),
    ],
)
def test_an_infection_in_a_list_of_tests_is_tested_for(note: str, words: str, tested: bool) -> None:
    mention = next(m for m in read_note(note) if m.text == words)
    assert (mention.not_coded == "test") is tested


@pytest.mark.parametrize(
    ("text", "intractable"),
    [
        ("Focal impaired awareness seizures, drug-resistant", True),
        ("Migraine without aura, treatment-resistant", True),
        ("Focal epilepsy, not refractory", False),
        ("Focal epilepsy, controlled on lamotrigine", None),
    ],
)
def test_the_tabulars_equivalents_of_intractable(text: str, intractable: bool | None) -> None:
    """G40 / G43: pharmacoresistant, treatment resistant and refractory are intractable."""
    assert read_qualifiers(text).intractable is intractable


def test_new_onset_is_no_word_of_the_index() -> None:
    """ "New onset seizure" walks as "Seizure" (R56.9): no Index entry is subdivided by a new onset."""
    assert clean_query("New onset seizure") == "seizure"
    assert clean_query("New-onset atrial fibrillation") == "atrial fibrillation"


@pytest.mark.parametrize(
    ("drug", "kind"),
    [("bortezomib", "antineoplastic drug"), ("Kyprolis", "antineoplastic drug"), ("ondansetron", None)],
)
def test_proteasome_inhibitors_are_antineoplastic_drugs(drug: str, kind: str | None) -> None:
    """Myeloma's bortezomib and carfilzomib are chemotherapy (Z51.11 when given at the visit)."""
    assert antineoplastic_class(drug) == kind


@pytest.mark.parametrize(
    ("mention", "code"),
    [
        ("osteoarthritis of right knee", "M17.1"),  # Osteoarthritis, knee, unilateral M17.1-
        ("left hip osteoarthritis", "M16.1"),
        ("osteoarthritis of right and left knees", "M17.0"),  # both sides: bilateral
        ("bilateral knee osteoarthritis", "M17.0"),
        ("right and left inguinal hernias", "K40.20"),
    ],
)
def test_one_side_is_the_indexs_unilateral(walker: IndexWalker, mention: str, code: str) -> None:
    hits = walker.walk(mention, None, 3)
    assert hits and hits[0].code == code


@pytest.mark.parametrize(
    ("note", "words", "negated"),
    [
        ("Gout: on allopurinol. Tophi absent.", "Tophi absent", True),
        ("Tophi: absent.", "Tophi: absent", True),
        ("Tophi absent on the old film, new tophus R elbow.", "Tophi absent on the old film", False),
    ],
)
def test_absent_that_answers_or_ends_the_sentence_denies(note: str, words: str, negated: bool) -> None:
    mention = next(m for m in read_note(note) if m.text.startswith(words))
    assert mention.negated is negated


def test_a_panic_attacks_palpitations_are_part_of_the_panic_disorder() -> None:
    assert integral_to("R00.2", ["F41.0"]) == "F41.0"
    assert integral_to("R06.02", ["F41.0"]) == "F41.0"
    assert integral_to("R00.2", ["F41.1"]) is None
