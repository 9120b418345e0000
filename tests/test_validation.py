"""The shared parsing of what a person types: dates (``parse_day``) used by every CLI option and form."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.core.errors import InvalidInput
from assistant.core.validation import parse_day


def test_a_typed_date_is_read_and_a_blank_one_is_none() -> None:
    assert parse_day(" 2026-05-04 ", "--on") == date(2026, 5, 4)
    assert parse_day("", "start") is None and parse_day("   ", "start") is None
    assert parse_day(None, "--to") is None


@pytest.mark.parametrize("typed", ["05/04/2026", "2026-13-01", "yesterday"])
def test_a_malformed_date_is_refused_in_words_naming_the_field(typed: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_day(typed, "--as-of")
    assert err.value.field == "--as-of" and typed in err.value.message and err.value.fix == "use YYYY-MM-DD"
