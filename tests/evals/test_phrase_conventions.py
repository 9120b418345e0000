"""Misses classified by the coding convention behind them (evals/phrase_conventions.py)."""

from __future__ import annotations

from evals.phrase_conventions import classes, table_of

TITLES = {
    "M19.021": "Primary osteoarthritis, right elbow",
    "M19.90": "Unspecified osteoarthritis, unspecified site",
    "K29.70": "Gastritis, unspecified, without bleeding",
    "K29.60": "Other gastritis without bleeding",
    "W19.XXXA": "Unspecified fall, initial encounter",
}


def test_wording_site_and_specificity_classes() -> None:
    got = classes("Arthrosis of the upper arm NOS", ["M19.021"], "M19.90", TITLES.get)
    assert "wording: NOS" in got
    assert "site: limb region named, gold titles name another site word" in got
    assert "specificity: rank 1 unspecified, gold specific (same category)" in got
    got = classes("Gastritis, other specified, without mention of bleeding", ["K29.60"], "K29.70", TITLES.get)
    assert {"wording: other specified", "wording: without mention of"} <= set(got)
    assert "wording: with mention of" not in got


def test_index_part_of_the_gold_and_an_unclassified_miss() -> None:
    assert table_of("W19.XXXA") == "index: External Cause Index (V00-Y99)"
    assert table_of("D49.2") == "index: Table of Neoplasms (C00-D49)"
    assert table_of("T39.1X1A") == "index: Table of Drugs and Chemicals (T36-T65)"
    assert table_of("D50.9") is None and table_of("T14.90XA") is None
    assert classes("Fell from a height", ["K29.70"], "", TITLES.get) == ["none of these"]
