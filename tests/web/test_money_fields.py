"""Amounts in page forms come from the one money module: the ``amount`` filter, never template arithmetic."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from assistant.config import PROJECT_ROOT
from assistant.core.money import MAX_STORED_CENTS, parse_dollars
from web.rendering import templates
from web.routers import pages_common  # noqa: F401  (registers the money filters)

# Cents turned into dollars by hand in a template: `x / 100`, `x // 100`, `x % 100`.
HAND_MADE_MONEY = re.compile(r"(?<![\w.])(?:/|//|%)\s*100\b")


@given(st.integers(min_value=1, max_value=MAX_STORED_CENTS))
def test_a_form_value_reads_back_to_the_same_cents(cents: int) -> None:
    shown = templates.env.from_string("{{ c|amount }}").render(c=cents)
    assert parse_dollars(shown, field="amount", max_cents=MAX_STORED_CENTS) == cents


def test_amount_filter_spells_form_values() -> None:
    render = templates.env.from_string("[{{ c|amount }}]").render
    assert [render(c=c) for c in (5, 15000, 123456, None)] == ["[0.05]", "[150.00]", "[1234.56]", "[]"]


def test_no_template_computes_dollars_itself() -> None:
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{n}"
        for path in sorted((PROJECT_ROOT / "web" / "templates").rglob("*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if HAND_MADE_MONEY.search(line)
    ]
    assert offenders == []
    assert HAND_MADE_MONEY.search("{{ '%.2f'|format(b.credit_cents / 100) }}")
