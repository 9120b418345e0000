"""G89.29 beside the site code for pain documented as chronic without a stated cause (I.C.6.b.1)."""

from __future__ import annotations

from assistant.suggest.coding_rules.chronic_pain import chronic_site_pain
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
TITLES = {
    "G89.29": "Other chronic pain",
    "G89.4": "Chronic pain syndrome",
    "M54.50": "Low back pain, unspecified",
    "M54.2": "Cervicalgia",
    "M25.561": "Pain in right knee",
    "M17.11": "Unilateral primary osteoarthritis, right knee",
}
CATALOG = CodeCatalog({"codes": {c: [ICD, t, True, c[:3], "code"] for c, t in TITLES.items()}})


def _run(note: str, said: dict[str, str]) -> list[str]:
    """Final codes after the rule; ``said`` maps each pick to the phrase of the note it was read from."""
    picks = {}
    for code, words in said.items():
        at = note.index(words)
        end = note.find(".", at)
        picks[code] = Pick(code, 0.8, True, [Mention(at, at + len(words), words, words, "body", 0, end)])
    chronic_site_pain(picks, NoteContext(note=note), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


def test_pain_documented_as_chronic_takes_g89_29_beside_its_site() -> None:
    note = "Here for her chronic lower back pain, worse with lifting. Continue PT."
    assert _run(note, {"M54.50": "chronic lower back pain"}) == ["G89.29", "M54.50"]
    # a site code titled by its pain suffix ("Cervicalgia") is a site pain too
    neck = "Chronic neck pain, here for pain management. Continue gabapentin."
    assert _run(neck, {"M54.2": "Chronic neck pain"}) == ["G89.29", "M54.2"]


def test_pain_not_chronic_or_with_its_cause_stated_takes_no_g89_code() -> None:
    assert _run("Low back pain for 4 days after moving furniture.", {"M54.50": "Low back pain"}) == ["M54.50"]
    note = "Chronic right knee pain from primary osteoarthritis of the knee."
    assert _run(note, {"M25.561": "Chronic right knee pain", "M17.11": "primary osteoarthritis"}) == [
        "M17.11",
        "M25.561",
    ]
    several = "Diabetes and knee follow-up.\nA/P:\n1. DM2, A1c 7.2.\n2. Chronic lower back pain - stretching."
    assert _run(several, {"M54.50": "Chronic lower back pain"}) == ["M54.50"]
    syndrome = "Chronic pain syndrome with chronic low back pain."
    assert _run(syndrome, {"G89.4": "Chronic pain syndrome", "M54.50": "chronic low back pain"}) == [
        "G89.4",
        "M54.50",
    ]


def test_the_visits_chronic_pain_is_coded_at_its_site_too() -> None:
    note = "A/P:\n1. Chronic pain of right knee - PT, tylenol.\n2. HTN."
    at = note.index("Chronic pain of right knee")
    said = Mention(at, at + 26, "Chronic pain of right knee", "x", "assessment", 0, len(note))
    picks = {"G89.29": Pick("G89.29", 0.2, True, [said]), "M25.561": Pick("M25.561", 0.15, False, [said])}
    chronic_site_pain(picks, NoteContext(note=note), CATALOG)
    assert sorted(c for c, p in picks.items() if p.final) == ["G89.29", "M25.561"]
    # a site code a rule set aside stays aside
    picks = {"G89.29": Pick("G89.29", 0.2, True, [said]), "M25.561": Pick("M25.561", 0.15, False, [said])}
    picks["M25.561"].vetoed = True
    chronic_site_pain(picks, NoteContext(note=note), CATALOG)
    assert sorted(c for c, p in picks.items() if p.final) == ["G89.29"]
