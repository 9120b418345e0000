"""Round 20 of the us-notes batches: general classes the blind batch usn-1421 ... usn-1436 (a rural family
practice and urgent care's terse notes: "Dx:" / "Tx:" / "Rx:" lines, ED-style return instructions) showed.
Each test has a wording of our own the rule must change and one it must leave alone."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.copd import copd_with_lower_respiratory_infection
from assistant.suggest.coding_rules.hcpcs_gate import documents_service
from assistant.suggest.coding_rules.injuries import _PLACE
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog

_RX = "Rx: adapalene gel qhs.\n"


def _read(note: str, words: str) -> Mention:
    return next(m for m in read_note(note) if words.lower() in m.text.lower())


@pytest.mark.parametrize(
    ("note", "words", "coded"),
    [
        (
            _RX + "Pt counseled re: skin infections (ringworm, herpes) - check skin.",
            "herpes",
            False,
        ),
        (_RX + "Educated about: warning signs, chest pain, stroke.", "stroke", False),
        (_RX + "Seen re: knee pain, swelling x3d.", "swelling", True),
        (_RX + "Pt counseled re: diet.\nDx: GERD.", "GERD", True),
    ],
)
def test_what_a_plan_teaches_after_its_colon_is_no_condition(note: str, words: str, coded: bool) -> None:
    assert (_read(note, words).not_coded is None) is coded


@pytest.mark.parametrize(
    ("clause", "given"),
    [
        ("Tx: ketorolac 30 mg IV, ondansetron 4 mg IV, IVF 1 L NS", True),
        ("Tx in clinic: DuoNeb x2, methylprednisolone 125 mg IM", True),
        ("Rx: prednisone 40 daily x5d", False),
        ("Tx: velcro wrist splint, RICE, ibuprofen 600 q6h PRN", False),
        ("Tx: will start Depo-Provera next visit", False),
        ("Pt prefers tx with ketorolac over opioids", False),
    ],
)
def test_a_treatment_heading_lists_what_was_given(clause: str, given: bool) -> None:
    assert documents_service(clause) is given


COPD = hierarchy_catalog(
    {
        "J44.0": "Chronic obstructive pulmonary disease with (acute) lower respiratory infection",
        "J44.1": "Chronic obstructive pulmonary disease with (acute) exacerbation",
        "J44.9": "Chronic obstructive pulmonary disease, unspecified",
        "J20.9": "Acute bronchitis, unspecified",
    },
    {"J44": "Other chronic obstructive pulmonary disease", "J20": "Acute bronchitis"},
)


@pytest.mark.parametrize(
    ("dx", "code", "coded"),
    [
        ("COPD exacerbation w/ acute bronchitis", "J44.1", {"J44.1", "J44.0", "J20.9"}),
        ("COPD with acute bronchitis", "J44.9", {"J44.0", "J20.9"}),
        ("COPD exacerbation without acute bronchitis", "J44.1", {"J44.1"}),
        ("Acute bronchitis in COPD pt", "J44.0", {"J44.0", "J20.9"}),  # named before "in COPD"
        ("Acute bronchitis in a patient with COPD", "J44.9", {"J44.0", "J20.9"}),
        ("COPD, bronchitis in childhood", "J44.9", {"J44.9"}),
    ],
)
def test_the_infection_a_copd_diagnosis_names_is_coded_too(dx: str, code: str, coded: set[str]) -> None:
    """J44.0 "code also to identify the infection": the acute bronchitis said in the COPD diagnosis."""
    note = f"A/P: {dx}."
    start = note.index(dx)
    picks = {
        code: Pick(code, 0.8, True, [Mention(start, start + len(dx), dx, dx, "assessment", 0, len(note))])
    }
    copd_with_lower_respiratory_infection(picks, NoteContext(note), COPD)
    assert {c for c, p in picks.items() if p.final} == coded


@pytest.mark.parametrize(
    ("chunk", "kind"),
    [
        ("atorvastatin 40 daily", "medication"),
        ("empagliflozin 10 qd", "medication"),
        ("daily headaches", None),
        ("HLD", None),
    ],
)
def test_a_dose_and_frequency_without_a_unit_is_a_medication(chunk: str, kind: str | None) -> None:
    assert why_not_coded(chunk) == kind


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        ("cut his forearm on sheet metal in the barn while working", "in the barn"),
        ("fell from a ladder in the orchard", "in the orchard"),
        ("kicked by a horse, no barn work today", None),
    ],
)
def test_a_farm_building_is_a_place_of_occurrence(sentence: str, place: str | None) -> None:
    """Y92.7- farm: barn (Y92.71), chicken coop (Y92.72), orchard (Y92.74) are places of their own."""
    found = _PLACE.search(sentence)
    assert (found.group(0) if found else None) == place
