"""Z19.1 / Z19.2 beside the cancer whose use-additional note asks for the hormone sensitivity status, and a
hyperthyroidism that an ablation ended. Titles and the note as in the ICD-10-CM tabular (public domain); notes
written for these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.hormone_status import hormone_sensitivity_status
from assistant.suggest.coding_rules.postprocedural import postprocedural_hypothyroidism
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

TITLES = {
    "C61": "Malignant neoplasm of prostate",
    "C18.9": "Malignant neoplasm of colon, unspecified",
    "Z19.1": "Hormone sensitive malignancy status",
    "Z19.2": "Hormone resistant malignancy status",
}
CATALOG = CodeCatalog(
    {
        "codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in TITLES.items()},
        "notes": {"C61": {"use_additional": ["hormone sensitivity status (Z19.1-Z19.2)"]}},
        "refs": {"C61": {"use_additional": ["Z19.1-Z19.2"]}},
    }
)


@pytest.mark.parametrize(
    ("note", "cancer", "expected", "evidence"),
    [
        ("A/P: castration-resistant prostate ca, on enzalutamide.", "C61", "Z19.2", "castration-resistant"),
        ("A/P: mCRPC with bone mets.", "C61", "Z19.2", "mCRPC"),
        ("A/P: prostate adenocarcinoma, hormone naive, start ADT.", "C61", "Z19.1", "hormone naive"),
        ("A/P: prostate cancer on ADT, PSA stable.", "C61", None, None),  # no status stated
        ("A/P: colon cancer, hormone resistant (sic).", "C18.9", None, None),  # its note asks for none
    ],
)
def test_the_stated_hormone_status_joins_the_cancer_that_asks_for_it(
    note: str, cancer: str, expected: str | None, evidence: str | None
) -> None:
    m = Mention(5, len(note), note[5:], note[5:], "assessment", 0, len(note))
    picks = {cancer: Pick(cancer, 0.8, True, [m])}
    hormone_sensitivity_status(picks, NoteContext(note=note), CATALOG)
    added = [c for c in picks if c.startswith("Z19")]
    assert added == ([expected] if expected else [])
    if expected:
        assert note[picks[expected].mentions[0].start : picks[expected].mentions[0].end] == evidence


@pytest.mark.parametrize(
    ("note", "kept"),
    [
        ("Graves disease s/p RAI 2019, now postablative hypothyroidism on levothyroxine.", False),
        ("Toxic goiter treated with total thyroidectomy; postsurgical hypothyroidism.", False),
        ("Graves disease on methimazole. Hypothyroidism after thyroid lobectomy years ago.", True),
    ],
)
def test_a_hyperthyroidism_the_ablation_ended_is_not_current(note: str, kept: bool) -> None:
    titles = {
        "E05.00": "Thyrotoxicosis with diffuse goiter without thyrotoxic crisis or storm",
        "E89.0": "Postprocedural hypothyroidism",
    }
    catalog = CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in titles.items()}})
    first = note.split(".")[0] if "treated" not in note else note.split(";")[0]
    m = Mention(0, len(first), first, first, "assessment", 0, len(first))
    picks = {"E05.00": Pick("E05.00", 0.8, True, [m]), "E89.0": Pick("E89.0", 0.8, True, [m])}
    postprocedural_hypothyroidism(picks, NoteContext(note=note), catalog)
    assert picks["E05.00"].final is kept and picks["E89.0"].final
