"""The obstetric formula documents a current pregnancy only when its outcomes do not account for every
pregnancy (gravida counts a current one), and the weeks a dated delivery came at are no gestation at the
postpartum visit. Notes written for these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.patient import read_demographics


@pytest.mark.parametrize(
    "note",
    [
        "45 y/o G2P2 here for heavy periods. UPT neg.",
        "61F G3P3 (3 SVDs) with mixed incontinence.",
        "Annual exam. 38 yo G3P2012, cycles regular.",
        "GYN visit. 29F G1 P1-0-0-1 for contraception.",
    ],
)
def test_a_closed_formula_is_no_current_pregnancy(note: str) -> None:
    assert read_demographics(note).pregnant is False


@pytest.mark.parametrize(
    "note",
    [
        "31 yo G3P0020 at 10w2d by IVF transfer date.",
        "New OB visit. 24F G2P1, LMP 9/1.",
        "G2P1001 at 28 weeks, here for GTT.",
    ],
)
def test_an_open_formula_is_a_current_pregnancy(note: str) -> None:
    assert read_demographics(note).pregnant is True


def test_the_weeks_of_a_dated_delivery_are_no_gestation_at_the_postpartum_visit() -> None:
    facts = read_demographics(
        "POSTPARTUM VISIT (6 wk)\n28 yo G2P2002, SVD 10/22/2026 at 39w1d, uncomplicated."
    )
    assert facts.pregnant is True
    assert facts.weeks is None
    # the weeks of the delivery of this stay stay the gestation
    stay = read_demographics("G1P0 at 39w2d admitted in labor. Delivered by SVD a liveborn male.")
    assert stay.weeks == 39
    assert stay.delivered is True
