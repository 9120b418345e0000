"""The Alphabetic Index walker on small Index data (shaped like the CDC files) and a small tabular list."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.index_walker import (
    ALIAS_DEPTH_CREDIT,
    ALIAS_PENALTY,
    IndexWalker,
    WalkHit,
    complete,
    read_mention,
    word_key,
)


def _row(level: int, path: str, code: str | None = None, **kw: Any) -> dict[str, Any]:
    return {"source": kw.pop("source", "main"), "level": level, "path": path, "code": code, **kw}


ROWS = [
    _row(0, "Cystitis", "N30.90"),
    _row(1, "Cystitis, with"),
    _row(2, "Cystitis, with, hematuria", "N30.91"),
    _row(1, "Cystitis, acute", "N30.0-"),
    _row(2, "Cystitis, acute, with hematuria", "N30.01"),
    _row(1, "Cystitis, allergic", see="Cystitis, specified type NEC"),
    _row(1, "Cystitis, specified type NEC", "N30.80"),
    _row(0, "Diabetes, diabetic", "E11.9"),
    _row(1, "Diabetes, diabetic, type 2", "E11.9"),
    _row(2, "Diabetes, diabetic, type 2, with"),
    _row(3, "Diabetes, diabetic, type 2, with, neuropathy", "E11.40"),
    _row(3, "Diabetes, diabetic, type 2, with, polyneuropathy", "E11.42"),
    _row(0, "Fracture, pathological", "M84.40-"),
    _row(1, "Fracture, pathological, radius", "M84.43-"),
    _row(0, "Fracture, traumatic", "T14.8", see_also="Fracture, pathological"),
    _row(1, "Fracture, traumatic, radius", "S52.9-"),
    _row(2, "Fracture, traumatic, radius, distal end", see="Fracture, radius, lower end"),
    _row(2, "Fracture, traumatic, radius, lower end", "S52.50-"),
    _row(1, "Fracture, traumatic, arm", see_also="Fracture, traumatic, radius"),
    _row(0, "Fasciitis", "M72.9"),
    _row(1, "Fasciitis, plantar", "M72.2"),
    _row(0, "Fibromatosis", "M72.9"),
    _row(1, "Fibromatosis, plantar", "M72.2"),
    _row(0, "Stenosis, stenotic", "M48.9"),
    _row(1, "Stenosis, stenotic, spinal", "M48.00"),
    _row(2, "Stenosis, stenotic, spinal, lumbar region", "M48.061"),
    _row(0, "Colitis", "K52.9"),
    _row(1, "Colitis, Clostridioides difficile"),
    _row(2, "Colitis, Clostridioides difficile, not specified as recurrent", "A04.72"),
    _row(2, "Colitis, Clostridioides difficile, recurrent", "A04.71"),
    _row(0, "Hypertension, hypertensive", "I10"),
    _row(0, "Elevated, elevation"),
    _row(1, "Elevated, elevation, blood pressure", see_also="Hypertension, hypertensive"),
    _row(1, "Elevated, elevation, prostate specific antigen [PSA]", "R97.20"),
    _row(1, "Elevated, elevation, tumor specific antigens [TSA] NEC", "R97.8"),
    _row(0, "Hot flashes"),
    _row(1, "Hot flashes, menopausal", "N95.1"),
    _row(0, "Cancer", see_also="Neoplasm, by site, malignant"),
    _row(0, "Neoplasm, neoplastic", "C80.1", source="neoplasm", column="Malignant Primary"),
    _row(0, "Neoplasm, neoplastic", "C79.9", source="neoplasm", column="Malignant Secondary"),
    _row(1, "Neoplasm, neoplastic, liver", "C22.9", source="neoplasm", column="Malignant Primary"),
    _row(1, "Neoplasm, neoplastic, liver", "C78.7", source="neoplasm", column="Malignant Secondary"),
    _row(1, "Neoplasm, neoplastic, liver", "D13.4", source="neoplasm", column="Benign"),
    _row(
        1,
        "Neoplasm, neoplastic, uterus, uteri, uterine",
        "C55",
        source="neoplasm",
        column="Malignant Primary",
    ),
    _row(0, "Pregnancy", "Z33.1"),
    _row(1, "Pregnancy, complicated by"),
    _row(2, "Pregnancy, complicated by, vomiting", "O21.9"),
    _row(0, "Cystocele"),
    _row(1, "Cystocele, female", "N81.10"),
    _row(2, "Cystocele, female, midline", "N81.11"),
    _row(0, "History"),
    _row(1, "History, personal"),
    _row(2, "History, personal, fall, falling", "Z91.81"),
]


class Tab:
    """A tabular list: code -> (title, billable, children)."""

    CODES: dict[str, tuple[str, bool, list[str]]] = {
        "N30.0": ("Acute cystitis", False, ["N30.00", "N30.01"]),
        "N30.00": ("Acute cystitis without hematuria", True, []),
        "N30.01": ("Acute cystitis with hematuria", True, []),
        "N30.80": ("Other cystitis without hematuria", True, []),
        "N30.90": ("Cystitis, unspecified without hematuria", True, []),
        "N30.91": ("Cystitis, unspecified with hematuria", True, []),
        "E11.9": ("Type 2 diabetes mellitus without complications", True, []),
        "E11.40": ("Type 2 diabetes mellitus with diabetic neuropathy, unspecified", True, []),
        "E11.42": ("Type 2 diabetes mellitus with diabetic polyneuropathy", True, []),
        "S52.9": ("Unspecified fracture of forearm", False, ["S52.90", "S52.91", "S52.92"]),
        "S52.90": ("Unspecified fracture of unspecified forearm", False, ["S52.90XA", "S52.90XD"]),
        "S52.91": ("Unspecified fracture of right forearm", False, ["S52.91XA", "S52.91XD"]),
        "S52.92": ("Unspecified fracture of left forearm", False, ["S52.92XA", "S52.92XD"]),
        "S52.90XA": ("Unspecified fracture of unspecified forearm, initial encounter", True, []),
        "S52.90XD": ("Unspecified fracture of unspecified forearm, subsequent encounter", True, []),
        "S52.91XA": ("Unspecified fracture of right forearm, initial encounter", True, []),
        "S52.91XD": ("Unspecified fracture of right forearm, subsequent encounter", True, []),
        "S52.92XA": ("Unspecified fracture of left forearm, initial encounter", True, []),
        "S52.92XD": ("Unspecified fracture of left forearm, subsequent encounter", True, []),
        "C22.9": ("Malignant neoplasm of liver, not specified as primary or secondary", True, []),
        "C78.7": ("Secondary malignant neoplasm of liver and intrahepatic bile duct", True, []),
        "D13.4": ("Benign neoplasm of liver", True, []),
        "C55": ("Malignant neoplasm of uterus, part unspecified", True, []),
        "S52.50": ("Unspecified fracture of the lower end of radius", False, ["S52.501A", "S52.502A"]),
        "S52.501A": ("Unspecified fracture of the lower end of right radius, initial encounter", True, []),
        "S52.502A": ("Unspecified fracture of the lower end of left radius, initial encounter", True, []),
        "M48.00": ("Spinal stenosis, site unspecified", True, []),
        "M48.061": ("Spinal stenosis, lumbar region without neurogenic claudication", True, []),
        "A04.71": ("Enterocolitis due to Clostridium difficile, recurrent", True, []),
        "A04.72": ("Enterocolitis due to Clostridium difficile, not specified as recurrent", True, []),
        "K52.9": ("Noninfective gastroenteritis and colitis, unspecified", True, []),
        "M51.36": ("Other intervertebral disc degeneration, lumbar region", False, ["M51.360", "M51.369"]),
        "M51.360": (
            "Other intervertebral disc degeneration, lumbar region with discogenic back pain only",
            True,
            [],
        ),
        "M51.369": (
            "Other intervertebral disc degeneration, lumbar region without mention of lumbar back pain or "
            "lower extremity pain",
            True,
            [],
        ),
        "M84.43": ("Pathological fracture, ulna and radius", False, ["M84.433A"]),
        "M84.433A": (
            "Pathological fracture, unspecified ulna and radius, initial encounter for fracture",
            True,
            [],
        ),
        "I10": ("Essential (primary) hypertension", True, []),
        "Z33.1": ("Pregnant state, incidental", True, []),
        "N81.10": ("Cystocele, unspecified", True, []),
        "N81.11": ("Cystocele, midline", True, []),
        "O21.9": ("Vomiting of pregnancy, unspecified", True, []),
        "R97.20": ("Elevated prostate specific antigen [PSA]", True, []),
        "R97.8": ("Other abnormal tumor markers", True, []),
        "C92.0": ("Acute myeloblastic leukemia", False, ["C92.00", "C92.01", "C92.02"]),
        "C92.00": ("Acute myeloblastic leukemia, not having achieved remission", True, []),
        "C92.01": ("Acute myeloblastic leukemia, in remission", True, []),
        "C92.02": ("Acute myeloblastic leukemia, in relapse", True, []),
        "C92.9": ("Myeloid leukemia, unspecified", False, ["C92.90", "C92.91", "C92.92"]),
        "C92.90": ("Myeloid leukemia, unspecified, not having achieved remission", True, []),
        "C92.91": ("Myeloid leukemia, unspecified in remission", True, []),
        "C92.92": ("Myeloid leukemia, unspecified in relapse", True, []),
        "Z91.81": ("History of falling", True, []),
        "N95.1": ("Menopausal and female climacteric states", True, []),
        "M72.2": ("Plantar fascial fibromatosis", False, ["M72.20", "M72.21", "M72.22"]),
        "M72.20": ("Plantar fascial fibromatosis, unspecified foot", True, []),
        "M72.21": ("Plantar fascial fibromatosis, right foot", True, []),
        "M72.22": ("Plantar fascial fibromatosis, left foot", True, []),
        "M67.A0": ("Plantar fasciitis", False, ["M67.A01", "M67.A02", "M67.A09"]),
        "M67.A01": ("Plantar fasciitis, right foot", True, []),
        "M67.A02": ("Plantar fasciitis, left foot", True, []),
        "M67.A09": ("Plantar fasciitis, unspecified foot", True, []),
    }
    EXCLUDES1 = {"M72.2": [("plantar fasciitis", "M67.A0")]}

    def __contains__(self, code: str) -> bool:
        return code in self.CODES

    def billable(self, code: str) -> bool:
        return self.CODES[code][1]

    def children(self, code: str) -> list[str]:
        return self.CODES[code][2]

    def title(self, code: str) -> str:
        return self.CODES[code][0]

    def excludes1(self, code: str) -> list[tuple[str, str]]:
        return self.EXCLUDES1.get(code, [])

    def titles(self) -> dict[str, str]:
        return {code: row[0] for code, row in self.CODES.items()}


@pytest.fixture(scope="module")
def walker() -> IndexWalker:
    return IndexWalker.from_rows(ROWS)


def top(walker: IndexWalker, text: str) -> tuple[str, str]:
    hits = walker.walk(text, Tab())
    assert hits, f"no candidate for {text!r}"
    return hits[0].code, hits[0].evidence


def test_an_excludes1_note_at_the_index_code_sends_the_named_term_on(walker: IndexWalker) -> None:
    # the FY2025 Index still says "Fasciitis, plantar M72.2"; FY2027 moved plantar fasciitis to M67.A0-
    assert top(walker, "plantar fasciitis")[0] == "M67.A09"
    assert top(walker, "right plantar fasciitis")[0] == "M67.A01"
    assert top(walker, "plantar fibromatosis, left foot")[0] == "M72.22"  # not what the note excludes


def test_a_subterm_written_in_several_spellings_matches_any_of_them(walker: IndexWalker) -> None:
    assert top(walker, "uterine cancer")[0] == "C55"  # "uterus, uteri, uterine"
    assert top(walker, "cancer of the uterus")[0] == "C55"
    assert top(walker, "personal history of falls")[0] == "Z91.81"  # "fall, falling"


def test_an_essential_subterm_must_be_said(walker: IndexWalker) -> None:
    # "Hot flashes" has no code of its own; "menopausal" is essential ("Drinking, excessive" likewise)
    assert [h.code for h in walker.walk("hot flashes", Tab())] == []
    assert top(walker, "menopausal hot flashes")[0] == "N95.1"


def test_a_generic_site_word_of_a_subterm_need_not_be_said(walker: IndexWalker) -> None:
    assert top(walker, "spinal stenosis, lumbar")[0] == "M48.061"  # "lumbar region"
    assert top(walker, "closed fracture of right distal radius")[0] == "S52.501A"  # "distal end" -> lower end


def test_not_specified_as_is_the_default_where_the_mention_is_silent(walker: IndexWalker) -> None:
    assert top(walker, "clostridioides difficile colitis")[0] == "A04.72"
    assert top(walker, "recurrent clostridioides difficile colitis")[0] == "A04.71"
    assert complete("A04.7", "enterocolitis due to clostridium difficile", Tab()) is None  # not in this Tab
    assert complete("K52.9", "colitis", Tab()) == "K52.9"


def test_an_other_kind_in_a_phrase_walks_to_the_specified_nec_subterm(walker: IndexWalker) -> None:
    def codes(text: str, other_is_nec: bool) -> list[str]:
        return [h.code for h in walker.walk(text, Tab(), other_is_nec=other_is_nec)]

    # a kind of cystitis the Index does not name: its "specified type NEC" code, level with the default
    assert "N30.80" in codes("other cystitis", True)
    assert "N30.80" in codes("cystitis, other", True)
    assert "N30.80" not in codes("other cystitis", False)  # a note's walk is unchanged
    # a subterm names the kind ("acute"): no NEC beside it; "other than" is no kind
    assert "N30.80" not in codes("other acute cystitis", True)
    assert "N30.80" not in codes("cystitis other than acute", True)
    # "other" adds nothing to the walk's credit: the NEC code and the default are level
    scores = {h.code: h.score for h in walker.walk("other cystitis", Tab(), other_is_nec=True)}
    assert scores["N30.80"] == scores["N30.90"] == 1.0


def test_a_leukemia_whose_remission_is_not_stated_has_not_achieved_remission() -> None:
    # "Leukemia, acute myeloid, NOS C92.0-": the 5th character 0 unless the note says remission or relapse
    assert complete("C92.0-", "acute myeloid leukemia", Tab()) == "C92.00"
    assert complete("C92.0-", "acute myeloid leukemia in remission", Tab()) == "C92.01"
    assert complete("C92.0-", "acute myeloid leukemia in relapse", Tab()) == "C92.02"
    assert complete("C92.9-", "myeloid leukemia", Tab()) == "C92.90"  # both titles say "unspecified"
    assert complete("C92.9-", "myeloid leukemia in relapse", Tab()) == "C92.92"


def test_a_word_the_title_says_before_its_negation_is_not_denied(walker: IndexWalker) -> None:
    assert complete("M51.36-", "degenerative disc disease, lumbar region", Tab()) == "M51.369"


def test_descends_subterms_and_shows_the_path(walker: IndexWalker) -> None:
    assert top(walker, "acute cystitis with hematuria") == (
        "N30.01",
        "Cystitis -> acute -> with hematuria -> N30.01",
    )
    assert top(walker, "Cystitis") == ("N30.90", "Cystitis -> N30.90")
    # a connector level ("with") is passed through; words in any order
    assert top(walker, "hematuria with cystitis")[0] == "N30.91"


def test_without_never_takes_the_with_sibling(walker: IndexWalker) -> None:
    codes = [h.code for h in walker.walk("acute cystitis without hematuria", Tab())]
    assert codes[0] == "N30.00" and "N30.01" not in codes and "N30.91" not in codes


def test_category_is_completed_by_the_tabular_default_child(walker: IndexWalker) -> None:
    # "Cystitis, acute" gives the category N30.0-: the tabular list's "without" child is the default
    hit = walker.walk("acute cystitis", Tab())[0]
    assert (hit.code, hit.index_code) == ("N30.00", "N30.0-")


def test_laterality_and_seventh_character_from_the_mention(walker: IndexWalker) -> None:
    assert top(walker, "fracture of left radius")[0] == "S52.92XA"
    assert top(walker, "fracture of the radius, subsequent encounter")[0] == "S52.90XD"
    # the traumatic main term is the default; "pathological" costs a qualifier the mention lacks
    codes = [h.code for h in walker.walk("radius fracture", Tab())]
    assert codes.index("S52.90XA") == 0


def test_a_fracture_said_without_its_cause_is_far_from_the_pathological_term(walker: IndexWalker) -> None:
    hits = {h.code: h.score for h in walker.walk("distal radius fracture")}
    said = {h.code: h.score for h in walker.walk("pathological fracture of the radius")}
    assert hits["S52.50"] - hits["M84.43"] >= 0.25  # not a qualifier's cost only: a reason never given
    assert said["M84.43"] > said.get("S52.50", 0.0)


def test_see_and_see_also_are_followed(walker: IndexWalker) -> None:
    code, path = top(walker, "allergic cystitis")
    assert code == "N30.80" and path.endswith("specified type NEC -> N30.80")
    code, path = top(walker, "fractured arm")
    assert code == "S52.90XA" and "radius" in path


def test_neoplasm_table_column_follows_the_behaviour(walker: IndexWalker) -> None:
    assert top(walker, "liver cancer") == (
        "C22.9",
        "Neoplasm, neoplastic -> liver -> Malignant Primary -> C22.9",
    )
    assert top(walker, "cancer metastatic to the liver")[0] == "C78.7"


def test_morphology_and_partial_words(walker: IndexWalker) -> None:
    assert word_key("diabetic") == word_key("diabetes") and word_key("fractured") == word_key("fracture")
    assert word_key("homelessness") == word_key("homeless") and word_key("dizziness") == word_key("dizzy")
    assert word_key("shortness") == word_key("short") and word_key("illness") != word_key("ill")  # short word
    codes = [h.code for h in walker.walk("type 2 diabetes with neuropathy", Tab())]
    assert codes[:2] == ["E11.40", "E11.42"]  # "neuropathy" inside "polyneuropathy" ranks next
    assert top(walker, "diabetic polyneuropathy, type 2")[0] == "E11.42"


def test_nothing_for_words_outside_the_index(walker: IndexWalker) -> None:
    assert walker.walk("follow up in three months", Tab()) == []
    assert walker.walk("", Tab()) == []


def test_complete_rejects_unknown_codes() -> None:
    assert complete("Q99.9", "anything", Tab()) is None
    assert complete("E11.9", "diabetes", Tab()) == "E11.9"


def test_subterms_are_read_on_first_use() -> None:
    walker = IndexWalker.from_rows(ROWS)
    cystitis = walker.roots["main"][0]
    assert not cystitis.loaded
    walker.walk("acute cystitis", Tab())
    assert cystitis.loaded and [c.term for c in cystitis.children][:2] == ["with", "acute"]


def test_large_entries_are_searched_through_their_word_index() -> None:
    sites = [
        "arm",
        "back",
        "chest",
        "ear",
        "eye",
        "face",
        "foot",
        "hand",
        "hip",
        "knee",
        "leg",
        "neck",
        "toe",
    ]
    rows = [_row(0, "Pain", "R52")] + [_row(1, f"Pain, {s}", f"X{i:02d}") for i, s in enumerate(sites)]
    rows += [
        _row(1, "Pain, polyneuropathic", "X90"),
        _row(1, "Pain, with"),
        _row(2, "Pain, with, fever", "X91"),
    ]
    walker = IndexWalker.from_rows(rows)
    assert [h.code for h in walker.walk("knee pain")][:1] == ["X09"]
    assert "X90" in [h.code for h in walker.walk("neuropathic pain")]  # an ending inside a longer word
    assert [h.code for h in walker.walk("pain with fever")][:1] == ["X91"]  # through the connector level
    assert walker.roots["main"][0].by_word is not None


def test_drug_table_needs_poisoning_adverse_effect_or_underdosing() -> None:
    rows = [
        _row(0, "Albuterol", "T48.6X1", source="drug", column="Poisoning, Accidental"),
        _row(0, "Albuterol", "T48.6X5", source="drug", column="Adverse effect"),
    ]
    walker = IndexWalker.from_rows(rows)
    assert walker.walk("albuterol use most days") == []  # a drug the patient takes is no T-code
    hit = walker.walk("adverse effect of albuterol")[0]
    assert (hit.code, hit.evidence) == ("T48.6X5", "Albuterol -> Adverse effect -> T48.6X5")
    assert hit.score == 1.0
    assert walker.walk("albuterol overdose")[0].code == "T48.6X1"
    # a substance's toxic effect is the table's poisoning column (T51-T65 are named "Toxic effect of")
    assert walker.walk("toxic effect of albuterol")[0].code == "T48.6X1"


SITE_ROWS = [
    _row(0, "Pain", "R52"),
    _row(1, "Pain, joint", "M25.50"),
    _row(0, "Rheumatism", "M79.0"),
    _row(1, "Rheumatism, palindromic", "M12.30"),
    _row(2, "Rheumatism, palindromic, hand joint", "M12.34-"),
    _row(2, "Rheumatism, palindromic, knee", "M12.36-"),
]


class SiteTab(Tab):
    CODES = {
        "R52": ("Pain, unspecified", True, []),
        "M25.50": ("Pain in unspecified joint", True, []),
        "M79.0": ("Rheumatism, unspecified", True, []),
        "M12.30": ("Palindromic rheumatism, unspecified site", True, []),
        "M12.34": ("Palindromic rheumatism, hand", False, ["M12.341", "M12.349"]),
        "M12.341": ("Palindromic rheumatism, right hand", True, []),
        "M12.349": ("Palindromic rheumatism, unspecified hand", True, []),
        "M12.36": ("Palindromic rheumatism, knee", False, ["M12.369"]),
        "M12.369": ("Palindromic rheumatism, unspecified knee", True, []),
    }


def test_a_site_named_without_joint_still_descends_the_joint_subterm() -> None:
    walker = IndexWalker.from_rows(SITE_ROWS)
    hits = walker.walk("Palindromic rheumatism, hand", SiteTab())
    assert hits[0].code == "M12.349" and "hand joint" in hits[0].evidence
    assert walker.walk("Palindromic rheumatism of right hand joint", SiteTab())[0].code == "M12.341"
    assert walker.walk("Palindromic rheumatism", SiteTab())[0].code == "M12.30"
    # a subterm that is only the generic word still needs it
    assert walker.walk("Pain", SiteTab())[0].code == "R52"
    assert walker.walk("Joint pain", SiteTab())[0].code == "M25.50"


def test_an_organ_said_as_an_adjective_matches_the_index_noun() -> None:
    class Organs(Tab):
        CODES = {
            "R58": ("Hemorrhage, not elsewhere classified", True, []),
            "K62.5": ("Hemorrhage of anus and rectum", True, []),
            "N19": ("Unspecified kidney failure", True, []),
            "N20.1": ("Calculus of ureter", True, []),
            "N20.9": ("Urinary calculus, unspecified", True, []),
        }

    walker = IndexWalker.from_rows(
        [
            _row(0, "Hemorrhage", "R58"),
            _row(1, "Hemorrhage, rectum", "K62.5"),
            _row(0, "Failure"),
            _row(1, "Failure, renal", "N19"),
            _row(0, "Calculus", "N20.9"),
            _row(1, "Calculus, ureter", "N20.1"),
        ]
    )
    assert walker.walk("left ureteral calculus", Organs())[0].code == "N20.1"
    assert walker.walk("rectal hemorrhage", Organs())[0].code == "K62.5"
    assert walker.walk("kidney failure", Organs())[0].code == "N19"
    assert word_key("rectal") == word_key("rectum") and word_key("spinal") != word_key("spine")
    assert word_key("urinary") == word_key("urine")  # "urinary retention" ~ "Retention, urine"


def test_a_see_reference_names_the_site_the_tabular_child_spells() -> None:
    """ "Cellulitis, arm - see Cellulitis, upper limb": the right upper limb (L03.113), not the right axilla
    that says fewer words the note did not."""

    class Limbs(Tab):
        CODES = {
            "L03.11": ("Cellulitis of upper limb", False, ["L03.111", "L03.113"]),
            "L03.111": ("Cellulitis of right axilla", True, []),
            "L03.113": ("Cellulitis of right upper limb", True, []),
        }

    walker = IndexWalker.from_rows(
        [
            _row(0, "Cellulitis"),
            _row(1, "Cellulitis, arm", see="Cellulitis, upper limb"),
            _row(1, "Cellulitis, upper limb", "L03.11-"),
        ]
    )
    assert walker.walk("cellulitis of right arm", Limbs())[0].code == "L03.113"


def test_metastatic_site_cancer_is_the_primary_of_that_site(walker: IndexWalker) -> None:
    """Index: Metastasis, metastatic, cancer from a specified site is that site's primary; to a specified
    site, the secondary."""
    assert top(walker, "metastatic liver cancer")[0] == "C22.9"
    assert top(walker, "liver cancer metastases")[0] == "C78.7"
    assert top(walker, "secondary liver cancer")[0] == "C78.7"


def test_metastatic_cancer_to_a_site_is_the_secondary_of_that_site(walker: IndexWalker) -> None:
    assert top(walker, "metastatic cancer to liver")[0] == "C78.7"
    assert top(walker, "metastatic carcinoma to the liver")[0] == "C78.7"


def test_a_mentions_long_words_have_one_order_in_every_process() -> None:
    # the first long word that fits an Index word is taken: its order may not follow the hash seed
    long = read_mention("diabetic polyneuropathy with retinopathy and nephropathy").long
    assert long == tuple(sorted(long, key=lambda w: (-len(w), w)))


def test_a_denied_main_term_is_no_candidate(walker: IndexWalker) -> None:
    assert top(walker, "hypertension")[0] == "I10"
    assert walker.walk("no hypertension", Tab()) == []
    assert "I10" not in [
        h.code for h in walker.walk("elevated blood pressure without diagnosis of hypertension", Tab())
    ]
    assert (
        top(walker, "elevated blood pressure")[0] == "I10"
    )  # the Index's "see also" where nothing denies it


def test_a_phrase_listed_only_under_its_syndrome_takes_the_implied_main_term() -> None:
    class Eyes(Tab):
        CODES = {
            "H04.12": ("Dry eye syndrome", False, ["H04.121", "H04.129"]),
            "H04.121": ("Dry eye syndrome of right lacrimal gland", True, []),
            "H04.129": ("Dry eye syndrome of unspecified lacrimal gland", True, []),
            "R68.2": ("Dry mouth, unspecified", True, []),
            "R53.83": ("Other fatigue", True, []),
        }

    walker = IndexWalker.from_rows(
        [
            _row(0, "Dry, dryness", see_also="condition"),
            _row(1, "Dry, dryness, mouth", "R68.2"),
            _row(0, "Fatigue", "R53.83"),
            _row(0, "Syndrome"),
            _row(1, "Syndrome, dry eye", "H04.12-"),
            _row(1, "Syndrome, fatigue", "R53.83"),
        ]
    )
    hit = walker.walk("dry eyes", Eyes())[0]
    assert (hit.code, hit.evidence) == ("H04.129", "Syndrome -> dry eye -> H04.129")
    assert walker.walk("dry eye, right", Eyes())[0].code == "H04.121"
    assert walker.walk("dry mouth", Eyes())[0].code == "R68.2"  # its own entry: nothing implied
    assert walker.walk("eye", Eyes()) == []  # one word is never read as a syndrome
    assert [h.evidence for h in walker.walk("fatigue", Eyes())] == ["Fatigue -> R53.83"]


def test_diabetes_said_alone_is_diabetes_mellitus() -> None:
    class Screen(Tab):
        CODES = {
            "Z13.1": ("Encounter for screening for diabetes mellitus", True, []),
            "Z13.9": ("Encounter for screening, unspecified", True, []),
        }

    walker = IndexWalker.from_rows(
        [
            _row(0, "Screening", "Z13.9"),
            _row(1, "Screening, diabetes mellitus", "Z13.1"),
            _row(1, "Screening, disease or disorder", "Z13.9"),
        ]
    )
    assert walker.walk("screening for diabetes", Screen())[0].code == "Z13.1"
    assert walker.walk("screening for hepatitis", Screen())[0].code == "Z13.9"


NEOPLASM_REF_ROWS = [
    _row(0, "Glioblastoma"),
    _row(1, "Glioblastoma, specified site", see="Neoplasm, malignant, by site"),
    _row(1, "Glioblastoma, unspecified site", "C71.9"),
    _row(0, "Meningioma", see_also="Neoplasm, meninges, benign"),
    _row(0, "Neoplasm, neoplastic", "C80.1", source="neoplasm", column="Malignant Primary"),
    _row(0, "Neoplasm, neoplastic", "D36.9", source="neoplasm", column="Benign"),
    _row(0, "Neoplasm, neoplastic", "D49.9", source="neoplasm", column="Unspecified Behavior"),
    _row(1, "Neoplasm, neoplastic, cord, spinal", "C72.0", source="neoplasm", column="Malignant Primary"),
    _row(1, "Neoplasm, neoplastic, cord, spinal", "D49.7", source="neoplasm", column="Unspecified Behavior"),
    _row(1, "Neoplasm, neoplastic, meninges", "C70.9", source="neoplasm", column="Malignant Primary"),
    _row(1, "Neoplasm, neoplastic, meninges", "D32.9", source="neoplasm", column="Benign"),
]


class NeoTab(Tab):
    CODES = {
        code: (code, True, [])
        for code in ("C71.9", "C80.1", "D36.9", "D49.9", "C72.0", "D49.7", "C70.9", "D32.9")
    }


def test_an_unspecified_site_subterm_is_taken_only_where_the_mention_names_no_site() -> None:
    walker = IndexWalker.from_rows(NEOPLASM_REF_ROWS)
    assert walker.walk("glioblastoma", NeoTab())[0].code == "C71.9"
    assert walker.walk("glioblastoma of the spinal cord", NeoTab())[0].code == "C72.0"


def test_a_neoplasm_reference_gives_its_behaviour_and_site() -> None:
    walker = IndexWalker.from_rows(NEOPLASM_REF_ROWS)
    # "see Neoplasm, malignant, by site": the malignant column, not "unspecified behavior"
    assert "D49.7" not in [h.code for h in walker.walk("glioblastoma of the spinal cord", NeoTab())]
    # "see also Neoplasm, meninges, benign": that site's benign code, not the table's own benign default
    assert walker.walk("meningioma", NeoTab())[0].code == "D32.9"
    assert walker.walk("malignant meningioma", NeoTab())[0].code == "C70.9"  # the mention's behaviour wins


def test_the_heel_is_the_calcaneal_site() -> None:
    class Spur(Tab):
        CODES = {
            "M77.30": ("Calcaneal spur, unspecified foot", True, []),
            "M77.9": ("Enthesopathy", True, []),
        }

    walker = IndexWalker.from_rows(
        [_row(0, "Spur, bone", see_also="Enthesopathy"), _row(1, "Spur, bone, calcaneal", "M77.30")]
    )
    assert walker.walk("heel spur", Spur())[0].code == "M77.30"
    assert [h.code for h in walker.walk("bone spur of the wrist", Spur())] != ["M77.30"]


def test_the_lumbar_region_is_the_index_s_back() -> None:
    class Strain(Tab):
        CODES = {
            "S39.012A": ("Strain of muscle, fascia and tendon of lower back, initial encounter", True, []),
            "S16.1XXA": ("Strain of muscle, fascia and tendon at neck level, initial encounter", True, []),
        }

    walker = IndexWalker.from_rows(
        [_row(0, "Strain"), _row(1, "Strain, back", "S39.012A"), _row(1, "Strain, cervical", "S16.1XXA")]
    )
    assert walker.walk("lumbar strain", Strain())[0].code == "S39.012A"
    assert walker.walk("lumbar strain", Strain())[0].score == pytest.approx(
        1.0 - ALIAS_PENALTY * (1 - ALIAS_DEPTH_CREDIT)
    )  # every word, one as its alias
    assert walker.walk("cervical strain", Strain())[0].code == "S16.1XXA"  # not the back


def test_an_arthroplasty_is_the_index_s_joint_replacement_surgery() -> None:
    class Aftercare(Tab):
        CODES = {
            "Z51.89": ("Encounter for other specified aftercare", True, []),
            "Z47.1": ("Aftercare following joint replacement surgery", True, []),
            "Z47.33": ("Aftercare following explantation of knee joint prosthesis", True, []),
        }

    walker = IndexWalker.from_rows(
        [
            _row(0, "Aftercare", "Z51.89"),
            _row(1, "Aftercare, following surgery"),
            _row(2, "Aftercare, following surgery, joint replacement", "Z47.1"),
            _row(2, "Aftercare, following surgery, explantation of joint prosthesis"),
            _row(3, "Aftercare, following surgery, explantation of joint prosthesis, knee", "Z47.33"),
        ]
    )
    assert walker.walk("aftercare following right total knee arthroplasty", Aftercare())[0].code == "Z47.1"
    assert walker.walk("aftercare following a fall", Aftercare())[0].code == "Z51.89"  # no surgery named


def test_a_forearm_is_the_index_s_arm_only_where_it_names_no_forearm() -> None:
    class Limb(Tab):
        CODES = {
            "L03.90": ("Cellulitis, unspecified", True, []),
            "L03.113": ("Cellulitis of right upper limb", True, []),
            "S50.11XA": ("Contusion of right forearm, initial encounter", True, []),
            "S40.021A": ("Contusion of right upper arm, initial encounter", True, []),
        }

    walker = IndexWalker.from_rows(
        [
            _row(0, "Cellulitis", "L03.90"),
            _row(1, "Cellulitis, arm", see="Cellulitis, upper limb"),
            _row(1, "Cellulitis, upper limb", "L03.113"),
            _row(0, "Contusion"),
            _row(1, "Contusion, arm", "S40.021A"),
            _row(1, "Contusion, forearm", "S50.11XA"),
        ]
    )
    assert walker.walk("cellulitis of right forearm", Limb())[0].code == "L03.113"
    assert walker.walk("contusion of right forearm", Limb())[0].code == "S50.11XA"


def test_a_word_is_not_found_inside_its_opposite_and_nec_is_the_default() -> None:
    class Rhinitis(Tab):
        CODES = {
            "J30.9": ("Allergic rhinitis, unspecified", True, []),
            "J30.2": ("Other seasonal allergic rhinitis", True, []),
            "J30.89": ("Other allergic rhinitis", True, []),
            "G62.9": ("Polyneuropathy, unspecified", True, []),
        }

    walker = IndexWalker.from_rows(
        [
            _row(0, "Rhinitis"),
            _row(1, "Rhinitis, allergic", "J30.9"),
            _row(2, "Rhinitis, allergic, nonseasonal", "J30.89"),
            _row(2, "Rhinitis, allergic, seasonal NEC", "J30.2"),
            _row(0, "Polyneuropathy", "G62.9"),
        ]
    )
    assert walker.walk("seasonal allergic rhinitis", Rhinitis())[0].code == "J30.2"
    assert walker.walk("nonseasonal allergic rhinitis", Rhinitis())[0].code == "J30.89"
    assert walker.walk("allergic rhinitis", Rhinitis())[0].code == "J30.9"


class FootTab(Tab):
    CODES = {
        "M21.40": ("Flat foot [pes planus] (acquired), unspecified foot", True, []),
        "K08.89": ("Other specified disorders of teeth and supporting structures", True, []),
        "L60.0": ("Ingrowing nail", True, []),
        "H00.019": ("Hordeolum externum unspecified eye, unspecified eyelid", True, []),
    }


def _everyday_walker() -> IndexWalker:
    return IndexWalker.from_rows(
        [
            _row(0, "Flat"),
            _row(1, "Flat, foot", "M21.40"),
            _row(0, "Loose"),
            _row(1, "Loose, tooth, teeth", "K08.89"),
            _row(0, "Ingrowing"),
            _row(1, "Ingrowing, nail", "L60.0"),
            _row(0, "Hordeolum", "H00.019"),
            _row(0, "Sty, stye", see="Hordeolum"),
        ]
    )


def test_an_irregular_english_plural_is_read_as_its_singular() -> None:
    assert word_key("feet") == word_key("foot") and word_key("teeth") == word_key("tooth")
    assert word_key("children") == word_key("child") and word_key("fees") != word_key("foot")
    walker = _everyday_walker()
    assert walker.walk("flat feet", FootTab())[0].code == "M21.40"
    assert walker.walk("flat feet", FootTab())[0].score >= 0.97  # both words accounted for
    assert walker.walk("loose teeth", FootTab())[0].code == "K08.89"
    assert walker.walk("flat fees", FootTab()) == []  # "fees" is no plural of "foot"


def test_a_toenail_is_the_index_site_nail() -> None:
    hits = _everyday_walker().walk(expand_text("ingrown toenail"), FootTab())  # "ingrown": the table's
    assert hits[0].code == "L60.0" and hits[0].score >= 0.97
    assert _everyday_walker().walk("ingrowing hair", FootTab()) == []  # no "hair" subterm here


def test_a_three_letter_main_term_takes_its_longer_spelling() -> None:
    walker = _everyday_walker()
    assert walker.walk("stye", FootTab())[0].code == "H00.019"
    assert walker.walk("sty", FootTab())[0].code == "H00.019"


def test_a_possessive_s_and_nos_are_no_words_a_mention_must_account_for() -> None:
    class EarTab(Tab):
        CODES = {
            "B35.3": ("Tinea pedis", True, []),
            "H93.1": ("Tinnitus", False, ["H93.11", "H93.19"]),
            "H93.11": ("Tinnitus, right ear", True, []),
            "H93.19": ("Tinnitus, unspecified ear", True, []),
        }

    walker = IndexWalker.from_rows(
        [_row(0, "Athlete's"), _row(1, "Athlete's, foot", "B35.3"), _row(0, "Tinnitus NOS", "H93.1-")]
    )
    foot = walker.walk("athlete's foot", EarTab())[0]
    assert (foot.code, foot.score >= 0.97) == ("B35.3", True)
    ringing = walker.walk("tinnitus", EarTab())[0]
    assert (ringing.code, ringing.score >= 0.97) == ("H93.19", True)
    assert walker.walk("tinnitus, right", EarTab())[0].code == "H93.11"
    assert walker.walk("athlete's heart", EarTab()) == []  # the "s" matches nothing on its own
    assert walker.walk("pulsatile tinnitus", EarTab())[0].score < 0.97  # "pulsatile" stays unaccounted


def test_a_term_that_lost_its_code_takes_the_category_its_title_names() -> None:
    class EarTab(Tab):
        CODES = {
            "H92.0": ("Otalgia", False, ["H92.01", "H92.09"]),
            "H92.01": ("Otalgia, right ear", True, []),
            "H92.09": ("Otalgia, unspecified ear", True, []),
            "H83.2": ("Labyrinthine dysfunction", False, ["H83.2X"]),
            "H83.2X": ("Labyrinthine dysfunction", False, ["H83.2X9"]),
            "H83.2X9": ("Labyrinthine dysfunction, unspecified ear", True, []),
        }

    walker = IndexWalker.from_rows(
        [
            _row(0, "Earache"),  # "see subcategory H92.0" lost, and no title says "earache"
            _row(0, "Otalgia"),
            _row(0, "Dysfunction"),
            _row(1, "Dysfunction, labyrinthine"),
            _row(1, "Dysfunction, ovary", "E28.9"),
        ]
    )
    hit = walker.walk("otalgia", EarTab())[0]
    assert (hit.code, hit.score >= 0.97) == ("H92.09", True)
    assert walker.walk("otalgia, right", EarTab())[0].code == "H92.01"
    assert walker.walk("labyrinthine dysfunction", EarTab())[0].code == "H83.2X9"  # the shortest code
    assert walker.walk("earache", EarTab()) == []
    assert walker.walk("dysfunction", EarTab()) == []  # a main term with subterms lost nothing


def test_a_reference_in_the_plural_finds_the_main_term_kept_singular() -> None:
    class StomaTab(Tab):
        CODES = {"K94.00": ("Colostomy complication, unspecified", True, [])}

    walker = IndexWalker.from_rows(
        [
            _row(0, "Complication"),  # "Complication(s)": our Index copy moved the "(s)" out of the term
            _row(1, "Complication, colostomy", "K94.00"),
            _row(0, "Malfunction"),
            _row(1, "Malfunction, colostomy", see="Complications, colostomy"),
            _row(1, "Malfunction, stoma", see="Complication(s), colostomy"),
            _row(1, "Malfunction, valve", see="Complicationss, colostomy"),  # no such main term
        ]
    )
    assert walker.find("Complications, colostomy") is walker.find("Complication, colostomy")
    assert walker.walk("colostomy malfunction", StomaTab())[0].code == "K94.00"
    assert walker.walk("stoma malfunction", StomaTab())[0].code == "K94.00"
    assert walker.walk("valve malfunction", StomaTab()) == []


def test_a_table_of_neoplasms_reference_is_a_neoplasm_reference() -> None:
    rows = [
        _row(0, "Arachnoid tumor", see="Table of Neoplasms, meninges, benign"),
        _row(0, "Arachnoid cyst", see="Table of Contents, meninges"),  # no table of ours
        *NEOPLASM_REF_ROWS[4:],
    ]
    walker = IndexWalker.from_rows(rows)
    assert walker.walk("arachnoid tumor", NeoTab())[0].code == "D32.9"
    assert walker.walk("arachnoid cyst", NeoTab()) == []


def test_at_an_entry_with_no_subterms_a_site_the_mention_names_costs_nothing() -> None:
    class SiteTab(Tab):
        CODES = {"R20.0": ("Anesthesia of skin", True, []), "R52": ("Pain, unspecified", True, [])}

    walker = IndexWalker.from_rows(
        [
            _row(0, "Numbness", "R20.0"),
            _row(0, "Pain", "R52"),
            _row(1, "Pain, chest", "R07.9"),
            _row(0, "Neoplasm", source="neoplasm"),
            _row(1, "Neoplasm, foot NEC", "C76.5", source="neoplasm", column="Malignant Primary"),
            _row(1, "Neoplasm, hand NEC", "C76.4", source="neoplasm", column="Malignant Primary"),
        ]
    )
    assert walker.walk("numbness of feet", SiteTab())[0].score >= 0.97
    assert walker.walk("numbness of left hand", SiteTab())[0].score >= 0.97
    assert walker.walk("numbness after stroke", SiteTab())[0].score < 0.97  # "stroke" is no site
    assert walker.walk("pain of foot", SiteTab())[0].score < 0.97  # "Pain" lists sites: the foot is unlisted


def test_a_morphology_word_is_not_its_in_situ_form() -> None:
    rows = [
        _row(0, "Carcinoma", see="Neoplasm, malignant, by site"),
        _row(1, "Carcinoma, ductal"),
        _row(2, "Carcinoma, ductal, with lobular", "X01"),
        _row(1, "Carcinoma, intraductal"),
        _row(2, "Carcinoma, intraductal, breast", "X02"),
        _row(1, "Carcinoma, papillary"),
        _row(2, "Carcinoma, papillary, micropapillary", "X03"),
        _row(0, "Thrombosis", "X20"),
        _row(1, "Thrombosis, intracranial", "X21"),
    ]
    walker = IndexWalker.from_rows(rows)
    # "ductal" (invasive) does not reach "intraductal" (in situ)
    assert "X02" not in [h.code for h in walker.walk("ductal carcinoma of breast")]
    assert [h.code for h in walker.walk("intraductal carcinoma of breast")][:1] == ["X02"]
    # other words inside an "intra" form still match it: "cranial" in "intracranial"
    assert "X21" in [h.code for h in walker.walk("thrombosis of the cranial sinuses")]


def test_a_stated_cause_implies_the_type_the_index_lists_it_under() -> None:
    rows = [
        _row(0, "Rhinitis", "X10"),
        _row(1, "Rhinitis, allergic", "X11"),
        _row(2, "Rhinitis, allergic, due to"),
        _row(3, "Rhinitis, allergic, due to, pollen", "X12"),
        _row(1, "Rhinitis, vasomotor", "X13"),
    ]
    walker = IndexWalker.from_rows(rows)
    assert [h.code for h in walker.walk("rhinitis due to pollen")][:1] == ["X12"]
    assert [h.code for h in walker.walk("allergic rhinitis due to pollen")][:1] == ["X12"]
    # without the cause stated, the type is not implied
    assert [h.code for h in walker.walk("rhinitis, pollen season")][:1] == ["X10"]


@pytest.mark.parametrize(
    ("mention", "code"),
    [
        ("elevated PSA", "R97.20"),
        ("elevated prostate specific antigen", "R97.20"),
        ("elevated TSA", "R97.8"),
    ],
)
def test_an_abbreviation_the_index_writes_in_brackets_names_its_term(
    walker: IndexWalker, mention: str, code: str
) -> None:
    assert top(walker, mention)[0] == code


def test_a_bracketed_abbreviation_is_not_matched_by_a_word_it_lacks(walker: IndexWalker) -> None:
    assert "R97.20" not in [h.code for h in walker.walk("elevated antigen", Tab())]


def test_the_connector_complicated_by_is_not_a_word_the_note_says(walker: IndexWalker) -> None:
    assert top(walker, "vomiting of pregnancy")[0] == "O21.9"
    assert top(walker, "pregnancy")[0] == "Z33.1"


def test_a_sex_subterm_is_the_patients_sex_not_a_word_of_the_note(walker: IndexWalker) -> None:
    assert top(walker, "cystocele midline")[0] == "N81.11"
    assert top(walker, "female cystocele")[0] == "N81.10"  # said, it is matched as a word


def test_a_named_main_term_is_entered_by_each_of_its_alternatives() -> None:
    walker = IndexWalker.from_rows(
        [
            _row(0, "Asperger's disease or syndrome", "F84.5"),
            _row(0, "Osgood-Schlatter disease or osteochondrosis", "M92.52"),
            _row(0, "Osteochondrosis", "M93.90"),
            _row(0, "Syndrome", "R68.89"),
        ]
    )
    assert walker.walk("Asperger's syndrome")[0].code == "F84.5"
    assert walker.walk("Asperger's disease")[0].code == "F84.5"
    assert walker.walk("Osgood-Schlatter disease")[0].code == "M92.52"
    # the alternative word alone does not name the eponym's entry
    assert [h.code for h in walker.walk("osteochondrosis")] == ["M93.90"]


def test_the_colon_is_read_as_the_large_intestine() -> None:
    class Bowel(Tab):
        CODES = {
            "K57.90": ("Diverticulosis of intestine, part unspecified", True, []),
            "K57.30": ("Diverticulosis of large intestine", True, []),
        }

    walker = IndexWalker.from_rows(
        [
            _row(0, "Diverticulosis", "K57.90"),
            _row(1, "Diverticulosis, intestine"),
            _row(2, "Diverticulosis, intestine, large", "K57.30"),
        ]
    )
    assert walker.walk("diverticulosis of the sigmoid colon", Bowel())[0].code == "K57.30"
    assert walker.walk("diverticulosis", Bowel())[0].code == "K57.90"


def test_a_subterm_listing_alternatives_with_commas_and_or_matches_any_one() -> None:
    rows = [
        _row(0, "Displacement, intervertebral disc"),
        _row(1, "Displacement, intervertebral disc, lumbar region", "M51.26"),
        _row(2, "Displacement, intervertebral disc, lumbar region, with"),
        _row(
            3,
            "Displacement, intervertebral disc, lumbar region, with, neuritis, radiculitis or sciatica",
            "M51.16",
        ),
    ]
    walker = IndexWalker.from_rows(rows)
    assert walker.walk("lumbar intervertebral disc displacement with radiculitis")[0].code == "M51.16"
    assert walker.walk("lumbar intervertebral disc displacement with sciatica")[0].code == "M51.16"
    assert walker.walk("lumbar intervertebral disc displacement")[0].code == "M51.26"


def test_of_two_paths_through_one_word_s_aliases_the_one_reading_more_of_them_wins() -> None:
    walker = IndexWalker.from_rows(
        [
            _row(0, "Diverticulitis", "K57.92"),
            _row(1, "Diverticulitis, intestine", "K57.92"),
            _row(2, "Diverticulitis, intestine, large", "K57.32"),
        ]
    )
    hits = walker.walk("diverticulitis of the colon")
    assert [h.code for h in hits[:2]] == ["K57.32", "K57.92"]
    assert hits[0].score - hits[1].score < ALIAS_PENALTY  # a tie-break, never more


def test_a_subterm_listing_one_words_forms_matches_either_form() -> None:
    # "Fissure, anus, anal": the Index lists a site as its noun and its adjective; a phrase says one of them.
    # An inverted qualifier ("colon, congenital") still needs both words.
    rows = [
        _row(0, "Fissure, fissured", "R68.89"),
        _row(1, "Fissure, fissured, anus, anal", "K60.2"),
        _row(1, "Fissure, fissured, colon, congenital", "Q43.8"),
        _row(0, "Fracture, traumatic", "T14.8"),
        _row(1, "Fracture, traumatic, femur, femoral", "S72.9-"),
    ]
    walker = IndexWalker.from_rows(rows)

    def codes(text: str, phrase: bool = True) -> list[str]:
        return [h.code for h in walker.walk(text, other_is_nec=phrase)]

    assert codes("anal fissure")[0] == "K60.2"
    assert codes("fissure of anus")[0] == "K60.2"
    assert codes("femoral fracture")[0] == "S72.9"
    assert codes("fracture of the femur")[0] == "S72.9"
    assert "Q43.8" not in codes("fissure of colon")
    assert codes("congenital fissure of colon")[0] == "Q43.8"
    assert "K60.2" not in codes("anal fissure", phrase=False)  # a note's walk is unchanged


def test_a_site_subterm_that_says_what_it_includes_is_named_without_it() -> None:
    rows = [
        _row(0, "Melanoma", "C43.9"),
        _row(1, "Melanoma, upper limb, including shoulder", "C43.6-"),
    ]
    walker = IndexWalker.from_rows(rows)
    assert walker.walk("melanoma of upper limb", other_is_nec=True)[0].code == "C43.6"
    assert walker.walk("melanoma of upper limb including shoulder", other_is_nec=True)[0].code == "C43.6"
    assert walker.walk("melanoma of upper limb")[0].code == "C43.9"  # a note's walk is unchanged


def test_a_phrase_reaches_a_not_subterm_only_when_it_denies_the_words() -> None:
    # "Cough, not productive of sputum": a subterm that starts with "not" is the one a phrase denying its
    # words takes; a phrase saying the words plainly stays on the main term.
    rows = [
        _row(0, "Cough", "R05.9"),
        _row(1, "Cough, not productive of sputum", "R05.8"),
    ]
    walker = IndexWalker.from_rows(rows)

    def codes(text: str, phrase: bool = True) -> list[str]:
        return [h.code for h in walker.walk(text, other_is_nec=phrase)]

    assert codes("cough productive of sputum")[0] == "R05.9"
    assert "R05.8" not in codes("cough productive of sputum")
    assert codes("cough not productive of sputum")[0] == "R05.8"
    assert codes("cough productive of sputum", phrase=False)[0] == "R05.8"  # a note's walk is unchanged


def test_a_capital_letter_a_after_a_word_is_a_type_not_an_article() -> None:
    # "Jaundice, type, A": the Index's subterm "A" is a letter a phrase names ("jaundice type A"); the
    # article "a" never reaches it, and a path that leaves the letter out does not account for the phrase.
    rows = [
        _row(0, "Jaundice", "R17"),
        _row(1, "Jaundice, type", "R17.0"),
        _row(2, "Jaundice, type, A", "R17.1"),
        _row(2, "Jaundice, type, B", "R17.2"),
    ]
    walker = IndexWalker.from_rows(rows)

    def hits(text: str, phrase: bool = True) -> list[tuple[str, float]]:
        return [(h.code, h.score) for h in walker.walk(text, other_is_nec=phrase)]

    assert hits("jaundice type A")[0] == ("R17.1", 1.0)
    assert hits("jaundice type B")[0][0] == "R17.2"
    assert "R17.1" not in [c for c, _ in hits("jaundice of a type")]
    assert "R17.1" not in [c for c, _ in hits("jaundice type A", phrase=False)]  # a note's walk is unchanged


def test_a_phrase_naming_an_organism_by_its_noun_reaches_the_adjective_subterm() -> None:
    # "Sinusitis, bacterial": a phrase says "sinusitis due to a bacterium"; the noun reads as the adjective
    rows = [
        _row(0, "Sinusitis", "J32.9"),
        _row(1, "Sinusitis, bacterial", "J32.8"),
        _row(1, "Sinusitis, viral", "J32.0"),
    ]
    walker = IndexWalker.from_rows(rows)

    def codes(text: str, phrase: bool = True) -> list[str]:
        return [h.code for h in walker.walk(text, other_is_nec=phrase)]

    assert codes("sinusitis due to bacterium")[0] == "J32.8"
    assert codes("sinusitis due to a virus")[0] == "J32.0"
    assert codes("sinusitis due to bacterium", phrase=False)[0] == "J32.9"  # a note's walk is unchanged


def test_an_entry_pointing_to_a_category_gives_a_phrase_walk_its_bracketed_manifestation() -> None:
    # "Bursopathy, in, ringworm B35.9, see category M71": the pointer is the manifestation's category
    rows = [
        _row(0, "Bursopathy", "M71.9"),
        _row(1, "Bursopathy, in"),
        _row(2, "Bursopathy, in, ringworm", "B35.9", see_also="category M71"),
        _row(2, "Bursopathy, in, gout", "M10.9"),
    ]
    walker = IndexWalker.from_rows(rows)

    def hit(text: str, phrase: bool = True) -> WalkHit:
        return walker.walk(text, other_is_nec=phrase)[0]

    ringworm = hit("bursopathy in ringworm")
    assert ringworm.code == "B35.9" and ringworm.bracket == "M71"
    assert ringworm.evidence.endswith("B35.9 [see category M71]")
    assert hit("bursopathy in gout").bracket == ""  # an entry with no pointer
    assert hit("bursopathy in ringworm", phrase=False).bracket == ""  # a note's walk is unchanged


def test_a_bone_named_by_its_adjective_walks_to_the_bone() -> None:
    rows = [
        _row(0, "Fracture, traumatic", "T14.8"),
        _row(1, "Fracture, traumatic, neck", "S12.9"),
        _row(1, "Fracture, traumatic, femur, femoral", "S72.9-"),
        _row(2, "Fracture, traumatic, femur, femoral, neck", "S72.00-"),
        _row(1, "Fracture, traumatic, calcaneus", "S92.00-"),
    ]
    walker = IndexWalker.from_rows(rows)
    assert walker.walk("femoral neck fracture")[0].code == "S72.00"  # not the neck (cervical) S12.9
    assert walker.walk("calcaneal fracture")[0].code == "S92.00"


def test_a_bone_s_end_the_note_leaves_unsaid_is_passed_through_unless_it_names_the_other() -> None:
    rows = [
        _row(0, "Fracture, traumatic", "T14.8"),
        _row(1, "Fracture, traumatic, tibia", "S82.20-"),
        _row(2, "Fracture, traumatic, tibia, upper end", "S82.10-"),
        _row(3, "Fracture, traumatic, tibia, upper end, plateau", "S82.14-"),
        _row(3, "Fracture, traumatic, tibia, upper end, torus", "S82.16-"),
        _row(2, "Fracture, traumatic, tibia, lower end", "S82.30-"),
        _row(3, "Fracture, traumatic, tibia, lower end, torus", "S82.31-"),
        _row(1, "Fracture, traumatic, femur, femoral", "S72.9-"),
    ]
    walker = IndexWalker.from_rows(rows)
    assert walker.walk("tibial plateau fracture")[0].code == "S82.14"
    assert walker.walk("torus fracture of the lower tibia")[0].code == "S82.31"  # never the upper end's
    assert walker.walk("femur fracture")[0].code == "S72.9"  # "femur, femoral" read from either form
