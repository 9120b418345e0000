"""E/M level helper: every time boundary, the MDM 2-of-3 table and the prolonged-service starts."""

from __future__ import annotations

import itertools

import pytest

from assistant.em.schemas import EmRequest
from assistant.em.service import MDM_ORDER, mdm_level, propose

TIME_CASES = [
    ("new", 14, None),
    ("new", 15, "99202"),
    ("new", 29, "99202"),
    ("new", 30, "99203"),
    ("new", 44, "99203"),
    ("new", 45, "99204"),
    ("new", 59, "99204"),
    ("new", 60, "99205"),
    ("new", 120, "99205"),
    ("established", 9, None),
    ("established", 10, "99212"),
    ("established", 19, "99212"),
    ("established", 20, "99213"),
    ("established", 29, "99213"),
    ("established", 30, "99214"),
    ("established", 35, "99214"),
    ("established", 39, "99214"),
    ("established", 40, "99215"),
    ("established", 54, "99215"),
]


@pytest.mark.parametrize(("patient", "minutes", "code"), TIME_CASES)
def test_time_boundaries(patient: str, minutes: int, code: str | None) -> None:
    result = propose(EmRequest(patient=patient, total_minutes=minutes))
    assert result.code == code
    assert result.basis == ("time" if code else "none")
    assert any(f"{minutes} min" in r for r in result.reasons)


def test_35_minutes_established_is_99214_with_reason() -> None:
    result = propose(EmRequest(patient="established", total_minutes=35))
    assert result.code == "99214" and result.prolonged is None
    assert result.reasons == [
        "total time 35 min meets the 30 min minimum of 99214, under the 40 min of 99215"
    ]


@pytest.mark.parametrize(
    ("patient", "payer", "minutes", "code", "units"),
    [
        ("new", "other", 74, None, 0),
        ("new", "other", 75, "99417", 1),
        ("new", "other", 89, "99417", 1),
        ("new", "other", 90, "99417", 2),
        ("established", "other", 54, None, 0),
        ("established", "other", 55, "99417", 1),
        ("established", "other", 70, "99417", 2),
        ("new", "medicare", 75, None, 0),
        ("new", "medicare", 88, None, 0),
        ("new", "medicare", 89, "G2212", 1),
        ("new", "medicare", 103, "G2212", 1),
        ("new", "medicare", 104, "G2212", 2),
        ("established", "medicare", 68, None, 0),
        ("established", "medicare", 69, "G2212", 1),
        ("established", "medicare", 84, "G2212", 2),
    ],
)
def test_prolonged_starts(patient: str, payer: str, minutes: int, code: str | None, units: int) -> None:
    result = propose(EmRequest(patient=patient, total_minutes=minutes, payer=payer))
    assert result.code == ("99205" if patient == "new" else "99215")
    if code is None:
        assert result.prolonged is None
    else:
        assert result.prolonged is not None
        assert (result.prolonged.code, result.prolonged.units) == (code, units)


def test_mdm_two_of_three_is_the_middle_rating_over_the_whole_table() -> None:
    for combo in itertools.product(MDM_ORDER, repeat=3):
        level = mdm_level(*combo)
        meeting = [x for x in combo if MDM_ORDER.index(x) >= MDM_ORDER.index(level)]
        higher = [x for x in combo if MDM_ORDER.index(x) > MDM_ORDER.index(level)]
        assert len(meeting) >= 2 and len(higher) < 2, combo


@pytest.mark.parametrize(
    ("patient", "elements", "code"),
    [
        ("established", ("moderate", "low", "moderate"), "99214"),
        ("established", ("high", "straightforward", "low"), "99213"),
        ("established", ("high", "high", "straightforward"), "99215"),
        ("new", ("straightforward", "straightforward", "high"), "99202"),
        ("new", ("moderate", "moderate", "high"), "99204"),
    ],
)
def test_mdm_levels(patient: str, elements: tuple[str, str, str], code: str) -> None:
    problems, data, risk = elements
    result = propose(EmRequest(patient=patient, problems=problems, data=data, risk=risk))
    assert (result.code, result.basis) == (code, "mdm")


def test_higher_of_time_and_mdm_wins_and_prolonged_needs_time() -> None:
    both = propose(
        EmRequest(patient="established", total_minutes=25, problems="high", data="high", risk="low")
    )
    assert (both.by_time, both.by_mdm, both.code, both.basis) == ("99213", "99215", "99215", "mdm")
    assert both.prolonged is None
    partial = propose(EmRequest(patient="new", problems="high"))
    assert partial.code is None and "missing: data, risk" in partial.reasons[0]


def test_no_descriptor_text_in_reasons() -> None:
    result = propose(EmRequest(patient="new", total_minutes=95, payer="other"))
    text = " ".join(result.reasons).lower()
    assert "office or other outpatient" not in text and "evaluation and management" not in text
