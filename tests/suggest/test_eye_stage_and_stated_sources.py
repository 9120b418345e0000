"""Eye codes by side and stage (OU / OD / OS, "intermediate stage", "stage unspecified"), a relative's
cancers each by site, a treatment named alone, and the source of a blood loss coded beside the anemia.
Titles as in the ICD-10-CM tabular (public domain); notes written for these tests."""

from __future__ import annotations

import pytest

from assistant.suggest import qualifiers, rules, sibling_guard
from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.anemia_cause import iron_deficiency_from_blood_loss
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.dementia import dementia_in_other_diseases
from assistant.suggest.consolidate import absorb_same_category
from assistant.suggest.index_first import assessed_final
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import Mention, qualifies_previous, read_note
from assistant.suggest.service import states_a_diagnosis
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Candidate, Pick

ICD = "ICD-10-CM"
_AMD = "Nonexudative age-related macular degeneration"
_STAGES = {"0": "stage unspecified", "1": "early dry stage", "2": "intermediate dry stage"}
_STAGES["3"] = "advanced atrophic without subfoveal involvement"
_SIDES = {"1": "right eye", "2": "left eye", "3": "bilateral", "9": "unspecified eye"}


def _eyes() -> CodeCatalog:
    codes: dict[str, list[object]] = {"7": [ICD, "Eye chapter", False, None, "chapter"]}
    codes["H30-H36"] = [ICD, "Retina", False, "7", "block"]
    codes["H35"] = [ICD, "Other retinal disorders", False, "H30-H36", "category"]
    codes["H35.3"] = [ICD, "Degeneration of macula", False, "H35", "subcategory"]
    codes["H35.31"] = [ICD, _AMD, False, "H35.3", "subcategory"]
    for s, side in _SIDES.items():
        codes[f"H35.31{s}"] = [ICD, f"{_AMD}, {side}", False, "H35.31", "subcategory"]
        for g, stage in _STAGES.items():
            codes[f"H35.31{s}{g}"] = [ICD, f"{_AMD}, {side}, {stage}", True, f"H35.31{s}", "code"]
    return CodeCatalog({"codes": codes, "refs": {}})


EYES = _eyes()
NOTE = "Seen today, doing fine.\n"  # a note, not a one-line phrase


def _said(words: str) -> qualifiers.Qualifiers:
    return qualifiers.read_qualifiers(expand_text(words))


def test_the_eye_shorthand_names_the_side_beside_an_eye_condition() -> None:
    assert "bilateral" in expand_text("Dry AMD OU, AREDS2")
    assert "right eye" in expand_text("Nuclear cataract OD")
    assert "left eye" in expand_text("POAG OS, latanoprost")
    assert "overdose" in expand_text("Heroin OD, naloxone given")
    assert "right eye" not in expand_text("Heroin OD, naloxone given")


@pytest.mark.parametrize(
    ("chunk", "qualifies"),
    [
        ("intermediate stage", True),
        ("early dry stage", True),
        ("active CNV", True),
        ("with inactive scar", True),
        ("stage 3b", True),
        ("2nd degree", True),  # a burn's depth
        ("partial thickness", True),
        ("pneumonia", False),
        ("stage fright", False),
    ],
)
def test_a_stage_after_the_comma_completes_the_condition_before_it(chunk: str, qualifies: bool) -> None:
    assert qualifies_previous(chunk) is qualifies


def test_the_stage_stays_in_the_macular_degeneration_mention() -> None:
    read = [m.text for m in read_note(NOTE + "A: Dry AMD, both eyes, intermediate stage. AREDS2.")][2:]
    assert read[0] == "Dry AMD, both eyes, intermediate stage"


def test_both_eyes_reach_the_bilateral_code_whose_title_drops_the_word_eye() -> None:
    assert rules.laterality_variant(EYES, "H35.3192", {"bilateral"}) == ("H35.3132", None)
    assert rules.laterality_variant(EYES, "H35.3192", {"left"}) == ("H35.3122", None)
    code, warning = rules.laterality_variant(EYES, "H35.3192", set())
    assert code == "H35.3192" and warning


def test_a_stage_the_note_never_names_is_stage_unspecified() -> None:
    assert rules.stage_variant(EYES, "H35.3133", _said("Dry AMD both eyes"))[0] == "H35.3130"
    assert rules.stage_variant(EYES, "H35.3122", _said("dry AMD left eye, intermediate stage")) == (
        "H35.3122",
        None,
    )
    assert rules.stage_variant(EYES, "H35.3133", _said("advanced atrophic AMD OU"))[0] == "H35.3133"


def _flat(titles: dict[str, str]) -> CodeCatalog:
    return CodeCatalog({"codes": {c: [ICD, t, True, c[:3], "code"] for c, t in titles.items()}, "refs": {}})


def _family(code: str, words: str, start: int) -> Pick:
    m = Mention(start=start, end=start + len(words), text=words, query=words, section="fh", family=True)
    return Pick(code, 0.5, True, [m])


def test_two_cancers_of_one_relative_are_two_family_history_codes() -> None:
    titles = {
        "Z80.0": "Family history of malignant neoplasm of digestive organs",
        "Z80.3": "Family history of malignant neoplasm of breast",
    }
    catalog = _flat(titles)
    picks = {
        "Z80.3": _family("Z80.3", "mother with breast cancer", 0),
        "Z80.0": _family("Z80.0", "colon cancer", 30),
    }
    absorb_same_category(picks, catalog)
    assert sorted(picks) == ["Z80.0", "Z80.3"]


def _walked(code: str, walk: float) -> Candidate:
    return Candidate(code, 0, 0.1, walk=walk, walk_path="Neoplasm -> colon -> History, family")


def test_a_relatives_cancer_the_neoplasm_table_placed_by_site_is_coded() -> None:
    assert assessed_final(_walked("Z80.0", 1.0), problem=False, family=True)
    assert not assessed_final(_walked("Z80.0", 1.0), problem=False, family=False)
    assert not assessed_final(_walked("Z80.0", 0.6), problem=False, family=True)  # an incomplete walk


@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("IV fluids", "plan"),
        ("NS bolus 1L", "plan"),
        ("abx", "plan"),
        ("supplemental O2", "plan"),
        ("pulmonary rehab", "plan"),
        ("fluid overload", None),
        ("heat stroke", None),
        ("rest tremor", None),
        ("home O2", None),  # a status (Z99.81), not a treatment of the visit
        ("eye exam due", "plan"),  # a service still to come, no encounter for it
        ("mammogram overdue", "plan"),
        ("neuropathy due to B12 deficiency", None),
    ],
)
def test_a_treatment_or_a_service_due_is_no_diagnosis(chunk: str, why: str | None) -> None:
    assert why_not_coded(chunk) == why


def _anemia_picks(note: str) -> tuple[dict[str, Pick], NoteContext]:
    ctx = NoteContext(note=note)
    anemia_at, source_at = note.index("Iron"), note.index("menorrhagia")
    anemia = ctx.mention(anemia_at, anemia_at + len("Iron deficiency anemia"))
    source = ctx.mention(source_at, source_at + len("menorrhagia"))
    return {
        "D50.0": Pick("D50.0", 0.8, True, [anemia]),
        "N92.0": Pick("N92.0", 0.08, False, [source]),
        "R58": Pick("R58", 0.09, False, [source]),
    }, ctx


def test_the_named_source_of_the_blood_loss_is_coded_beside_the_anemia() -> None:
    catalog = _flat({"D50.0": "Iron deficiency anemia secondary to blood loss (chronic)"})
    picks, ctx = _anemia_picks("A: Iron deficiency anemia due to menorrhagia. Start iron.")
    iron_deficiency_from_blood_loss(picks, ctx, catalog)
    assert [c for c, p in picks.items() if p.final] == ["D50.0", "N92.0"]  # not the hemorrhage code R58
    picks, ctx = _anemia_picks("A: Iron deficiency anemia. Menorrhagia workup per GYN: menorrhagia.")
    iron_deficiency_from_blood_loss(picks, ctx, catalog)
    assert [c for c, p in picks.items() if p.final] == ["D50.0"]  # another sentence: not stated as the source


def test_a_problem_list_reviewed_with_a_nurse_is_the_assessment() -> None:
    note = "SNF visit.\nActive problems reviewed w/ charge RN:\n(1) Chronic constipation - senna.\n"
    read = {m.text: m.section for m in read_note(note)}
    assert read["Chronic constipation"] == "assessment"


def test_the_dementia_of_parkinsons_disease_is_f02_after_the_parkinsons_code() -> None:
    titles = {
        "F03.90": "Unspecified dementia, unspecified severity, without behavioral disturbance, psychotic "
        "disturbance, mood disturbance, and anxiety",
        "F02.80": "Dementia in other diseases classified elsewhere, unspecified severity, without behavioral "
        "disturbance, psychotic disturbance, mood disturbance, and anxiety",
        "G20.B1": "Parkinson's disease with dyskinesia, without mention of fluctuations",
        "G20.C": "Parkinsonism, unspecified",
    }
    catalog = _flat(titles)

    def run(note: str, parkinson_final: bool) -> list[str]:
        ctx = NoteContext(note=note)
        at = note.index("Dementia")
        picks = {
            "F03.90": Pick("F03.90", 0.4, True, [ctx.mention(at, at + 8)]),
            "G20.B1": Pick("G20.B1", 0.6, parkinson_final, [ctx.mention(0, 10)]),
        }
        dementia_in_other_diseases(picks, ctx, catalog)
        return sorted(c for c, p in picks.items() if p.final)

    assert run("Parkinson disease w/ dyskinesia. Dementia d/t PD.", True) == ["F02.80", "G20.B1"]
    # "PD" without a Parkinson's code is not the disease (peritoneal dialysis)
    assert run("ESRD on PD nightly. Dementia, no behavior issues.", False) == ["F03.90"]


def _narrative(note: str, words: str) -> Mention:
    return next(m for m in read_note(note) if m.text.startswith(words))


def test_a_narrative_sentence_that_is_only_a_condition_states_it() -> None:
    note = (
        "Nursing home visit. Advanced Alzheimer's dementia, with agitation. Pt with cough x2 days. "
        "Osteoarthritis of both knees worse since she fell last week."
    )
    assert states_a_diagnosis(_narrative(note, "Advanced"), "G30.9", note)
    assert not states_a_diagnosis(_narrative(note, "Osteoarthritis"), "M17.0", note)  # a story
    assert not states_a_diagnosis(_narrative(note, "cough"), "J20.9", note)  # the history of the visit
    assert not states_a_diagnosis(_narrative(note, "Advanced"), "R41.0", note)  # a symptom code


def test_a_later_sentences_other_diagnosis_does_not_qualify_the_problem_line() -> None:
    note = "A/P: COPD exacerbation with pneumonia - nebs. Chronic hypoxic resp failure on home O2.\n"
    head = next(m for m in read_note(note) if m.text.startswith("COPD"))
    failure = note.index("Chronic")
    bounded = sibling_guard._line_of(note, head, [(failure, failure + 29)])
    assert "Chronic" not in bounded and "pneumonia" in bounded
    assert "Chronic" in sibling_guard._line_of(note, head)  # no other final code there: the whole line


def test_the_side_letter_before_a_vein_names_its_side() -> None:
    assert expand_text("Acute L popliteal DVT") == "Acute left popliteal deep vein thrombosis"


def test_hash_items_that_run_on_one_line_are_each_a_problem() -> None:
    note = "Seen today.\nA/P: # Osteoporosis - start alendronate. # Vit D insufficiency. # Fall risk - PT.\n"
    problems = [m.text for m in read_note(note) if m.problem]
    assert problems == ["Osteoporosis", "Vit D insufficiency", "Fall risk"]


def _apart(condition: str, tail: str) -> bool:
    return False  # every "with" joins two conditions here


def test_a_condition_after_with_shares_the_first_ones_sided_site() -> None:
    note = "Seen today.\nImpression: Cat bite R index finger with early cellulitis.\n"
    read = {m.text: m.query for m in read_note(note, lambda c, t: False, _apart)}
    assert read["early cellulitis"] == "early cellulitis of right index finger"
    note = "Seen today.\nA: L leg cellulitis with small abscess on shin.\n"
    read = {m.text: m.query for m in read_note(note, lambda c, t: False, _apart)}
    assert read["small abscess on shin"] == "small abscess on shin"  # its own site
