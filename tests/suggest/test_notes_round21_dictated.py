"""Round 21 of the us-notes batches: general classes the blind batch usn-1437 ... usn-1460 (dictated and
transcribed multi-specialty notes: ALL-CAPS headings, diagnoses written the old way, the problems named again
in the plan) showed. Each test has a wording of our own the rule must change and one it must leave alone.
Titles as in the ICD-10-CM tabular (public domain)."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.adverse_effects import _ATTRIBUTED
from assistant.suggest.coding_rules.combination import combine
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.diabetic_other import diabetes_with_other_complication
from assistant.suggest.coding_rules.insomnia_cause import insomnia_due_to_mental_disorder
from assistant.suggest.coding_rules.partners import _STOPPED, add_drugs
from assistant.suggest.coding_rules.pregnancy import pregnancy_condition_told_past
from assistant.suggest.drug_classes import table_term
from assistant.suggest.hcpcs_drugs import parse_descriptor
from assistant.suggest.not_coded import searched_length, why_not_coded
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.rules import head_unsaid
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import expand_abbreviations
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog
from tests.suggest.test_notes_round19 import GDM

ICD = "ICD-10-CM"
_DIABETES_ROWS = {
    "E11": ("Type 2 diabetes mellitus", False, None),
    "E11.6": ("Type 2 diabetes mellitus with other specified complications", False, "E11"),
    "E11.69": ("Type 2 diabetes mellitus with other specified complication", True, "E11.6"),
    "E11.9": ("Type 2 diabetes mellitus without complications", True, "E11"),
}
DIABETES = CodeCatalog(
    {"codes": {c: [ICD, t, b, p, "code"] for c, (t, b, p) in _DIABETES_ROWS.items()}, "refs": {}}
)


def _mention(note: str, words: str, section: str = "assessment") -> Mention:
    start = note.index(words)
    return Mention(start, start + len(words), words, words, section, start, start + len(words))


@pytest.mark.parametrize(
    ("said", "finals"),
    [
        ("Diabetes mellitus type 2, non-insulin requiring, controlled, without complications", ["E11.9"]),
        ("Type 2 diabetes mellitus without complications", ["E11.9"]),
        ("Type 2 diabetes with other specified complication", ["E11.69"]),
    ],
)
def test_a_complication_said_under_without_is_not_documented(said: str, finals: list[str]) -> None:
    """E11.69 "with other specified complication" is not the diabetes the note calls "without
    complications": a word under "without" is not said (the "without" clauses of titles are read so too)."""
    note = f"A/P: {said}."
    m = _mention(note, said)
    picks = {"E11.9": Pick("E11.9", 0.9, True, [m]), "E11.69": Pick("E11.69", 0.3, False, [m])}
    combine(picks, NoteContext(note), DIABETES)
    assert sorted(c for c, p in picks.items() if p.final) == finals


@pytest.mark.parametrize(
    ("chunk", "searched"),
    [
        ("She is allergic to sulfa drugs which gave her hives", "She is allergic to sulfa drugs"),
        ("Allergic to penicillin (rash)", "Allergic to penicillin"),
        ("Codeine allergy - vomiting", "Codeine allergy"),
        ("Allergic to cats", "Allergic to cats"),
        ("Allergic rhinitis with itchy eyes", "Allergic rhinitis with itchy eyes"),
    ],
)
def test_the_reaction_a_drug_allergy_once_caused_is_not_searched(chunk: str, searched: str) -> None:
    """The hives told after "allergic to sulfa" are the allergy's story (Z88.2), not a current urticaria."""
    assert chunk[: searched_length(chunk)] == searched


@pytest.mark.parametrize(
    ("note", "words", "coded"),
    [
        ("PLAN: Preterm labor and preeclampsia precautions given.", "Preterm labor", False),
        ("PLAN: Seizure and fall precautions.", "Seizure", False),
        ("PLAN: Preterm labor, on nifedipine.", "Preterm labor", True),
        ("A/P: Hypertension and DVT prophylaxis.", "Hypertension", True),
    ],
)
def test_conditions_joined_before_one_precautions_are_watched_for(note: str, words: str, coded: bool) -> None:
    mention = next(m for m in read_note(note) if m.text.startswith(words))
    assert (mention.not_coded is None) is coded


@pytest.mark.parametrize(
    ("said", "expanded"),
    [
        ("Hypothyroidism, postradiation", "postirradiation"),
        ("Post-radiation hypothyroidism", "postirradiation"),
        ("Radiation dermatitis", "radiation dermatitis"),
    ],
)
def test_postradiation_is_the_index_word_postirradiation(said: str, expanded: str) -> None:
    """Index: Hypothyroidism, postirradiation E89.0 (E03 Excludes1 postprocedural hypothyroidism)."""
    assert expanded in expand_abbreviations(said).lower()


@pytest.mark.parametrize(
    ("plan", "history"),
    [
        ("Annual glucose screening given her GDM history", True),
        ("Recheck glucose for the GDM", False),
    ],
)
def test_a_gdm_history_named_after_the_condition_is_told_past(plan: str, history: bool) -> None:
    """At the postpartum visit, "Her pregnancy was complicated by GDM" and "given her GDM history" both tell
    the delivered pregnancy's diabetes: Z86.32, not O24.410."""
    told = "Her pregnancy was complicated by gestational diabetes"
    note = f"POSTPARTUM VISIT\nHPI: {told}. GTT normal.\nPLAN: {plan}."
    picks = {"O24.410": Pick("O24.410", 0.9, True, [_mention(note, told, "hpi"), _mention(note, plan)])}
    pregnancy_condition_told_past(picks, NoteContext(note=note, pregnant=True), GDM)
    assert ("Z86.32" in picks) is history


@pytest.mark.parametrize(
    ("chunk", "kind"),
    [
        ("Sugars", "vitals or labs"),
        ("blood sugars", "vitals or labs"),
        ("Blood sugars high", None),
    ],
)
def test_sugars_named_as_a_plan_heading_are_a_measurement(chunk: str, kind: str | None) -> None:
    """ "Sugars: continue metformin" names the diabetes' glucose readings, no hyperglycemia (R73.9)."""
    assert why_not_coded(chunk) == kind


@pytest.mark.parametrize(
    ("texts", "unsaid"),
    [
        (["He gets up 3 times a night to urinate"], True),
        (["nocturnal enuresis, wets the bed twice a week"], False),
    ],
)
def test_a_two_word_partner_title_needs_its_condition_word(texts: list[str], unsaid: bool) -> None:
    """N40.1's "use additional code" partner N39.44 "Nocturnal enuresis" is no nocturia."""
    assert head_unsaid("N39.44", "Nocturnal enuresis", texts) is unsaid


SLEEP = hierarchy_catalog(
    {"G47.00": "Insomnia, unspecified", "F51.05": "Insomnia due to other mental disorder",
     "F43.81": "Prolonged grief disorder"},
    {"G47": "Sleep disorders", "G47.0": "Insomnia", "F51": "Sleep disorders not due to a substance",
     "F51.0": "Insomnia not due to a substance", "F43": "Reaction to severe stress",
     "F43.8": "Other reactions"},
)  # fmt: skip


@pytest.mark.parametrize(
    ("said", "finals"),
    [
        ("Insomnia secondary to the grief disorder", ["F43.81", "F51.05"]),
        ("Insomnia due to her grief", ["F43.81", "F51.05"]),
        ("Insomnia secondary to chronic back pain", ["F43.81", "G47.00"]),
        ("Insomnia", ["F43.81", "G47.00"]),
    ],
)
def test_insomnia_linked_to_a_coded_mental_disorder_is_f51_05(said: str, finals: list[str]) -> None:
    """Index: Insomnia, due to, mental disorder F51.05 (G47.0 Excludes1 it)."""
    grief = "Prolonged grief disorder"
    note = f"ASSESSMENT: {grief}. {said}. Bereavement."
    picks = {
        "F43.81": Pick("F43.81", 0.9, True, [_mention(note, grief)]),
        "G47.00": Pick("G47.00", 0.8, True, [_mention(note, said)]),
    }
    insomnia_due_to_mental_disorder(picks, NoteContext(note), SLEEP)
    assert sorted(c for c, p in picks.items() if p.final) == finals


@pytest.mark.parametrize(
    ("said", "secondary"),
    [
        ("Liver metastases", True),
        ("Bone metastasis", True),
        ("Metastatic breast cancer", False),
    ],
)
def test_metastases_are_a_secondary_malignant_neoplasm(said: str, secondary: bool) -> None:
    """Neoplasm Table, secondary column: "Bone metastases" is C79.51, as "bone mets" already read (the plural
    is first read as "metastasis")."""
    assert (
        "secondary malignant neoplasm" in expand_abbreviations(expand_abbreviations(said)).lower()
    ) is secondary


@pytest.mark.parametrize(
    ("code", "title", "brand"),
    [
        (
            "J7323",
            "Hyaluronan or derivative, euflexxa, for intra-articular injection, per dose",
            {"euflexxa"},
        ),
        (
            "J7321",
            "Hyaluronan or derivative, hyalgan, supartz or visco-3, for intra-articular injection, per dose",
            {"hyalgan", "supartz", "visco-3", "visco3", "visco"},
        ),
        ("J3301", "Injection, triamcinolone acetonide, not otherwise specified, 10 mg", set()),
    ],
)
def test_a_product_named_after_its_class_is_the_brand_a_note_says(
    code: str, title: str, brand: set[str]
) -> None:
    """ "Euflexxa 20 mg/2 mL injected into the right knee" is J7323: the descriptor names the product after
    "Hyaluronan or derivative"."""
    drug = parse_descriptor(code, title)
    assert drug is not None and set(drug.brand) == brand


OSTEOMYELITIS = hierarchy_catalog(
    {"E11.9": "Type 2 diabetes mellitus without complications",
     "E11.69": "Type 2 diabetes mellitus with other specified complication",
     "M86.171": "Other acute osteomyelitis, right ankle and foot"},
    {"E11": "Type 2 diabetes mellitus", "E11.6": "Type 2 diabetes with other specified complications",
     "M86": "Osteomyelitis", "M86.1": "Other acute osteomyelitis", "M86.17": "ankle and foot"},
)  # fmt: skip


@pytest.mark.parametrize(
    ("line", "codes"),
    [
        ("1. Acute osteomyelitis of the right great toe, diabetic, improving.", ["E11.69", "M86.171"]),
        (
            "1. Acute osteomyelitis of the right great toe, improving. Diabetic foot care reviewed.",
            ["E11.9", "M86.171"],
        ),
    ],
)
def test_a_condition_followed_by_diabetic_is_a_diabetic_complication(line: str, codes: list[str]) -> None:
    """ "Osteomyelitis, diabetic": the Index's order for diabetic osteomyelitis (Diabetes, with,
    osteomyelitis: E11.69 beside M86.171)."""
    assessment = f"{line}\n2. DM2"
    condition = "Acute osteomyelitis of the right great toe"
    dm = Mention(assessment.rindex("DM2"), len(assessment), "DM2", "DM2", "assessment", 0, len(assessment))
    picks = {
        "M86.171": Pick("M86.171", 0.6, True, [_mention(assessment, condition)]),
        "E11.9": Pick("E11.9", 0.7, True, [dm]),
    }
    diabetes_with_other_complication(picks, NoteContext(note=assessment), OSTEOMYELITIS)
    assert sorted(c for c, p in picks.items() if p.final) == codes


@pytest.mark.parametrize(
    ("clause", "stopped"),
    [
        ("Vancomycin 1250 mg IV q.12h., metformin 1000 mg b.i.d.", False),
        ("ceftriaxone 1 g IM b.i.d.", False),
        ("dexamethasone 10 mg IV in clinic", True),
    ],
)
def test_a_dictated_schedule_with_periods_is_a_schedule(clause: str, stopped: bool) -> None:
    """ "IV q.12h." is a regimen, not one dose given at the visit (the list's metformin is taken)."""
    assert (_STOPPED.search(clause) is not None) is stopped


ANTIBIOTIC = hierarchy_catalog(
    {
        "Z79.2": "Long term (current) use of antibiotics",
        "N39.0": "Urinary tract infection, site not specified",
    },
    {"Z79": "Long term (current) drug therapy", "N39": "Other disorders of urinary system"},
)


@pytest.mark.parametrize(
    ("plan", "long_term"),
    [
        ("Recurrent UTI, on prophylactic nitrofurantoin 50 mg nightly", True),
        ("Osteomyelitis, on long-term IV vancomycin via PICC", True),
        ("UTI, nitrofurantoin 100 mg BID", False),
    ],
)
def test_an_antibiotic_called_long_term_or_prophylactic_is_z79_2(plan: str, long_term: bool) -> None:
    note = f"A/P: {plan}."
    picks = {"N39.0": Pick("N39.0", 0.8, True, [_mention(note, plan)])}
    add_drugs(picks, NoteContext(note=note), ANTIBIOTIC)
    assert ("Z79.2" in picks and picks["Z79.2"].final) is long_term


@pytest.mark.parametrize(
    ("said", "drug"),
    [
        ("Acute kidney injury on CKD stage 3a, due to NSAID (ibuprofen) use", "ibuprofen"),
        ("Hypokalemia, due to HCTZ", "HCTZ"),
        ("Acute kidney injury on CKD stage 3a, improving", None),
    ],
)
def test_a_cause_set_apart_by_a_comma_is_still_the_drug(said: str, drug: str | None) -> None:
    m = _ATTRIBUTED.search(said)
    assert (m.group("d7") or m.group("d2") if m else None) == drug


def test_ibuprofen_and_its_brands_reach_their_drug_table_row() -> None:
    """Table of Drugs: Ibuprofen / Propionic acid derivative, adverse effect T39.315-."""
    assert table_term("ibuprofen") == "Propionic acid derivative"
    assert table_term("Motrin") == "Ibuprofen"
    assert table_term("naproxen") is None


@pytest.mark.parametrize(
    ("note", "one"),
    [
        (
            "IMPRESSION: Nondisplaced fracture, proximal phalanx, left little finger, initial encounter.",
            True,
        ),
        ("IMPRESSION: Closed fracture, distal phalanges, right hand.", True),
        ("IMPRESSION: Closed nondisplaced fracture, sprain of the wrist.", False),
    ],
)
def test_a_phalanx_after_a_fracture_is_its_site(note: str, one: bool) -> None:
    """ "Fracture, proximal phalanx, left little finger": one fracture, its bone and digit (S62.647A)."""
    mentions = [m for m in read_note(note) if m.not_coded is None]
    assert (len(mentions) == 1) is one
