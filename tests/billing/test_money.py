"""One money parser (issue 18 §2): plain decimals only, bounded, strict JSON cents, sane dates, 422s that
name the field, on the module itself, the payment form and the JSON API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.config import Settings
from assistant.core.errors import InvalidInput
from assistant.core.money import (
    DEFAULT_MAX_PAYMENT_CENTS,
    MAX_STORED_CENTS,
    decimal_amount,
    dollars,
    parse_dollars,
    require_cents,
    x12_amount,
)

PLAIN = re.compile(r"\$?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]{1,2})?")


@pytest.mark.parametrize(
    "text, cents",
    [
        ("12", 1200),
        ("12.5", 1250),
        ("0.01", 1),
        ("$1,234.56", 123456),
        (" 25.00 ", 2500),
        ("1,000,000", 100_000_000),
        ("$999999.99", 99_999_999),
    ],
)
def test_plain_amounts_are_read_exactly(text: str, cents: int) -> None:
    assert parse_dollars(text, field="amount") == cents


@pytest.mark.parametrize(
    "text",
    [
        "12_00",
        "１２",  # full-width digits
        "$1e2",
        "1e16",
        "1e17",
        "inf",
        "-inf",
        "nan",
        "NaN",
        "-5",
        "+5",
        "0",
        "0.00",
        "$0",
        "1.005",
        "12.",
        ".5",
        "1,00",
        "1,0000",
        "12,34.00",
        "$",
        "",
        "   ",
        "12 00",
        "1,000,000.01",  # over the $1,000,000 default
        "٣",  # Arabic-Indic digit
        "0x10",
        "١٢.٠٠",
    ],
)
def test_anything_else_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_dollars(text, field="amount")
    assert err.value.field == "amount" and err.value.fix


@given(st.integers(1, DEFAULT_MAX_PAYMENT_CENTS))
def test_display_forms_read_back(cents: int) -> None:
    assert parse_dollars(dollars(cents), field="amount") == cents
    assert parse_dollars(decimal_amount(cents), field="amount") == cents
    assert Decimal(x12_amount(cents)) * 100 == cents


@given(st.text(max_size=20) | st.from_regex(r"\$?[0-9,]{1,12}(\.[0-9]{0,3})?", fullmatch=True))
def test_parser_accepts_exactly_the_plain_bounded_amounts(text: str) -> None:
    stripped = text.strip()
    expected: int | None = None
    if PLAIN.fullmatch(stripped):
        value = Decimal(stripped.lstrip("$").replace(",", "")) * 100
        if 0 < value <= DEFAULT_MAX_PAYMENT_CENTS:
            expected = int(value)
    try:
        got: int | None = parse_dollars(text, field="amount")
    except InvalidInput as err:
        assert err.field == "amount"
        got = None
    assert got == expected


@pytest.mark.parametrize(
    "bad", [True, False, 1.0, "1e2", "12.50", None, -1, 0, MAX_STORED_CENTS + 1, 2**63 - 1]
)
def test_cents_must_be_a_real_positive_integer(bad: Any) -> None:
    with pytest.raises(InvalidInput) as err:
        require_cents(bad, field="amount_cents")
    assert err.value.field == "amount_cents"


def test_the_maximum_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_MAX_PAYMENT_CENTS", "5000")
    limit = Settings().max_payment_cents
    assert limit == 5000
    assert parse_dollars("50", field="amount", max_cents=limit) == 5000
    with pytest.raises(InvalidInput, match=r"\$50\.00"):
        parse_dollars("50.01", field="amount", max_cents=limit)


# ------------------------------------------------------------------ the payment form and the JSON API


@pytest.fixture
def client(
    tmp_settings: Settings, pr_flow: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    from tests.web.auth import use_token
    from web.app import create_app
    from web.routers import billing, health, pages_billing

    monkeypatch.setattr("web.app.ROUTERS", [health.router, billing.router, pages_billing.router])
    app = create_app(tmp_settings.model_copy(update={"max_payment_cents": 1_000_000}), load_engine=False)
    with TestClient(app, follow_redirects=False) as c:
        use_token(c, "biller", "kim")
        c.headers["Accept"] = "application/json"
        yield c


FORM = "/billing/patients/MEM-2001/payments"
API = "/api/billing/payments"


def _form(client: TestClient, **fields: str) -> Any:
    # the amounts under test may exceed the $85.00 owed: the extra is confirmed as a credit
    return client.post(FORM, data={"amount": "10.00", "method": "cash", "overpayment": "credit", **fields})


def _api(client: TestClient, **fields: Any) -> Any:
    body = {"patient": "MEM-2001", "amount_cents": 1000, "method": "cash", "overpayment": "credit"}
    return client.post(API, json={**body, **fields})


TOMORROW = "tomorrow's date"  # read when the test runs, not when it is collected (a run across midnight)
FORM_REFUSALS: list[tuple[dict[str, str], str]] = [
    ({"amount": "12_00"}, "amount"),
    ({"amount": "１２"}, "amount"),
    ({"amount": "$1e2"}, "amount"),
    ({"amount": "1e16"}, "amount"),
    ({"amount": "inf"}, "amount"),
    ({"amount": "1e17"}, "amount"),
    ({"amount": "10000.01"}, "amount"),  # over this app's $10,000 setting
    ({"received_on": "yesterday"}, "received_on"),
    ({"received_on": "9999-12-31"}, "received_on"),
    ({"received_on": "1899-12-31"}, "received_on"),
    ({"received_on": TOMORROW}, "received_on"),
    ({"method": "bitcoin"}, "method"),
]


def test_form_refusals_are_422_naming_the_field(client: TestClient) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for fields, field in FORM_REFUSALS:
        fields = {k: tomorrow if v == TOMORROW else v for k, v in fields.items()}
        r = _form(client, **fields)
        assert r.status_code == 422, (fields, r.text)
        assert r.json()["field"] == field, fields


def test_form_takes_a_plain_amount(client: TestClient) -> None:
    r = _form(client, amount="$1,000.50", received_on=date.today().isoformat())
    assert r.status_code == 303
    receipt = r.headers["location"].split("receipt=")[1]
    assert client.get(f"/api/billing/payments/{receipt}").json()["amount_cents"] == 100050


API_REFUSALS: list[tuple[dict[str, Any], str]] = [
    ({"amount_cents": True}, "amount_cents"),
    ({"amount_cents": 9223372036854775807}, "amount_cents"),
    ({"amount_cents": "1000"}, "amount_cents"),
    ({"amount_cents": 10.0}, "amount_cents"),
    ({"amount_cents": 0}, "amount_cents"),
    ({"amount_cents": -100}, "amount_cents"),
    ({"amount_cents": 1_000_001}, "amount_cents"),  # over this app's setting
    ({"received_on": "9999-12-31"}, "received_on"),
    ({"method": "bitcoin"}, "method"),
]


def test_api_refusals_are_422_naming_the_field(client: TestClient) -> None:
    for fields, field in API_REFUSALS:
        r = _api(client, **fields)
        assert r.status_code == 422, (fields, r.text)
        assert r.json()["field"] == field, fields


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=st.text(alphabet="0123456789$,._eE+-infa １", max_size=12))
def test_form_amounts_post_exactly_when_the_parser_accepts_them(client: TestClient, amount: str) -> None:
    try:
        expected: int | None = parse_dollars(amount, field="amount", max_cents=1_000_000)
    except InvalidInput:
        expected = None
    r = _form(client, amount=amount)
    if expected is None:
        assert r.status_code == 422 and r.json()["field"] == "amount", r.text
    else:
        assert r.status_code == 303, r.text
        receipt = r.headers["location"].split("receipt=")[1]
        assert client.get(f"/api/billing/payments/{receipt}").json()["amount_cents"] == expected


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=st.one_of(
        st.integers(-(2**64), 2**64),
        st.integers(1, 1_000_000),
        st.booleans(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=8),
        st.none(),
    )
)
def test_api_amounts_post_exactly_when_they_are_bounded_integers(client: TestClient, value: Any) -> None:
    r = _api(client, amount_cents=value)
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 1_000_000
    if ok:
        assert r.status_code == 201, r.text
        assert r.json()["amount_cents"] == value
    else:
        assert r.status_code == 422, r.text
        assert r.json()["field"] == "amount_cents"
