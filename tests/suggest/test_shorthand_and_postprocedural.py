"""Two-letter shorthand is a condition where its context says so ("ED" beside sildenafil), erectile
dysfunction after a pelvic procedure is the Index's postoperative code, "-osis" and "-otic" are one word to
the Index walker, and an osteoporotic fracture is the osteoporosis' M80 code. Notes are written for these
tests; titles are the ICD-10-CM tabular's (public domain)."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.postprocedural import postprocedural_erectile_dysfunction
from assistant.suggest.index_walker import word_key
from assistant.suggest.reader import read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick


@pytest.mark.parametrize(
    ("note", "mention", "query"),
    [
        ("A/P: 1. ED - trial of sildenafil 50 mg.", "ED", "erectile dysfunction"),
        ("A/P: 1. ED s/p nerve-sparing prostatectomy, wants tadalafil.", "ED", "erectile dysfunction"),
        ("A/P:\n1. RA - on methotrexate\n2. OA of knees", "RA", "rheumatoid arthritis"),
    ],
)
def test_two_letters_that_are_a_conditions_shorthand_are_a_mention(
    note: str, mention: str, query: str
) -> None:
    found = {m.text: m.query for m in read_note(note)}
    assert found.get(mention) == query


def test_two_letters_without_a_meaning_in_their_context_are_no_mention() -> None:
    texts = [m.text for m in read_note("A/P:\n1. ED\n2. Benign prostatic hyperplasia - tamsulosin.")]
    assert "ED" not in texts  # the emergency department or erectile dysfunction: the note does not say
    assert any("prostatic" in t for t in texts)


def test_the_index_walker_reads_osis_and_otic_as_one_word() -> None:
    for noun, adjective in (
        ("osteoporosis", "osteoporotic"),
        ("stenosis", "stenotic"),
        ("necrosis", "necrotic"),
    ):
        assert word_key(noun) == word_key(adjective)
    assert word_key("osteoporosis") != word_key("osteopenia")


_ED_TITLES = {
    "N52.9": "Male erectile dysfunction, unspecified",
    "N52.31": "Erectile dysfunction following radical prostatectomy",
    "N52.32": "Erectile dysfunction following radical cystectomy",
    "N52.34": "Erectile dysfunction following simple prostatectomy",
    "N52.35": "Erectile dysfunction following radiation therapy",
}
ED_CATALOG = CodeCatalog(
    {"codes": {c: ["ICD-10-CM", t, True, c[:5], "code"] for c, t in _ED_TITLES.items()}, "refs": {}}
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("A/P: 1. ED s/p robotic prostatectomy 2023 - sildenafil.", "N52.31"),
        ("A/P: 1. Erectile dysfunction since his TURP.", "N52.34"),
        ("A/P: 1. ED following prostatectomy.", "N52.34"),
        ("A/P: 1. Erectile dysfunction after XRT to the prostate.", "N52.35"),
        ("A/P: 1. ED after radical cystectomy.", "N52.32"),
        # no procedure named, or a procedure named apart from the dysfunction: unchanged
        ("A/P: 1. Erectile dysfunction - tadalafil prn.", "N52.9"),
        ("A/P: 1. Erectile dysfunction. 2. Prostatectomy planned next month.", "N52.9"),
    ],
)
def test_erectile_dysfunction_after_a_pelvic_procedure_is_the_indexs_postoperative_code(
    line: str, expected: str
) -> None:
    ctx = NoteContext(note=line)
    start = line.index("1. ") + 3
    mention = ctx.mention(start, start + 2)
    picks = {"N52.9": Pick("N52.9", 0.7, True, [mention])}
    postprocedural_erectile_dysfunction(picks, ctx, ED_CATALOG)
    assert [c for c, p in picks.items() if p.final] == [expected]


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("Crohn's - on adalimumab.", "Crohn's disease - on adalimumab."),
        ("Graves' - methimazole", "Graves' disease - methimazole"),
        ("Parkinson's, stable on carbidopa", "Parkinson's disease, stable on carbidopa"),
        ("Hashimoto's", "Hashimoto's thyroiditis"),
        # the eponym's own noun already said: unchanged
        ("Bell's palsy, left", "Bell's palsy, left"),
        ("Meniere's disease", "Meniere's disease"),
    ],
)
def test_an_eponym_said_alone_in_the_possessive_names_its_condition(text: str, expanded: str) -> None:
    assert expand_text(text) == expanded


def test_hep_with_a_letter_is_that_hepatitis() -> None:
    assert expand_text("Hep C, treated") == "hepatitis c, treated"
    assert expand_text("chronic hep B") == "chronic hepatitis b"
