"""The thirtieth hand's orthopedic, sports-medicine and occupational-health notes: a removal the plan
schedules, a foreign body taken out, a tobacco "quit line", a title defined by a word the note says
("not specified as traumatic"), "5th MC", "midshaft", a cuff tear's thickness and a high ankle sprain."""

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.injuries import (
    _ACTIVITY,
    _ACTIVITY_WHEN,
    _CHIEF_COMPLAINT,
    _GLASS_CUT,
    _PLACE,
    _place_query,
    encounter_character,
)
from assistant.suggest.coding_rules.retained_foreign_body import removed_foreign_body
from assistant.suggest.coding_rules.tobacco import tobacco_code
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.qualifiers import unsaid_word_said, words_said
from assistant.suggest.reader import Mention
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog
from tests.suggest.test_index_walker import Tab, _row


@pytest.mark.parametrize(
    ("note", "char"),
    [
        ("Dx: laceration L palm, repaired. RTC 10-12 d suture removal.", "A"),
        ("Laceration repaired. Return in 10 days for suture removal.", "A"),
        ("Cast applied. F/u 1 wk cast removal.", "A"),
        ("Pt 10 days s/p repair, here for suture removal.", "D"),
        ("Here for suture removal; wound healed.", "D"),
    ],
)
def test_a_removal_the_plan_schedules_is_not_this_visit(note: str, char: str) -> None:
    assert encounter_character(note) == char


FOREIGN = hierarchy_catalog(
    {"Z18.81": "Retained glass fragments"}, {"Z18": "Retained foreign body fragments"}
)


def _glass(note: str) -> Pick:
    m = Mention(0, 5, "glass", "glass")
    picks = {"Z18.81": Pick("Z18.81", 0.3, False, [m])}
    removed_foreign_body(picks, NoteContext(note=note), FOREIGN)
    return picks["Z18.81"]


@pytest.mark.parametrize(
    ("note", "vetoed"),
    [
        ("Glass FB removed w/ forceps, repeat XR no residual FB.", True),
        ("Removal of glass fragment from the palm.", True),
        ("XR: 2 mm glass fragment retained in the palm, not removed.", False),
        ("XR: glass fragment in the thenar eminence; left in place.", False),
        ("Laceration of palm with glass in it.", False),  # nothing says it was taken out
    ],
)
def test_a_foreign_body_taken_out_is_no_retained_one(note: str, vetoed: bool) -> None:
    assert _glass(note).vetoed is vetoed


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("Nicotine dependence, cigarettes - nicotine patch, quit line referral", "F17.210"),
        ("Smokes 1 ppd, quit date set for January", "F17.210"),
        ("Smoked 1 ppd, quit 2010", "Z87.891"),
    ],
)
def test_a_quit_line_is_help_to_quit_not_a_former_smoker(sentence: str, code: str) -> None:
    assert tobacco_code(sentence) == code


CUFF_ROWS = [
    _row(0, "Tear, torn"),
    _row(1, "Tear, torn, rotator cuff", "M75.10-"),
    _row(2, "Tear, torn, rotator cuff, complete", "M75.12-"),
    _row(2, "Tear, torn, rotator cuff, incomplete", "M75.11-"),
    _row(2, "Tear, torn, rotator cuff, traumatic", "S46.01-"),
]


class CuffTab(Tab):
    CODES = {
        "M75.10": ("Unspecified rotator cuff tear or rupture, not specified as traumatic", True, []),
        "M75.11": ("Incomplete rotator cuff tear or rupture not specified as traumatic", True, []),
        "M75.12": ("Complete rotator cuff tear or rupture not specified as traumatic", True, []),
        "S46.01": ("Strain of muscle(s) and tendon(s) of the rotator cuff of shoulder", True, []),
    }


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("acute traumatic complete rotator cuff tear", "S46.01"),
        ("complete rotator cuff tear", "M75.12"),
        ("incomplete rotator cuff tear, not traumatic", "M75.11"),
    ],
)
def test_a_title_not_specified_as_what_the_note_says_gives_way(text: str, code: str) -> None:
    hits = IndexWalker.from_rows(CUFF_ROWS).walk(text, CuffTab())
    assert hits[0].code == code


@pytest.mark.parametrize(
    ("text", "said", "unsaid"),
    [
        ("Malunion R 5th MC neck fx", "fifth metacarpal", None),
        ("XR: no fx at base of 5th MT", "fifth metatarsal", None),
        ("MC visit today", None, "metacarpal"),
        ("displaced midshaft L clavicle fx", "shaft", "midshaft"),
        ("full-thickness supraspinatus tear", "complete supraspinatus tear", None),
        ("partial-thickness rotator cuff tear", "incomplete rotator cuff tear", None),
        ("partial thickness burn of the forearm", None, "incomplete"),
        ("High ankle sprain, R", "sprain of tibiofibular ligament of ankle", None),
        ("TTP over AITFL", "anterior inferior tibiofibular ligament", None),
        ("syndesmotic injury of the ankle", "tibiofibular ligament injury", None),
        ("High ankle sprain (syndesmotic), R - no diastasis", "), right - no", None),
        ("Trigger finger (A1 pulley), L", "(A1 pulley), left", None),
        ("Pain (chronic) R 5", None, "right"),  # no site or condition word before the bracket
        # Index: Osteoporosis, drug-induced; Myopathy, drug-induced; Gout, drug-induced
        ("Glucocorticoid-induced osteoporosis", "glucocorticoid drug-induced osteoporosis", None),
        ("steroid-induced myopathy", "steroid drug-induced myopathy", None),
        ("steroid injection", None, "drug"),
        ("steroid-induced hyperglycemia", None, "drug"),  # R73.9 with the adverse effect, not E09
    ],
)
def test_orthopedic_shorthand_is_read(text: str, said: str | None, unsaid: str | None) -> None:
    expanded = expand_text(text)
    assert said is None or said in expanded
    assert unsaid is None or unsaid not in expanded


@pytest.mark.parametrize(
    ("place", "sentence", "query"),
    [
        (
            "at Maplewood Nursing Home",
            "lifting a resident from the bed to a wheelchair in the resident's room when he felt pain",
            "bedroom in nursing home as the place of occurrence",
        ),
        ("at the nursing home", "slipped", "unspecified place in nursing home as the place of occurrence"),
        ("at home", "slipped in the kitchen", "kitchen in unspecified non-institutional (private) residence"),
    ],
)
def test_a_nursing_home_is_no_private_home(place: str, sentence: str, query: str) -> None:
    assert _place_query(place, sentence).startswith(query)


def test_a_flight_is_an_airplane_not_a_flight_of_stairs() -> None:
    found = _PLACE.search("lifting his suitcase into the overhead bin on a flight to Denver")
    assert found is not None
    assert "airplane" in _place_query(found.group(0))
    stairs = _PLACE.search("fell down on a flight of stairs")
    assert stairs is not None and stairs.group(0).endswith("stairs")


@pytest.mark.parametrize(
    ("sentence", "activity"),
    [
        ("washing dishes in the restaurant kitchen at work when a glass broke", "washing dishes"),
        ("fell from the monkey bars on the school playground at recess", "recess"),
        ("recess was cancelled; fell at home", None),
    ],
)
def test_an_activity_told_before_when_or_at_recess(sentence: str, activity: str | None) -> None:
    found = _ACTIVITY.search(sentence) or _ACTIVITY_WHEN.search(sentence)
    assert (next(g for g in found.groups() if g) if found else None) == activity


@pytest.mark.parametrize(
    ("sentence", "glass"),
    [
        ("a drinking glass broke in the sink and cut his L palm", True),
        ("cut her foot on a broken bottle at the beach", True),
        ("cut his finger with a kitchen knife; glasses on", False),
    ],
)
def test_a_cut_by_glass(sentence: str, glass: bool) -> None:
    assert bool(_GLASS_CUT.search(sentence)) is glass


@pytest.mark.parametrize(
    ("line", "complaint"),
    [("CC: cut L palm", True), ("Chief complaint: fell", True), ("34 yo M cut his palm on a glass", False)],
)
def test_the_chief_complaint_only_names_the_injury(line: str, complaint: bool) -> None:
    assert (_CHIEF_COMPLAINT.match(line) is not None) is complaint


CUFF = "Complete rotator cuff tear or rupture of right shoulder, not specified as traumatic"
PROM = "Premature rupture of membranes, unspecified as to length of time between rupture and onset of labor"


@pytest.mark.parametrize(
    ("title", "phrase", "word"),
    [
        (CUFF, "Acute traumatic complete rotator cuff tear right", "traumatic"),
        (CUFF, "complete rotator cuff tear right", None),
        (PROM, "premature rupture of membranes", None),  # "rupture" is the title's own condition
    ],
)
def test_a_title_not_specified_as_a_word_the_note_says(title: str, phrase: str, word: str | None) -> None:
    assert unsaid_word_said(title, words_said(phrase)) == word


def test_a_phrase_unspecified_as_the_word_says_neither() -> None:
    ulcer = "Gastric ulcer, unspecified as acute or chronic, without hemorrhage or perforation"
    assert unsaid_word_said(ulcer, words_said("chronic gastric ulcer")) == "chronic"
    assert unsaid_word_said(ulcer, words_said("gastric ulcer, unspecified as acute or chronic")) is None
