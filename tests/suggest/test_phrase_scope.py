"""A title's "other" / "unspecified" read for the part it qualifies, against a phrase's own "other"."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.suggest.phrase_order import kind_words, prefer_specificity
from assistant.suggest.phrase_scope import condition_title, scoped_title


@dataclass
class Cand:
    code: str
    score: float


def test_a_kind_of_a_part_the_phrase_names_bare_is_no_agreement() -> None:
    phrase = "Other sequelae of a stroke, hemiplegia"  # "other" qualifies the sequelae; the stroke is bare
    assert kind_words(scoped_title(phrase, "Hemiplegia following other stroke"))[0] is False
    assert kind_words(scoped_title(phrase, "Hemiplegia following unspecified stroke"))[1] is False
    assert kind_words(scoped_title(phrase, "Other sequelae following stroke")) == (True, False)


def test_the_part_the_phrase_calls_other_keeps_the_title_kind() -> None:
    assert scoped_title("Other chronic disorders of tendon", "Other disorders of tendon") == (
        "Other disorders of tendon"
    )
    # "or" joins the kinds one "other" qualifies; "specified" stands between
    phrase = "Other inherited or acquired anomaly of the pelvis"
    assert (
        scoped_title(phrase, "Care for other anomalies of the pelvis")
        == "Care for other anomalies of the pelvis"
    )
    assert scoped_title("Other specified hearing disturbances", "Other hearing disturbances") == (
        "Other hearing disturbances"
    )


def test_a_closing_other_qualifies_the_whole_phrase() -> None:
    title = "Unspecified sprain of unspecified knee"
    assert scoped_title("Sprain of knee, other", title) == title
    assert scoped_title("Other sprain of knee", title) == "Unspecified sprain of knee"


def test_an_unspecified_said_of_a_with_clause_is_not_the_conditions() -> None:
    phrase = "Cannabis dependence, unspecified"
    # the "unspecified" of the intoxication or of the complications goes; the condition's own stays
    assert "unspecified" not in condition_title(phrase, "Cannabis dependence with intoxication, unspecified")
    assert "unspecified" not in condition_title(phrase, "Cannabis dependence with unspecified complications")
    assert condition_title(phrase, "Cannabis use, unspecified") == "Cannabis use, unspecified"
    assert "unspecified" in condition_title(phrase, "Headache, unspecified, with aura")
    # a phrase that says "with" itself may mean the complication's
    with_phrase = "Cannabis dependence with intoxication, unspecified"
    assert "unspecified" in condition_title(with_phrase, "Cannabis dependence with intoxication, unspecified")


def test_the_phrase_order_takes_the_uncomplicated_default_for_an_unspecified_condition() -> None:
    titles = {
        "F12.229": "Cannabis dependence with intoxication, unspecified",
        "F12.20": "Cannabis dependence, uncomplicated",
    }
    cands = [Cand("F12.229", 0.95), Cand("F12.20", 1.0)]
    ranked = prefer_specificity(cands, "Cannabis dependence, unspecified", titles.__getitem__)
    assert [c.code for c in ranked] == ["F12.20", "F12.229"]
