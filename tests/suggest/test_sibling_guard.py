"""The sibling a final code ends on: its problem line decides (sibling_guard), the bilateral twin of a
one-side title (rules.laterality_variant), and the stated diagnosis over the narrative's in an Excludes1
pair. Titles as in the ICD-10-CM tabular (public domain); notes written for these tests."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.suggest import qualifiers, rules, sibling_guard
from assistant.suggest.reader import Mention
from assistant.suggest.service import SuggestionService
from assistant.suggest.sibling_choice import prefer_named_sibling
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import expand_abbreviations
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog

ICD = "ICD-10-CM"


_catalog = hierarchy_catalog


CLL = _catalog(
    {
        "C91.10": "Chronic lymphocytic leukemia of B-cell type not having achieved remission",
        "C91.11": "Chronic lymphocytic leukemia of B-cell type in remission",
        "C91.12": "Chronic lymphocytic leukemia of B-cell type in relapse",
        "C91.00": "Acute lymphoblastic leukemia not having achieved remission",
        "C91.01": "Acute lymphoblastic leukemia, in remission",
    },
    {"C91": "Lymphoid leukemia", "C91.1": "Chronic lymphocytic leukemia of B-cell type", "C91.0": "ALL"},
)
KNEE = _catalog(
    {
        "M17.0": "Bilateral primary osteoarthritis of knee",
        "M17.10": "Unilateral primary osteoarthritis, unspecified knee",
        "M17.11": "Unilateral primary osteoarthritis, right knee",
        "M17.12": "Unilateral primary osteoarthritis, left knee",
        "M17.2": "Bilateral post-traumatic osteoarthritis of knee",
        "M17.9": "Osteoarthritis of knee, unspecified",
    },
    {"M17": "Osteoarthritis of knee", "M17.1": "Unilateral primary osteoarthritis of knee"},
)
HAND = _catalog(
    {
        "M19.041": "Primary osteoarthritis, right hand",
        "M19.042": "Primary osteoarthritis, left hand",
        "M19.049": "Primary osteoarthritis, unspecified hand",
    },
    {"M19": "Other and unspecified osteoarthritis", "M19.04": "Primary osteoarthritis, hand"},
)
MDD = _catalog(
    {
        "F33.0": "Major depressive disorder, recurrent, mild",
        "F33.1": "Major depressive disorder, recurrent, moderate",
        "F33.2": "Major depressive disorder, recurrent severe without psychotic features",
        "F33.3": "Major depressive disorder, recurrent, severe with psychotic symptoms",
        "F33.9": "Major depressive disorder, recurrent, unspecified",
        "F32.9": "Major depressive disorder, single episode, unspecified",
        "F32.A": "Depression, unspecified",
    },
    {"F33": "Major depressive disorder, recurrent", "F32": "Depressive episode"},
    refs={"F32": {"excludes1": ["F33.-"]}},
)


def _settle(catalog: CodeCatalog, note: str, code: str, *, problem: bool = True) -> dict[str, Pick]:
    line_end = note.find("\n") if "\n" in note else len(note)
    head = Mention(start=0, end=line_end, text=note[:line_end], query=note[:line_end], problem=problem)
    picks = {code: Pick(code, 0.6, True, [head], heads=[head])}
    sibling_guard.settle(picks, note, catalog)
    sibling_guard.uncontrolled_diabetes(picks, note, catalog)
    return picks


def _finals(picks: dict[str, Pick]) -> list[str]:
    return sorted(c for c, p in picks.items() if p.final)


def test_a_line_that_says_remission_never_keeps_the_relapse_code() -> None:
    picks = _settle(CLL, "# CLL, B-cell - finished chemo last year, now in remission. CBC normal.", "C91.12")
    assert _finals(picks) == ["C91.11"]
    assert not picks["C91.12"].final and picks["C91.12"].warnings  # still shown, as an option
    # The line says relapse: the relapse code stands.
    assert _finals(_settle(CLL, "# CLL, B-cell - in relapse, restarting therapy", "C91.12")) == ["C91.12"]


def test_both_knees_is_the_bilateral_code_and_one_knee_its_side() -> None:
    assert _finals(_settle(KNEE, "# Primary OA of both knees - injection today", "M17.10")) == ["M17.0"]
    assert _finals(_settle(KNEE, "# Primary OA, bilat knees", "M17.11")) == ["M17.0"]
    # An unspecified knee completed from the side the line names ("R knee" is the right knee).
    assert _finals(_settle(KNEE, "# Primary OA R knee - PT", "M17.10")) == ["M17.11"]
    # The other side is never kept.
    assert _finals(_settle(KNEE, "# Primary osteoarthritis, left knee", "M17.11")) == ["M17.12"]
    # No side named: the unspecified code stays.
    assert _finals(_settle(KNEE, "# Primary osteoarthritis of knee - PT", "M17.10")) == ["M17.10"]


def test_a_bilateral_line_keeps_each_side_where_no_bilateral_code_exists() -> None:
    """I.B.13: "OA of hands, bilat" is coded right and left (M19.04- has no bilateral code); the knees have
    one (M17.0), so a bilateral line still contradicts a one-side knee code."""
    assert _finals(_settle(HAND, "# Primary OA of hands, bilat", "M19.041")) == ["M19.041"]
    assert _finals(_settle(HAND, "# Primary OA of hands, bilat", "M19.042")) == ["M19.042"]
    assert _finals(_settle(KNEE, "# Primary OA, bilat knees", "M17.11")) == ["M17.0"]


def test_severity_on_the_line_completes_an_unspecified_code() -> None:
    note = "A: MDD, recurrent, mod, without psychotic features.\nP: sertraline"
    assert _finals(_settle(MDD, note, "F33.9")) == ["F33.1"]
    # No severity documented: the unspecified code is the right one.
    assert _finals(_settle(MDD, "A: Major depressive disorder, recurrent - stable", "F33.9")) == ["F33.9"]


def test_only_the_code_heading_a_problem_line_is_read_against_it() -> None:
    note = "She has CLL in relapse per outside notes, now in remission after therapy."
    assert _finals(_settle(CLL, note, "C91.12", problem=False)) == ["C91.12"]


def test_an_existing_final_sibling_absorbs_the_contradicted_code() -> None:
    note = "# Primary OA of both knees"
    head = Mention(start=0, end=len(note), text=note, query=note, problem=True)
    picks = {
        "M17.10": Pick("M17.10", 0.7, True, [head], heads=[head]),
        "M17.0": Pick("M17.0", 0.4, True, [head], heads=[head]),
    }
    sibling_guard.settle(picks, note, KNEE)
    assert _finals(picks) == ["M17.0"] and picks["M17.0"].score == 0.7


def test_bilateral_twin_of_a_title_that_names_the_organ() -> None:
    ears = _catalog(
        {
            "H66.004": "Acute suppurative otitis media without spontaneous rupture of ear drum, recurrent, "
            "right ear",
            "H66.005": "Acute suppurative otitis media without spontaneous rupture of ear drum, recurrent, "
            "left ear",
            "H66.006": "Acute suppurative otitis media without spontaneous rupture of ear drum, recurrent, "
            "bilateral",
            "H66.007": "Acute suppurative otitis media without spontaneous rupture of ear drum, recurrent, "
            "unspecified ear",
        },
        {
            "H66": "Suppurative and unspecified otitis media",
            "H66.0": "Acute suppurative otitis media",
            "H66.00": "Acute suppurative otitis media without spontaneous rupture of ear drum",
        },
    )
    assert rules.laterality_variant(ears, "H66.007", {"bilateral"}) == ("H66.006", None)
    assert rules.laterality_variant(ears, "H66.007", {"left"}) == ("H66.005", None)
    code, warning = rules.laterality_variant(ears, "H66.007", set())
    assert code == "H66.007" and warning  # no side documented: the unspecified ear, with the warning


def test_the_stated_diagnosis_wins_an_excludes1_pair() -> None:
    def picks(stated: bool) -> dict[str, Pick]:
        hpi = Mention(start=0, end=20, text="x", query="x", section="hpi")
        line = Mention(start=30, end=50, text="y", query="y", section="assessment", problem=stated)
        return {
            "F32.A": Pick("F32.A", 0.8, True, [hpi], heads=[hpi]),
            "F33.1": Pick("F33.1", 0.5, True, [line], heads=[line]),
        }

    service = SimpleNamespace(catalog=MDD)
    stated = picks(True)
    SuggestionService._excludes1(service, stated)  # type: ignore[arg-type]
    assert _finals(stated) == ["F33.1"]
    # Neither heads a problem line: only F32's note excludes F33, so recurrent depression is classified at
    # F33 and F33.1 stays whichever is likelier.
    narrative = picks(False)
    SuggestionService._excludes1(service, narrative)  # type: ignore[arg-type]
    assert _finals(narrative) == ["F33.1"]
    # Each note excluding the other: the likelier one stays, as before.
    mutual = SimpleNamespace(
        catalog=_catalog(
            {"F33.1": "Major depressive disorder, recurrent, moderate", "F32.A": "Depression, unspecified"},
            {"F33": "Major depressive disorder, recurrent", "F32": "Depressive episode"},
            refs={"F32": {"excludes1": ["F33.-"]}, "F33": {"excludes1": ["F32.-"]}},
        )
    )
    narrative = picks(False)
    SuggestionService._excludes1(mutual, narrative)  # type: ignore[arg-type]
    assert _finals(narrative) == ["F32.A"]


DIABETES = _catalog(
    {
        "E11.22": "Type 2 diabetes mellitus with diabetic chronic kidney disease",
        "E11.65": "Type 2 diabetes mellitus with hyperglycemia",
        "E11.649": "Type 2 diabetes mellitus with hypoglycemia without coma",
        "E11.9": "Type 2 diabetes mellitus without complications",
    },
    {"E11": "Type 2 diabetes mellitus", "E11.2": "T2DM with kidney complications", "E11.6": "T2DM, other"},
)


def test_an_uncontrolled_diabetes_line_is_coded_with_hyperglycemia() -> None:
    # "without complications" is replaced: hyperglycemia is one.
    assert _finals(_settle(DIABETES, "# T2DM, poorly controlled, A1c 9.8 - add glipizide", "E11.9")) == [
        "E11.65"
    ]
    # A complication already coded keeps its code; hyperglycemia joins it.
    note = "1. Type 2 DM with diabetic CKD, not well controlled - titrate insulin"
    assert _finals(_settle(DIABETES, note, "E11.22")) == ["E11.22", "E11.65"]
    # Controlled, or nothing said about control: no hyperglycemia code.
    assert _finals(_settle(DIABETES, "# T2DM, well controlled on metformin", "E11.9")) == ["E11.9"]
    assert _finals(_settle(DIABETES, "# T2DM with diabetic CKD - follow eGFR", "E11.22")) == ["E11.22"]


def _assessed(note: str, words: str, code: str, section: str) -> dict[str, Pick]:
    start = note.index(words)
    m = Mention(start=start, end=start + len(words), text=words, query=words, section=section)
    picks = {code: Pick(code, 0.6, True, [m], heads=[m])}
    sibling_guard.uncontrolled_diabetes(picks, note, DIABETES)
    return picks


def test_an_uncontrolled_diabetes_clause_in_an_assessment_sentence_is_coded_with_hyperglycemia() -> None:
    note = "ED impression: knee sprain, wrapped. Type 2 DM, suboptimally controlled (A1c 10.1), PCP f/u."
    assert _finals(_assessed(note, "Type 2 DM", "E11.9", "assessment")) == ["E11.65"]
    # The narrative's control words ("poorly controlled in the past") are not the assessment's.
    hpi = "HPI: type 2 DM, poorly controlled years ago, A1c 6.4 now."
    assert _finals(_assessed(hpi, "type 2 DM", "E11.9", "hpi")) == ["E11.9"]


def test_an_uncontrolled_diabetes_in_a_narrative_without_an_assessment_is_coded_with_hyperglycemia() -> None:
    for note, expected in (
        ("Seen for a follow-up. Type 2 DM, uncontrolled, A1c 10.4. Knee pain better.", ["E11.65"]),
        ("Seen for a follow-up. Type 2 DM, well controlled, A1c 6.4. Knee pain better.", ["E11.9"]),
    ):
        start = note.index("Type 2 DM")
        end = note.index(". Knee")
        m = Mention(start, start + 9, "Type 2 DM", "Type 2 DM", "body", start, end)
        picks = {"E11.9": Pick("E11.9", 0.6, True, [m], heads=[m])}
        sibling_guard.uncontrolled_diabetes(picks, note, DIABETES)
        assert _finals(picks) == expected


def test_a_site_named_as_a_noun_completes_the_adjective_title() -> None:
    """ "sacrum" names "sacral region"; "region" adds nothing the note must say."""
    titles = {
        "L89.93": "Pressure ulcer of unspecified site, stage 3",
        "L89.153": "Pressure ulcer of sacral region, stage 3",
        "L89.133": "Pressure ulcer of right lower back, stage 3",
    }

    def ranked() -> list[SimpleNamespace]:
        return [SimpleNamespace(code=c, score=s, title=0.5) for c, s in [("L89.93", 0.5), ("L89.153", 0.3)]]

    cands = ranked()
    assert prefer_named_sibling(cands, {}, titles.__getitem__, "Pressure ulcer of sacrum, stage 3")
    assert cands[0].code == "L89.153"
    # No site named: the unspecified-site code stays first.
    cands = ranked()
    assert prefer_named_sibling(cands, {}, titles.__getitem__, "Pressure ulcer, stage 3") is None
    assert cands[0].code == "L89.93"


def _narrative(catalog: CodeCatalog, note: str, code: str, start: int, end: int, section: str) -> Pick:
    m = Mention(start=start, end=end, text=note[start:end], query=note[start:end], section=section)
    m.sentence_end = len(note)
    return Pick(code, 0.6, True, [m], heads=[m])


def test_a_narrative_code_is_read_against_its_clause_for_contradictions() -> None:
    note = "HPI: 70M with CLL, B-cell type, in remission since 2023, here for labs."
    picks = {"C91.12": _narrative(CLL, note, "C91.12", 14, 17, "hpi")}
    sibling_guard.settle(picks, note, CLL)
    assert _finals(picks) == ["C91.11"]
    # The clause ends where another category's final code is read: its remission is not the CLL's.
    note = "HPI: 70M with CLL, B-cell type, also alcohol dependence in remission."
    at = note.index("alcohol")
    picks = {
        "C91.12": _narrative(CLL, note, "C91.12", 14, 17, "hpi"),
        "F10.21": _narrative(CLL, note, "F10.21", at, at + 18, "hpi"),
    }
    sibling_guard.settle(picks, note, CLL)
    assert "C91.11" not in _finals(picks) and "F10.21" in _finals(picks)


def test_an_assessment_clause_completes_but_the_narrative_does_not() -> None:
    note = "A: Right knee pain; left knee osteoarthritis."
    at = note.index("left")
    picks = {"M17.9": _narrative(KNEE, note, "M17.9", at, len(note) - 1, "assessment")}
    sibling_guard.settle(picks, note, KNEE)
    assert _finals(picks) == ["M17.12"]  # adds only "primary", the Index's default for knee OA
    picks = {"M17.9": _narrative(KNEE, note, "M17.9", at, len(note) - 1, "hpi")}
    sibling_guard.settle(picks, note, KNEE)
    assert _finals(picks) == ["M17.9"]


def test_a_title_naming_a_range_of_stages_does_not_contradict_one_stage() -> None:
    ckd = _catalog(
        {
            "I12.0": "Hypertensive chronic kidney disease with stage 5 chronic kidney disease or end "
            "stage renal disease",
            "I12.9": "Hypertensive chronic kidney disease with stage 1 through stage 4 chronic kidney "
            "disease, or unspecified chronic kidney disease",
        },
        {"I12": "Hypertensive chronic kidney disease"},
    )
    assert _finals(
        _settle(ckd, "1. CKD stage 4 due to hypertensive nephrosclerosis - losartan", "I12.9")
    ) == ["I12.9"]


WRIST = _catalog(
    {
        f"S62.00{side}{char}": f"Unspecified fracture of navicular bone of {where} wrist, {meaning}"
        for side, where in (("1", "right"), ("2", "left"))
        for char, meaning in (("A", "initial encounter"), ("D", "routine healing"), ("K", "nonunion"))
    },
    {
        "S62": "Fracture at wrist and hand level",
        "S62.0": "Fracture of navicular",
        "S62.00": "Unspecified fracture of navicular",
        "S62.001": "Unspecified fracture of navicular bone of right wrist",
        "S62.002": "Unspecified fracture of navicular bone of left wrist",
    },
)
WRIST.seven_chr["S62"] = {
    "A": "initial encounter for closed fracture",
    "B": "initial encounter for open fracture",
    "D": "subsequent encounter for fracture with routine healing",
    "K": "subsequent encounter for fracture with nonunion",
    "P": "subsequent encounter for fracture with malunion",
}


def _settle_chunk(catalog: CodeCatalog, note: str, words: str, code: str) -> dict[str, Pick]:
    """The code read from one chunk of the line (the reader cut the qualifier off)."""
    start = note.index(words)
    head = Mention(start=start, end=start + len(words), text=words, query=words, problem=True)
    picks = {code: Pick(code, 0.6, True, [head], heads=[head])}
    sibling_guard.settle(picks, note, catalog)
    return picks


def test_a_fracture_line_that_says_nonunion_never_keeps_the_initial_encounter() -> None:
    note = "Hand clinic, 5 months after the fall.\nA: Nonunion, right scaphoid fracture.\nP: ORIF."
    assert _finals(_settle_chunk(WRIST, note, "right scaphoid fracture", "S62.001A")) == ["S62.001K"]


def test_a_fracture_line_without_a_healing_word_keeps_its_character() -> None:
    note = "ED.\nA: Right scaphoid fracture, no evidence of nonunion on prior film.\nP: thumb spica."
    assert _finals(_settle_chunk(WRIST, note, "Right scaphoid fracture", "S62.001A")) == ["S62.001A"]
    healed = "Ortho f/u.\nA: Left scaphoid fracture, healing well.\nP: wean splint."
    assert _finals(_settle_chunk(WRIST, healed, "Left scaphoid fracture", "S62.002D")) == ["S62.002D"]


BONES = _catalog(
    {
        "M81.0": "Age-related osteoporosis without current pathological fracture",
        "M81.8": "Other osteoporosis without current pathological fracture",
        "M80.08XA": "Age-related osteoporosis with current pathological fracture, vertebra(e), initial",
        "N30.00": "Acute cystitis without hematuria",
        "N30.01": "Acute cystitis with hematuria",
    },
    {"M81": "Osteoporosis without current pathological fracture", "M80": "Osteoporosis with fracture"},
)


def _without_case(note: str, words: str, *codes: str) -> dict[str, Pick]:
    start = note.index(words)
    m = Mention(start=start, end=start + len(words), text=words, query=words)
    picks = {c: Pick(c, 0.6 - i / 10, i == 0, [m], heads=[m] if i == 0 else []) for i, c in enumerate(codes)}
    sibling_guard.settle(picks, note, BONES)
    return picks


def test_a_without_code_gives_way_when_another_line_states_the_finding() -> None:
    note = "80F with senile osteoporosis.\nA/P: osteoporotic compression fracture of L1 - brace, denosumab."
    # The note's own "with" code among the candidates replaces it...
    assert _finals(_without_case(note, "senile osteoporosis", "M81.0", "M80.08XA")) == ["M80.08XA"]
    # ...and without one the opposite sibling is simply not coded.
    assert _finals(_without_case(note, "senile osteoporosis", "M81.0")) == []
    cystitis = "UC visit: dysuria, acute cystitis.\nA: Cystitis with gross hematuria on UA - nitrofurantoin."
    assert _finals(_without_case(cystitis, "acute cystitis", "N30.00", "N30.01")) == ["N30.01"]


def test_a_without_code_stays_when_the_finding_is_negated_past_or_about_something_else() -> None:
    denied = "72F with age-related osteoporosis, no fractures to date. DEXA T -2.8."
    assert _finals(_without_case(denied, "age-related osteoporosis", "M81.0")) == ["M81.0"]
    old = "72F with age-related osteoporosis.\nOsteoporosis: h/o wrist fracture 2015, on alendronate."
    assert _finals(_without_case(old, "age-related osteoporosis", "M81.0")) == ["M81.0"]
    other = "72F with age-related osteoporosis.\nToe fracture from stubbing it on a door, buddy taped."
    assert _finals(_without_case(other, "age-related osteoporosis", "M81.0")) == ["M81.0"]
    trauma = (
        "72F with age-related osteoporosis and a traumatic fracture of the L fifth metatarsal (ladder fall)."
    )
    assert _finals(_without_case(trauma, "age-related osteoporosis", "M81.0")) == ["M81.0"]


def test_not_in_remission_is_never_the_relapse_code_and_relapse_never_the_untreated_one() -> None:
    """ "In relapse" (it came back after a remission) and "not having achieved remission" are two siblings."""
    untreated = "# CLL, B-cell type - new diagnosis, watch and wait, not in remission"
    assert _finals(_settle(CLL, untreated, "C91.12")) == ["C91.10"]
    assert _finals(_settle(CLL, untreated, "C91.10")) == ["C91.10"]
    relapsed = "# CLL, B-cell type - relapsed after ibrutinib, restaging"
    assert _finals(_settle(CLL, relapsed, "C91.10")) == ["C91.12"]
    assert _finals(_settle(CLL, relapsed, "C91.12")) == ["C91.12"]


ANGINA = _catalog(
    {
        "I25.10": "ASHD of native coronary artery without angina pectoris",
        "I25.110": "ASHD of native coronary artery with unstable angina pectoris",
        "I25.112": "ASHD of native coronary artery with refractory angina pectoris",
        "I25.118": "ASHD of native coronary artery with other forms of angina pectoris",
        "I25.119": "ASHD of native coronary artery with unspecified angina pectoris",
    },
    {
        "I25": "Chronic ischemic heart disease",
        "I25.1": "ASHD of native coronary artery",
        "I25.11": "with angina",
    },
)


def test_a_line_that_says_stable_angina_never_keeps_the_unstable_code() -> None:
    stable = "1. Coronary artery disease with stable effort angina - unchanged for a year, continue nitrate"
    picks = _settle(ANGINA, stable, "I25.110")
    assert "I25.110" not in _finals(picks)
    # Stable (effort) angina is the Index's "Angina, stable" I20.89: CAD with it, I25.118 (specified NEC).
    assert _finals(picks) == ["I25.118"]
    unstable = "1. Coronary artery disease with unstable angina - rest pain since yesterday, admit"
    assert _finals(_settle(ANGINA, unstable, "I25.110")) == ["I25.110"]


def test_a_replacement_for_a_contradicted_candidate_adds_no_unsaid_word() -> None:
    """At ranking time too: "unstable" is contradicted; "refractory" is not said, so the unspecified one."""
    titles = {
        "I25.110": ANGINA.title("I25.110"),
        "I25.112": ANGINA.title("I25.112"),
        "I25.119": ANGINA.title("I25.119"),
    }
    cands = [
        SimpleNamespace(code=c, score=s, title=0.5)
        for c, s in (("I25.110", 0.8), ("I25.112", 0.5), ("I25.119", 0.3))
    ]
    note = "CAD with stable angina on exertion"
    why = prefer_named_sibling(cands, {}, titles.__getitem__, note)  # type: ignore[arg-type]
    assert why and cands[0].code == "I25.119"
    cands = [
        SimpleNamespace(code=c, score=s, title=0.5)
        for c, s in (("I25.110", 0.8), ("I25.112", 0.5), ("I25.119", 0.3))
    ]
    note = "CAD with unstable angina"
    assert prefer_named_sibling(cands, {}, titles.__getitem__, note) is None  # type: ignore[arg-type]


TRIGGER = _catalog(
    {
        "M65.341": "Trigger finger, right ring finger",
        "M65.342": "Trigger finger, left ring finger",
        "M65.349": "Trigger finger, unspecified ring finger",
    },
    {
        "M65": "Synovitis and tenosynovitis",
        "M65.3": "Trigger finger",
        "M65.34": "Trigger finger, ring finger",
    },
)


def test_a_run_on_numbered_list_reads_each_problem_with_its_own_side() -> None:
    """ "bilat" belongs to the second problem: the first one's line ends at "2)"."""
    run_on = "trigger finger, L ring finger - injected today. 2) bilat carpal tunnel syndrome - splints"
    assert _finals(_settle(TRIGGER, run_on, "M65.349")) == ["M65.342"]
    one = "trigger finger, L ring finger and bilat carpal tunnel syndrome - splints"
    assert _finals(_settle(TRIGGER, one, "M65.349")) == ["M65.349"]  # one item naming two sides: none


def test_a_capital_side_letter_before_a_bone_or_joint_adjective_is_a_side() -> None:
    assert (
        expand_abbreviations("nondisplaced R radial styloid fx")
        == "nondisplaced right radial styloid fracture"
    )
    assert "left" in expand_abbreviations("L ATFL sprain")
    assert expand_abbreviations("O2 at 2 L NC") == "O2 at 2 L NC"  # litres, not a side


GOUT = _catalog(
    {
        "M10.011": "Idiopathic gout, right shoulder",
        "M10.012": "Idiopathic gout, left shoulder",
        "M10.071": "Idiopathic gout, right ankle and foot",
        "M10.072": "Idiopathic gout, left ankle and foot",
        "M10.062": "Idiopathic gout, left knee",
        "M10.272": "Drug-induced gout, left ankle and foot",
        "M10.9": "Gout, unspecified",
    },
    {
        "M10": "Gout",
        "M10.0": "Idiopathic gout",
        "M10.01": "Idiopathic gout, shoulder",
        "M10.07": "Idiopathic gout, ankle and foot",
        "M10.06": "Idiopathic gout, knee",
        "M10.2": "Drug-induced gout",
        "M10.27": "Drug-induced gout, ankle and foot",
    },
)


def test_a_code_naming_another_site_gives_way_to_the_sibling_naming_the_lines_site() -> None:
    """ "Left shoulder" for a line that says "L ankle": the sibling that differs only by its site, and
    names the line's site (one word of "ankle and foot" is enough), with the same side."""
    line = "Acute gout flare, L ankle, idiopathic - prednisone burst"
    assert _finals(_settle(GOUT, line, "M10.012")) == ["M10.072"]
    assert _finals(_settle(GOUT, "Gout flare of the left foot", "M10.062")) == ["M10.072"]


def test_a_site_the_line_names_or_leaves_unsaid_keeps_the_code() -> None:
    assert _finals(_settle(GOUT, "Acute gout flare, left shoulder", "M10.012")) == ["M10.012"]
    # The line names no site: nothing to go by, the code stays (and never another condition's site).
    assert _finals(_settle(GOUT, "Acute gout flare, left side, idiopathic", "M10.012")) == ["M10.012"]
    # The site is the other side's: the side decides first, never the opposite sibling.
    assert _finals(_settle(GOUT, "Gout flare, right ankle", "M10.012")) != ["M10.072"]
    # A sibling of another condition (drug-induced) is never chosen for its site alone.
    assert "M10.272" not in _finals(_settle(GOUT, "Gout flare, left ankle", "M10.012"))


ULCER = _catalog(
    {
        "L89.620": "Pressure ulcer of left heel, unstageable",
        "L89.621": "Pressure ulcer of left heel, stage 1",
        "L89.623": "Pressure ulcer of left heel, stage 3",
        "L89.628": "Pressure-induced deep tissue damage of left heel",
        "L89.629": "Pressure ulcer of left heel, unspecified stage",
    },
    {"L89": "Pressure ulcer", "L89.6": "Pressure ulcer of heel", "L89.62": "Pressure ulcer of left heel"},
)


def test_an_unspecified_code_gives_way_to_the_sibling_whose_own_words_the_line_states() -> None:
    assert _finals(_settle(ULCER, "3. Pressure ulcer, left heel, unstageable (eschar)", "L89.629")) == [
        "L89.620"
    ]


def test_an_unspecified_code_stays_when_the_siblings_words_are_negated_or_unsaid() -> None:
    assert _finals(_settle(ULCER, "3. Pressure ulcer, left heel, not unstageable", "L89.629")) == ["L89.629"]
    assert _finals(_settle(ULCER, "3. Pressure ulcer, left heel - wound care", "L89.629")) == ["L89.629"]


def test_an_assessment_mention_is_read_before_the_narrative_one() -> None:
    """The code's first mention is the exam's; its diagnosis-section mention carries the qualifier."""
    note = (
        "Skin: L heel pressure injury, eschar.\nDischarge diagnoses: Pressure ulcer, left heel, unstageable."
    )
    body = Mention(start=6, end=27, text=note[6:27], query=note[6:27], section="body")
    start = note.index("Pressure ulcer")
    dx = Mention(start=start, end=start + 25, text=note[start : start + 25], query="", section="diagnosis")
    picks = {"L89.629": Pick("L89.629", 0.6, True, [body, dx], heads=[body, dx])}
    sibling_guard.settle(picks, note, ULCER)
    assert _finals(picks) == ["L89.620"]
    picks = {"L89.629": Pick("L89.629", 0.6, True, [body], heads=[body])}
    sibling_guard.settle(picks, note, ULCER)
    assert _finals(picks) == ["L89.629"]  # the narrative alone is only checked for contradictions


OBESITY = _catalog(
    {
        "E66.811": "Obesity, class 1",
        "E66.812": "Obesity, class 2",
        "E66.813": "Obesity, class 3",
        "E66.9": "Obesity, unspecified",
    },
    {"E66": "Overweight and obesity", "E66.8": "Other obesity", "E66.81": "Obesity class"},
)


def test_a_number_is_named_only_with_the_word_it_numbers() -> None:
    assert _finals(_settle(OBESITY, "2. Obesity, class 2 - BMI 37, diet and exercise", "E66.9")) == [
        "E66.812"
    ]
    assert _finals(_settle(OBESITY, "2. Obesity - BMI 37, diet and exercise", "E66.9")) == ["E66.9"]


def test_relapse_is_coded_only_when_documented() -> None:
    """A CLL line that says nothing of remission or relapse: the "not having achieved remission" code
    (the tabular's default: "NOS"), as "in remission" needs the note's word."""
    assert _finals(_settle(CLL, "# CLL, B-cell type - never treated, observe", "C91.12")) == ["C91.10"]
    assert _finals(_settle(CLL, "# CLL, B-cell type - relapsed, on venetoclax", "C91.12")) == ["C91.12"]


DRUGS = _catalog(
    {
        "G62.0": "Drug-induced polyneuropathy",
        "G62.1": "Alcoholic polyneuropathy",
        "G62.9": "Polyneuropathy, unspecified",
        "M10.271": "Drug-induced gout, right ankle and foot",
        "M10.272": "Drug-induced gout, left ankle and foot",
        "M10.211": "Drug-induced gout, right shoulder",
        "M10.371": "Gout due to renal impairment, right ankle and foot",
        "T45.1X5A": "Adverse effect of antineoplastic and immunosuppressive drugs, initial encounter",
    },
    {
        "G62": "Other and unspecified polyneuropathies",
        "M10": "Gout",
        "M10.2": "Drug-induced gout",
        "M10.27": "Drug-induced gout, ankle and foot",
        "M10.21": "Drug-induced gout, shoulder",
        "M10.3": "Gout due to renal impairment",
        "M10.37": "Gout due to renal impairment, ankle and foot",
        "T45": "Poisoning by, adverse effect of and underdosing of primarily systemic agents",
        "T45.1": "Antineoplastic and immunosuppressive drugs",
        "T45.1X": "Antineoplastic and immunosuppressive drugs",
        "T45.1X5": "Adverse effect of antineoplastic and immunosuppressive drugs",
    },
)


def _two_on_a_line(note: str, first: tuple[str, str], second: tuple[str, str]) -> dict[str, Pick]:
    picks = {}
    for code, words in (first, second):
        if code:
            at = note.index(words)
            m = Mention(start=at, end=at + len(words), text=words, query=words, section="assessment")
            picks[code] = Pick(code, 0.6, True, [m], heads=[m])
    return picks


def test_a_condition_beside_its_adverse_effect_code_is_the_drug_induced_sibling() -> None:
    note = (
        "A/P: Sigmoid colon cancer on FOLFOX.\nPeripheral polyneuropathy from oxaliplatin, grade 1 - monitor."
    )
    picks = _two_on_a_line(note, ("G62.9", "Peripheral polyneuropathy"), ("T45.1X5A", "oxaliplatin"))
    sibling_guard.drug_induced(picks, note, DRUGS)
    assert _finals(picks) == ["G62.0", "T45.1X5A"]


def test_no_drug_induced_sibling_without_an_adverse_effect_on_the_line_or_with_the_codes_own_cause() -> None:
    note = "A/P: Colon cancer on FOLFOX - oxaliplatin today.\nPeripheral polyneuropathy, diabetic foot exam."
    picks = _two_on_a_line(note, ("G62.9", "Peripheral polyneuropathy"), ("T45.1X5A", "oxaliplatin"))
    sibling_guard.drug_induced(picks, note, DRUGS)
    assert _finals(picks) == ["G62.9", "T45.1X5A"]  # the adverse effect is another line's
    note = "A: Gout, right foot, due to renal impairment and drug-induced? - colchicine."
    picks = _two_on_a_line(note, ("M10.371", "Gout, right foot"), ("", ""))
    sibling_guard.drug_induced(picks, note, DRUGS)
    assert _finals(picks) == ["M10.371"]  # the line states the code's own cause


def test_drug_induced_said_on_the_line_keeps_the_codes_site_and_side() -> None:
    note = "Assessment: Acute gout of the right foot, drug-induced (thiazide)."
    picks = _two_on_a_line(note, ("M10.371", "Acute gout of the right foot"), ("", ""))
    sibling_guard.drug_induced(picks, note, DRUGS)
    assert _finals(picks) == ["M10.271"]


FRAGILITY = _catalog(
    {
        "M81.0": "Age-related osteoporosis without current pathological fracture",
        "M84.433A": "Pathological fracture, right radius, initial encounter for fracture",
        "M84.434A": "Pathological fracture, left radius, initial encounter for fracture",
        "M84.434D": "Pathological fracture, left radius, subsequent encounter for fracture",
        "M80.031A": "Age-related osteoporosis with current pathological fracture, right forearm, initial",
        "M80.032A": "Age-related osteoporosis with current pathological fracture, left forearm, initial",
        "M80.032D": "Age-related osteoporosis with current pathological fracture, left forearm, subsequent",
        "M80.039A": "Age-related osteoporosis with current pathological fracture, unspecified forearm",
        "M80.832D": "Other osteoporosis with current pathological fracture, left forearm, subsequent",
    },
    {
        "M81": "Osteoporosis without current pathological fracture",
        "M80": "Osteoporosis with current pathological fracture",
        "M80.0": "Age-related osteoporosis with current pathological fracture",
        "M80.03": "Age-related osteoporosis with current pathological fracture, forearm",
        "M80.031": "Age-related osteoporosis with current pathological fracture, right forearm",
        "M80.032": "Age-related osteoporosis with current pathological fracture, left forearm",
        "M80.039": "Age-related osteoporosis with current pathological fracture, unspecified forearm",
        "M80.8": "Other osteoporosis with current pathological fracture",
        "M80.83": "Other osteoporosis with current pathological fracture, forearm",
        "M80.832": "Other osteoporosis with current pathological fracture, left forearm",
        "M84": "Disorder of continuity of bone",
        "M84.4": "Pathological fracture, not elsewhere classified",
        "M84.43": "Pathological fracture, ulna and radius",
        "M84.433": "Pathological fracture, right radius",
        "M84.434": "Pathological fracture, left radius",
    },
)


def _final_pick(code: str) -> Pick:
    m = Mention(start=0, end=5, text="x", query="x", section="assessment")
    return Pick(code, 0.6, True, [m], heads=[m])


def test_a_pathological_fracture_in_osteoporosis_is_one_m80_code_of_its_site_side_and_encounter() -> None:
    for fracture, wanted in (("M84.434A", "M80.032A"), ("M84.433A", "M80.031A"), ("M84.434D", "M80.032D")):
        picks = {"M81.0": _final_pick("M81.0"), fracture: _final_pick(fracture)}
        sibling_guard.osteoporotic_fracture(picks, "", FRAGILITY)
        assert _finals(picks) == [wanted]


def test_no_m80_code_without_osteoporosis_or_without_a_pathological_fracture() -> None:
    picks = {"M84.434A": _final_pick("M84.434A")}
    sibling_guard.osteoporotic_fracture(picks, "", FRAGILITY)
    assert _finals(picks) == ["M84.434A"]
    picks = {"M81.0": _final_pick("M81.0")}
    sibling_guard.osteoporotic_fracture(picks, "", FRAGILITY)
    assert _finals(picks) == ["M81.0"]


def _said_pick(code: str, text: str) -> Pick:
    m = Mention(start=0, end=len(text), text=text, query=text, section="assessment")
    return Pick(code, 0.6, True, [m], heads=[m])


def test_a_fracture_its_mention_calls_osteoporotic_or_fragility_is_the_age_related_m80_code() -> None:
    for words in ("osteoporotic fracture of the left radius", "fragility fx, L radius"):
        picks = {"M84.434A": _said_pick("M84.434A", words)}
        sibling_guard.osteoporotic_fracture(picks, words, FRAGILITY)
        assert _finals(picks) == ["M80.032A"]
    words = "pathologic fracture of the left radius from a bone cyst"
    picks = {"M84.434A": _said_pick("M84.434A", words)}
    sibling_guard.osteoporotic_fracture(picks, words, FRAGILITY)
    assert _finals(picks) == ["M84.434A"]


def test_other_osteoporosis_needs_its_kind_named_else_the_fracture_is_age_related() -> None:
    note = "Osteoporosis with a pathological fracture of the left forearm, healing well."
    picks = {"M80.832D": _said_pick("M80.832D", note)}
    sibling_guard.osteoporotic_fracture(picks, note, FRAGILITY)
    assert _finals(picks) == ["M80.032D"]
    note = "Steroid-induced osteoporosis with a pathological fracture of the left forearm, healing well."
    picks = {"M80.832D": _said_pick("M80.832D", note)}
    sibling_guard.osteoporotic_fracture(picks, note, FRAGILITY)
    assert _finals(picks) == ["M80.832D"]


VERTEBRA = _catalog(
    {
        "M81.0": "Age-related osteoporosis without current pathological fracture",
        "S22.080A": "Wedge compression fracture of T11-T12 vertebra, initial encounter for closed fracture",
        "M80.08XA": "Age-related osteoporosis with current pathological fracture, vertebra(e), initial",
        "M80.0AXA": "Age-related osteoporosis with current pathological fracture, other site, initial",
    },
    {
        "M81": "Osteoporosis without current pathological fracture",
        "M80": "Osteoporosis with current pathological fracture",
        "M80.0": "Age-related osteoporosis with current pathological fracture",
        "M80.08": "Age-related osteoporosis with current pathological fracture, vertebra(e)",
        "M80.0A": "Age-related osteoporosis with current pathological fracture, other site",
        "S22": "Fracture of rib(s), sternum and thoracic spine",
        "S22.0": "Fracture of thoracic vertebra",
        "S22.08": "Fracture of T11-T12 vertebra",
        "S22.080": "Wedge compression fracture of T11-T12 vertebra",
    },
)


def _said_pick(code: str, text: str) -> Pick:
    m = Mention(start=0, end=len(text), text=text, query=text, section="assessment")
    return Pick(code, 0.6, True, [m], heads=[m])


def test_a_vertebral_fracture_called_osteoporotic_is_the_m80_vertebra_code() -> None:
    """I.C.13.d.1: a compression fracture of the vertebra in osteoporosis is pathological (M80.-8)."""
    picks = {
        "S22.080A": _said_pick("S22.080A", "Osteoporotic compression fracture T12"),
        "M80.0AXA": _said_pick("M80.0AXA", "age-related osteoporosis"),
    }
    sibling_guard.osteoporotic_vertebra(picks, VERTEBRA)
    assert _finals(picks) == ["M80.08XA"]


def test_a_vertebral_fracture_not_called_osteoporotic_stays_traumatic() -> None:
    picks = {
        "S22.080A": _said_pick("S22.080A", "T12 compression fracture after MVC"),
        "M81.0": _said_pick("M81.0", "osteoporosis"),
    }
    sibling_guard.osteoporotic_vertebra(picks, VERTEBRA)
    assert _finals(picks) == ["M81.0", "S22.080A"]


MIGRAINE = _catalog(
    {
        "G43.001": "Migraine without aura, not intractable, with status migrainosus",
        "G43.009": "Migraine without aura, not intractable, without status migrainosus",
        "G43.011": "Migraine without aura, intractable, with status migrainosus",
        "G43.019": "Migraine without aura, intractable, without status migrainosus",
        "G43.109": "Migraine with aura, not intractable, without status migrainosus",
    },
    {
        "G43": "Migraine",
        "G43.0": "Migraine without aura",
        "G43.00": "Migraine without aura, not intractable",
        "G43.01": "Migraine without aura, intractable",
        "G43.1": "Migraine with aura",
        "G43.10": "Migraine with aura, not intractable",
    },
)


def test_intractable_and_status_need_the_note_to_say_them() -> None:
    # Nothing said of intractability or status: the Tabular's defaults, not intractable, without status.
    assert _finals(_settle(MIGRAINE, "# Migraine without aura - sumatriptan prn", "G43.011")) == ["G43.009"]
    assert _finals(_settle(MIGRAINE, "# Migraine w/o aura, not refractory", "G43.019")) == ["G43.009"]
    # Said: the code that says it stands.
    assert _finals(_settle(MIGRAINE, "# Migraine without aura, refractory", "G43.019")) == ["G43.019"]
    note = "# Migraine without aura, in status migrainosus since Tuesday"
    assert _finals(_settle(MIGRAINE, note, "G43.001")) == ["G43.001"]


def test_a_title_beyond_the_default_is_no_first_candidate() -> None:
    from assistant.suggest.qualifiers import read_qualifiers

    def ranked() -> list[SimpleNamespace]:
        return [
            SimpleNamespace(code=c, score=s, title=0.5) for c, s in (("G43.011", 0.08), ("G43.009", 0.07))
        ]

    reasons: dict[str, list[str]] = {
        "G43.009": ["qualifier: without aura"],
        "G43.011": ["qualifier: without aura"],
    }
    cands = ranked()
    said = read_qualifiers("migraine without aura")
    assert prefer_named_sibling(cands, reasons, MIGRAINE.title, "migraine without aura", said)  # type: ignore[arg-type]
    assert cands[0].code == "G43.009"
    cands = ranked()
    said = read_qualifiers("migraine without aura, intractable, in status migrainosus")
    assert prefer_named_sibling(cands, {}, MIGRAINE.title, "migraine", said) is None  # type: ignore[arg-type]
    assert cands[0].code == "G43.011"


def test_the_family_mass_is_the_chosen_siblings_when_the_qualifiers_chose_it() -> None:
    from assistant.suggest.sibling_choice import family_share

    cands = [
        SimpleNamespace(code=c, score=s, title=0.5)
        for c, s in (("G43.009", 0.10), ("G43.109", 0.10), ("G43.909", 0.05), ("R51.9", 0.2))
    ]
    reasons = {
        "G43.009": ["qualifier: without aura"],
        "G43.109": ['qualifier conflict: title says "with aura", the note "without"'],
    }
    assert abs(family_share(cands, reasons) - 0.25) < 1e-9  # type: ignore[arg-type]
    # No sibling the note contradicts (the ranker, not the note, chose among them): its own probability.
    assert family_share(cands, {"G43.009": ["qualifier: without aura"]}) == 0.10  # type: ignore[arg-type]
    # The first code agrees with nothing the note says: its own probability.
    assert family_share(cands, {"G43.109": reasons["G43.109"]}) == 0.10  # type: ignore[arg-type]


def test_a_side_letter_before_a_sided_condition_is_the_side() -> None:
    said = expand_abbreviations("A: L acute suppurative otitis media w/ spontaneous TM rupture.")
    assert said.startswith("A: left acute suppurative otitis media")
    assert expand_abbreviations("R serous otitis media").startswith("right ")
    assert expand_abbreviations("O2 at 2 L nasal cannula") == "O2 at 2 L nasal cannula"  # litres stay


DIABETES_EYE = _catalog(
    {
        "E11.319": "Type 2 diabetes mellitus with unspecified diabetic retinopathy without macular edema",
        "E11.3293": "Type 2 diabetes mellitus with mild nonproliferative diabetic retinopathy without "
        "macular edema, bilateral",
        "E11.22": "Type 2 diabetes mellitus with diabetic chronic kidney disease",
        "G30.8": "Other Alzheimer's disease",
        "G30.9": "Alzheimer's disease, unspecified",
    },
    {"E11": "Type 2 diabetes mellitus", "E11.3": "Type 2 diabetes mellitus with ophthalmic complications"},
)


def test_an_unspecified_twin_of_a_specific_final_code_is_not_coded_again() -> None:
    from assistant.suggest.consolidate import drop_unspecified_twins

    def picks(*codes: str) -> dict[str, Pick]:
        return {c: Pick(c, 0.5, True, []) for c in codes}

    got = picks("E11.319", "E11.3293", "E11.22")
    drop_unspecified_twins(got, DIABETES_EYE)
    assert _finals(got) == ["E11.22", "E11.3293"] and got["E11.319"].warnings
    # An "other" code is no specific form of the unspecified one: both stay.
    got = picks("G30.8", "G30.9")
    drop_unspecified_twins(got, DIABETES_EYE)
    assert _finals(got) == ["G30.8", "G30.9"]


def test_the_cause_a_note_names_completes_an_unspecified_code() -> None:
    titles = {
        "K85.90": "Acute pancreatitis without necrosis or infection, unspecified",
        "K85.20": "Alcohol induced acute pancreatitis without necrosis or infection",
    }
    cands = [SimpleNamespace(code=c, score=s, title=0.5) for c, s in (("K85.90", 0.8), ("K85.20", 0.1))]
    assert prefer_named_sibling(cands, {}, titles.__getitem__, "Acute alcoholic pancreatitis")  # type: ignore[arg-type]
    assert cands[0].code == "K85.20"
    cands = [SimpleNamespace(code=c, score=s, title=0.5) for c, s in (("K85.90", 0.8), ("K85.20", 0.1))]
    assert prefer_named_sibling(cands, {}, titles.__getitem__, "Acute pancreatitis") is None  # type: ignore[arg-type]


GOUT_PARTS = _catalog(
    {
        "M10.9": "Gout, unspecified",
        "M10.012": "Idiopathic gout, left shoulder",
        "M10.072": "Idiopathic gout, left ankle and foot",
        "M10.071": "Idiopathic gout, right ankle and foot",
        "M1A.9XX0": "Chronic gout, unspecified, without tophus (tophi)",
        "M1A.0710": "Idiopathic chronic gout, right ankle and foot, without tophus (tophi)",
        "M1A.3710": "Chronic gout due to renal impairment, right ankle and foot, without tophus (tophi)",
    },
    {
        "M10": "Gout",
        "M10.0": "Idiopathic gout",
        "M10.01": "Idiopathic gout, shoulder",
        "M10.07": "Idiopathic gout, ankle and foot",
        "M1A": "Chronic gout",
        "M1A.9": "Chronic gout, unspecified",
        "M1A.9X": "Chronic gout, unspecified",
        "M1A.9XX": "Chronic gout, unspecified",
        "M1A.0": "Idiopathic chronic gout",
        "M1A.07": "Idiopathic chronic gout, ankle and foot",
        "M1A.071": "Idiopathic chronic gout, right ankle and foot",
        "M1A.3": "Chronic gout due to renal impairment",
        "M1A.37": "Chronic gout due to renal impairment, ankle and foot",
        "M1A.371": "Chronic gout due to renal impairment, right ankle and foot",
    },
)


def test_a_toe_joint_is_the_ankle_and_foot_site() -> None:
    note = "A: acute gout flare of the left first MTP joint (podagra), idiopathic"
    assert _finals(_settle(GOUT_PARTS, note, "M10.9")) == ["M10.072"]
    # A tophus character (M1A's 7th) is no encounter: the problem line still completes the code.
    note = "# Chronic gout R 1st MTP - on allopurinol, no tophi on exam"
    assert _finals(_settle(GOUT_PARTS, note, "M1A.9XX0")) == ["M1A.0710"]
    # No site named: the unspecified code stays.
    assert _finals(_settle(GOUT_PARTS, "# Gout - on allopurinol", "M10.9")) == ["M10.9"]


RENAL_GOUT = _catalog(
    {
        "M1A.0620": "Idiopathic chronic gout, left knee, without tophus (tophi)",
        "M1A.3620": "Chronic gout due to renal impairment, left knee, without tophus (tophi)",
        "M1A.4620": "Other secondary chronic gout, left knee, without tophus (tophi)",
        "M1A.0621": "Idiopathic chronic gout, left knee, with tophus (tophi)",
        "M1A.3621": "Chronic gout due to renal impairment, left knee, with tophus (tophi)",
    },
    {
        "M1A": "Chronic gout",
        "M1A.0": "Idiopathic chronic gout",
        "M1A.06": "Idiopathic chronic gout, knee",
        "M1A.062": "Idiopathic chronic gout, left knee",
        "M1A.3": "Chronic gout due to renal impairment",
        "M1A.36": "Chronic gout due to renal impairment, knee",
        "M1A.362": "Chronic gout due to renal impairment, left knee",
        "M1A.4": "Other secondary chronic gout",
        "M1A.46": "Other secondary chronic gout, knee",
        "M1A.462": "Other secondary chronic gout, left knee",
    },
)


def test_a_cause_the_note_never_states_is_not_coded() -> None:
    note = "# Chronic gout, L knee - no tophi, continue allopurinol"
    assert _finals(_settle(RENAL_GOUT, note, "M1A.3620")) == ["M1A.0620"]
    # The note states it (in the code's words or as kidney disease): the cause-specific code stands.
    note = "# Chronic gout, L knee, in the setting of CKD 4 - no tophi"
    assert _finals(_settle(RENAL_GOUT, note, "M1A.3620")) == ["M1A.3620"]
    # only the cause changes: the tophus character stays the one the code had
    note = "# Chronic gout of L knee with tophi - allopurinol"
    assert _finals(_settle(RENAL_GOUT, note, "M1A.3621")) == ["M1A.0621"]


STONES = _catalog(
    {
        "N13.2": "Hydronephrosis with renal and ureteral calculous obstruction",
        "N13.30": "Unspecified hydronephrosis",
        "N20.1": "Calculus of ureter",
        "E66.01": "Morbid (severe) obesity due to excess calories",
        "E66.2": "Morbid (severe) obesity with alveolar hypoventilation",
        "E66.9": "Obesity, unspecified",
    },
    {
        "N13": "Obstructive and reflux uropathy",
        "N13.3": "Other and unspecified hydronephrosis",
        "N20": "Calculus",
    },
    refs={"N20": {"excludes1": ["N13.2"]}, "E66.01": {"excludes1": ["E66.2"]}},
)


def test_an_excludes1_note_naming_the_combination_codes_both_conditions_once() -> None:
    from assistant.suggest.consolidate import excluded_to_combination

    said = Mention(start=0, end=40, text="ureteral calculus with hydronephrosis", query="x")
    picks = {"N13.30": Pick("N13.30", 0.5, True, [said]), "N20.1": Pick("N20.1", 0.2, False, [said])}
    excluded_to_combination(picks, STONES)
    assert _finals(picks) == ["N13.2"]
    # The Excludes1 code adds a finding the other condition's title does not name: no combination.
    said = Mention(start=0, end=20, text="morbid obesity", query="x")
    picks = {"E66.9": Pick("E66.9", 0.5, True, [said]), "E66.01": Pick("E66.01", 0.2, False, [said])}
    excluded_to_combination(picks, STONES)
    assert _finals(picks) == ["E66.9"]


def test_a_symptom_integral_to_the_combination_made_last_is_not_coded_beside_it() -> None:
    """I.B.5 after I.A.12.a: hematuria (R31.0) is integral to the calculus that the Excludes1 step coded
    as N13.2 (the engine runs the integral-symptom rule again after that step)."""
    from assistant.suggest.coding_rules.context import NoteContext
    from assistant.suggest.coding_rules.symptoms import drop_integral_symptoms
    from assistant.suggest.consolidate import excluded_to_combination

    said = Mention(start=0, end=40, text="ureteral calculus with hydronephrosis", query="x")
    blood = Mention(start=50, end=65, text="gross hematuria", query="x")
    catalog = _catalog(
        {**{c: STONES.title(c) for c in ("N13.2", "N13.30", "N20.1")}, "R31.0": "Gross hematuria"},
        {"N13": "Obstructive and reflux uropathy", "N13.3": "x", "N20": "Calculus", "R31": "Hematuria"},
        refs={"N20": {"excludes1": ["N13.2"]}},
    )
    picks = {
        "N13.30": Pick("N13.30", 0.5, True, [said]),
        "N20.1": Pick("N20.1", 0.2, False, [said]),
        "R31.0": Pick("R31.0", 0.7, True, [blood]),
    }
    ctx = NoteContext(note="x" * 70)
    drop_integral_symptoms(picks, ctx, catalog)
    assert _finals(picks) == ["N13.30", "R31.0"]  # unspecified hydronephrosis: hematuria is not its part
    excluded_to_combination(picks, catalog)
    drop_integral_symptoms(picks, ctx, catalog)
    assert _finals(picks) == ["N13.2"]


CELLULITIS = _catalog(
    {
        "L03.111": "Cellulitis of right axilla",
        "L03.112": "Cellulitis of left axilla",
        "L03.114": "Cellulitis of left upper limb",
        "L03.116": "Cellulitis of left lower limb",
    },
    {
        "L03": "Cellulitis and acute lymphangitis",
        "L03.1": "Cellulitis of other parts of limb",
        "L03.11": "Cellulitis of other parts of limb",
    },
)


def test_a_thigh_is_the_lower_limb_of_a_skin_title() -> None:
    note = "ED impression: Abscess of L thigh with surrounding cellulitis - bedside I&D"
    assert _finals(_settle(CELLULITIS, note, "L03.112")) == ["L03.116"]
    note = "ED impression: cellulitis of the left forearm"
    assert _finals(_settle(CELLULITIS, note, "L03.112")) == ["L03.114"]


CUFF = _catalog(
    {
        "M75.102": "Unspecified rotator cuff tear or rupture of left shoulder, not specified as traumatic",
        "M75.112": "Incomplete rotator cuff tear or rupture of left shoulder, not specified as traumatic",
        "M75.122": "Complete rotator cuff tear or rupture of left shoulder, not specified as traumatic",
    },
    {
        "M75": "Shoulder lesions",
        "M75.1": "Rotator cuff tear or rupture, not specified as traumatic",
        "M75.10": "Unspecified rotator cuff tear",
        "M75.11": "Incomplete rotator cuff tear",
        "M75.12": "Complete rotator cuff tear",
    },
)


def test_a_partial_tear_is_the_incomplete_one() -> None:
    note = "2. Nontraumatic partial rotator cuff tear, L shoulder (MRI) - PT referral"
    assert _finals(_settle(CUFF, note, "M75.102")) == ["M75.112"]
    note = "2. Full-thickness rotator cuff tear, left shoulder - ortho referral"
    assert _finals(_settle(CUFF, note, "M75.102")) == ["M75.122"]
    # A partial remission says nothing of a tear.
    assert "incomplete" not in sibling_guard.read_line("MDD, recurrent, in partial remission").text


ANGINA_FORMS = _catalog(
    {
        "I25.110": "ASHD of native coronary artery with unstable angina pectoris",
        "I25.118": "ASHD of native coronary artery with other forms of angina pectoris",
        "I25.119": "ASHD of native coronary artery with unspecified angina pectoris",
    },
    {
        "I25": "Chronic ischemic heart disease",
        "I25.1": "Atherosclerotic heart disease of native coronary artery",
        "I25.11": "Atherosclerotic heart disease of native coronary artery with angina pectoris",
    },
)


def test_a_stable_angina_is_the_indexs_other_form_of_angina() -> None:
    note = "A: CAD of native coronary arteries with stable exertional angina - add isosorbide"
    assert _finals(_settle(ANGINA_FORMS, note, "I25.119")) == ["I25.118"]
    # Unstable angina, or angina of no named form: not the other form.
    assert _finals(_settle(ANGINA_FORMS, "A: CAD with angina - add isosorbide", "I25.119")) == ["I25.119"]
    assert _finals(_settle(ANGINA_FORMS, "A: CAD with unstable angina", "I25.110")) == ["I25.110"]


CLAVICLE = _catalog(
    {
        f"S42.02{n}{char}": f"{kind} fracture of shaft of {side} clavicle, {meaning}"
        for n, kind, side in (("2", "Displaced", "left"), ("5", "Nondisplaced", "left"))
        for char, meaning in (("A", "initial encounter for closed fracture"), ("D", "routine healing"))
    },
    {
        "S42": "Fracture of shoulder and upper arm",
        "S42.0": "Fracture of clavicle",
        "S42.02": "Fracture of shaft of clavicle",
        "S42.022": "Displaced fracture of shaft of left clavicle",
        "S42.025": "Nondisplaced fracture of shaft of left clavicle",
    },
)
CLAVICLE.seven_chr["S42"] = {"A": "initial encounter for closed fracture", "D": "routine healing"}


def test_an_encounter_code_saying_what_its_line_negates_is_the_non_sibling_of_the_same_encounter() -> None:
    note = "Ortho f/u.\nA: L clavicle shaft fracture, nondisplaced, healing as expected.\nP: ROM."
    picks = _settle_chunk(CLAVICLE, note, "L clavicle shaft fracture", "S42.022D")
    assert _finals(picks) == ["S42.025D"]
    displaced = "Ortho f/u.\nA: L clavicle shaft fracture, displaced, healing as expected.\nP: ROM."
    assert _finals(_settle_chunk(CLAVICLE, displaced, "L clavicle shaft fracture", "S42.022D")) == [
        "S42.022D"
    ]


def test_a_fracture_not_stated_nondisplaced_is_coded_displaced() -> None:
    # I.C.19.c.1: a "Nondisplaced" code the note never says becomes the displaced code of the same encounter
    note = "Ortho f/u.\nA: L clavicle shaft fracture, healing as expected.\nP: ROM."
    assert _finals(_settle_chunk(CLAVICLE, note, "L clavicle shaft fracture", "S42.025D")) == ["S42.022D"]
    said = "Ortho f/u. XR: non-displaced.\nA: L clavicle shaft fracture, healing as expected.\nP: ROM."
    assert _finals(_settle_chunk(CLAVICLE, said, "L clavicle shaft fracture", "S42.025D")) == ["S42.025D"]


def test_without_mention_of_in_a_title_excludes_the_finding() -> None:
    title = qualifiers.read_qualifiers(
        "Parkinson's disease without dyskinesia, without mention of fluctuations", title=True
    )
    note = qualifiers.read_qualifiers("Parkinson's disease with motor fluctuations")
    conflicts, _ = qualifiers.compare(note, title)
    assert conflicts and "fluctuation" in conflicts[0]


def test_a_title_not_specified_as_the_word_the_note_negates_is_no_conflict() -> None:
    rotator = "Incomplete rotator cuff tear or rupture of left shoulder, not specified as traumatic"
    assert (
        qualifiers.plain_where_negated("Nontraumatic partial rotator cuff tear, L shoulder", rotator) is None
    )
    displaced = "Displaced fracture of shaft of left clavicle"
    assert qualifiers.plain_where_negated("L clavicle fracture, nondisplaced", displaced) is not None


def test_a_with_phrase_the_note_never_names_gives_way_to_the_siblings_without() -> None:
    titles = {
        "G20.B2": "Parkinson's disease with dyskinesia, with fluctuations",
        "G20.A2": "Parkinson's disease without dyskinesia, with fluctuations",
        "G20.A1": "Parkinson's disease without dyskinesia, without mention of fluctuations",
    }
    cands = [
        SimpleNamespace(code=c, score=s, title=0.5)
        for c, s in (("G20.B2", 0.6), ("G20.A2", 0.3), ("G20.A1", 0.1))
    ]
    note = "Parkinson's disease with motor fluctuations"
    assert prefer_named_sibling(cands, {}, titles.__getitem__, note)  # type: ignore[arg-type]
    assert cands[0].code == "G20.A2"
    cands.sort(key=lambda c: c.code != "G20.B2")
    said = "Parkinson's disease with peak-dose dyskinesia and wearing-off fluctuations"
    assert prefer_named_sibling(cands, {}, titles.__getitem__, said) is None  # type: ignore[arg-type]


def test_not_specified_as_recurrent_is_no_recurrence() -> None:
    recurrent = qualifiers.title_qualifiers("Enterocolitis due to Clostridium difficile, recurrent")
    unspecified = qualifiers.title_qualifiers(
        "Enterocolitis due to Clostridium difficile, not specified as recurrent"
    )
    assert unspecified.recurrent is None and recurrent.recurrent is True


def test_a_condition_the_line_denies_with_not_is_excluded_like_without() -> None:
    note = qualifiers.read_qualifiers("IgA nephropathy, not nephrotic")
    nephrotic = qualifiers.title_qualifiers(
        "Nephrotic syndrome with diffuse mesangial proliferative glomerulonephritis"
    )
    assert qualifiers.names_excluded(note, nephrotic)
    assert not qualifiers.names_excluded(qualifiers.read_qualifiers("IgA nephropathy"), nephrotic)
    assert not qualifiers.read_qualifiers("migraine, not intractable").excluded  # an axis, read as such


def test_a_contradicted_code_is_never_replaced_by_a_sibling_about_another_condition() -> None:
    heart = _catalog(
        {
            "I25.5": "Ischemic cardiomyopathy",
            "I25.10": "Atherosclerotic heart disease of native coronary artery without angina pectoris",
            "I25.119": "Atherosclerotic heart disease of native coronary artery with angina pectoris",
        },
        {
            "I25": "Chronic ischemic heart disease",
            "I25.1": "Atherosclerotic heart disease of native coronary artery",
        },
    )
    picks = _settle(heart, "# Non-ischemic dilated cardiomyopathy - GDMT", "I25.5")
    assert _finals(picks) == [] and picks["I25.5"].warnings  # no angina code for a cardiomyopathy
    assert _finals(_settle(heart, "# Ischemic cardiomyopathy - GDMT", "I25.5")) == ["I25.5"]


INSOMNIA = _catalog(
    {
        "F51.01": "Primary insomnia",
        "F51.05": "Insomnia due to other mental disorder",
        "F51.09": "Other insomnia not due to a substance or known physiological condition",
    },
    {"F51": "Sleep disorders not due to a substance or known physiological condition", "F51.0": "Insomnia"},
)


def test_a_mental_disorder_named_by_its_name_is_the_stated_cause() -> None:
    note = "A/P: Insomnia d/t worsening depression - trazodone qhs."
    picks = _two_on_a_line(note, ("F51.05", "Insomnia d/t worsening depression"), ("", ""))
    sibling_guard.unstated_cause(picks, note, INSOMNIA)
    assert _finals(picks) == ["F51.05"]


def test_insomnia_with_no_mental_disorder_named_gives_way_to_primary_insomnia() -> None:
    note = "A/P: Insomnia, difficulty staying asleep - sleep hygiene."
    picks = _two_on_a_line(note, ("F51.05", "Insomnia"), ("", ""))
    sibling_guard.unstated_cause(picks, note, INSOMNIA)
    assert _finals(picks) == ["F51.01"]


ASTHMA = _catalog(
    {
        "J45.30": "Mild persistent asthma, uncomplicated",
        "J45.31": "Mild persistent asthma with (acute) exacerbation",
        "J45.32": "Mild persistent asthma with status asthmaticus",
        "J44.1": "Chronic obstructive pulmonary disease with (acute) exacerbation",
    },
    {"J45": "Asthma", "J45.3": "Mild persistent asthma", "J44": "Other COPD"},
)


def _in_sentence(note: str, words: str, code: str, others: dict[str, str] | None = None) -> dict[str, Pick]:
    end = note.index(". ") + 1 if ". " in note else len(note)

    def mention(text: str) -> Mention:
        start = note.index(text)
        return Mention(start, start + len(text), text, text, "body", 0, end)

    picks = {code: Pick(code, 0.6, True, [mention(words)], heads=[mention(words)])}
    for other, text in (others or {}).items():
        picks[other] = Pick(other, 0.6, True, [mention(text)], heads=[mention(text)])
    sibling_guard.settle(picks, note, ASTHMA)
    return picks


def test_a_narrative_clause_reads_the_qualifier_said_before_the_condition() -> None:
    # a note without headers: "Asthma exacerbation, mild persistent asthma" is one clause of the asthma
    note = "Asthma exacerbation, mild persistent asthma. Albuterol nebs given, prednisone burst."
    assert _finals(_in_sentence(note, "mild persistent asthma", "J45.30")) == ["J45.31"]
    # another final code's mention before it ends the clause: the COPD's exacerbation is not the asthma's
    note = "COPD exacerbation, mild persistent asthma. Nebs given."
    picks = _in_sentence(note, "mild persistent asthma", "J45.30", {"J44.1": "COPD exacerbation"})
    assert _finals(picks) == ["J44.1", "J45.30"]


PHARYNGITIS = _catalog(
    {
        "J02.0": "Streptococcal pharyngitis",
        "J02.8": "Acute pharyngitis due to other specified organisms",
        "J02.9": "Acute pharyngitis, unspecified",
    },
    {"J02": "Acute pharyngitis"},
)


def test_a_test_the_line_reports_negative_names_no_form_of_the_condition() -> None:
    assert _finals(_settle(PHARYNGITIS, "# Pharyngitis, strep test negative - fluids", "J02.9")) == ["J02.9"]
    assert _finals(_settle(PHARYNGITIS, "# Pharyngitis, negative for strep - fluids", "J02.9")) == ["J02.9"]
    assert _finals(_settle(PHARYNGITIS, "# Pharyngitis, rapid strep positive - amoxicillin", "J02.9")) == [
        "J02.0"
    ]


def test_a_dictated_narrative_without_headings_completes_its_clauses() -> None:
    """A note with no heading at all states its diagnoses in its sentences: the clause completes the code
    as an assessment's would; with an HPI heading the narrative still only contradicts (test above)."""
    note = (
        "She is followed for depression that keeps coming back, recurrent and moderate this time; sertraline."
    )
    at = note.index("depression")
    picks = {"F33.9": _narrative(MDD, note, "F33.9", at, note.index(";"), "body")}
    sibling_guard.settle(picks, note, MDD)
    assert _finals(picks) == ["F33.1"]
    picks = {"F33.9": _narrative(MDD, note, "F33.9", at, note.index(";"), "hpi")}
    sibling_guard.settle(picks, note, MDD)
    assert _finals(picks) == ["F33.9"]
