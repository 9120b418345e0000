"""Round 23 of the us-notes batches: general classes the blind batch usn-1525 ... usn-1540 (procedure-heavy
specialty clinics: OD / OS / OU, AD / AS / AU, "Procedure note:" blocks with the drug and dose) showed. Each
test has a wording of our own the rule must change and one it must leave alone."""

from __future__ import annotations

import pytest

from assistant.suggest import qualifiers
from assistant.suggest.abbreviations import expand_text
from assistant.suggest.cancer_history import by_site, personal_code
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.drugs_given import drugs_given, procedure_blocks
from assistant.suggest.coding_rules.encounters import cancer_follow_up
from assistant.suggest.consolidate import drop_contradicting_siblings
from assistant.suggest.index_walker import WalkHit
from assistant.suggest.reader import Mention, clean_query, read_note
from assistant.suggest.sibling_guard import _own_side, read_line
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_CATALOG = CodeCatalog(
    {
        "codes": {
            "J3301": [
                "HCPCS",
                "Injection, triamcinolone acetonide, not otherwise specified, 10 mg",
                True,
                None,
                "code",
            ],
            "J1100": ["HCPCS", "Injection, dexamethasone sodium phosphate, 1 mg", True, None, "code"],
            "J0165": ["HCPCS", "Injection, epinephrine, not otherwise specified, 0.1 mg", True, None, "code"],
            "M17.0": ["ICD-10-CM", "Bilateral primary osteoarthritis of knee", True, "M17", "code"],
        }
    }
)


def _given(note: str) -> list[str]:
    m = Mention(start=0, end=5, text="x", query="x", section="assessment")
    picks = {"M17.0": Pick("M17.0", 0.7, True, [m], heads=[m])}
    drugs_given(picks, NoteContext(note=note), _CATALOG)
    return sorted(c for c, p in picks.items() if p.final and c.startswith("J"))


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Myopia OU, astigmatism OD - CL rx updated.", "bilateral"),
        ("Pinguecula OD - artificial tears prn.", "right eye"),
        ("Refractive amblyopia OS - patch OD 2 h/d.", "left eye"),
        ("Impacted cerumen AD - removed.", "right ear"),
        ("Dull retracted TM AS, amber fluid.", "left ear"),
        ("Tympanometry: type B AU.", "bilateral"),
    ],
)
def test_the_eye_and_ear_shorthand_names_the_side_beside_its_own_findings(text: str, side: str) -> None:
    assert side in expand_text(text)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Heroin OD, naloxone given.", "overdose"),
        ("Severe AS, valve area 0.8 cm2 on echo.", "aortic stenosis"),
        ("AD with agitation, on donepezil.", "alzheimer"),
    ],
)
def test_the_same_letters_keep_their_other_meanings_elsewhere(text: str, kept: str) -> None:
    expanded = expand_text(text).lower()
    assert kept in expanded and "ear" not in expanded.replace("year", "")


def test_irritated_seborrheic_keratosis_and_cherry_angioma_read_as_the_index_words() -> None:
    assert "inflamed seborrheic keratosis" in expand_text("Irritated SK R flank - LN2.")
    assert "senile angioma" in expand_text("Multiple cherry angiomas trunk.")
    assert "inflamed" not in expand_text("SKs back - benign.")


@pytest.mark.parametrize(
    ("line", "words", "uncertain"),
    [
        ("Stomach: antral erythema -> cold bx x2 (r/o H. pylori).", "pylori", True),
        ("Antral erythema - bx pending for H. pylori.", "pylori", True),
        ("CT abd r/o appendicitis.", "appendicitis", True),
        ("Appendicitis (r/o perforation).", "Appendicitis", False),
        ("Gastritis with H. pylori on bx.", "pylori", False),
    ],
)
def test_what_a_test_looks_for_is_not_yet_found(line: str, words: str, uncertain: bool) -> None:
    mention = next(m for m in read_note("Seen today.\n" + line) if words in m.text)
    assert mention.uncertain is uncertain


def _hit(code: str, path: list[str], score: float) -> WalkHit:
    return WalkHit(code=code, path=path, score=score, source="main", index_code=code, bracket="")


def test_a_past_neoplasm_in_situ_has_its_in_situ_history_code() -> None:
    assert personal_code("D03.59") == "Z86.006"
    assert personal_code("D05.11") == "Z86.000"
    assert personal_code("C43.59") == "Z85.820"
    hits = [
        _hit("D03.59", ["Melanoma", "in situ", "back"], 0.6),
        _hit("C43.59", ["Melanoma", "skin", "back"], 0.4),
    ]
    assert by_site("history", hits) == ("Z86.006", hits[0])
    assert by_site("history", hits[1:]) == ("Z85.820", hits[1])
    assert "melanoma in situ" in expand_text("Hx MIS upper back, WLE 2019")


_PROCEDURE = (
    "Ortho f/u, bilat knee OA.\nExam: R knee effusion.\n"
    "Procedure note: R knee, superolateral approach: triamcinolone acetonide 40 mg + 4 mL 1% lidocaine.\n"
    "A/P:\n1. Primary OA both knees.\n"
)


def test_a_drug_and_dose_in_a_procedure_note_block_is_given() -> None:
    assert _given(_PROCEDURE) == ["J3301"]
    (start, end) = procedure_blocks(_PROCEDURE)[0]
    assert "triamcinolone" in _PROCEDURE[start:end] and "Primary OA" not in _PROCEDURE[start:end]


@pytest.mark.parametrize(
    "note",
    [
        # the same line outside a procedure note: a dose named, nothing said done
        "Ortho f/u.\nR knee: triamcinolone acetonide 40 mg + 4 mL 1% lidocaine.\nA/P: OA.\n",
        # a procedure planned
        "Ortho f/u.\nProcedure: will inject triamcinolone acetonide 40 mg next visit.\nA/P: OA.\n",
        # a block the next section closes
        "Procedure note: none today.\nA/P:\n1. OA - triamcinolone acetonide 40 mg at next visit.\n",
    ],
)
def test_a_drug_outside_a_procedure_block_or_planned_in_it_is_not_given(note: str) -> None:
    assert _given(note) == []


def test_the_epinephrine_of_a_local_anesthetic_is_not_a_drug_given() -> None:
    note = "Procedure note: ED&C x3. Local: 1% lidocaine w/ epi 2 mL injected.\nA/P: BCC.\n"
    assert _given(note) == []
    assert _given("Anaphylaxis: epinephrine 0.3 mg IM given in clinic.\n") == ["J0165"]


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Hammer toes 2nd, 3rd R - accommodative shoes.", "right"),
        ("Flexible hammertoes 2nd and 3rd L.", "left"),
    ],
)
def test_a_side_letter_after_the_digits_it_follows_names_their_side(text: str, side: str) -> None:
    assert f"3rd {side}" in expand_text(text)
    assert "right" not in expand_text("Hammer toes 2nd, 3rd RTC 2 wk.")


_FOLLOW_UP_CATALOG = CodeCatalog(
    {
        "codes": {
            "Z08": [
                "ICD-10-CM",
                "Encounter for follow-up examination after completed treatment for malignant neoplasm",
                True,
                "Z08",
                "code",
            ],
            "Z85.038": [
                "ICD-10-CM",
                "Personal history of other malignant neoplasm of large intestine",
                True,
                "Z85.03",
                "code",
            ],
            "I10": ["ICD-10-CM", "Essential (primary) hypertension", True, "I10", "code"],
        },
        "refs": {},
    }
)


def _follow_up(note: str, others: tuple[str, ...] = ()) -> bool:
    start = note.index("Hx colon")
    history = Mention(start, start + 9, "Hx colon", "Hx colon", "assessment", 0, len(note))
    picks = {code: Pick(code, 0.8, True, [history]) for code in ("Z85.038", *others)}
    cancer_follow_up(picks, NoteContext(note=note), _FOLLOW_UP_CATALOG)
    return "Z08" in picks and picks["Z08"].final


def test_no_recurrence_of_a_past_cancer_at_the_visit_is_its_follow_up() -> None:
    assert _follow_up("Colonoscopy.\nImpression:\n1. Hx colon cancer - no local recurrence.\n")
    assert not _follow_up("Colonoscopy.\nImpression:\n1. Hx colon cancer, resected 2023.\n")


@pytest.mark.parametrize(
    ("query", "clean"),
    [
        ("Calluses x2", "Calluses"),
        ("cough x3d", "cough"),
        ("T2DM x15 yr", "T2DM"),
        ("46,XX karyotype", "46,XX karyotype"),
        ("hypoxia", "hypoxia"),
    ],
)
def test_a_count_or_duration_after_the_condition_is_no_word_of_it(query: str, clean: str) -> None:
    assert clean_query(query) == clean


_T2 = "Type 2 diabetes mellitus with "
_NPDR = {
    "E11.3411": _T2 + "severe nonproliferative diabetic retinopathy with macular edema, right eye",
    "E11.3491": _T2 + "severe nonproliferative diabetic retinopathy without macular edema, right eye",
    "E11.3392": _T2 + "moderate nonproliferative diabetic retinopathy without macular edema, left eye",
}
_NPDR_CATALOG = CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:5], "code"] for c, t in _NPDR.items()}})


def _npdr_pick(code: str, score: float, query: str) -> Pick:
    m = Mention(0, len(query), query, query, "assessment", 0, len(query))
    return Pick(code, score, True, [m], heads=[m])


def test_the_stated_with_outranks_the_index_default_without_of_a_silent_mention() -> None:
    silent = _npdr_pick("E11.3491", 0.76, "severe nonproliferative diabetic retinopathy right eye")
    stated = _npdr_pick(
        "E11.3411", 0.69, "severe nonproliferative diabetic retinopathy with diabetic macular edema right eye"
    )
    picks = {"E11.3491": silent, "E11.3411": stated}
    drop_contradicting_siblings(picks, _NPDR_CATALOG)
    assert picks["E11.3411"].final and not picks["E11.3491"].final
    # a mention that itself denies it keeps its "without" (the better-supported one stays)
    denied = _npdr_pick(
        "E11.3491", 0.76, "severe nonproliferative diabetic retinopathy, no macular edema, right eye"
    )
    picks = {"E11.3491": denied, "E11.3411": _npdr_pick("E11.3411", 0.69, stated.mentions[0].query)}
    drop_contradicting_siblings(picks, _NPDR_CATALOG)
    assert picks["E11.3491"].final and not picks["E11.3411"].final


def test_one_eye_with_macular_edema_and_the_other_without_are_two_facts() -> None:
    picks = {
        "E11.3411": _npdr_pick("E11.3411", 0.69, "severe NPDR with diabetic macular edema right eye"),
        "E11.3392": _npdr_pick("E11.3392", 0.39, "moderate NPDR without diabetic macular edema left eye"),
    }
    drop_contradicting_siblings(picks, _NPDR_CATALOG)
    assert picks["E11.3411"].final and picks["E11.3392"].final


def test_diabetic_before_a_complication_is_no_concept_the_title_contradicts() -> None:
    note = qualifiers.read_qualifiers(
        "moderate nonproliferative diabetic retinopathy without diabetic macular edema"
    )
    conflicts, _ = qualifiers.compare(note, qualifiers.title_qualifiers(_NPDR["E11.3392"]))
    assert conflicts == []
    conflicts, _ = qualifiers.compare(note, qualifiers.title_qualifiers(_NPDR["E11.3411"]))
    assert conflicts  # "with macular edema" against the note's "without"


def test_a_mention_naming_one_eye_keeps_its_side_on_a_line_naming_both() -> None:
    note = "Eye exam.\nA/P:\n1. Myopia OU, astigmatism OD - CL rx updated.\n"
    astigmatism = next(m for m in read_note(note) if "astigmatism" in m.text)
    line = read_line(expand_text("Myopia OU, astigmatism OD - CL rx updated."))
    assert line.side == "bilateral"
    assert _own_side(line, astigmatism).side == "right"
    myopia = next(m for m in read_note(note) if "Myopia" in m.text)
    assert _own_side(line, myopia).side == "bilateral"


@pytest.mark.parametrize(
    ("line", "negated"),
    [
        ("Pre-injection: no URI sx, no wheeze.", True),
        ("Post-procedure: no bleeding.", True),
        ("Diabetes: no retinopathy.", False),
    ],
)
def test_a_procedure_check_label_lets_its_denial_reach_the_finding(line: str, negated: bool) -> None:
    first = read_note("Seen today.\n" + line)[1]
    assert first.negated is negated
