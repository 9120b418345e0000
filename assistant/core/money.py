"""Money, once: integer cents everywhere, exact ``Decimal`` parsing, one display function. Never ``float``.

- ``parse_dollars``: what a person types in a form or chat ("$1,234.50", "12", "0.99"): a plain decimal
  with at most two places, an optional leading ``$`` and thousands commas, nothing else (no ``12_00``,
  full-width digits, exponents, ``inf``/``nan``, signs); greater than zero and at most ``max_cents``.
- ``require_cents``: a JSON/CLI amount already in cents: a real integer (``true`` is not one), same bounds.
- ``x12_cents``: an X12 amount (may be negative, e.g. a reversal), exact to the cent.
- ``dollars``: the one display form, ``$1,234.50`` / ``-$2.50``; ``decimal_amount`` and ``x12_amount``
  spell amounts for forms and X12 elements.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import Field, StrictInt

from assistant.config import Settings, get_settings
from assistant.core.errors import InvalidInput

# Amounts are stored in 32-bit integer columns (PostgreSQL ``integer``): $21,474,836.47 at most.
MAX_STORED_CENTS = 2**31 - 1
DEFAULT_MAX_PAYMENT_CENTS = 100_000_000  # $1,000,000.00; the setting ``max_payment_cents``

_PLAIN_DOLLARS = re.compile(
    r"\$?(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]{1,2}))?", re.ASCII
)

# A pydantic field type for amounts in cents received as JSON: a strict integer (no bool, no float, no
# string), at least one cent, at most what the database column holds. Services apply the configured
# per-payment maximum on top (``check_bounds``).
PositiveCents = Annotated[StrictInt, Field(gt=0, le=MAX_STORED_CENTS)]


def payment_limit(settings: Settings | None = None) -> int:
    """The configured maximum for one amount (``ASSISTANT_MAX_PAYMENT_CENTS``)."""
    return (settings or get_settings()).max_payment_cents


def dollars(cents: int) -> str:
    """15000 -> "$150.00"; -250 -> "-$2.50"; 123456789 -> "$1,234,567.89"."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def decimal_amount(cents: int) -> str:
    """The form/wire spelling without a currency sign: 15000 -> "150.00", -250 -> "-2.50" (CMS-1500 24F)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def x12_amount(cents: int) -> str:
    """An X12 decimal (R) element: no trailing zeros, no point when whole: 15000 -> "150", 1250 -> "12.5"."""
    text = decimal_amount(cents)
    return text.rstrip("0").rstrip(".")


def _example(field: str) -> str:
    return f"give {field} in dollars and cents, e.g. 25.00 or $1,250.50"


def parse_dollars(text: Any, *, field: str, max_cents: int = DEFAULT_MAX_PAYMENT_CENTS) -> int:
    """ "$1,234.5" -> 123450. Raises InvalidInput (naming ``field``) for anything but a plain amount."""
    raw = text.strip() if isinstance(text, str) else None
    match = _PLAIN_DOLLARS.fullmatch(raw) if raw else None
    if match is None:
        raise InvalidInput(
            f"{field} is not an amount: {text!r}",
            field=field,
            fix=_example(field) + " (digits, an optional $ and thousands commas; no other signs)",
        )
    whole = match["whole"].replace(",", "")
    cents = int(Decimal(f"{whole}.{match['frac'] or '0'}") * 100)
    return check_bounds(cents, field=field, max_cents=max_cents)


def require_cents(value: Any, *, field: str, max_cents: int = DEFAULT_MAX_PAYMENT_CENTS) -> int:
    """A whole number of cents given as a real integer (or, from a command line, a string of digits)."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip(), re.ASCII):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(
            f"{field} must be a whole number of cents, got {value!r}",
            field=field,
            fix=f"give {field} as a positive integer of cents, e.g. 2500 for $25.00",
        )
    return check_bounds(value, field=field, max_cents=max_cents)


def check_bounds(cents: int, *, field: str, max_cents: int = DEFAULT_MAX_PAYMENT_CENTS) -> int:
    if cents <= 0:
        raise InvalidInput(
            f"{field} must be more than zero, got {dollars(cents)}",
            field=field,
            fix=f"give {field} as a positive amount (refunds and write-offs have their own actions)",
        )
    limit = min(max_cents, MAX_STORED_CENTS)
    if cents > limit:
        raise InvalidInput(
            f"{field} is {dollars(cents)}, more than the {dollars(limit)} allowed for one amount",
            field=field,
            fix=f"check the amount; the limit is the setting ASSISTANT_MAX_PAYMENT_CENTS ({limit} cents)",
        )
    return cents


def x12_cents(text: str, *, field: str) -> int:
    """X12 decimal text -> cents: ``"150.00"`` -> 15000, ``"-60"`` -> -6000. Refuses non-numbers, amounts
    finer than a cent (``"1.005"``) and amounts the database cannot hold."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise InvalidInput(
            f"{field} is not an amount: {text!r}", field=field, fix="the payer must send a decimal amount"
        ) from None
    if not value.is_finite():
        raise InvalidInput(f"{field} is not a finite amount: {text!r}", field=field)
    cents = value * 100
    if abs(cents) > MAX_STORED_CENTS:
        raise InvalidInput(
            f"{field} is out of range: {text!r} (at most {dollars(MAX_STORED_CENTS)} per amount)",
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
