"""Fifth round of rules found on new office notes (a tenth hand: problem-oriented 'Problem:' lines,
lettered assessments, one capital letter for a side before the condition): each with a note it must code and
one it must not. Notes here are written for these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the kind of polycystic kidney disease and a fetus's growth, in letters
        (
            "1. ADPKD w/ CKD stage 3b",
            "1. autosomal dominant polycystic kidney disease with chronic kidney disease stage 3b",
        ),
        ("- FGR, EFW <10th %ile", "- fetal growth restriction, EFW <10th %ile"),
        # one capital letter before an inflammation, a -osis or an -opathy named by its ending
        ("3. L lateral epicondylitis - strap", "3. left lateral epicondylitis - strap"),
        ("R plantar fasciitis", "right plantar fasciitis"),
        # a lab's low flag, a volume and a word that is no abbreviation stay as written
        ("Hgb 9.8 L, iron low", "Hgb 9.8 L, iron low"),
        ("paracentesis 3 L, cytology sent", "paracentesis 3 L, cytology sent"),
        ("fgr test", "fgr test"),
    ],
)
def test_letters_for_a_condition_and_a_side_before_it(text: str, expected: str) -> None:
    assert expand_text(text) == expected
