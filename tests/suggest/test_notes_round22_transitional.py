"""Rules from the twenty-third hand's notes (usn-1493 … usn-1508: transitional-care and chronic-care visits
after a hospital stay)."""

from __future__ import annotations

import re

import pytest

from assistant.suggest.coding_rules.completed_treatment import completed_treatment_follow_up
from assistant.suggest.coding_rules.context import NoteContext, visits_named
from assistant.suggest.coding_rules.encounters import general_exam
from assistant.suggest.coding_rules.past_stay import PAST_STAY, past_stay_conditions, stay_spans
from assistant.suggest.consolidate import excluded_to_combination
from assistant.suggest.qualifiers import read_qualifiers
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick
from tests.suggest.test_sibling_guard import STONES

ICD = "ICD-10-CM"
TITLES = {
    "E87.6": "Hypokalemia",
    "I50.22": "Chronic systolic (congestive) heart failure",
    "Z95.810": "Presence of automatic (implantable) cardiac defibrillator",
    "A08.11": "Acute gastroenteropathy due to Norwalk agent",
    "E11.22": "Type 2 diabetes mellitus with diabetic chronic kidney disease",
    "B95.61": "Methicillin susceptible Staphylococcus aureus infection as the cause of diseases classified "
    "elsewhere",
    "L03.115": "Cellulitis of right lower limb",
    "N17.9": "Acute kidney failure, unspecified",
    "N39.0": "Urinary tract infection, site not specified",
    "Z09": "Encounter for follow-up examination after completed treatment for conditions other than "
    "malignant neoplasm",
    "Z87.2": "Personal history of diseases of the skin and subcutaneous tissue",
    "Z87.440": "Personal history of urinary (tract) infections",
    "Z87.448": "Personal history of other diseases of urinary system",
    "Z87.898": "Personal history of other specified conditions",
}
CATALOG = CodeCatalog({"codes": {c: [ICD, t, True, c[:3], "code"] for c, t in TITLES.items()}})
EXAMS = CodeCatalog(
    {
        "codes": {
            "Z00.121": [
                ICD,
                "Encounter for routine child health examination with abnormal findings",
                True,
                "Z00",
                "code",
            ],
            "Z00.129": [
                ICD,
                "Encounter for routine child health examination without abnormal findings",
                True,
                "Z00",
                "code",
            ],
        }
    }
)

HF_VISIT = (
    "Heart Failure Program - home visit (TCM), day 4 after discharge\n"
    "Hospital course 11/23-11/28: acute on chronic HFrEF exacerbation; diuresed 6 L. Hypokalemia repleted. "
    "ICD placed 11/27.\n"
    "Problems addressed today:\n"
    "1. Chronic systolic HF - euvolemic.\n"
)


def _at(note: str, words: str, section: str = "body") -> Mention:
    start = note.index(words)
    return Mention(start, start + len(words), words, words, section, 0, len(note))


def _pick(code: str, *mentions: Mention, final: bool = True) -> Pick:
    pick = Pick(code, 0.8, final, list(mentions))
    pick.heads = list(mentions) if final else []
    return pick


@pytest.mark.parametrize(
    ("note", "recap"),
    [
        ("Hospital 11/16-11/21: AECOPD triggered by RSV; BiPAP x1 night.\nPlan: ...", "AECOPD"),
        ("Hospital course (Mercy, 11/19-11/22): acute sigmoid diverticulitis.", "diverticulitis"),
        (
            "49 yo M. Admitted 10/30-11/1 for an obstructing ureteral stone. Now: no flank pain.",
            "ureteral stone",
        ),
        ("Interval: admitted to L&D 11/20-11/22 (31w) for an asthma exacerbation.", "asthma exacerbation"),
        ("Inpatient course: alcohol withdrawal managed w/ CIWA, resolved by HD4.", "alcohol withdrawal"),
    ],
)
def test_a_past_stay_is_recapped_on_its_line(note: str, recap: str) -> None:
    at = note.index(recap)
    assert any(a <= at < b for a, b in stay_spans(note))


def test_the_visit_s_own_time_and_other_lines_are_no_recap() -> None:
    note = "49 yo M. Admitted 10/30-11/1 for a stone. Now: flank pain again.\nHTN on losartan."
    spans = stay_spans(note)
    assert spans and not any(a <= note.index("flank pain") < b for a, b in spans)
    assert not any(a <= note.index("HTN") < b for a, b in spans)
    # a hospital named without a stay's date or course, and an admission planned, are no recap
    assert stay_spans("Hospital follow-up.\nWill be admitted today for IV antibiotics.") == []
    assert stay_spans("Seen at Mercy hospital ED last year for a sprain.") == []


def test_a_condition_named_only_in_the_recap_is_not_coded_at_the_office_visit() -> None:
    hypokalemia = _pick("E87.6", _at(HF_VISIT, "Hypokalemia repleted"))
    failure = _pick(
        "I50.22", _at(HF_VISIT, "acute on chronic HFrEF exacerbation"), _at(HF_VISIT, "Chronic systolic HF")
    )
    device = _pick("Z95.810", _at(HF_VISIT, "ICD placed 11/27"))
    picks = {"E87.6": hypokalemia, "I50.22": failure, "Z95.810": device}
    past_stay_conditions(picks, NoteContext(note=HF_VISIT), CATALOG)
    assert sorted(c for c, p in picks.items() if p.final) == ["I50.22", "Z95.810"]
    assert PAST_STAY in hypokalemia.warnings and hypokalemia.vetoed
    # the discharge summary's own stay is the one coded (Section III): nothing changes there
    picks = {"E87.6": _pick("E87.6", _at(HF_VISIT, "Hypokalemia repleted"))}
    past_stay_conditions(picks, NoteContext(note=HF_VISIT, setting="inpatient"), CATALOG)
    assert picks["E87.6"].final


def test_an_organism_named_again_with_the_infection_stays() -> None:
    note = (
        "Hospital 11/3-11/12: L3 vertebral osteomyelitis w/ MSSA bacteremia.\n"
        "Assessment:\n1. Vertebral osteomyelitis, lumbar, MSSA - improving."
    )
    organism = Pick("B95.61", 0.8, True, [_at(note, "MSSA bacteremia"), _at(note, "MSSA - improving")])
    organism.heads = [_at(note, "MSSA bacteremia")]  # its head is the recap, its organism said again today
    picks = {"B95.61": organism}
    past_stay_conditions(picks, NoteContext(note=note), CATALOG)
    assert picks["B95.61"].final
    gone = Pick("B95.61", 0.8, True, [_at(note, "MSSA bacteremia")])
    picks = {"B95.61": gone}
    past_stay_conditions(picks, NoteContext(note=note.replace(", MSSA", "")), CATALOG)
    assert not picks["B95.61"].final


def _search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
    words = set(text.lower().replace(",", " ").split())
    found = [(c, len(words & set(t.lower().split()))) for c, t in TITLES.items() if c.startswith(prefixes)]
    return [(c, float(n)) for c, n in sorted(found, key=lambda x: -x[1]) if n]


def _follow_up(note: str, said: dict[str, str]) -> list[str]:
    """``said`` maps each pick to the words the note writes and, after "=", the query the reader made."""
    picks = {}
    for code, words in said.items():
        text, _, query = words.partition("=")
        mention = _at(note, text)
        mention.query = query or text
        picks[code] = _pick(code, mention)
    completed_treatment_follow_up(picks, NoteContext(note=note, search=_search), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


def test_a_resolved_condition_without_a_history_entry_takes_its_body_system_s() -> None:
    note = "TCM visit, day 6 after discharge.\nA/P: RLE cellulitis - resolved, abx course completed."
    assert _follow_up(note, {"L03.115": "RLE cellulitis"}) == ["Z09", "Z87.2"]
    # an acute kidney failure over is no disease of the past: no history code, the follow-up stays
    aki = "TCM visit.\nA/P: AKI - resolved after IV fluids, treatment completed."
    assert _follow_up(aki, {"N17.9": "AKI=acute kidney injury"}) == ["Z09"]


def test_a_follow_up_heading_ends_with_its_line() -> None:
    note = "Pediatrics - hospital follow-up\n10 mo M. UTI - treated with cefdinir, resolved."
    assert _follow_up(note, {"N39.0": "UTI=urinary tract infection"}) == ["Z09", "Z87.440"]
    # a follow-up planned on the same line is no follow-up visit: the rule reads nothing into it
    planned = "Sick visit, follow-up 10 days.\nUTI - treated with cefdinir, resolved."
    assert _follow_up(planned, {"N39.0": "UTI=urinary tract infection"}) == ["N39.0"]


@pytest.mark.parametrize(
    ("line", "exacerbation"),
    [
        ("COPD - exacerbation resolved, stable on triple therapy", "without"),
        ("Mild persistent asthma in pregnancy - exacerbation resolved", "without"),
        ("COPD flare now over", "without"),
        ("COPD exacerbation after a viral URI", "with"),
        ("Asthma flare, resolving slowly on prednisone", "with"),
    ],
)
def test_an_exacerbation_over_leaves_the_disease_without_it(line: str, exacerbation: str) -> None:
    said = read_qualifiers(line)
    assert "exacerbation" in (said.without if exacerbation == "without" else said.with_)


def _negated(note: str, words: str) -> bool:
    return next(m for m in read_note(note) if words in m.text).negated


def test_a_colon_part_completes_the_condition_its_answer_denies() -> None:
    note = "Assessment/Plan:\n- Diverticulitis, sigmoid - resolved. High-fiber diet."
    assert _negated(note, "Diverticulitis")
    assert not _negated(
        "Assessment/Plan:\n- Diverticulitis, sigmoid - improving on antibiotics.", "Diverticulitis"
    )


def test_an_infection_cleared_is_its_answer_not_a_clearance() -> None:
    assert _negated("Assessment:\n2. MSSA bacteremia - cleared.\n3. HTN - controlled.", "bacteremia")
    assert not _negated("Assessment:\n1. Cataract OD - cleared for surgery by cardiology.", "Cataract")


def test_a_study_joined_by_a_plus_reads_its_own_finding() -> None:
    assert _negated("KUB + renal US 12/1: no residual stone, hydronephrosis resolved.", "stone")
    assert not _negated("KUB + renal US 12/1: 4 mm residual stone in the lower pole.", "stone")


def test_a_return_visit_named_in_the_plan_is_not_this_visit() -> None:
    wcc = re.compile(r"\bWCC\b")
    note = "Pediatrics - hospital follow-up\nA/P:\n1. Diaper dermatitis - zinc.\nRTC 1 mo / 12-mo WCC."
    assert visits_named(wcc, NoteContext(note=note)) == []
    today = "12-mo WCC\nA/P:\n1. Well child - growing well."
    assert visits_named(wcc, NoteContext(note=today))


def test_the_recap_s_words_are_no_evidence_of_a_code_the_visit_names() -> None:
    failure = _pick(
        "I50.22", _at(HF_VISIT, "acute on chronic HFrEF exacerbation"), _at(HF_VISIT, "Chronic systolic HF")
    )
    past_stay_conditions({"I50.22": failure}, NoteContext(note=HF_VISIT), CATALOG)
    assert failure.final and [m.text for m in failure.mentions] == ["Chronic systolic HF"]


def test_a_condition_a_rule_left_out_is_combined_with_nothing() -> None:
    """N20's Excludes1 names N13.2 for a calculus with hydronephrosis: a calculus a rule said is not coded
    (named only in a past stay's recap) no longer turns the visit's hydronephrosis into that combination."""
    said = Mention(start=0, end=40, text="ureteral calculus with hydronephrosis", query="x")
    stone = Pick("N20.1", 0.2, False, [said])
    picks = {"N13.30": Pick("N13.30", 0.5, True, [said]), "N20.1": stone}
    stone.vetoed = True
    excluded_to_combination(picks, STONES)
    assert sorted(c for c, p in picks.items() if p.final) == ["N13.30"]
    stone.vetoed = False
    excluded_to_combination(picks, STONES)
    assert sorted(c for c, p in picks.items() if p.final) == ["N13.2"]


def test_a_chunk_that_opens_with_its_condition_free_says_it_is_absent() -> None:
    assert _negated("Assessment:\n- Uric acid nephrolithiasis - now stone-free after URS.", "stone-free")
    # a diet or a product "-free" denies nothing, nor does a condition free of another's symptom
    assert not _negated("Assessment:\n1. Celiac disease, strict gluten-free diet.", "gluten-free")
    assert not _negated("Epilepsy - seizure-free x2 yr on levetiracetam.", "Epilepsy")


def test_a_well_child_check_the_plan_books_is_no_exam_of_this_visit() -> None:
    note = (
        "Pediatrics - hospital follow-up\n10 mo M, here w/ mom.\nHospital 11/14-11/17: first febrile UTI.\n"
        "Now afebrile, feeding well.\nA/P:\n1. Diaper dermatitis - zinc.\nRTC 1 mo / 12-mo WCC."
    )
    picks = {"Z00.129": _pick("Z00.129", _at(note, "12-mo WCC", "assessment"))}
    general_exam(picks, NoteContext(note=note, age=0), EXAMS)
    assert [c for c, p in picks.items() if p.final] == []
    today = "Well child visit\nA/P:\n1. 12-mo WCC - growing well."
    picks = {"Z00.129": _pick("Z00.129", _at(today, "12-mo WCC", "assessment"))}
    general_exam(picks, NoteContext(note=today, age=0), EXAMS)
    assert [c for c, p in picks.items() if p.final] == ["Z00.129"]
