"""What a note states, read as a coder reads it: an onset after a comma completes the condition, the test an
organism was found on is no condition, a negation ends where the note tells how it happened, "Hx X" is a
history of X, and "without severe features" is the opposite of a severe title. Notes are written for these
tests; titles are the ICD-10-CM tabular's (public domain)."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.qualifiers import compare, read_qualifiers
from assistant.suggest.reader import clean_query, qualifies_previous, read_note
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import SuggestionService
from assistant.suggest.sibling_guard import read_line


@pytest.mark.parametrize(
    ("chunk", "joins"),
    [
        ("late onset", True),
        ("early-onset", True),
        ("adult onset", True),
        ("onset last week", False),
        ("late", False),
    ],
)
def test_an_onset_after_a_comma_completes_the_condition(chunk: str, joins: bool) -> None:
    assert qualifies_previous(chunk) is joins


def test_a_dementia_keeps_its_onset_severity_and_behaviour_in_one_mention() -> None:
    note = "NH visit. Alzheimer's dementia, late onset, moderate, with agitation. Also chronic constipation."
    texts = [m.text for m in read_note(note)]
    assert "Alzheimer's dementia, late onset, moderate, with agitation" in texts
    assert "late onset, moderate, with agitation" not in texts


@pytest.mark.parametrize(
    ("query", "cleaned"),
    [
        ("Cellulitis of left lower leg with MRSA on wound culture", "Cellulitis of left lower leg with MRSA"),
        ("UTI with E. coli per urine culture", "UTI with E. coli"),
        ("Bacteremia, MSSA in blood cultures", "Bacteremia, MSSA"),
        ("Incidental pulmonary nodule on computed tomography", "Incidental pulmonary nodule"),
        ("Osteopenia on DXA (T-score -2.1 at the hip)", "Osteopenia"),
        ("Murmur on exam", "Murmur"),
        # a culture named as the subject is kept
        ("Wound culture grew MRSA", "Wound culture grew MRSA"),
    ],
)
def test_the_test_that_found_a_condition_is_not_searched(query: str, cleaned: str) -> None:
    assert clean_query(query) == cleaned


def test_a_negation_inside_a_condition_ends_where_the_note_tells_how_it_happened() -> None:
    note = "Laceration of left index finger without nail damage, cut while slicing vegetables with a knife."
    mentions = {m.text: m for m in read_note(note)}
    slicing = next(m for t, m in mentions.items() if "slicing vegetables" in t)
    assert not slicing.negated
    # a list after the negation is still denied
    denied = read_note("Laceration of hand. Denies fever, chills, numbness.")
    listed = [m for m in denied if "chills" in m.text]
    assert listed and all(m.negated for m in listed)


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("Hx osteoporosis on alendronate.", "history of osteoporosis on alendronate."),
        ("hx of DVT", "history of deep vein thrombosis"),
        ("PMH: hx HTN", "past medical history: history of hypertension"),
    ],
)
def test_hx_before_a_condition_reads_as_history_of(text: str, expanded: str) -> None:
    assert expand_text(text) == expanded


def test_a_history_mention_of_a_chronic_condition_is_searched_without_the_history_words(
    service: SuggestionService,
) -> None:
    """ "Hx osteoporosis" is current osteoporosis (a chronic condition): its query must not carry the word
    "history", which drew Z82.62 (family history of osteoporosis)."""
    request = SuggestRequest(text="Hx osteoporosis on alendronate.\nHere for cough.")
    plan = service._plan(request, service.read(request.text))
    query = next(q for m, q, _ in plan if q is not None and "osteoporosis" in q.text)
    assert "history" not in query.text.lower()


def test_a_history_query_names_no_acuity(service: SuggestionService) -> None:
    """History, personal, hepatitis C is Z86.19: "chronic" names no history code and drew others."""
    text = "Hx chronic hepatitis C, treated with sofosbuvir 2019, SVR12 achieved - cured.\nHere for cough."
    request = SuggestRequest(text=text)
    plan = service._plan(request, service.read(request.text))
    query = next(q for m, q, _ in plan if q is not None and "hepatitis" in q.text)
    assert query.kind == "history"
    assert "chronic" not in query.text


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("Preeclampsia without severe features", "mild to moderate pre-eclampsia"),
        ("pre-eclampsia with severe features", "severe pre-eclampsia"),
    ],
)
def test_the_obstetric_severity_reads_as_the_classification_writes_it(text: str, expanded: str) -> None:
    assert expand_text(text).lower() == expanded


def test_without_severe_features_is_the_opposite_of_a_severe_title() -> None:
    note = read_qualifiers("hypertensive disorder without severe features, third trimester")
    assert note.denied_severity == "severe" and note.severity is None
    severe, _ = compare(note, read_qualifiers("Severe pre-eclampsia, third trimester", title=True))
    assert any("without severe" in c for c in severe)
    mild, _ = compare(note, read_qualifiers("Mild to moderate pre-eclampsia, third trimester", title=True))
    assert not any("severe" in c for c in mild)
    assert read_qualifiers("severe persistent asthma").denied_severity is None


@pytest.mark.parametrize(
    ("text", "current"),
    [
        ("Also h/o left MCA stroke 2022 with residual right hemiparesis (right dominant).", True),
        ("Hx CVA 2019 with persistent aphasia.", True),
        ("Hx CVA 2019, no residual deficits.", False),
        ("Hx stroke 2019 without residual weakness.", False),
    ],
)
def test_a_stroke_with_the_deficit_it_left_is_a_current_sequela(text: str, current: bool) -> None:
    mention = next(m for m in read_note(text) if "stroke" in m.text.lower() or "CVA" in m.text)
    assert (not mention.history) is current


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("Focal epilepsy with impaired awareness", "Focal epilepsy with complex partial seizures"),
        ("focal impaired awareness seizures, intractable", "complex partial seizures, intractable"),
        ("Focal aware seizures", "simple partial seizures"),
        # impaired awareness outside a seizure disorder is left as written
        ("impaired awareness of deficits", "impaired awareness of deficits"),
    ],
)
def test_the_ilae_seizure_terms_read_as_the_classification_writes_them(text: str, expanded: str) -> None:
    assert expand_text(text) == expanded


@pytest.mark.parametrize(
    ("note", "mention"),
    [
        ("Breast cancer, left, upper outer quadrant.", "Breast cancer, left, upper outer quadrant"),
        ("IDC of the right breast, 2 o'clock.", "IDC of the right breast, 2 o'clock"),
    ],
)
def test_the_part_of_the_breast_after_a_comma_completes_the_condition(note: str, mention: str) -> None:
    assert mention in [m.text for m in read_note(note)]


def test_a_remission_after_the_disorders_treatment_is_the_disorders() -> None:
    note = "Opioid use disorder, severe, on maintenance buprenorphine 16 mg daily, in sustained remission."
    texts = [m.text for m in read_note(note)]
    assert texts[0].startswith("Opioid use disorder") and texts[0].endswith("in sustained remission")
    # a remission after a condition's own words still joins only that condition
    assert "Depression, in full remission" in [m.text for m in read_note("Depression, in full remission.")]


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("Plan: PT for gait training.", "Plan: physical therapy for gait training."),
        ("Refer to PT.", "Refer to physical therapy."),
        ("Pt reports pain.", "patient reports pain."),
    ],
)
def test_pt_is_physical_therapy_where_it_is_ordered(text: str, expanded: str) -> None:
    assert expand_text(text) == expanded


def test_a_treatment_cycle_names_no_code() -> None:
    """ "Febrile neutropenia after chemo cycle 2" had become D70.4 (cyclic neutropenia): the problem line's
    "cycle" read as the title's "cyclic"."""
    assert clean_query("Febrile neutropenia after chemo cycle 2") == "Febrile neutropenia after chemo"
    assert clean_query("Neutropenia C3D8") == "Neutropenia"
    assert "cycl" not in " ".join(read_line("Febrile neutropenia after chemo cycle 2, day 8").words)
    assert clean_query("Cyclic neutropenia") == "Cyclic neutropenia"
