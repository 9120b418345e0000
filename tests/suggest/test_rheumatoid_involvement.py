"""Rheumatoid arthritis with the organ involvement a note links to it: the M05.1- / M05.2- combination keeps
the organ it names (a plain "RA with rheumatoid factor" completes nothing), the plain code beside it is the
same problem coded twice, and a bilateral line codes each side where the category has no bilateral code.
Titles as in the ICD-10-CM tabular (public domain); notes written for these tests."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.suggest import sibling_guard
from assistant.suggest.consolidate import drop_unspecified_twins
from assistant.suggest.reader import Mention
from assistant.suggest.sibling_choice import prefer_named_sibling
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
LEAVES = {
    "M05.10": "Rheumatoid lung disease with rheumatoid arthritis of unspecified site",
    "M05.19": "Rheumatoid lung disease with rheumatoid arthritis of multiple sites",
    "M05.20": "Rheumatoid vasculitis with rheumatoid arthritis of unspecified site",
    "M05.241": "Rheumatoid vasculitis with rheumatoid arthritis of right hand",
    "M05.242": "Rheumatoid vasculitis with rheumatoid arthritis of left hand",
    "M05.249": "Rheumatoid vasculitis with rheumatoid arthritis of unspecified hand",
    "M05.80": "Other rheumatoid arthritis with rheumatoid factor of unspecified site",
    "M05.9": "Rheumatoid arthritis with rheumatoid factor, unspecified",
}
HEADERS = {
    "M05": "Rheumatoid arthritis with rheumatoid factor",
    "M05.1": "Rheumatoid lung disease with rheumatoid arthritis",
    "M05.2": "Rheumatoid vasculitis with rheumatoid arthritis",
    "M05.24": "Rheumatoid vasculitis with rheumatoid arthritis of hand",
    "M05.8": "Other rheumatoid arthritis with rheumatoid factor",
}


def _catalog() -> CodeCatalog:
    codes: dict[str, list[object]] = {"13": [ICD, "A chapter", False, None, "chapter"]}
    codes["M05-M14"] = [ICD, "Inflammatory polyarthropathies", False, "13", "block"]
    for code, title in HEADERS.items():
        parent = "M05-M14" if len(code) == 3 else code[:-1].rstrip(".")
        codes[code] = [ICD, title, False, parent, "category" if len(code) == 3 else "subcategory"]
    for code, title in LEAVES.items():
        codes[code] = [ICD, title, True, code[:-1].rstrip("."), "code"]
    return CodeCatalog({"codes": codes})


RA = _catalog()


def _settle(note: str, code: str) -> list[str]:
    head = Mention(start=0, end=len(note), text=note, query=note, problem=True)
    picks = {code: Pick(code, 0.6, True, [head], heads=[head])}
    sibling_guard.settle(picks, note, RA)
    return sorted(c for c, p in picks.items() if p.final)


def test_the_lung_disease_of_a_seropositive_ra_is_not_completed_away() -> None:
    assert _settle("# Rheumatoid lung disease, seropositive RA on rituximab", "M05.10") == ["M05.10"]


def test_a_bilateral_line_codes_each_hand_where_no_bilateral_code_exists() -> None:
    note = "# RA involving both hands, complicated by rheumatoid vasculitis"
    assert _settle(note, "M05.20") == ["M05.241", "M05.242"]
    # one hand named: its side only
    assert _settle("# RA of the right hand with rheumatoid vasculitis", "M05.20") == ["M05.241"]


def _ranked() -> list[SimpleNamespace]:
    return [SimpleNamespace(code=c, score=s, title=0.5) for c, s in [("M05.10", 0.9), ("M05.9", 0.8)]]


def test_the_plain_sibling_never_replaces_the_organ_the_note_names() -> None:
    reasons = {"M05.9": ["qualifier: with rheumatoid", "qualifier: with factor"]}
    cands = _ranked()
    note = "Seropositive rheumatoid arthritis with interstitial lung disease"
    assert prefer_named_sibling(cands, reasons, LEAVES.__getitem__, note) is None
    assert cands[0].code == "M05.10"


def _finals(*codes: str) -> list[str]:
    picks = {c: Pick(c, 0.8, True, []) for c in codes}
    drop_unspecified_twins(picks, RA)
    return sorted(c for c, p in picks.items() if p.final)


def test_plain_seropositive_ra_beside_its_organ_combination_is_coded_once() -> None:
    assert _finals("M05.9", "M05.10") == ["M05.10"]
    # "other" rheumatoid arthritis is no more specific form of it
    assert _finals("M05.9", "M05.80") == ["M05.80", "M05.9"]
