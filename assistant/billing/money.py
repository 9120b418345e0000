"""Integer-cent amounts: strict parsing of user input and display."""

from __future__ import annotations

from typing import Any

from assistant.core.errors import InvalidInput


def dollars(cents: int) -> str:
    """15000 -> "$150.00"; -250 -> "-$2.50"."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def require_positive_cents(value: Any, *, field: str = "--amount-cents") -> int:
    """Accept a positive whole number of cents (int, or a string of digits); refuse anything else."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and value.strip().lstrip("+").isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise InvalidInput(
            f"{field} must be a whole number of cents, got {value!r}",
            field=field,
            fix=f"give {field} as a positive integer, e.g. {field} 2500 for $25.00",
        )
    if value <= 0:
        raise InvalidInput(
            f"{field} must be greater than zero, got {value}",
            field=field,
            fix=f"give {field} as a positive integer, e.g. {field} 2500 for $25.00",
        )
    return value
