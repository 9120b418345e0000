"""Second round of reader and final-list rules found on new office notes: each with a note it must code
and one it must not. Notes here are written for these tests; titles are the ICD-10-CM tabular's (public
domain)."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import SuggestionService


def _evidence(service: SuggestionService, text: str, systems: list[str]) -> set[str]:
    """The note spans the suggestions were read from."""
    response = service.suggest(SuggestRequest(text=text, systems=systems))  # type: ignore[arg-type]
    return {e.text for s in response.suggestions for e in s.evidence}


TRAVEL, ICD = "Travel clinic visit.\n", ["ICD-10-CM"]


# ------------------------------------------------------------ a service given, only diagnoses requested
def test_a_vaccine_given_codes_no_disease_with_only_diagnoses_requested(service: SuggestionService) -> None:
    """The reader marks "cholera vaccine given" as a service; with only ICD-10-CM requested there is no
    service system to search, so it must not fall back to every system (it found the disease, A00.-)."""
    assert "Cholera vaccine given today" not in _evidence(
        service, TRAVEL + "Cholera vaccine given today.", ICD
    )
    assert "Cholera, unspecified" in _evidence(service, TRAVEL + "Cholera, unspecified.", ICD)


# ------------------------------------------------------------ abbreviations read by their context
@pytest.mark.parametrize(
    ("text", "expected", "not_expected"),
    [
        ("febrile, R CVA tenderness on exam", "costovertebral angle", "stroke"),
        ("no CVA tenderness", "costovertebral angle", "stroke"),
        ("h/o CVA 2019 with L arm weakness", "stroke", "costovertebral"),
        ("functional capacity >4 METs, climbs 2 flights", "metabolic equivalents", "metastases"),
        ("reached 7 METs on the treadmill", "metabolic equivalents", "metastases"),
        ("bone mets to the T-spine", "metastases", "metabolic"),
    ],
)
def test_cva_and_mets_mean_what_their_context_says(text: str, expected: str, not_expected: str) -> None:
    expanded = expand_text(text)
    assert expected in expanded and not_expected not in expanded
