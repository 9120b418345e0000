from __future__ import annotations

import pytest

from assistant.parties.npi import is_valid_npi, npi_check_digit


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126"])
def test_valid_npis(npi):
    assert is_valid_npi(npi)


@pytest.mark.parametrize("npi", ["1234567890", "1245319598", "3234567893", "123456789", "12345678A3"])
def test_invalid_npis(npi):
    assert not is_valid_npi(npi)


def test_check_digit_computed_over_80840_prefix():
    assert npi_check_digit("123456789") == 3
