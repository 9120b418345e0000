"""Z51.81 (drug level monitoring) and Z51.6 (allergen immunotherapy) when the note is that visit."""

from __future__ import annotations

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.treatment_visits import treatment_visits
from assistant.suggest.first_listed import ensure_first_listed
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
TITLES = {
    "Z51.81": "Encounter for therapeutic drug level monitoring",
    "Z51.6": "Encounter for desensitization to allergens",
    "F31.9": "Bipolar disorder, unspecified",
}
CATALOG = CodeCatalog({"codes": {c: [ICD, t, True, c[:3], "code"] for c, t in TITLES.items()}})


def _run(note: str) -> list[str]:
    picks: dict[str, Pick] = {}
    treatment_visits(picks, NoteContext(note=note), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


def test_an_anticoagulation_or_drug_level_visit_is_drug_monitoring() -> None:
    assert _run(
        "Anticoag clinic visit. 66M on warfarin for AFib, INR 2.4.\nA/P: AFib - continue warfarin."
    ) == ["Z51.81"]
    assert _run("Lithium level check. Bipolar I on lithium, level 0.9.\nA/P: bipolar I, stable.") == [
        "Z51.81"
    ]
    # a level checked at a visit for something else, or planned, is not the visit
    assert _run("Psych f/u. Bipolar I on lithium. Lithium level 0.8 today.\nA/P: continue lithium.") == []
    assert _run("A/P: AFib on warfarin - INR check next week.") == []
    assert _run("Anticoagulation clinic, 54M.\nA/P: DVT on apixaban 5 mg BID, improving.") == []  # no level


def test_allergy_shots_given_are_desensitization() -> None:
    assert _run("Allergy shot visit. Maintenance immunotherapy injection given, no reaction.") == ["Z51.6"]
    assert _run("A/P: allergic rhinitis - discussed starting allergy shots, refer to allergist.") == []


def test_drug_monitoring_still_lists_the_condition_treated() -> None:
    m = Mention(start=0, end=5, text="x", query="x", section="assessment")
    picks = {
        "Z51.81": Pick("Z51.81", 0.6, True, [m]),
        "F31.9": Pick("F31.9", 0.11, False, [m]),
    }
    assert ensure_first_listed(picks, CATALOG) == "F31.9" and picks["F31.9"].final
