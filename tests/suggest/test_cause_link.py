"""A stated cause: split off as a second condition, or kept where one code names both (issue 13 §2, §4)."""

from __future__ import annotations

from typing import Any

from assistant.suggest.cause_link import cause_is_part
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.reader import read_note


def _row(level: int, path: str, code: str | None = None) -> dict[str, Any]:
    return {"source": "main", "level": level, "path": path, "code": code}


WALKER = IndexWalker.from_rows(
    [
        _row(0, "Rhinitis", "J31.0"),
        _row(1, "Rhinitis, allergic", "J30.9"),
        _row(2, "Rhinitis, allergic, due to"),
        _row(3, "Rhinitis, allergic, due to, pollen", "J30.1"),
        _row(0, "Anemia", "D64.9"),
        _row(1, "Anemia, due to"),
        _row(2, "Anemia, due to, antineoplastic chemotherapy", "D64.81"),
        _row(0, "Injury, kidney, acute", "N17.9"),
        _row(0, "Dehydration", "E86.0"),
    ]
)


def joined(condition: str, cause: str) -> bool:
    return cause_is_part(WALKER, None, condition, cause)


NOTE = "Seen today, doing fine.\n"  # a note, not a phrase (a one-line phrase is read whole)


def texts(line: str) -> list[str]:
    return [m.text for m in read_note(NOTE + line, joined)][2:]


def test_a_cause_that_is_a_condition_of_its_own_is_a_second_mention() -> None:
    assert texts("A/P: AKI due to dehydration, IV fluids") == ["AKI", "dehydration", "IV fluids"]
    assert texts("Asthma exacerbation triggered by URI.") == ["Asthma exacerbation", "URI"]
    assert texts("Chronic HFrEF secondary to ischemic cardiomyopathy.") == [
        "Chronic HFrEF",
        "ischemic cardiomyopathy",
    ]


def test_a_cause_the_index_lists_under_the_condition_stays_with_it() -> None:
    assert texts("Seasonal allergic rhinitis due to pollen.") == ["Seasonal allergic rhinitis due to pollen"]
    assert texts("Anemia due to antineoplastic chemotherapy.") == [
        "Anemia due to antineoplastic chemotherapy"
    ]


def test_an_organism_is_the_agent_not_a_second_condition() -> None:
    assert joined("Cellulitis of left leg", "MRSA")
    assert joined("Pyelonephritis", "Klebsiella pneumoniae")
    assert texts("Cellulitis of left leg due to MRSA.") == ["Cellulitis of left leg due to MRSA"]


def test_without_a_judge_the_reader_splits_every_stated_cause() -> None:
    read = [m.text for m in read_note(NOTE + "Allergic rhinitis due to pollen.")][2:]
    assert read == ["Allergic rhinitis", "pollen"]
    assert not cause_is_part(None, None, "Allergic rhinitis", "pollen")
