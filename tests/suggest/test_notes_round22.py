"""Round 22 (the lead's probe notes): a partner's kind word, denied exacerbations, the Index's site levels."""

import pytest

from assistant.suggest.cause_link import tail_is_subterm
from assistant.suggest.coding_rules.injuries import names_vehicle, slip_strike_code
from assistant.suggest.index_walker import IndexWalker, complete
from assistant.suggest.qualifiers import read_qualifiers
from assistant.suggest.reader import read_note
from assistant.suggest.rules import kind_unsaid
from assistant.suggest.text import expand_abbreviations
from tests.suggest.catalog_fixtures import hierarchy_catalog
from tests.suggest.test_index_walker import _row


@pytest.mark.parametrize(
    ("texts", "unsaid"),
    [
        (["Moderate persistent asthma"], True),  # any asthma: no eosinophilic kind said
        (["Moderate persistent eosinophilic asthma"], False),
        (["asthma, eosinophilic phenotype (AEC 600)"], False),
    ],
)
def test_a_partner_naming_a_kind_of_the_parents_condition_needs_its_kind_word(
    texts: list[str], unsaid: bool
) -> None:
    assert kind_unsaid("Eosinophilic asthma", "Moderate persistent asthma, uncomplicated", texts) is unsaid


def test_a_two_word_partner_of_another_condition_is_not_judged_by_its_kind_word() -> None:
    # "Nocturnal enuresis" names no kind of a diabetes: the head-word rule (head_unsaid) judges it
    assert not kind_unsaid(
        "Nocturnal enuresis", "Type 2 diabetes mellitus without complications", ["bedwetting"]
    )


@pytest.mark.parametrize(
    ("text", "exacerbation"),
    [
        ("mild intermittent asthma, not in exacerbation", False),
        ("asthma, mild intermittent - no current exacerbation", False),
        ("COPD, not currently in an exacerbation", False),
        ("ulcerative colitis, no active flare", False),
        ("moderate persistent asthma with acute exacerbation", True),
        ("COPD exacerbation, not in respiratory distress", True),  # the "not" denies the distress only
    ],
)
def test_a_denied_exacerbation_is_read_as_without(text: str, exacerbation: bool) -> None:
    q = read_qualifiers(text)
    assert ("exacerbation" in q.with_) is exacerbation
    assert ("exacerbation" in q.without) is not exacerbation


WALKER = IndexWalker.from_rows(
    [
        _row(0, "Lipoma", "D17.9"),
        _row(1, "Lipoma, site classification"),
        _row(2, "Lipoma, site classification, face", "D17.0"),
        _row(2, "Lipoma, site classification, trunk", "D17.1"),
        _row(2, "Lipoma, site classification, arms", "D17.2-"),
        _row(0, "Nevus", "D22.9"),
        _row(1, "Nevus, skin"),
        _row(2, "Nevus, skin, back", "D22.5"),
        _row(2, "Nevus, skin, trunk", "D22.5"),
        _row(0, "Cellulitis", "L03.90"),
        _row(1, "Cellulitis, back", "L03.312"),
        _row(1, "Cellulitis, trunk", "L03.319"),
        _row(0, "Gout, gouty", "M10.9"),
        _row(1, "Gout, gouty, idiopathic", "M10.00"),
        _row(2, "Gout, gouty, idiopathic, foot joint", "M10.07-"),
        _row(0, "Fracture, traumatic", "T14.8XXA"),
        _row(1, "Fracture, traumatic, foot", "S92.90-"),
        _row(1, "Fracture, traumatic, toe", "S92.91-"),
        _row(0, "Colitis", "K52.9"),
        _row(1, "Colitis, ulcerative", "K51.90"),
        _row(0, "Pancolitis"),
        _row(1, "Pancolitis, ulcerative", "K51.00"),
        _row(0, "Hypertension", "I10"),
        _row(0, "Osteomyelitis", "M86.9"),
        _row(0, "Delay, delayed"),
        _row(1, "Delay, delayed, development", "R62.50"),
        _row(2, "Delay, delayed, development, speech", "F80.9"),
        _row(1, "Delay, delayed, puberty", "E30.0"),
        _row(0, "Diabetes, diabetic", "E11.9"),
        _row(1, "Diabetes, diabetic, with"),
        _row(2, "Diabetes, diabetic, with, osteomyelitis", "E11.69"),
        _row(0, "Carcinoma"),
        _row(1, "Carcinoma, basal cell", "C44.91"),
        _row(0, "Neoplasm, neoplastic"),
        _row(1, "Neoplasm, neoplastic, skin NOS"),
        _row(2, "Neoplasm, neoplastic, skin NOS, cheek", "C44.309"),
        _row(2, "Neoplasm, neoplastic, skin NOS, nose", "C44.301"),
    ]
)


@pytest.mark.parametrize(
    ("mention", "code"),
    [
        ("lipoma of the upper back", "D17.1"),  # the back is of the trunk
        ("lipoma of trunk", "D17.1"),  # "site classification" only announces the sites
        ("lipoma of the face", "D17.0"),
        ("lipoma", "D17.9"),
        ("cellulitis of back", "L03.312"),  # the Index's own "back" before the trunk it is part of
        ("idiopathic gout of the great toe", "M10.07"),  # the toes are of the foot
        ("fracture of the great toe", "S92.91"),  # the Index's own "toe" first
        ("speech delay", "F80.9"),  # a delay of a child's skill is of its development
        ("delayed puberty", "E30.0"),
    ],
)
def test_the_walk_reads_a_site_level_and_the_back_as_trunk(mention: str, code: str) -> None:
    assert WALKER.walk(mention)[0].code == code


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Hemorrhoids, internal, grade 2, bleeding", "Hemorrhoids, internal, second degree, bleeding"),
        ("hemorrhoids internal grade III", "hemorrhoids internal third degree"),
        ("hemorrhoids, external. Stage 2 CKD", "hemorrhoids, external. Stage 2 chronic kidney disease"),
    ],
)
def test_hemorrhoids_graded_after_their_kind_are_the_index_degrees(text: str, read: str) -> None:
    assert expand_abbreviations(text) == read


@pytest.mark.parametrize(
    "line",
    ["HIV screening offered and declined.", "HIV screening offered but declined.", "HIV screening declined."],
)
def test_a_screening_offered_and_declined_is_one_refusal_not_a_screening(line: str) -> None:
    mentions = read_note(f"A/P:\n1. Bacterial vaginosis.\n2. {line}")
    hiv = next(m for m in mentions if "HIV" in m.text)
    assert hiv.text == line.rstrip(".") and hiv.not_coded


def test_two_problems_joined_by_and_are_still_two() -> None:
    texts = [m.text for m in read_note("A/P:\n1. Bacterial vaginosis and candidiasis.")]
    assert "Bacterial vaginosis" in texts and "candidiasis" in texts


def test_a_one_word_tail_naming_the_condition_more_narrowly_is_the_same_condition() -> None:
    assert tail_is_subterm(WALKER, None, "Ulcerative colitis", "pancolitis")  # Pancolitis, ulcerative
    assert not tail_is_subterm(WALKER, None, "Ulcerative colitis", "hypertension")  # a second problem
    # an adjective is no main term: "diabetic" names the diabetes the rules link, not a kind of osteomyelitis
    assert not tail_is_subterm(WALKER, None, "Acute osteomyelitis of the toe", "diabetic")


# Titles as in the ICD-10-CM tabular (public domain).
SKIN = hierarchy_catalog(
    {
        "C44.91": "Basal cell carcinoma of skin, unspecified",
        "C44.309": "Unspecified malignant neoplasm of skin of other parts of face",
        "C44.319": "Basal cell carcinoma of skin of other parts of face",
        "C44.301": "Unspecified malignant neoplasm of skin of nose",
        "C44.311": "Basal cell carcinoma of skin of nose",
    },
    {
        "C44": "Other and unspecified malignant neoplasm of skin",
        "C44.3": "Other and unspecified malignant neoplasm of skin of other and unspecified parts of face",
        "C44.30": "Unspecified malignant neoplasm of skin of other and unspecified parts of face",
        "C44.31": "Basal cell carcinoma of skin of other and unspecified parts of face",
        "C44.9": "Other and unspecified malignant neoplasm of skin, unspecified",
    },
)


@pytest.mark.parametrize(
    ("mention", "code"),
    [
        ("basal cell carcinoma of left cheek", "C44.319"),  # the kind (C44.91) and the skin site (C44.309)
        ("basal cell carcinoma of the nose", "C44.311"),
        ("basal cell carcinoma", "C44.91"),  # no site said: the kind alone
    ],
)
def test_a_skin_carcinoma_kind_takes_the_site_the_neoplasm_table_lists(mention: str, code: str) -> None:
    hits = WALKER.walk(mention, SKIN)
    assert hits[0].code == code
    assert code == "C44.91" or "C44.91" not in [h.code for h in hits]


VENOM = hierarchy_catalog(
    {
        "T63.441": "Toxic effect of venom of bees, accidental (unintentional)",
        "T63.442": "Toxic effect of venom of bees, intentional self-harm",
        "T63.443": "Toxic effect of venom of bees, assault",
        "T63.444": "Toxic effect of venom of bees, undetermined",
    },
    {
        "T63": "Toxic effect of contact with venomous animals and plants",
        "T63.4": "Toxic effect of venom of arthropods",
        "T63.44": "Toxic effect of venom of bees",
    },
)


@pytest.mark.parametrize(
    ("mention", "code"),
    [
        ("allergic reaction to bee sting", "T63.441"),  # intent unstated: accidental (I.C.19.e.5.b)
        ("bee venom given in an assault", "T63.443"),
    ],
)
def test_a_toxic_effect_of_unstated_intent_is_accidental(mention: str, code: str) -> None:
    assert complete("T63.44-", mention, VENOM) == code


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("slipped in the bathroom and hit her head on the sink", "W01.198A"),
        ("tripped over the dog and struck his face on the coffee table", "W01.190A"),
        ("tripped over a toy and hit his forehead on the corner of the wooden coffee table", "W01.190A"),
        ("slipped and hit her head on the edge of the bathtub", "W01.198A"),
        ("tripped and fell against a glass door", "W01.110A"),
        ("tripped on the rug and hit her head", "W01.10XA"),  # the object unsaid
        ("slipped on the wet floor and hit her head on the floor", "W01.0XXA"),  # the ground fallen on
        ("slipped on a wet floor, did not hit her head", None),  # no blow: fall_code's W01.0
        ("fell down the stairs and hit his head on the railing", None),  # no same-level slip
        (
            "slipped and hit her knee on the deck",
            None,
        ),  # neither known object nor ground: the search names it
    ],
)
def test_a_slip_with_a_blow_after_it_is_coded_by_the_object_struck(sentence: str, code: str | None) -> None:
    assert slip_strike_code(sentence) == code


@pytest.mark.parametrize(
    ("sentence", "vehicle"),
    [
        ("tripped over a toy truck in the living room", False),
        ("stepped on his toys car and fell", False),
        ("rear-ended at a stop light, restrained driver", True),
        ("fell off his bike in the park", True),
    ],
)
def test_a_toy_vehicle_is_no_transport_accident(sentence: str, vehicle: bool) -> None:
    assert names_vehicle(sentence) is vehicle
