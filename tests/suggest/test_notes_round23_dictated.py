"""Rules from the twenty-fourth hand's notes (usn-1509 … usn-1524: voice-recognition dictations, the
assessment spoken in the prose, numbers spelled out)."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.pregnancy import conditions_in_pregnancy, excluded_in_pregnancy
from assistant.suggest.coding_rules.tobacco import tobacco_code, tobacco_status
from assistant.suggest.history import history_cue
from assistant.suggest.patient import read_demographics
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.spoken_numbers import spoken_digits
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("at thirty four weeks and two days", "at 34 weeks and 2 days"),
        ("forty milligrams of triamcinolone", "40 milligrams of triamcinolone"),
        ("hemoglobin nine point six", "hemoglobin 9.6"),
        ("two hundred milligrams", "200 milligrams"),
        ("someone is here, none of them", "someone is here, none of them"),  # no number inside a word
    ],
)
def test_spelled_numbers_are_read_as_digits_in_place(said: str, digits: str) -> None:
    out = spoken_digits(said)
    assert len(out) == len(said)  # the spans of the note stay the same
    assert " ".join(out.split()) == digits


@pytest.mark.parametrize(
    ("note", "weeks"),
    [
        ("Twenty nine year old G2 P1 at thirty four weeks and two days, itchy rash.", 34),
        ("G3 P0020 at nine weeks and one day by her last period.", 9),
        ("G2 P1 at 34 weeks, itchy rash.", 34),
        ("G2 P1, itchy rash, due in the spring.", None),
    ],
)
def test_the_weeks_of_gestation_may_be_dictated_in_words(note: str, weeks: int | None) -> None:
    assert read_demographics(note).weeks == weeks


def _flags(note: str, start: str) -> Mention:
    return next(m for m in read_note(note) if m.text.startswith(start))


@pytest.mark.parametrize(
    ("note", "start", "negated"),
    [
        ("Fine action tremor. I doubt Parkinson's disease given no rigidity.", "I doubt", True),
        ("So I also doubt a stroke given the normal CT.", "So I also doubt", True),
        (
            "Pulmonary embolism is doubtful for me.",
            "Pulmonary embolism",
            False,
        ),  # "doubtful" before the condition
        ("He does not have chronic kidney disease, his eGFR is normal.", "He does not have", True),
        ("He has chronic kidney disease stage 3a.", "He has chronic", False),
        ("We do not think this is gout.", "We do not think", True),
    ],
)
def test_the_speaker_before_a_doubt_or_a_denial_leaves_it_the_conditions(
    note: str, start: str, negated: bool
) -> None:
    assert _flags(note, start).negated is negated


@pytest.mark.parametrize(
    ("note", "start", "negated"),
    [
        ("So he has asymptomatic microscopic hematuria with a negative urologic workup.", "So he has", False),
        ("Hematuria with a negative work-up.", "Hematuria", False),
        ("Microscopic hematuria: negative.", "Microscopic hematuria", True),
    ],
)
def test_a_negative_work_up_named_with_its_kind_leaves_the_finding(
    note: str, start: str, negated: bool
) -> None:
    assert _flags(note, start).negated is negated


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("He no longer smokes, ", "Z87.891"),
        ("He smokes half a pack a day", "F17.210"),
    ],
)
def test_a_patient_who_no_longer_smokes_is_a_former_smoker(sentence: str, code: str) -> None:
    assert tobacco_code(sentence) == code


TOBACCO = hierarchy_catalog(
    {"Z87.891": "Personal history of nicotine dependence", "F17.210": "Nicotine dependence, cigarettes"},
    {"Z87": "Personal history of other diseases", "F17": "Nicotine dependence", "F17.2": "x", "F17.21": "x"},
)


@pytest.mark.parametrize(
    ("note", "phrase", "kept"),
    [
        ("He used to drink a lot but he no longer drinks, he quit about ten years ago.", "he quit", False),
        ("He smoked for twenty years and quit ten years ago.", "quit", True),
    ],
)
def test_quitting_said_of_drinking_is_no_tobacco_history(note: str, phrase: str, kept: bool) -> None:
    start = note.index(phrase)
    m = Mention(start, start + len(phrase), phrase, phrase, "body", 0, len(note))
    picks = {"Z87.891": Pick("Z87.891", 0.5, True, [m])}
    tobacco_status(picks, NoteContext(note=note), TOBACCO)
    assert ("Z87.891" in picks) is kept


def _ob_catalog() -> CodeCatalog:
    titles = {
        "N96": "Recurrent pregnancy loss",
        "O26.21": "Pregnancy care for patient with recurrent pregnancy loss, first trimester",
        "O26.22": "Pregnancy care for patient with recurrent pregnancy loss, second trimester",
        "E03.9": "Hypothyroidism, unspecified",
        "O99.281": "Endocrine, nutritional and metabolic diseases complicating pregnancy, first trimester",
        "O21.9": "Vomiting of pregnancy, unspecified",
    }
    codes: dict[str, list[object]] = {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in titles.items()}
    codes["N96"][3] = None  # a category of its own
    codes["O26.2"] = [
        "ICD-10-CM",
        "Pregnancy care for patient with recurrent pregnancy loss",
        False,
        "O26",
        "x",
    ]
    codes["O26.21"][3] = codes["O26.22"][3] = "O26.2"
    # the tabular's own spelling of N96's Excludes1 note
    notes = {"N96": {"excludes1": ["recurrent pregancy loss with current pregnancy (O26.2-)"]}}
    return CodeCatalog({"codes": codes, "notes": notes})


def _assessed(note: str, code: str, words: str) -> Pick:
    start = note.lower().rindex(words.lower())
    return Pick(
        code, 0.8, True, [Mention(start, start + len(words), words, words, "assessment", 0, len(note))]
    )


@pytest.mark.parametrize(("pregnant", "final"), [(True, ["O26.21"]), (False, ["N96"])])
def test_recurrent_pregnancy_loss_while_pregnant_is_chapter_15s(pregnant: bool, final: list[str]) -> None:
    note = "Assessment: this is a pregnancy in a patient with recurrent pregnancy loss."
    if not pregnant:
        note = "Assessment: recurrent pregnancy loss, not pregnant now; karyotypes ordered."
    picks = {"N96": _assessed(note, "N96", "recurrent pregnancy loss")}
    excluded_in_pregnancy(
        picks, NoteContext(note, pregnant=pregnant, weeks=9 if pregnant else None), _ob_catalog()
    )
    assert [c for c, p in picks.items() if p.final] == final


@pytest.mark.parametrize(
    ("assessment", "companion"),
    [
        # a dictated paragraph: each sentence is its own problem
        (
            "Nausea and vomiting of pregnancy, B6 at night. "
            "Hypothyroidism in pregnancy, continue levothyroxine.",
            True,
        ),
        # one problem: the chapter 15 code on its own line codes it
        ("Nausea and vomiting of pregnancy with hypothyroidism in pregnancy, levothyroxine.", False),
    ],
)
def test_a_condition_assessed_in_its_own_sentence_gets_its_chapter_15_companion(
    assessment: str, companion: bool
) -> None:
    note = f"G3 P0020 at 9 weeks, on levothyroxine for hypothyroidism.\nAssessment: {assessment}"
    picks = {
        "E03.9": _assessed(note, "E03.9", "hypothyroidism in pregnancy"),
        "O21.9": _assessed(note, "O21.9", "Nausea and vomiting of pregnancy"),
    }
    conditions_in_pregnancy(picks, NoteContext(note, pregnant=True, weeks=9), _ob_catalog())
    assert ("O99.281" in picks) is companion


@pytest.mark.parametrize(
    ("sentence", "mention", "cue"),
    [
        (
            "She had a CT in August for a kidney stone which she passed on her own.",
            "a kidney stone which she passed on her own",
            "stone which she passed",
        ),
        ("Passed a 4 mm stone last week.", "Passed a 4 mm stone", "passed a 4 mm stone"),
        ("Kidney stone, 6 mm, not yet passed; tamsulosin.", "Kidney stone, 6 mm, not yet passed", None),
        ("Kidney stone, he passed out from the pain.", "Kidney stone, he passed out from the pain", None),
    ],
)
def test_a_stone_the_patient_passed_is_history(sentence: str, mention: str, cue: str | None) -> None:
    assert history_cue(sentence, mention) == cue
