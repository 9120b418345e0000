"""Readings of oncology / hematology clinic notes (us-notes hand 33): a finished course told by its drug, the
histology's abbreviations, a link to chemotherapy the note denies."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.antineoplastic import antineoplastic_adverse_effect
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.hcpcs_gate import documents_service, on_given_line
from assistant.suggest.coding_rules.sinuses import acute_sinusitis_over_the_default
from assistant.suggest.history import history_cue
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog

ANTINEOPLASTIC = hierarchy_catalog(
    {
        "D64.9": "Anemia, unspecified",
        "T45.1X5A": "Adverse effect of antineoplastic and immunosuppressive drugs, initial encounter",
    },
    {
        "D64": "Other anemias",
        "T45": "Poisoning by, adverse effect of and underdosing of primarily systemic agents",
        "T45.1": "Poisoning by, adverse effect of and underdosing of antineoplastic drugs",
        "T45.1X": "Antineoplastic and immunosuppressive drugs",
        "T45.1X5": "Adverse effect of antineoplastic and immunosuppressive drugs",
    },
)


@pytest.mark.parametrize(
    ("note", "caused"),
    [
        ("Anemia in neoplastic disease - monitor. Not chemo-related (no chemo).", False),
        ("Anemia, not related to chemo; marrow involvement.", False),
        ("Anemia - unrelated to chemo.", False),
        ("Anemia, related to chemo - darbepoetin today.", True),
        ("Anemia - chemo-related, transfuse if Hgb < 7.", True),
        ("Anemia, normocytic, d/t chemo - darbepoetin.", True),
        ("Anemia 2/2 chemo.", True),
    ],
)
def test_a_link_to_chemotherapy_the_note_denies_is_no_adverse_effect(note: str, caused: bool) -> None:
    start = note.index("Anemia")
    mention = Mention(start, start + 6, "Anemia", "Anemia", "assessment", 0, len(note))
    picks = {"D64.9": Pick("D64.9", 0.7, True, [mention])}
    antineoplastic_adverse_effect(picks, NoteContext(note=note), ANTINEOPLASTIC)
    assert ("T45.1X5A" in picks) is caused


@pytest.mark.parametrize(
    ("sentence", "mention", "past"),
    [
        (
            "L breast IDC ER+/PR+/HER2-, dx 2019: L mastectomy, AC-T, PMRT; "
            "anastrozole x 5 yr completed 04/2025.",
            "L breast IDC ER+/PR+/HER2-",
            True,
        ),
        ("R breast IDC, letrozole completed 2024, NED on imaging.", "R breast IDC", True),
        ("Stage I NSCLC s/p SBRT 2022. No current cancer tx.", "Stage I NSCLC", True),
        ("L breast IDC ER+, on anastrozole x 5 yr, started 03/2025.", "L breast IDC ER+", False),
        ("L breast IDC, cycle 3 of TC today.", "L breast IDC", False),
        ("HCC on lenvatinib, no current cancer pain.", "HCC", False),
    ],
)
def test_a_finished_endocrine_course_or_no_current_treatment_makes_the_cancer_history(
    sentence: str, mention: str, past: bool
) -> None:
    assert (history_cue(sentence, mention) is not None) is past


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("s/p risk-reducing BSO 2021", "bilateral salpingo-oophorectomy"),
        ("Hx: BSO 2021 (BRCA2), hot flashes", "bilateral salpingo-oophorectomy"),
    ],
)
def test_bso_is_a_bilateral_salpingo_oophorectomy(text: str, expanded: str) -> None:
    assert expanded in expand_text(text)
    assert "salpingo" not in expand_text("bso")  # the lower-case letters are no abbreviation


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("ES-SCLC LLL w/ mediastinal nodal and R adrenal mets", "right adrenal"),
        ("L inguinal hernia, reducible", "left inguinal"),
        ("R hilar LAD on CT", "right hilar"),
        ("L pleural effusion, malignant", "left pleural"),
    ],
)
def test_a_side_letter_before_a_paired_organ_is_its_side(text: str, side: str) -> None:
    assert side in expand_text(text)
    assert "right" not in expand_text("Vitamin D level R 32")  # a letter before no organ stays as written


SINUSITIS = hierarchy_catalog(
    {
        "J01.00": "Acute maxillary sinusitis, unspecified",
        "J01.01": "Acute recurrent maxillary sinusitis",
        "J32.0": "Chronic maxillary sinusitis",
    },
    {"J01": "Acute sinusitis", "J01.0": "Acute maxillary sinusitis", "J32": "Chronic sinusitis"},
)


@pytest.mark.parametrize(
    ("hpi", "chronic"),
    [
        ("R maxillary sinusitis x 8 d, purulent d/c.", False),
        ("Chronic maxillary sinusitis, on saline rinses.", True),
        ("Maxillary sinusitis for 4 months despite 2 courses of abx.", True),
    ],
)
def test_the_index_default_chronic_sinusitis_yields_to_the_acute_one_stated(hpi: str, chronic: bool) -> None:
    note = f"{hpi}\nA/P: Acute recurrent maxillary sinusitis - amox-clav."
    said = hpi.rstrip(".")
    acute = note.index("Acute recurrent")
    picks = {
        "J32.0": Pick("J32.0", 0.6, True, [Mention(0, len(said), said, said, "hpi", 0, len(hpi))]),
        "J01.01": Pick(
            "J01.01",
            0.8,
            True,
            [Mention(acute, acute + 35, note[acute : acute + 35], "", "assessment", 0, 0)],
        ),
    }
    acute_sinusitis_over_the_default(picks, NoteContext(note=note), SINUSITIS)
    assert ("J32.0" in picks) is chronic
    assert picks["J01.01"].final


@pytest.mark.parametrize(
    ("sentence", "given"),
    [
        ("On FOLFOX + bevacizumab, C4 given 11/20 (D10 today)", False),
        ("B12 injection given last month, due again 12/20", False),
        ("Darbepoetin infused 2 wk ago", False),
        ("Leuprolide 22.5 mg IM given today; prior dose given 09/01", True),
        ("Ceftriaxone 1 g IV given in clinic", True),
    ],
)
def test_a_dose_dated_before_the_visit_is_not_a_service_of_this_visit(sentence: str, given: bool) -> None:
    assert documents_service(sentence) is given


@pytest.mark.parametrize(
    ("sentence", "mention", "past"),
    [
        ("Hx: R calf DVT 2019 post-op, 6 mo warfarin, resolved.", "R calf DVT 2019 post-op", True),
        ("L femoral DVT 2022 postpartum - treated, resolved.", "L femoral DVT 2022 postpartum", True),
        ("R calf DVT 2019 post-op, on warfarin since, clot persists.", "R calf DVT 2019 post-op", False),
    ],
)
def test_a_dated_event_after_an_operation_that_the_sentence_closes_is_history(
    sentence: str, mention: str, past: bool
) -> None:
    assert (history_cue(sentence, mention) is not None) is past


@pytest.mark.parametrize(
    ("note", "at", "given"),
    [
        (
            "Plan: OK to treat.\nGiven: dexamethasone 12 mg IV; docetaxel 136 mg IV over 60 min.",
            "docetaxel",
            True,
        ),
        ("Meds given in clinic: ondansetron 8 mg IV; cyclophosphamide 1100 mg IV", "cyclophosphamide", True),
        ("Plan: OK to treat.\nGiven: dexamethasone 12 mg IV; docetaxel 136 mg IV over 60 min.", "OK", False),
        ("Given: pegfilgrastim will be applied at next cycle", "pegfilgrastim", False),
    ],
)
def test_a_line_headed_given_documents_each_of_its_drugs(note: str, at: str, given: bool) -> None:
    assert on_given_line(note, note.index(at)) is given


@pytest.mark.parametrize(
    ("line", "pieces"),
    [
        ("A: Sigmoid colon ca w/ liver metastases.", ["Sigmoid colon ca", "liver metastases"]),
        ("A: L breast cancer with bone mets.", ["L breast cancer", "bone mets"]),
        (
            "A: Cellulitis w/ abscess of L thigh.",
            ["Cellulitis w/ abscess of L thigh"],
        ),  # no cancer, no spread
        ("A: Breast cancer with lymphedema of the arm.", ["Breast cancer with lymphedema of the arm"]),
    ],
)
def test_a_cancer_with_metastases_reads_the_primary_and_the_metastases_apart(
    line: str, pieces: list[str]
) -> None:
    assert [m.text for m in read_note("Seen today.\n" + line)][1:] == pieces
