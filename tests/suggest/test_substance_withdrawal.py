"""A substance use disorder in withdrawal is its 'with withdrawal' code; the withdrawal said after the
disorder's comma is read with it. Titles as in the ICD-10-CM tabular (public domain); notes written for
these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.substance_withdrawal import substance_withdrawal
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

TITLES = {
    "F10.20": "Alcohol dependence, uncomplicated",
    "F10.230": "Alcohol dependence with withdrawal, uncomplicated",
    "F10.231": "Alcohol dependence with withdrawal delirium",
    "F10.232": "Alcohol dependence with withdrawal with perceptual disturbance",
    "F10.239": "Alcohol dependence with withdrawal, unspecified",
    "F11.20": "Opioid dependence, uncomplicated",
    "F11.23": "Opioid dependence with withdrawal",
}


def _catalog() -> CodeCatalog:
    codes = {c: ["ICD-10-CM", t, True, c[:5], "code"] for c, t in TITLES.items()}
    codes["F10.23"] = ["ICD-10-CM", "Alcohol dependence with withdrawal", False, "F10.2", "subcategory"]
    for leaf in ("F10.230", "F10.231", "F10.232", "F10.239"):
        codes[leaf][3] = "F10.23"
    return CodeCatalog({"codes": codes})


def _final(text: str, code: str) -> list[str]:
    m = Mention(0, len(text), text, text, "assessment", 0, len(text))
    picks = {code: Pick(code, 0.7, True, [m])}
    substance_withdrawal(picks, NoteContext(note=text), _catalog())
    return sorted(c for c, p in picks.items() if p.final)


@pytest.mark.parametrize(
    ("text", "code", "expected"),
    [
        ("alcohol dependence, in withdrawal without complications", "F10.20", ["F10.230"]),
        ("EtOH dependence in withdrawal with DTs", "F10.20", ["F10.231"]),
        ("alcohol dependence, withdrawal with hallucinations", "F10.20", ["F10.232"]),
        ("alcohol dependence in acute withdrawal", "F10.20", ["F10.239"]),
        ("opioid dependence, withdrawing", "F11.20", ["F11.23"]),
        ("alcohol dependence, no withdrawal sx", "F10.20", ["F10.20"]),
        ("alcohol dependence, uncomplicated", "F10.20", ["F10.20"]),
    ],
)
def test_a_disorder_in_withdrawal_is_its_with_withdrawal_code(
    text: str, code: str, expected: list[str]
) -> None:
    assert _final(text, code) == expected


def test_the_withdrawal_after_the_comma_is_read_with_its_disorder() -> None:
    texts = [
        m.text for m in read_note("Seen today.\nA: AUD severe, in withdrawal w/o complications. Librium.")
    ]
    assert "AUD severe, in withdrawal w/o complications" in texts


def test_a_clinic_named_as_the_note_s_label_is_no_word_of_the_condition() -> None:
    first = read_note("Headache clinic: chronic migraine without aura. Topiramate.")[0]
    assert first.text == "chronic migraine without aura"
