"""Round 23 (the lead's probe notes): chapter 13's site regions, the Index's combination written as one
phrase, an Excludes1 note naming a combination of unspecified side."""

import pytest

from assistant.suggest.coding_rules.bilateral import both_sides_without_a_bilateral_code
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.index_pairs import index_pairs
from assistant.suggest.coding_rules.injuries import _best, injury_rules
from assistant.suggest.coding_rules.symptoms import integral_to
from assistant.suggest.coding_rules.tobacco import tobacco_code
from assistant.suggest.history import history_cue
from assistant.suggest.index_first import complete_by_title, promote
from assistant.suggest.index_walker import complete
from assistant.suggest.patient import read_demographics
from assistant.suggest.reader import Mention, qualifies_previous, read_note
from assistant.suggest.rules import condition_unspecified, excluded_elsewhere
from assistant.suggest.service import SuggestionService
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import INDEX_REASON, Candidate, Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog
from tests.suggest.rules_corpus import rules_service
from tests.suggest.test_coding_rules import _injury_picks

# Titles as in the ICD-10-CM tabular (public domain).
BONE_DENSITY = hierarchy_catalog(
    {
        "M85.80": "Other specified disorders of bone density and structure, unspecified site",
        "M85.851": "Other specified disorders of bone density and structure, right thigh",
        "M85.852": "Other specified disorders of bone density and structure, left thigh",
        "M85.859": "Other specified disorders of bone density and structure, unspecified thigh",
        "M85.861": "Other specified disorders of bone density and structure, right lower leg",
        "M85.862": "Other specified disorders of bone density and structure, left lower leg",
        "M85.869": "Other specified disorders of bone density and structure, unspecified lower leg",
        "M85.88": "Other specified disorders of bone density and structure, other site",
        "M85.89": "Other specified disorders of bone density and structure, multiple sites",
    },
    {
        "M85": "Other disorders of bone density and structure",
        "M85.8": "Other specified disorders of bone density and structure",
        "M85.85": "Other specified disorders of bone density and structure, thigh",
        "M85.86": "Other specified disorders of bone density and structure, lower leg",
    },
)


@pytest.mark.parametrize(
    ("mention", "code"),
    [
        ("osteopenia of the left hip", "M85.852"),  # the hip is in the pelvic region and thigh
        ("osteopenia, right knee", "M85.861"),  # the knee joint is in the lower leg
        ("osteopenia of the lumbar spine", "M85.88"),  # the vertebral column is "other site"
        ("osteopenia of the left thigh", "M85.852"),  # the region itself
        ("osteopenia, multiple sites", "M85.89"),
        ("osteopenia", "M85.80"),  # no site said
        ("osteopenia, no fracture of the hip", "M85.80"),  # a denied site names none
    ],
)
def test_a_bone_or_joint_completes_its_chapter_13_region(mention: str, code: str) -> None:
    assert complete("M85.8-", mention, BONE_DENSITY) == code


def _walked(code: str, walk: float, path: str, score: float = 0.02, coverage: float = 0.0) -> Candidate:
    return Candidate(code, 0, score, coverage=coverage, walk=walk, walk_path=path)


def test_the_tabular_title_completes_what_the_index_walk_left() -> None:
    title = BONE_DENSITY.title
    hip = _walked("M85.852", 1 / 3, "Osteopenia -> M85.852")
    assert complete_by_title(hip, "Osteopenia of left hip", title("M85.852"))
    # the title says neither the site nor a region holding it
    assert not complete_by_title(hip, "Osteopenia of left wrist", title("M85.852"))
    # both sides where the axis has no bilateral code: each side is coded (I.B.13)
    both = _walked("M85.859", 1 / 3, "Osteopenia -> M85.859")
    assert complete_by_title(both, "Osteopenia of both hips", title("M85.859"))
    assert not complete_by_title(both, "Osteopenia of both hips", title("M85.80"))
    unspecified = _walked("M85.80", 1 / 3, "Osteopenia -> M85.80")
    assert not complete_by_title(unspecified, "Osteopenia of left hip", title("M85.80"))


def test_a_first_code_whose_indexed_text_alone_covers_the_mention_yields_to_the_index_and_tabular() -> None:
    titles = {"M25.752": "Osteophyte, left hip", **{c: BONE_DENSITY.title(c) for c in ("M85.852",)}}
    cands = [
        _walked("M25.752", 0.0, "", score=0.03, coverage=1.0),
        _walked("M85.852", 1 / 3, "Osteopenia -> M85.852"),
    ]
    assert promote(cands, {}, "Osteopenia of left hip", titles.__getitem__) == "M85.852"
    assert cands[0].code == "M85.852"
    # without the titles the covering first code stays (the older reading)
    again = [
        _walked("M25.752", 0.0, "", score=0.03, coverage=1.0),
        _walked("M85.852", 1 / 3, "Osteopenia -> M85.852"),
    ]
    assert promote(again, {}) is None
    # a first code whose own title says every word stays first
    said = [
        _walked("M25.752", 0.0, "", score=0.03, coverage=1.0),
        _walked("M85.852", 1 / 3, "Osteopenia -> M85.852"),
    ]
    assert promote(said, {}, "Osteophyte of left hip", titles.__getitem__) is None


LUMBAGO = CodeCatalog(
    {
        "codes": {
            "M54.50": ["ICD-10-CM", "Low back pain, unspecified", True, None, "code"],
            "M54.30": ["ICD-10-CM", "Sciatica, unspecified side", True, None, "code"],
            "M54.32": ["ICD-10-CM", "Sciatica, left side", True, None, "code"],
            "M54.40": ["ICD-10-CM", "Lumbago with sciatica, unspecified side", True, None, "code"],
            "M54.42": ["ICD-10-CM", "Lumbago with sciatica, left side", True, None, "code"],
        },
        "refs": {"M54.50": {"excludes1": ["M54.4-"]}},
    }
)


def _pairs(note: str, sciatica: Pick) -> set[str]:
    mention = read_note(note)[0]
    sciatica.mentions = [mention]
    picks = {"M54.50": Pick("M54.50", 0.7, True, [mention]), sciatica.code: sciatica}
    index_pairs(picks, NoteContext(note=note), LUMBAGO)
    return {c for c, p in picks.items() if p.final}


def test_one_phrase_stating_both_conditions_takes_the_index_combination() -> None:
    note = "Low back pain with left sciatica.\n"
    read = Pick("M54.32", 0.5, False, [], reasons=[f"{INDEX_REASON}Sciatica -> M54.32"])
    assert _pairs(note, read) == {"M54.42"}
    # a candidate the Index did not give is no statement of the second condition
    guessed = Pick("M54.32", 0.5, False, [], reasons=["meaning similarity 0.70"])
    assert _pairs(note, guessed) == {"M54.50"}
    # nor one a coding rule set aside
    vetoed = Pick("M54.32", 0.5, False, [], reasons=[f"{INDEX_REASON}Sciatica -> M54.32"], vetoed=True)
    assert _pairs(note, vetoed) == {"M54.50"}


def test_an_excludes1_note_sends_to_a_combination_of_unspecified_side() -> None:
    assert not condition_unspecified("Lumbago with sciatica, unspecified side")
    assert condition_unspecified("Low back pain, unspecified")
    assert condition_unspecified("Otitis media, unspecified, left ear")
    assert excluded_elsewhere(LUMBAGO, "M54.50", "M54.40")  # "low back pain with sciatica" is M54.4-
    assert not excluded_elsewhere(LUMBAGO, "M54.40", "M54.50")


@pytest.mark.parametrize(
    ("chunk", "completes"),
    [
        ("lateral (ATFL)", True),  # "Ankle sprain, left, lateral (ATFL)": the ligament of the sprain
        ("medial", True),
        ("(anterior talofibular ligament)", True),
        ("lateral ankle pain", False),  # a condition of its own
        ("lateral epicondylitis", False),
    ],
)
def test_the_side_of_a_joint_or_its_ligament_completes_the_condition_before_it(
    chunk: str, completes: bool
) -> None:
    assert qualifies_previous(chunk) is completes


def test_a_ligament_in_parentheses_stays_with_its_sprain() -> None:
    note = "A: Ankle sprain, left, lateral (ATFL), twisted playing basketball.\nP: brace"
    sprain = next(m for m in read_note(note) if "sprain" in m.text)
    assert "ATFL" in sprain.text


STRIKES = CodeCatalog(
    {
        "codes": {
            "W50.0XXA": [
                "ICD-10-CM",
                "Accidental hit or strike by another person, initial encounter",
                True,
                None,
                "code",
            ],
            "W27.8XXA": [
                "ICD-10-CM",
                "Contact with other nonpowered hand tool, initial encounter",
                True,
                None,
                "code",
            ],
        }
    }
)


def test_a_blow_by_another_person_needs_a_person_in_the_story() -> None:
    def search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
        return [("W50.0XXA", 0.8), ("W27.8XXA", 0.7)]

    ctx = NoteContext("", 30, search=search)
    assert _best(ctx, STRIKES, "hit his thumb with a hammer", ("W",), "A", "cause") == "W27.8XXA"
    assert _best(ctx, STRIKES, "hit by another player's elbow", ("W",), "A", "cause") == "W50.0XXA"


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> SuggestionService:
    return rules_service(tmp_path_factory.mktemp("rules23"))


@pytest.mark.parametrize(
    ("story", "asked"),
    [
        ("Hit his thumb with a hammer at work.", "contact with hand tool, hammer"),
        (
            "Hit in the nose by another player's elbow during basketball.",
            "accidental hit or strike by another person",
        ),
    ],
)
def test_the_tool_or_the_person_that_struck_is_asked_not_the_story(
    svc: SuggestionService, story: str, asked: str
) -> None:
    assert asked in causes_asked(svc, story, "fracture of right radius")


def causes_asked(svc: SuggestionService, story: str, injury: str) -> list[str]:
    """What the injury rules search for the cause of ``injury`` told by ``story``."""
    texts: list[str] = []

    def search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
        texts.append(text)
        return []

    note = f"{story}\nA/P: {injury}."
    injury_rules(_injury_picks(svc, note), NoteContext(note, 40, search=search), svc.catalog)
    return texts


@pytest.mark.parametrize(
    ("note", "weeks"),
    [
        ("28 wk G2P1 presenting with dysuria x2d.", 28),  # the weeks beside the obstetric formula
        ("G3P2, 31 weeks, here for cough.", 31),
        ("G2P1. Had a fall 3 weeks ago.", None),  # a time, not the gestation
        ("G1P0 here; 8 weeks ago she had a cold.", None),
    ],
)
def test_the_weeks_written_beside_the_obstetric_formula_are_the_gestation(
    note: str, weeks: int | None
) -> None:
    assert read_demographics(note).weeks == weeks


def test_a_runny_nose_is_part_of_a_cold() -> None:
    assert integral_to("J34.89", ["J06.9"]) == "J06.9"  # Index: Rhinorrhea J34.89
    assert integral_to("J34.89", ["J30.1"]) is None  # allergic rhinitis is no infection


@pytest.mark.parametrize(
    ("sentence", "history"),
    [
        ("Two small tubular adenomas removed from the sigmoid colon by cold snare.", False),  # this procedure
        ("Impression: sigmoid polyps x2 removed, path pending.", False),
        ("Colon polyp (tubular adenoma), removed 2022.", True),  # a past removal: its history
        ("Polyps removed by snare on her last colonoscopy.", True),
        ("Colonoscopy 7/2025: 1 tubular adenoma removed.", True),
    ],
)
def test_a_polyp_removed_in_this_procedure_is_no_history(sentence: str, history: bool) -> None:
    assert (history_cue(sentence, sentence) is not None) is history


@pytest.mark.parametrize(
    ("other", "coded"),
    [
        ("hand OA for years", {"M19.041", "M19.042"}),  # silent on the side: no objection
        ("OA of right hand", {"M19.049"}),  # one side named elsewhere: left as found
    ],
)
def test_a_mention_silent_on_the_side_does_not_gainsay_both_sides(
    svc: SuggestionService, other: str, coded: set[str]
) -> None:
    note = f"HPI: {other}.\nA/P: Primary OA of hands, bilateral."
    line = "Primary OA of hands, bilateral"

    def mention(text: str) -> Mention:
        start = note.index(text)
        sentence_start = note.rfind("\n", 0, start) + 1
        return Mention(
            start, start + len(text), text, text, "assessment", sentence_start, start + len(text) + 1
        )

    picks = {"M19.049": Pick("M19.049", 0.8, True, [mention(other), mention(line)])}
    both_sides_without_a_bilateral_code(picks, NoteContext(note), svc.catalog)
    assert {c for c, p in picks.items() if p.final} == coded


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("Tobacco use, quit 2 weeks ago, now with nicotine withdrawal - patch.", "F17.203"),
        ("Quit cigarettes 6 days ago, nicotine withdrawal.", "F17.213"),  # in withdrawal: dependence now
        ("Quit smoking 2019, no nicotine withdrawal.", "Z87.891"),  # denied: a former smoker
        ("Alcohol withdrawal; smokes 1 ppd.", "F17.210"),  # another substance's withdrawal
    ],
)
def test_a_nicotine_withdrawal_is_the_dependence_now_however_recent_the_quit(
    sentence: str, code: str
) -> None:
    assert tobacco_code(sentence) == code
