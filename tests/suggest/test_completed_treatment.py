"""Z09 with the personal history code at a follow-up after completed treatment (I.C.21.c.8)."""

from __future__ import annotations

from assistant.suggest.coding_rules.completed_treatment import completed_treatment_follow_up
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
TITLES = {
    "Z09": "Encounter for follow-up examination after completed treatment for conditions other than "
    "malignant neoplasm",
    "Z87.01": "Personal history of pneumonia (recurrent)",
    "Z87.440": "Personal history of urinary (tract) infections",
    "Z86.11": "Personal history of tuberculosis",
    "J18.9": "Pneumonia, unspecified organism",
    "N39.0": "Urinary tract infection, site not specified",
    "R05.9": "Cough, unspecified",
    "I10": "Essential (primary) hypertension",
    "B96.20": "Unspecified Escherichia coli [E. coli] as the cause of diseases classified elsewhere",
}
CATALOG = CodeCatalog({"codes": {c: [ICD, t, True, c[:3], "code"] for c, t in TITLES.items()}})


def _search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
    """The engine's history look-up, faked: the history code whose title shares the most words."""
    words = set(text.lower().replace(",", " ").split())
    found = [(c, len(words & set(t.lower().split()))) for c, t in TITLES.items() if c.startswith(prefixes)]
    return [(c, float(n)) for c, n in sorted(found, key=lambda x: -x[1])]


def _run(note: str, said: dict[str, str]) -> list[str]:
    """The final codes after the rule; ``said`` maps each current pick to the words its mention wrote."""

    def said_at(words: str) -> Mention:
        start = max(note.lower().find(words.lower()), 0)  # where the note writes it
        return Mention(start, start + len(words), words, words)

    picks = {code: Pick(code, 0.8, True, [said_at(words)]) for code, words in said.items()}
    picks["Z86.11"] = Pick("Z86.11", 0.1, False, [Mention(0, 3, "hx", "hx")])
    completed_treatment_follow_up(picks, NoteContext(note=note, search=_search), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


def test_a_condition_treated_and_resolved_is_followed_up_with_its_history() -> None:
    note = (
        "Seen in follow-up for her chest infection. The pneumonia was treated with doxycycline two weeks ago "
        "and is now resolved. Lungs clear.\nA/P: HTN - continue lisinopril."
    )
    said = {"J18.9": "follow-up for pneumonia", "I10": "HTN"}
    assert _run(note, said) == ["I10", "Z09", "Z87.01"]
    uti = "F/U visit.\nUTI - finished the course of antibiotics, dysuria gone."
    assert _run(uti, {"N39.0": "urinary tract infection"}) == ["Z09", "Z87.440"]


def test_a_condition_still_treated_or_back_stays_current() -> None:
    said = {"J18.9": "pneumonia"}
    still = "Pneumonia follow-up. Pneumonia improving, not resolved, crackles persist. Continue amoxicillin."
    assert _run(still, said) == ["J18.9"]
    back = "Recheck of pneumonia. Pneumonia has recurred after the course was completed."
    assert _run(back, said) == ["J18.9"]
    # resolved, but not a follow-up visit: the rule reads no follow-up code into another visit
    sick = "Sick visit for cough x3 days.\nPneumonia last year, resolved."
    assert _run(sick, {"R05.9": "cough"}) == ["R05.9"]
    # a symptom that is gone is not coded, and brings no follow-up code
    assert _run("Follow-up. Cough gone.", {"R05.9": "cough"}) == []


def test_a_condition_resolved_on_its_maintenance_drug_stays_current() -> None:
    said = {"N39.0": "urinary tract infections"}
    note = "Follow-up. Her urinary tract infections resolved on daily nitrofurantoin prophylaxis."
    assert _run(note, said) == ["N39.0"]


def test_a_condition_gone_without_treatment_brings_no_follow_up_code() -> None:
    """Outgrown or settled on its own, a condition is over but no treatment was completed: not coded, and no
    Z09 for it (the visit follows up something else)."""
    note = "F/u of his rash. Pneumonia as a toddler, resolved without treatment.\nA/P: HTN - lisinopril."
    assert _run(note, {"J18.9": "pneumonia", "I10": "HTN"}) == ["I10"]
    treated = (
        "F/u of his rash. Pneumonia last month, treated with amoxicillin, resolved.\nA/P: HTN - lisinopril."
    )
    assert _run(treated, {"J18.9": "pneumonia", "I10": "HTN"}) == ["I10", "Z09", "Z87.01"]


def test_a_condition_that_cleared_on_its_own_is_over() -> None:
    """ "On its own" is how it went away, not a drug the patient is still on."""
    said = {"J18.9": "pneumonia", "I10": "HTN"}
    own = "F/u of his rash. Pneumonia last winter, resolved on its own.\nA/P: HTN - lisinopril."
    assert _run(own, said) == ["I10"]
    still = "F/u of his rash. Pneumonia resolved, still on amoxicillin.\nA/P: HTN - lisinopril."
    assert _run(still, said) == ["I10", "J18.9"]


def test_a_follow_up_of_a_current_condition_is_that_condition_s_visit() -> None:
    titles = {**TITLES, "M81.0": "Age-related osteoporosis without current pathological fracture"}
    titles["Z87.310"] = "Personal history of (healed) osteoporosis fracture"
    catalog = CodeCatalog({"codes": {c: [ICD, t, True, c[:3], "code"] for c, t in titles.items()}})
    note = "F/u osteoporosis, on alendronate.\nRadius fracture after a fall last year, in a cast, healed."
    history = note.index("Radius")
    picks = {
        "M81.0": Pick("M81.0", 0.8, True, [Mention(0, 16, "F/u osteoporosis", "follow up osteoporosis")]),
        "Z87.310": Pick(
            "Z87.310", 0.6, True, [Mention(history, len(note), note[history:], "radius fracture")]
        ),
    }
    completed_treatment_follow_up(picks, NoteContext(note=note, search=_search), catalog)
    assert sorted(c for c, p in picks.items() if p.final) == ["M81.0", "Z87.310"]


def test_a_visit_after_discharge_follows_up_an_infection_told_with_its_organism() -> None:
    note = (
        "Post-discharge visit. Was admitted last week for an E. coli urinary tract infection, treated with "
        "IV ceftriaxone.\nA/P: urinary tract infection from E. coli - resolved, antibiotics completed."
    )
    start = note.index("E. coli")
    picks = {
        "N39.0": Pick("N39.0", 0.8, True, [Mention(start - 3, start + 30, "x", "urinary tract infection")]),
        "B96.20": Pick("B96.20", 0.7, True, [Mention(start, start + 7, "E. coli", "E. coli")]),
    }
    completed_treatment_follow_up(picks, NoteContext(note=note, search=_search), CATALOG)
    assert sorted(c for c, p in picks.items() if p.final) == ["Z09", "Z87.440"]


def test_a_visit_that_is_no_follow_up_keeps_the_infection() -> None:
    note = "New patient. Urinary tract infection - resolved after antibiotics completed."
    assert _run(note, {"N39.0": "urinary tract infection"}) == ["N39.0"]


def test_a_plan_to_follow_up_and_another_problem_s_course_end_no_condition() -> None:
    note = (
        "ED - Impression: acute pneumonia, left lower lobe; fever 38.9 resolved w/ acetaminophen. "
        "Plan doxycycline, PCP f/u 2-3 days."
    )
    assert _run(note, {"J18.9": "pneumonia"}) == ["J18.9"]
