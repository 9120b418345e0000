"""NPI check digit: Luhn over the 80840 prefix plus the first nine digits (CMS NPI standard)."""

from __future__ import annotations

NPI_PREFIX = "80840"


def luhn_check_digit(digits: str) -> int:
    """The Luhn digit that completes ``digits``."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # every second digit from the right, starting with the rightmost payload digit
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def npi_check_digit(first_nine: str) -> int:
    return luhn_check_digit(NPI_PREFIX + first_nine)


def is_valid_npi(npi: str) -> bool:
    """True when ``npi`` is 10 digits, starts with 1 or 2, and its last digit is the Luhn check digit."""
    if len(npi) != 10 or not npi.isdigit() or npi[0] not in "12":
        return False
    return npi_check_digit(npi[:9]) == int(npi[9])
