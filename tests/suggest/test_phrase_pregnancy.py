"""A pregnancy phrase's condition walked under the Index's main term of its episode of care."""

from __future__ import annotations

from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.phrase_order import chapter_cue
from assistant.suggest.phrase_pregnancy import setting_walk

ROWS = [
    {"source": "main", "level": 0, "path": "Vomiting", "code": "R11.10"},
    {"source": "main", "level": 0, "path": "Pregnancy", "code": "Z33.1"},
    {"source": "main", "level": 1, "path": "Pregnancy, complicated by", "code": None},
    {"source": "main", "level": 2, "path": "Pregnancy, complicated by, vomiting", "code": "O21.9"},
]


def test_the_setting_words_leave_the_condition_under_its_episode() -> None:
    assert setting_walk("Asthma in the mother, antepartum condition or complication") == "Asthma in pregnancy"
    assert setting_walk("Gastritis of mother, postpartum complication") == "Gastritis in puerperal"
    assert setting_walk("Anemia of mother, delivered") == "Anemia in delivery complicated"
    assert setting_walk("Sciatica, unspecified as to episode of care") == "Sciatica in pregnancy"
    # "postpartum" said of the condition itself: the puerperium
    assert setting_walk("Postpartum thyroiditis, unspecified as to episode of care") == (
        "Postpartum thyroiditis in puerperal"
    )


def test_a_phrase_without_a_pregnancy_setting_has_no_second_walk() -> None:
    assert setting_walk("Asthma, moderate persistent") is None
    assert setting_walk("Of the mother, antepartum condition or complication") is None  # nothing beside it
    # the episode of care of a myocardial infarction is no pregnancy
    assert chapter_cue("Acute infarction of the inferior wall, initial episode of care") is None
    assert chapter_cue("Asthma, unspecified as to episode of care or not applicable") == ("O",)


def test_the_second_walk_reaches_the_pregnancy_code() -> None:
    walker = IndexWalker.from_rows(ROWS)
    phrase = "Vomiting of mother, antepartum condition or complication"
    assert [h.code for h in walker.walk(phrase)][:1] == ["R11.10"]  # the phrase as written
    walk = setting_walk(phrase)
    assert walk is not None
    hits = walker.walk(walk)
    assert hits[0].code == "O21.9" and hits[0].score == 1.0
