"""Common office wordings the engine had missed: context-dependent abbreviations read in their sentence, a
cancer site said as an adjective, a family member's cancer by organ group, a device's status rather than a
complication of it, and an alcoholic form only when alcohol is said. Notes are written for these tests;
titles are the ICD-10-CM tabular's (public domain)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.suggest.abbreviations import expand_span, expand_text
from assistant.suggest.cancer_history import family_code, personal_code
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.device_status import device_status
from assistant.suggest.index_walker import WalkHit
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.qualifiers import read_qualifiers, rerank
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.service import SuggestionService
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick


# ------------------------------------------------------------ abbreviations read in their sentence
def test_a_mention_reads_its_abbreviation_with_the_rest_of_the_sentence_as_context() -> None:
    queries = {m.text: m.query for m in read_note("A/P:\n1. CDI, on vancomycin - continue.")}
    assert queries["CDI"] == "Clostridioides difficile infection"
    assert {m.text: m.query for m in read_note("A/P:\n1. CDI review.")}.get("CDI review") == "CDI review"


def test_expand_span_keeps_edits_inside_the_span_only() -> None:
    text = "HTN, CDI, on vancomycin"
    assert expand_span(text, 5, 8) == "Clostridioides difficile infection"
    assert expand_span(text, 0, 3) == "hypertension"
    assert expand_span("CDI", 0, 3) == "CDI"  # no context: the ambiguous letters stay


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BPPV, Epley done", "benign paroxysmal positional vertigo"),
        ("ESKD on HD MWF", "end stage renal disease on hemodialysis"),
        ("WPW s/p ablation", "Wolff-Parkinson-White syndrome"),
        ("s/p CABG 2019", "coronary artery bypass graft"),
        ("CSA on CPAP titration", "central sleep apnea"),
        ("DM2 w/ peripheral neuropathy", "peripheral polyneuropathy"),  # Index: see also Polyneuropathy
    ],
)
def test_new_abbreviations_expand(text: str, expected: str) -> None:
    assert expected in expand_text(text)


@pytest.mark.parametrize("text", ["HD 3 of admission", "CSA signed today", "AKA Bob"])
def test_ambiguous_new_abbreviations_stay_without_their_context(text: str) -> None:
    assert expand_text(text) == text


# ------------------------------------------------------------ a cancer site said as an adjective
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gastric cancer", "stomach cancer"),
        ("pancreatic ductal adenocarcinoma", "pancreas ductal adenocarcinoma"),
        ("FHx ovarian cancer", "ovary cancer"),
        ("esophageal squamous cell carcinoma", "esophagus squamous cell carcinoma"),
    ],
)
def test_a_site_adjective_beside_a_neoplasm_word_reads_as_the_organ(text: str, expected: str) -> None:
    assert expected in expand_text(text)


@pytest.mark.parametrize("text", ["gastric ulcer", "pancreatic enzymes", "uterine fibroids", "anal fissure"])
def test_a_site_adjective_elsewhere_is_left_as_written(text: str) -> None:
    assert expand_text(text) == text


# ------------------------------------------------------------ a family member's cancer by organ group
@pytest.mark.parametrize(
    ("primary", "expected"),
    [
        ("C18.9", "Z80.0"),
        ("C25.9", "Z80.0"),
        ("C34.90", "Z80.1"),
        ("C50.919", "Z80.3"),
        ("C56.9", "Z80.41"),
        ("C57.00", "Z80.44"),
        ("C61", "Z80.42"),
        ("C55", "Z80.49"),
        ("C64.9", "Z80.51"),
        ("C67.9", "Z80.52"),
        ("C92.10", "Z80.6"),
        ("C85.90", "Z80.7"),
        ("C43.9", "Z80.8"),
        ("C73", "Z80.8"),
        ("C80.1", None),
        ("Z80.9", None),
        ("C7A.00", None),
    ],
)
def test_family_code_follows_the_block_of_the_primary_site(primary: str, expected: str | None) -> None:
    assert family_code(primary) == expected


@pytest.mark.parametrize(
    ("primary", "expected"),
    [
        ("C18.9", "Z85.038"),
        ("C20", "Z85.048"),
        ("C21.0", "Z85.048"),
        ("C25.9", "Z85.07"),
        ("C34.11", "Z85.118"),
        ("C50.412", "Z85.3"),
        ("C53.9", "Z85.41"),
        ("C54.1", "Z85.42"),
        ("C57.00", "Z85.4A"),
        ("C61", "Z85.46"),
        ("C64.1", "Z85.528"),
        ("C67.9", "Z85.51"),
        ("C81.90", "Z85.71"),
        ("C83.30", "Z85.72"),
        ("C43.9", "Z85.820"),
        ("C44.91", "Z85.828"),
        ("C73", "Z85.850"),
        ("C80.1", None),
        ("C7A.00", None),
    ],
)
def test_personal_code_follows_the_site_of_the_primary(primary: str, expected: str | None) -> None:
    assert personal_code(primary) == expected


def test_a_family_cancer_walked_to_its_site_gives_the_organ_group_not_the_unspecified_code(
    service: SuggestionService,
) -> None:
    rows = service.index.row_of
    colon = WalkHit("C18.9", ["Neoplasm, neoplastic", "colon", "Malignant Primary"], 0.5)
    out = {rows["Z80.3"]: (0.75, "History -> family -> malignant neoplasm -> breast -> Z80.3")}
    service._cancer_history("family", [colon], out)
    assert out[rows["Z80.0"]][0] == 1.0 and "colon" in out[rows["Z80.0"]][1]
    unplaced = {rows["Z80.3"]: (0.75, "kept")}
    unspecified = WalkHit("C80.1", ["Neoplasm, neoplastic", "Malignant Primary"], 0.25)
    service._cancer_history("family", [unspecified], unplaced)
    assert unplaced == {rows["Z80.3"]: (0.75, "kept")}


# ------------------------------------------------------------ a device from before is its status
def test_a_device_named_from_before_is_not_coded_as_a_complication_of_it() -> None:
    catalog = CodeCatalog(
        {
            "codes": {
                "Z95.1": ["ICD-10-CM", "Presence of aortocoronary bypass graft", True, "Z95", "code"],
                "T82.218A": [
                    "ICD-10-CM",
                    "Other mechanical complication of coronary artery bypass graft, initial encounter",
                    True,
                    "T82.218",
                    "code",
                ],
            },
            "refs": {},
        }
    )
    note = "65M s/p CABG x3 (2019), chest tightness.\nA/P:\n2. S/p CABG."
    start = note.rindex("S/p CABG")
    query = "coronary artery bypass graft"
    mention = Mention(start, start + 8, "S/p CABG", query, "assessment", 0, len(note))
    picks = {"T82.218A": Pick("T82.218A", 0.6, True, [mention])}
    device_status(picks, NoteContext(note=note), catalog)
    assert picks["Z95.1"].final and not picks["T82.218A"].final


# ------------------------------------------------------------ an alcoholic form needs alcohol said
@dataclass
class Scored:
    code: str
    score: float


LIVER = {"K70.0": "Alcoholic fatty liver", "K76.0": "Fatty (change of) liver, not elsewhere classified"}


@pytest.mark.parametrize(
    ("phrase", "first"),
    [
        ("fatty liver", "K76.0"),
        ("alcoholic fatty liver", "K70.0"),
        ("fatty liver from heavy EtOH", "K70.0"),
        ("fatty liver, drinks 6 beers a day", "K70.0"),
    ],
)
def test_an_alcoholic_form_is_first_only_when_the_note_names_alcohol(phrase: str, first: str) -> None:
    cands = [Scored("K70.0", 0.7), Scored("K76.0", 0.6)]
    out, _ = rerank(cands, read_qualifiers(expand_text(phrase)), LIVER.__getitem__, lambda c: [], Scored)
    assert out[0].code == first


# ------------------------------------------------------------ a manifestation alone
RECTAL = {
    "K51.311": "Ulcerative (chronic) rectosigmoiditis with rectal bleeding",
    "K62.5": "Hemorrhage of anus and rectum",
}


@dataclass
class Walked:
    code: str
    score: float
    walk: float = 0.0


def test_a_manifestation_alone_does_not_take_the_combination_of_a_disease_never_named() -> None:
    cands = [Walked("K51.311", 0.7), Walked("K62.5", 0.6)]
    out, reasons = rerank(cands, read_qualifiers("rectal bleeding"), RECTAL.__getitem__, lambda c: [], Walked)
    assert out[0].code == "K62.5" and any("rectosigmoiditis" in r for r in reasons["K51.311"])
    named = [Walked("K51.311", 0.7), Walked("K62.5", 0.6)]
    q = read_qualifiers("ulcerative rectosigmoiditis with rectal bleeding")
    assert rerank(named, q, RECTAL.__getitem__, lambda c: [], Walked)[0][0].code == "K51.311"


def test_the_index_walk_may_code_a_manifestation_with_its_disease() -> None:
    """ "Shock, septic R65.21": the Index sends the words there, so no conflict is raised."""
    titles = {"R65.21": "Severe sepsis with septic shock", "T81.12XA": "Postprocedural septic shock"}
    cands = [Walked("R65.21", 0.7, walk=1.0), Walked("T81.12XA", 0.6)]
    out, reasons = rerank(cands, read_qualifiers("septic shock"), titles.__getitem__, lambda c: [], Walked)
    assert out[0].code == "R65.21" and "R65.21" not in reasons


# ------------------------------------------------------------ an abnormal result is a finding
@pytest.mark.parametrize(
    ("text", "why"),
    [("elevated LFTs", None), ("abnormal EKG", None), ("CSA on PSG", None), ("LFTs pending", "test")],
)
def test_an_abnormal_result_or_a_finding_on_a_test_may_be_coded(text: str, why: str | None) -> None:
    assert why_not_coded(text) == why


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("elevated LFTs", "elevated transaminase levels"),  # raised LFTs are the transaminases (R74.01)
        ("LFTs pending", "liver function tests pending"),
        ("transaminitis", "elevated transaminase levels"),
        ("lightheadedness", "light-headedness"),
        ("cold sore on the lip", "herpes labialis on the lip"),  # not a common cold (J00)
        ("GI bleed", "gastrointestinal hemorrhage"),
        ("ingrown toenail", "ingrowing toenail"),
        ("blood in stool", "blood in feces"),
        ("blurry vision", "visual blurring"),
        ("earache, left", "otalgia, left"),
        ("ringing in the ears", "tinnitus"),
        ("low potassium", "hypokalemia"),
        ("low sodium diet", "low sodium diet"),  # a diet, no hyponatremia
        ("whiplash", "whiplash injury"),
        ("whiplash injury", "whiplash injury"),
        ("canker sores", "aphthous stomatitis"),
    ],
)
def test_clinical_jargon_reads_as_the_index_words(text: str, expected: str) -> None:
    assert expand_text(text) == expected


HIP = {"M06.251": "Rheumatoid bursitis, right hip", "M70.71": "Other bursitis of hip, right hip"}


@pytest.mark.parametrize(
    ("phrase", "first"), [("bursitis of right hip", "M70.71"), ("RA bursitis, R hip", "M06.251")]
)
def test_a_rheumatoid_form_needs_the_rheumatoid_disease_said(phrase: str, first: str) -> None:
    cands = [Scored("M06.251", 0.7), Scored("M70.71", 0.6)]
    out, _ = rerank(cands, read_qualifiers(expand_text(phrase)), HIP.__getitem__, lambda c: [], Scored)
    assert out[0].code == first
