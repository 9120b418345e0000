"""A receipt shows only on its own patient's page (issue 18 §4: /billing/patients/A?receipt=<B's receipt>)."""

from __future__ import annotations

from typing import Any

from assistant.core.db import transaction
from tests.billing.conftest import make_owing_patient


def _pay(client: Any, member_id: str) -> str:
    r = client.post(
        "/api/billing/payments", json={"patient": member_id, "amount_cents": 1234, "method": "cash"}
    )
    assert r.status_code == 201, r.text
    return str(r.json()["receipt_number"])


def test_receipt_of_another_patient_is_not_shown(client: Any) -> None:
    with transaction(client.app.state.container.sessions) as session:
        first = make_owing_patient(session, "MEM-A1")
        second = make_owing_patient(session, "MEM-B2")
    mine, theirs = _pay(client, "MEM-A1"), _pay(client, "MEM-B2")

    own = client.get(f"/billing/patients/{first}", params={"receipt": mine})
    assert own.status_code == 200 and mine in own.text
    leak = client.get(f"/billing/patients/{first}", params={"receipt": theirs})
    assert leak.status_code == 404 and theirs in leak.text  # the refusal names the receipt, not its content
    assert "12.34" not in leak.text
    api = client.get(f"/api/billing/patients/{first}", params={"receipt": theirs})
    assert api.status_code == 404 and api.json()["field"] == "receipt"
    assert client.get(f"/billing/patients/{second}", params={"receipt": theirs}).status_code == 200
