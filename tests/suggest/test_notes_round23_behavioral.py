"""Round 23 of the us-notes batches, the behavioral-health / addiction / pain hand (usn-1541 ... usn-1556):
general classes its blind run showed. Each test has a wording of our own the rule must change and one it
must leave alone. Titles as in the ICD-10-CM tabular (public domain)."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.pregnancy import in_this_pregnancy
from assistant.suggest.coding_rules.substance_withdrawal import substance_withdrawal
from assistant.suggest.consolidate import drop_unspecified_twins
from assistant.suggest.history import history_cue
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog

HEPATITIS = hierarchy_catalog(
    {
        "B18.2": "Chronic viral hepatitis C",
        "B19.20": "Unspecified viral hepatitis C without hepatic coma",
        "B19.21": "Unspecified viral hepatitis C with hepatic coma",
        "K72.90": "Hepatic failure, unspecified without coma",
    },
    {
        "B18": "Chronic viral hepatitis",
        "B19": "Unspecified viral hepatitis",
        "B19.2": "Unspecified viral hepatitis C",
        "K72": "Hepatic failure, not elsewhere classified",
        "K72.9": "Hepatic failure, unspecified",
    },
)


def _finals(picks: dict[str, Pick]) -> list[str]:
    return sorted(c for c, p in picks.items() if p.final)


def test_an_unspecified_hepatitis_beside_its_chronic_form_is_not_coded_again() -> None:
    # "HCV" (B19.20, its "without hepatic coma" the default axis) beside "chronic hepatitis C" (B18.2)
    picks = {c: Pick(c, 0.5, True, []) for c in ("B19.20", "B18.2")}
    drop_unspecified_twins(picks, HEPATITIS)
    assert _finals(picks) == ["B18.2"] and picks["B19.20"].warnings
    # a code that says "with" the axis is no twin of the "without" one: both stay for the sibling rules
    picks = {c: Pick(c, 0.5, True, []) for c in ("B19.20", "B19.21")}
    drop_unspecified_twins(picks, HEPATITIS)
    assert _finals(picks) == ["B19.20", "B19.21"]


def test_the_without_axis_does_not_make_another_condition_a_twin() -> None:
    picks = {c: Pick(c, 0.5, True, []) for c in ("K72.90", "B18.2")}
    drop_unspecified_twins(picks, HEPATITIS)
    assert _finals(picks) == ["B18.2", "K72.90"]


@pytest.mark.parametrize(
    ("sentence", "mention", "past"),
    [
        (
            "Chronic hep C treated 2022 with SVR - no active disease.",
            "Chronic hep C treated 2022 with SVR",
            True,
        ),
        ("Hepatitis C, cured (SVR12) in 2021.", "Hepatitis C", True),
        ("Hep C - awaiting Mavyret, RNA 2M IU/mL.", "Hep C - awaiting Mavyret", False),
        ("Chronic hepatitis C, GT 1a, VL 1.2M.", "Chronic hepatitis C, GT 1a", False),
    ],
)
def test_a_cure_read_inside_the_mention_makes_it_a_history(sentence: str, mention: str, past: bool) -> None:
    assert (history_cue(sentence, mention) is not None) is past


@pytest.mark.parametrize(
    ("sentence", "mention", "past"),
    [
        (
            "Quit cigarettes 6 days ago; irritable, strong cravings - nicotine withdrawal.",
            "nicotine withdrawal",
            False,
        ),
        ("Stopped drinking 2 days ago, tremor and sweats: alcohol withdrawal.", "alcohol withdrawal", False),
        ("Quit cigarettes 6 days ago; irritable, strong cravings - nicotine withdrawal.", "cigarettes", True),
        ("Quit smoking in 2015.", "smoking", True),
    ],
)
def test_a_withdrawal_after_a_recent_stop_is_current(sentence: str, mention: str, past: bool) -> None:
    assert (history_cue(sentence, mention) is not None) is past


def _depression(note: str) -> Pick:
    mention = next(m for m in read_note(note) if "MDD" in m.text)
    return Pick("F33.1", 0.8, True, [mention])


PRENATAL_PMH = (
    "New OB intake. G1P0 at 10w2d.\nPMH: {item}\nCigarettes: quit 2024.\n"
    "Plan: prenatal labs, cont sertraline, RTC 4 wks."
)


def test_a_current_item_of_a_prenatal_history_list_is_in_this_pregnancy() -> None:
    note = PRENATAL_PMH.format(item="recurrent MDD, moderate, on sertraline 100 mg - stable.")
    assert in_this_pregnancy(_depression(note), NoteContext(note=note, pregnant=True, weeks=10))


def test_a_past_item_of_a_prenatal_history_list_is_not() -> None:
    note = PRENATAL_PMH.format(item="h/o MDD in 2015, resolved, off meds since 2017.")
    assert not in_this_pregnancy(_depression(note), NoteContext(note=note, pregnant=True, weeks=10))


SEDATIVE = hierarchy_catalog(
    {
        "F13.220": "Sedative, hypnotic or anxiolytic dependence with intoxication, uncomplicated",
        "F13.230": "Sedative, hypnotic or anxiolytic dependence with withdrawal, uncomplicated",
        "F13.239": "Sedative, hypnotic or anxiolytic dependence with withdrawal, unspecified",
    },
    {
        "F13": "Sedative, hypnotic, or anxiolytic related disorders",
        "F13.2": "Sedative, hypnotic or anxiolytic dependence",
        "F13.22": "Sedative, hypnotic or anxiolytic dependence with intoxication",
        "F13.23": "Sedative, hypnotic or anxiolytic dependence with withdrawal",
    },
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sedative use d/o, moderate, w/ withdrawal (uncomplicated, no seizures)", ["F13.230"]),
        ("Sedative use d/o, moderate, intoxicated today, uncomplicated, no withdrawal", ["F13.220"]),
    ],
)
def test_an_uncomplicated_withdrawal_is_no_intoxication(text: str, expected: list[str]) -> None:
    m = Mention(0, len(text), text, text, "assessment", 0, len(text))
    picks = {"F13.220": Pick("F13.220", 0.7, True, [m])}
    substance_withdrawal(picks, NoteContext(note=text), SEDATIVE)
    assert _finals(picks) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bup/nlx 8/2 mg SL given in clinic", "buprenorphine/naloxone 8/2 mg SL given in clinic"),
        ("on bup 16 mg SL daily", "on buprenorphine 16 mg SL daily"),
        ("sore throat, bup", "sore throat, bup"),  # no drug context: left as written
    ],
)
def test_buprenorphine_shorthand_is_read_in_a_drug_context(text: str, expected: str) -> None:
    assert expand_text(text) == expected
