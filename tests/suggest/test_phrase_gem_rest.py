"""An abortion of no stated kind lists the induced termination after the spontaneous one; a pathological
fracture is searched in chapter 13 and is no injury code; Felty's syndrome is its own M05.0- code; an eye's
impairment level is H54's blindness or low vision; a past event in a pregnancy phrase is the pregnancy's."""

from __future__ import annotations

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.rheumatoid import rheumatoid_kind
from assistant.suggest.phrase_abortion import complication, induced_alternative
from assistant.suggest.phrase_order import PATHOLOGICAL_FRACTURE_CUE, chapter_cue, prefer_specificity
from assistant.suggest.phrase_vision import as_h54
from assistant.suggest.service import PREGNANCY_HISTORY_PREFIXES, SuggestionService
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Candidate, Pick

TITLES = {
    "O03.31": "Shock following incomplete spontaneous abortion",
    "O03.39": "Incomplete spontaneous abortion with other complications",
    "O03.6": "Delayed or excessive hemorrhage following complete or unspecified spontaneous abortion",
    "O03.9": "Complete or unspecified spontaneous abortion without complication",
    "O04.6": "Delayed or excessive hemorrhage following (induced) termination of pregnancy",
    "O04.80": "(Induced) termination of pregnancy with unspecified complications",
    "O04.81": "Shock following (induced) termination of pregnancy",
    "O04.89": "(Induced) termination of pregnancy with other complications",
}
INDUCED = sorted(c for c in TITLES if c.startswith("O04"))


def _alternative(best: str, phrase: str) -> str | None:
    return induced_alternative(best, phrase, TITLES.__getitem__, INDUCED)


def test_an_abortion_of_no_stated_kind_has_the_induced_termination_of_the_same_complication() -> None:
    assert _alternative("O03.31", "Abortion with circulatory collapse, incomplete") == "O04.81"
    assert _alternative("O03.6", "Abortion NOS complicated by excessive bleeding") == "O04.6"
    assert _alternative("O03.39", "Abortion, incomplete, other complication") == "O04.89"
    assert _alternative("O03.9", "Abortion, no complication") == "Z33.2"  # Index: Abortion, induced
    assert complication(TITLES["O04.80"]) == "unspecified complication"


def test_a_stated_kind_or_a_best_code_that_is_no_spontaneous_abortion_gives_none() -> None:
    assert _alternative("O03.31", "Spontaneous abortion with shock, incomplete") is None
    assert _alternative("O03.31", "Miscarriage complicated by shock") is None
    assert _alternative("O03.6", "Legally induced abortion with hemorrhage") is None
    assert _alternative("O04.81", "Abortion complicated by shock") is None
    assert _alternative("O03.31", "Shock after a fall") is None  # no abortion named


def test_a_pathological_fracture_is_searched_in_chapter_13_and_an_injury_code_disagrees() -> None:
    assert chapter_cue("Pathological fracture of the humerus, healing") == PATHOLOGICAL_FRACTURE_CUE
    assert chapter_cue("Fracture of the humerus") is None
    titles = {
        "S42.309A": "Unspecified fracture of shaft of humerus, unspecified arm, initial encounter",
        "M84.429A": "Pathological fracture, unspecified humerus, initial encounter for fracture",
    }
    cands = [Candidate("S42.309A", 0, 0.70), Candidate("M84.429A", 1, 0.65)]
    ranked = prefer_specificity(cands, "Pathologic fracture of humerus", titles.__getitem__)
    assert [c.code for c in ranked] == ["M84.429A", "S42.309A"]
    cands = [Candidate("S42.309A", 0, 0.70), Candidate("M84.429A", 1, 0.65)]
    ranked = prefer_specificity(cands, "Closed fracture of humerus", titles.__getitem__)
    assert ranked[0].code == "S42.309A"


_RA = {
    "M06.9": "Rheumatoid arthritis, unspecified",
    "M05.00": "Felty's syndrome, unspecified site",
}
RA_CATALOG = CodeCatalog(
    {"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in _RA.items()}, "refs": {}}
)


def _felty(note: str, words: str) -> list[str]:
    ctx = NoteContext(note=note)
    at = note.index(words)
    picks = {"M05.00": Pick("M05.00", 0.8, True, [ctx.mention(at, at + len(words))])}
    rheumatoid_kind(picks, ctx, RA_CATALOG)
    return [c for c, p in picks.items() if p.final]


def test_feltys_syndrome_named_keeps_its_code_and_a_plain_arthritis_does_not() -> None:
    assert _felty("Dx: Felty's syndrome, neutropenia follow-up.", "Felty's syndrome") == ["M05.00"]
    assert _felty("Dx: rheumatoid arthritis with splenomegaly.", "rheumatoid arthritis") == ["M06.9"]


def test_an_eyes_impairment_level_is_read_as_blindness_or_low_vision() -> None:
    assert as_h54("Near-total visual impairment of both eyes") == "blindness of both eyes"
    assert as_h54("Moderate vision impairment, one eye") == "low vision, one eye"
    assert as_h54("Severe impairment, left eye") == "low vision, left eye"
    assert as_h54("Severe hearing impairment") == "Severe hearing impairment"  # no eye: unchanged
    assert as_h54("Profound intellectual disability, eye contact poor") == (
        "Profound intellectual disability, eye contact poor"
    )


def test_a_past_event_in_a_pregnancy_phrase_is_also_searched_in_the_pregnancy_chapter() -> None:
    said = SuggestionService._pregnancy_history(True, "Previous cesarean delivery, antepartum condition")
    assert said == PREGNANCY_HISTORY_PREFIXES
    assert SuggestionService._pregnancy_history(True, "Previous cesarean delivery") == ()
    assert SuggestionService._pregnancy_history(False, "History of preterm labor, antepartum condition") == ()
