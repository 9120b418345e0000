"""Rules from the twenty-second hand's notes (usn-1477 … usn-1492: an urgent-care / walk-in / occupational
medicine group's templated SOAP notes)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.suggest.coding_rules.encounters import _another_problem_first
from assistant.suggest.coding_rules.injuries import _WORK
from assistant.suggest.coding_rules.pregnancy import companion_row
from assistant.suggest.index_walker import WORD_ALIASES
from assistant.suggest.not_coded import vaccine_in_list_given, why_not_coded
from assistant.suggest.qualifiers import read_qualifiers, rerank
from assistant.suggest.reader import Mention, is_normal_finding, read_note
from assistant.suggest.text import expand_abbreviations
from assistant.suggest.types import Pick


@dataclass
class Scored:
    code: str
    score: float
    cos: float = 0.0


BEES = {
    "T63.441A": "Toxic effect of venom of bees, accidental (unintentional), initial encounter",
    "T63.442A": "Toxic effect of venom of bees, intentional self-harm, initial encounter",
    "T63.443A": "Toxic effect of venom of bees, assault, initial encounter",
    "T63.444A": "Toxic effect of venom of bees, undetermined, initial encounter",
    "T63.441D": "Toxic effect of venom of bees, accidental (unintentional), subsequent encounter",
    "L50.0": "Allergic urticaria",
}


def _siblings(code: str) -> list[str]:
    return [c for c in BEES if c.startswith("T63.44")]


@pytest.mark.parametrize(
    ("said", "first"),
    [
        ("Large local reaction to bee sting, L hand", "T63.441A"),  # no intent: accidental (I.C.19.e.5.b)
        ("Bee sting, undetermined intent", "T63.444A"),  # the record says it cannot be determined
        ("Bee sting, assault by a classmate", "T63.443A"),
    ],
)
def test_a_toxic_effect_without_a_stated_intent_is_accidental(said: str, first: str) -> None:
    cands = [Scored("T63.443A", 0.8, 0.7), Scored("T63.444A", 0.6), Scored("T63.441A", 0.4, 0.5)]
    out, _ = rerank(cands, read_qualifiers(said), BEES.__getitem__, _siblings, Scored)
    assert out[0].code == first
    assert len({c.code for c in out}) == len(out)  # the twin is not listed twice


def test_the_accidental_twin_takes_the_place_and_the_retrieval_features() -> None:
    cands = [Scored("T63.444A", 0.8, 0.7), Scored("L50.0", 0.5)]
    out, _ = rerank(cands, read_qualifiers("bee sting"), BEES.__getitem__, _siblings, Scored)
    assert [(c.code, c.score, c.cos) for c in out] == [("T63.441A", 0.8, 0.7), ("L50.0", 0.5, 0.0)]


@pytest.mark.parametrize(
    ("note", "elsewhere"),
    [
        ("Pt took 30 tabs of APAP in a suicide attempt.\nDx: Acetaminophen overdose", True),
        ("Pt took extra tabs of APAP for a toothache.\nDx: Acetaminophen overdose", False),
    ],
)
def test_an_intent_stated_elsewhere_in_the_note_leaves_no_default(note: str, elsewhere: bool) -> None:
    mention = next(m for m in read_note(note) if m.text.startswith("Acetaminophen overdose"))
    assert mention.qualifiers.intent is None
    assert mention.qualifiers.intent_elsewhere is elsewhere


def test_a_stated_intent_is_read_and_the_opposite_title_conflicts() -> None:
    said = read_qualifiers("Chlorine gas inhalation, accidental, at work")
    assert said.intent == "accidental"
    titles = {
        "T59.4X4A": "Toxic effect of chlorine gas, undetermined, initial encounter",
        "T59.4X1A": "Toxic effect of chlorine gas, accidental (unintentional), initial encounter",
    }
    out, reasons = rerank(
        [Scored("T59.4X4A", 0.8), Scored("T59.4X1A", 0.5)], said, titles.__getitem__, lambda c: [], Scored
    )
    assert out[0].code == "T59.4X1A"
    assert any("undetermined" in r for r in reasons["T59.4X4A"])


def _reading(line: str, words: str) -> tuple[bool, bool]:
    m = next(m for m in read_note(f"CC: follow-up\nHPI: 40 yo seen today.\n{line}\n") if words in m.text)
    return m.negated, m.uncertain


@pytest.mark.parametrize(
    ("note", "words", "negated"),
    [
        ("Partner denies snoring/witnessed apneas.", "snoring", True),  # the informant's denial
        ("Per mom no fever.", "fever", True),
        ("Husband denies any seizure activity.", "seizure", True),
        ("Partner has snoring.", "snoring", False),  # no trigger: the words stay a finding
        ("Mom reports cough x3 d.", "cough", False),
    ],
)
def test_an_informant_ahead_of_a_denial_is_no_concept(note: str, words: str, negated: bool) -> None:
    assert _reading(note, words)[0] is negated


@pytest.mark.parametrize(
    ("note", "negated"),
    [("OSA not suspected - no sleep study.", True), ("OSA suspected - sleep study ordered.", False)],
)
def test_not_suspected_after_a_condition_denies_it(note: str, negated: bool) -> None:
    assert _reading(note, "OSA")[0] is negated


@pytest.mark.parametrize(
    ("note", "uncertain"),
    [
        ("Re-evaluate for ADHD at next visit.", True),
        ("ADHD, combined type - stable on methylphenidate.", False),
    ],
)
def test_a_reassessment_for_a_condition_is_a_query(note: str, uncertain: bool) -> None:
    assert _reading(note, "ADHD")[1] is uncertain


@pytest.mark.parametrize(
    ("line", "words", "negated"),
    [
        ("1. Superficial thrombophlebitis L GSV (calf) - DVT excluded on duplex", "DVT", True),
        ("1. Superficial thrombophlebitis L GSV (calf) - DVT excluded on duplex", "thrombophlebitis", False),
        ("PE excluded by CTA.", "PE", True),
        ("Adenopathy excluded from the field.", "Adenopathy", False),  # no test: only a label's answer
    ],
)
def test_a_condition_a_test_excluded_is_denied(line: str, words: str, negated: bool) -> None:
    assert _reading(line, words)[0] is negated


@pytest.mark.parametrize(
    ("line", "normal"), [("Deep veins patent and compressible.", True), ("DVT of L calf.", False)]
)
def test_patent_veins_are_a_normal_finding(line: str, normal: bool) -> None:
    note = f"CC: leg pain\nExam: calf tender.\n{line}\n"
    m = next(m for m in read_note(note) if m.text.lower().startswith(line[:3].lower()))
    assert m.normal is normal


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("N95 fit test", "test"),  # a test named as one, never "Fit" (R56.9)
        ("sweat test", "test"),
        ("positive PPD test", None),  # a test that found something is read for its finding
        ("failed hearing test", None),
        ("HCV Ab", "test"),  # an antibody test in a labs list
        ("HCV Ab positive", None),
        ("Source pt known HIV+ on ART", "another person's"),  # the source of a needlestick
        ("source HCV status unknown", "another person's"),
        ("Source of bleeding unclear", None),
        ("source likely pyelonephritis", None),  # an infection's source is the patient's
        ("Occupational percutaneous exposure to blood of an HIV-positive source", None),
    ],
)
def test_a_test_named_as_one_is_no_diagnosis(text: str, why: str | None) -> None:
    assert why_not_coded(text) == why


@pytest.mark.parametrize(
    ("chunk", "sentence", "given"),
    [
        ("MMR/varicella", "- MMR/varicella: 2 doses each documented.", True),
        ("varicella", "Hx varicella as a child; shingles 2020.", False),  # the disease itself
    ],
)
def test_a_vaccine_record_by_its_doses_names_the_vaccine(chunk: str, sentence: str, given: bool) -> None:
    assert vaccine_in_list_given(chunk, sentence) is given


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("FHT reassuring", True),
        ("non-reassuring FHT", False),
        ("Deep veins patent", True),
        ("DVT L calf", False),
    ],
)
def test_reassuring_fetal_heart_tones_and_patent_veins_are_normal(text: str, normal: bool) -> None:
    assert is_normal_finding(text) is normal


@pytest.mark.parametrize(
    ("code", "row"),
    [
        ("S93.491A", ("O9A.21", ("O9A.2",))),  # an injury in a pregnancy: O9A.2- first (its inclusion note)
        ("T63.441A", ("O9A.21", ("O9A.2",))),
        ("T74.11XA", None),  # maltreatment is O9A.3-O9A.5's
    ],
)
def test_an_injury_in_a_pregnancy_takes_o9a_2(code: str, row: tuple[str, tuple[str, ...]] | None) -> None:
    assert companion_row(code) == row


@pytest.mark.parametrize(
    ("note", "work"),
    [
        ("OCC HEALTH - WORKPLACE INJURY. Assaulted by a patient.", True),
        ("Occupational percutaneous exposure to blood.", True),
        ("WC claim pending; workers' comp paperwork done.", True),
        ("Fell off a ladder at home cleaning gutters.", False),
    ],
)
def test_a_work_injury_is_said_in_several_ways(note: str, work: bool) -> None:
    assert (_WORK.search(note) is not None) is work


def _problem(code: str, start: int) -> Pick:
    m = Mention(start, start + 5, "words", "words", "assessment", 0, 200)
    m.problem = True
    return Pick(code, 0.8, True, [m])


@pytest.mark.parametrize(("assessed", "another"), [(True, False), (False, True)])
def test_a_surveillance_told_in_the_history_leaves_the_problem_lines_the_reason(
    assessed: bool, another: bool
) -> None:
    # the surveillance word at 100; the visit's problem lines (cellulitis, lymphedema) after it
    picks = {"L03.114": _problem("L03.114", 150), "Z85.3": _problem("Z85.3", 180)}
    assert _another_problem_first(picks, 100, assessed) is another


def test_an_extremity_is_the_index_s_limb() -> None:
    assert WORD_ALIASES["extremity"] == ("limb",) and WORD_ALIASES["extremities"] == ("limb",)


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("Allergies: PCN (hives as child).", "Allergies: penicillin (hives as child)."),
        ("PCN allergy", "penicillin allergy"),
        ("R PCN tube exchanged", "R PCN tube exchanged"),  # a nephrostomy, no allergy around it
    ],
)
def test_pcn_is_penicillin_beside_an_allergy(text: str, expanded: str) -> None:
    assert expand_abbreviations(text) == expanded
