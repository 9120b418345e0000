"""Exact money parsing: X12 decimal text -> integer cents, refusing anything finer than a cent."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from assistant.core.errors import InvalidInput

# Amounts are stored in 32-bit integer columns (PostgreSQL ``integer``): $21,474,836.47 at most.
MAX_CENTS = 2**31 - 1


def to_cents(text: str, *, field: str) -> int:
    """``"150.00"`` -> 15000. Raises InvalidInput for non-numbers and sub-cent amounts (``"1.005"``)."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise InvalidInput(
            f"{field} is not an amount: {text!r}", field=field, fix="the payer must send a decimal amount"
        ) from None
    if not value.is_finite():
        raise InvalidInput(f"{field} is not a finite amount: {text!r}", field=field)
    cents = value * 100
    if abs(cents) > MAX_CENTS:
        raise InvalidInput(
            f"{field} is out of range: {text!r} (at most {MAX_CENTS // 100:,} dollars per amount)",
            field=field,
            fix="the amount is not plausible; ask the payer for a corrected 835",
        )
    if cents != cents.to_integral_value():
        raise InvalidInput(
            f"{field} has a fraction of a cent: {text!r}",
            field=field,
            fix="amounts are posted in whole cents; ask the payer for a corrected 835",
        )
    return int(cents)


def fmt_cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"
