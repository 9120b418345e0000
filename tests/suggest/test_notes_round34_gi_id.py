"""GI / hepatology and infectious-disease clinic readings (us-notes hand 34): a PrEP clinic named in the
visit's heading, an HIV test repeated (a test, not the infection), gonorrhea by site under its organism's
Index entry, and high-risk sexual behavior by the partners the note names."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules import NoteContext
from assistant.suggest.coding_rules.encounters import hiv_prophylaxis, immunization
from assistant.suggest.coding_rules.polyp_history import surveillance_colonoscopy
from assistant.suggest.coding_rules.sexual_behavior import sexual_behavior_partners
from assistant.suggest.history import history_cue
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.not_coded import light_drinking, why_not_coded
from assistant.suggest.reader import Mention
from assistant.suggest.rules import any_applicable
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick
from tests.suggest.test_index_walker import Tab, _row

ICD = "ICD-10-CM"
TITLES = {
    "Z29.81": "Encounter for HIV pre-exposure prophylaxis",
    "Z72.51": "High risk heterosexual behavior",
    "Z72.52": "High risk homosexual behavior",
    "Z72.53": "High risk bisexual behavior",
}


@pytest.fixture(scope="module")
def catalog() -> CodeCatalog:
    return CodeCatalog({"codes": {c: [ICD, t, True, c[:3], "code"] for c, t in TITLES.items()}})


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("HIV PrEP clinic - 3-mo f/u. 27 yo M on FTC/TDF.\nA/P: cont PrEP.", True),
        ("ID clinic f/u. On PrEP since 2024.\nA/P: HIV disease, on ART.", False),
    ],
)
def test_a_prep_clinic_in_the_heading_is_the_visits_reason(
    catalog: CodeCatalog, note: str, expected: bool
) -> None:
    picks: dict[str, Pick] = {}
    hiv_prophylaxis(picks, NoteContext(note), catalog)
    assert ("Z29.81" in picks) is expected


@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("HIV test repeated today", "test"),
        ("Lyme serology rechecked", "test"),
        ("HIV infection diagnosed today", None),
    ],
)
def test_a_test_repeated_is_the_test_not_the_condition(chunk: str, why: str | None) -> None:
    assert why_not_coded(chunk) == why


class Gono(Tab):
    CODES = {
        "A54.9": ("Gonococcal infection, unspecified", True, []),
        "A54.6": ("Gonococcal infection of anus and rectum", True, []),
        "A54.01": ("Gonococcal cystitis and urethritis, unspecified", True, []),
    }


GONO = IndexWalker.from_rows(
    [
        _row(0, "Gonorrhea", "A54.9"),
        _row(1, "Gonorrhea, urethra", "A54.01"),
        _row(0, "Gonococcus, gonococcal", "A54.9"),
        _row(1, "Gonococcus, gonococcal, rectum", "A54.6"),
    ]
)


def test_gonorrhea_by_site_reads_the_organisms_index_entry() -> None:
    assert GONO.walk("rectal gonorrhea", Gono())[0].code == "A54.6"
    assert GONO.walk("gonorrhea of the urethra", Gono())[0].code == "A54.01"
    assert GONO.walk("gonorrhea", Gono())[0].code == "A54.9"


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("27 yo M (MSM) on PrEP.\nA/P: High-risk sexual behavior - condoms.", "Z72.52"),
        ("Bisexual man, 5 partners.\nA/P: High-risk sexual behavior.", "Z72.53"),
        ("Reports 3 partners, no condoms.\nA/P: High-risk sexual behavior.", "Z72.51"),
        ("Not MSM; female partners only.\nA/P: High-risk sexual behavior.", "Z72.51"),
    ],
)
def test_high_risk_sexual_behavior_by_the_partners_named(
    catalog: CodeCatalog, note: str, expected: str
) -> None:
    at = note.index("High-risk")
    m = Mention(at, at + 25, note[at : at + 25], note[at : at + 25], "assessment", at, len(note))
    picks = {"Z72.51": Pick("Z72.51", 0.7, True, [m])}
    sexual_behavior_partners(picks, NoteContext(note), catalog)
    assert [c for c, p in picks.items() if p.final] == [expected]


@pytest.mark.parametrize(
    ("note", "given"),
    [
        ("HBsAg neg, anti-HBs + (vaccinated).\nA/P: chronic hep C.", False),
        ("HBsAb pos (vaccinated as a teen).", False),
        ("Hep B non-immune - Heplisav-B #1 vaccinated today.", True),
    ],
)
def test_an_antibody_from_a_past_series_is_no_vaccine_given(note: str, given: bool) -> None:
    picks: dict[str, Pick] = {}
    catalog = CodeCatalog({"codes": {"Z23": [ICD, "Encounter for immunization", True, None, "code"]}})
    immunization(picks, NoteContext(note), catalog)
    assert ("Z23" in picks) is given


@pytest.mark.parametrize(
    ("sentence", "mention", "cue"),
    [
        ("Clindamycin 300 qid x 7 d for a dental abscess (completed 11/15).", "dental abscess", "completed"),
        ("Amoxicillin for otitis media - finished last week.", "otitis media", "finished"),
        # still there, or the course only started: current
        ("Amoxicillin for otitis media (completed 11/20), still with ear pain.", "otitis media", None),
        ("Started amoxicillin for otitis media today.", "otitis media", None),
    ],
)
def test_a_course_done_for_a_condition_closes_it(sentence: str, mention: str, cue: str | None) -> None:
    assert history_cue(sentence, mention) == cue


@pytest.mark.parametrize(
    ("chunk", "light"),
    [
        ("EtOH 2 beers/wk", True),
        ("Alcohol 1-2 drinks per week", True),
        ("EtOH 6 beers/day", False),
        ("EtOH 2 beers/wk, binge on weekends", False),
    ],
)
def test_a_drinking_label_with_a_light_habit_in_one_chunk_is_no_use_code(chunk: str, light: bool) -> None:
    assert light_drinking(chunk, "") is light


def _history_pick(note: str) -> dict[str, Pick]:
    at = note.index("h/o")
    m = Mention(at, at + 10, note[at : at + 10], note[at : at + 10], "body", at, at + 10)
    return {"Z86.0101": Pick("Z86.0101", 0.7, True, [m])}


@pytest.mark.parametrize(
    ("note", "follow_up"),
    [
        (
            "Endoscopy report. 72 F.\nIndication: surveillance colonoscopy - h/o adenomas 2021.\nNo polyps.",
            True,
        ),
        # a screening colonoscopy in a patient with a polyp history is no follow-up after treatment
        ("Endoscopy report. 60 M.\nIndication: screening colonoscopy; h/o adenomas 2016.\nNo polyps.", False),
    ],
)
def test_a_surveillance_colonoscopy_after_polyps_is_z09(note: str, follow_up: bool) -> None:
    picks = _history_pick(note)
    catalog = CodeCatalog(
        {
            "codes": {
                "Z09": [
                    ICD,
                    "Encounter for follow-up examination after completed treatment",
                    True,
                    "Z09",
                    "code",
                ]
            }
        }
    )
    surveillance_colonoscopy(picks, NoteContext(note), catalog)
    assert ("Z09" in picks) is follow_up


def test_any_applicable_history_code_is_one_partner_group() -> None:
    note = "code to identify any applicable history of disease code (Z86.-, Z87.-)"
    catalog = CodeCatalog(
        {
            "codes": {"Z09": [ICD, "Encounter for follow-up examination", True, None, "code"]},
            "notes": {"Z09": {"use_additional": [note]}},
        }
    )
    assert any_applicable(catalog, "Z09", "use_additional")
    assert not any_applicable(catalog, "Z09", "code_first")
