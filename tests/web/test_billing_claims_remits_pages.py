from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_claim_page_scrub_and_837p(client: TestClient) -> None:
    r = client.post(
        "/claims/import", files={"file": ("c.json", (FIXTURES / "claims" / "claim_clean.json").read_bytes())}
    )
    assert r.url.path == "/claims/C-2001" and "Justify" in r.text and "A E11.65" in r.text
    s = client.post("/claims/C-2001/scrub", headers={"HX-Request": "true"})
    assert "<html" not in s.text and "Scrub result" in s.text
    x = client.get("/claims/C-2001/837p")
    assert (
        x.status_code == 200
        and x.text.startswith("ISA*")
        and "attachment" in x.headers["content-disposition"]
    )
    assert "C-2001" in client.get("/claims").text


def test_remit_import_and_denial_explanations(client: TestClient) -> None:
    r = client.post(
        "/remits/import", files={"file": ("m.835", (FIXTURES / "x12" / "multi_claim.835").read_bytes())}
    )
    assert r.status_code == 200 and "claim(s) posted" in r.text and "Work queue" in r.text
    rid = re.search(r'href="/remits/(\d+)"', r.text).group(1)  # type: ignore[union-attr]
    page = client.get(f"/remits/{rid}")
    assert page.status_code == 200 and "explanation denial" in page.text
    api = client.get(f"/api/remits/{rid}/explain").json()
    assert api and all(f"{e['group']}-{e['carc']}" in page.text for e in api)


def test_payment_changes_balance_and_chart_is_svg(client: TestClient) -> None:
    client.post(
        "/claims/import", files={"file": ("c.json", (FIXTURES / "claims" / "claim_clean.json").read_bytes())}
    )
    before = client.get("/api/billing/patients/W123456789").json()["balance"]["balance_cents"]
    # a draft claim posts no charge: $25.00 is more than the balance, so the page asks first
    r = client.post("/billing/patients/W123456789/payments", data={"amount": "25.00", "method": "cash"})
    assert "More than the balance" in r.text and "Payment recorded" not in r.text
    assert client.get("/api/billing/patients/W123456789").json()["balance"]["balance_cents"] == before
    r = client.post(
        "/billing/patients/W123456789/payments",
        data={"amount": "25.00", "method": "cash", "overpayment": "credit"},
    )
    assert "Payment recorded" in r.text
    after = client.get("/api/billing/patients/W123456789").json()["balance"]["balance_cents"]
    assert after == before - 2500
    page = client.get("/billing")
    assert "<svg" in page.text and 'role="img"' in page.text and "<script" not in page.text.split("<main")[1]
