"""Rules from a women's-health and urology batch (usn-1573 … usn-1588): a drug only proposed is no long-term
use, and the Index's kidney-with-ureter stone combination. Notes written for these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.index_pairs import index_pairs
from assistant.suggest.coding_rules.menopause import menopause_unsaid
from assistant.suggest.coding_rules.partners import add_drugs
from assistant.suggest.coding_rules.pregnancy import trimester_of_the_weeks
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.rules import excludes1_conflict
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import expand_abbreviations
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog

INSULIN = hierarchy_catalog(
    {
        "Z79.4": "Long term (current) use of insulin",
        "E11.65": "Type 2 diabetes mellitus with hyperglycemia",
    },
    {"Z79": "Long term (current) drug therapy", "E11": "Type 2 diabetes mellitus", "E11.6": "With other"},
    refs={"E11": {"use_additional": ["Z79.4"]}},
)


def _mention(note: str, words: str, section: str = "assessment") -> Mention:
    start = note.index(words)
    return Mention(start, start + len(words), words, words, section, 0, len(note))


@pytest.mark.parametrize(
    ("note", "long_term"),
    [
        ("A/P: T2DM with hyperglycemia - A1c 9.2; PCP to add basal insulin? defer.", False),
        ("A/P: T2DM with hyperglycemia - consider starting insulin glargine if A1c stays >9.", False),
        ("A/P: T2DM with hyperglycemia - on insulin glargine 20 units qhs, increase to 24.", True),
    ],
)
def test_a_drug_only_proposed_is_no_long_term_use(note: str, long_term: bool) -> None:
    picks = {"E11.65": Pick("E11.65", 0.8, True, [_mention(note, "T2DM with hyperglycemia")])}
    add_drugs(picks, NoteContext(note=note), INSULIN)
    assert ("Z79.4" in picks and picks["Z79.4"].final) is long_term


STONES = hierarchy_catalog(
    {
        "N20.0": "Calculus of kidney",
        "N20.1": "Calculus of ureter",
        "N20.2": "Calculus of kidney with calculus of ureter",
    },
    {"N20": "Calculus of kidney and ureter"},
)


@pytest.mark.parametrize(
    ("note", "finals"),
    [
        ("Dx: L renal pelvis stone and L proximal ureteral stone.\n", {"N20.2"}),
        # two sentences: the coder reads whether one stone episode is meant
        ("Dx: L renal stone.\nHx ureteral stone 2019 passed.\n", {"N20.0", "N20.1"}),
    ],
)
def test_a_kidney_and_a_ureteral_stone_in_one_sentence_are_one_index_code(
    note: str, finals: set[str]
) -> None:
    kidney = _mention(note, "renal")
    ureter = _mention(note, "ureteral")
    if "\n" in note.strip():
        ureter.sentence_start = note.index("Hx")
    picks = {
        "N20.0": Pick("N20.0", 0.7, True, [kidney]),
        "N20.1": Pick("N20.1", 0.6, True, [ureter]),
    }
    index_pairs(picks, NoteContext(note=note), STONES)
    assert {c for c, p in picks.items() if p.final} == finals


@pytest.mark.parametrize(
    ("sentence", "history"),
    [
        (
            "Two prior SABs 2023, 2024 (both 1st tri).",
            True,
        ),  # the count of past events leads the history word
        ("3 previous UTIs this year.", True),
        ("Two new lesions on the back.", False),
        ("Two painful nodules, previous biopsy benign.", False),  # the history word is about another item
    ],
)
def test_a_count_ahead_of_prior_keeps_the_history(sentence: str, history: bool) -> None:
    first = read_note(sentence)[0]
    assert first.history is history


@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("vaginal estrogen cream 2x/wk (also lowers UTI recurrence)", "prevention"),
        ("atorvastatin 40 mg (to lower LDL)", "prevention"),
        ("lower back pain", None),
        ("Recurrent UTI (E. coli) on nitrofurantoin", None),
        ("decreased appetite", None),
    ],
)
def test_what_a_treatment_lowers_is_no_condition(chunk: str, why: str | None) -> None:
    assert why_not_coded(chunk) == why


ATROPHY = hierarchy_catalog(
    {"N95.2": "Postmenopausal atrophic vaginitis", "N95.1": "Menopausal and female climacteric states"},
    {"N95": "Menopausal and other perimenopausal disorders"},
)


@pytest.mark.parametrize(
    ("note", "words", "code", "kept"),
    [
        (
            "61F. Exam: pale thin mucosa - atrophic vaginitis. Plan: vaginal estrogen.",
            "atrophic vaginitis",
            "N95.2",
            True,
        ),
        ("44F. A/P: vaginal atrophy on letrozole.", "vaginal atrophy", "N95.2", True),
        ("A/P: flushing from tamoxifen", "flushing", "N95.1", False),  # the rule still holds elsewhere
    ],
)
def test_atrophic_vaginitis_needs_no_word_of_the_menopause(
    note: str, words: str, code: str, kept: bool
) -> None:
    picks = {code: Pick(code, 0.8, True, [_mention(note, words)])}
    menopause_unsaid(picks, NoteContext(note=note), ATROPHY)
    assert picks[code].final is kept


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("BRCA2 carrier", "genetic susceptibility, breast (BRCA2)"),
        ("heterogeneously dense breasts, both sides", "mammographic heterogeneous density"),
        ("scattered fibroglandular density", "mammographic fibroglandular density"),
        ("extremely dense breasts (category D)", "mammographic extreme density"),
    ],
)
def test_mammographic_density_and_brca_in_the_classification_words(text: str, expanded: str) -> None:
    assert expanded in expand_abbreviations(text)


def test_extremely_dense_needs_a_breast_context() -> None:
    assert "mammographic" not in expand_abbreviations("extremely dense consolidation in RLL")


UTI = hierarchy_catalog(
    {
        "N39.0": "Urinary tract infection, site not specified",
        "N10": "Acute pyelonephritis",
        "N30.00": "Acute cystitis without hematuria",
        "E11.65": "Type 2 diabetes mellitus with hyperglycemia",
    },
    {"N39": "Other disorders of urinary system", "N30": "Cystitis", "N30.0": "Acute cystitis", "E11": "T2DM"},
    refs={"N39.0": {"excludes1": ["N30.-", "N13.6", "N34.-"]}},
)


@pytest.mark.parametrize(
    ("other", "conflict"),
    [
        ("N10", True),  # a urinary tract infection of specified site, like the note's examples
        ("N30.00", True),  # named by the note itself
        ("E11.65", False),
    ],
)
def test_a_uti_of_specified_site_excludes_the_site_not_specified(other: str, conflict: bool) -> None:
    assert excludes1_conflict(UTI, "N39.0", other) is conflict


@pytest.mark.parametrize(
    ("sentence", "family"),
    [
        ("Cascade testing after sister's ovarian cancer at 45.", True),
        ("Screening colonoscopy at 40 given father's colon cancer.", True),
        ("Anxiety since her mother's death.", False),  # the patient's own condition leads the chunk
        ("Chest pain, mother's history unknown.", False),
    ],
)
def test_a_relatives_condition_that_a_test_is_for_is_family_history(sentence: str, family: bool) -> None:
    assert read_note(sentence)[0].family is family


_GROWTH = {
    "O36.60X0": "Maternal care for excessive fetal growth, unspecified trimester, "
    "not applicable or unspecified",
    "O36.61X0": "Maternal care for excessive fetal growth, first trimester, not applicable or unspecified",
    "O36.62X0": "Maternal care for excessive fetal growth, second trimester, not applicable or unspecified",
    "O36.63X0": "Maternal care for excessive fetal growth, third trimester, not applicable or unspecified",
    "O36.63X1": "Maternal care for excessive fetal growth, third trimester, fetus 1",
}
GROWTH = CodeCatalog(
    {"codes": {c: ["ICD-10-CM", t, True, "O36.6", "code"] for c, t in _GROWTH.items()}, "refs": {}}
)


@pytest.mark.parametrize(("weeks", "expected"), [(33, "O36.63X0"), (20, "O36.62X0"), (None, "O36.60X0")])
def test_the_trimester_of_a_code_with_a_seventh_character(weeks: int | None, expected: str) -> None:
    ctx = NoteContext(note="MFM visit. Fetal macrosomia (LGA).", pregnant=True, weeks=weeks)
    picks = {"O36.60X0": Pick("O36.60X0", 0.6, True, [ctx.mention(11, 27)])}
    trimester_of_the_weeks(picks, ctx, GROWTH)
    assert [c for c, p in picks.items() if p.final] == [expected]


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("US: EFW 93rd %ile -> LGA", "maternal care for excessive fetal growth"),
        ("Fetal macrosomia", "maternal care for excessive fetal growth"),
        ("Term LGA male infant", "large for gestational age"),  # a newborn's size stays the newborn's
    ],
)
def test_a_large_for_dates_fetus_is_the_mothers_care_for_excessive_growth(text: str, expanded: str) -> None:
    assert expanded in expand_abbreviations(text)
