"""A title's "other" / "unspecified" read for the part it qualifies, against a phrase's own "other"."""

from __future__ import annotations

from assistant.suggest.phrase_order import kind_words
from assistant.suggest.phrase_scope import scoped_title


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
