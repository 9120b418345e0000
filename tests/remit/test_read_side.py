"""The read side of remittances returns schemas, and the CLI and the API show the same JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.app.container import Container
from assistant.cli.main import app as cli
from assistant.core.errors import NotFound
from assistant.remit import cli as rcli
from assistant.remit import service
from assistant.remit.schemas import RemitDetail, RemitSummary
from tests.denials.fakes import DenialsFakeReference
from tests.remit.helpers import load_fixture_claims
from tests.web.auth import use_token
from web.app import create_app


@pytest.fixture
def container(tmp_settings, sessions, monkeypatch):  # type: ignore[no-untyped-def]
    c = Container(tmp_settings)
    c.__dict__["reference"] = DenialsFakeReference()
    monkeypatch.setattr(rcli, "make_container", lambda: c)
    load_fixture_claims(sessions)
    return c


def test_detail_is_a_schema_and_the_surfaces_agree(container, x12: Path) -> None:  # type: ignore[no-untyped-def]
    rid = service.import_835_file(container.sessions, x12 / "multi_claim.835").remit_ids[0]
    with container.sessions() as s:
        detail = service.remit_detail(s, rid)
        listed = service.list_remits(s)
        with pytest.raises(NotFound):
            service.remit_detail(s, rid + 999)
    assert isinstance(detail, RemitDetail) and all(isinstance(r, RemitSummary) for r in listed)
    denied = next(c for c in detail.claims if c.outcome == "denied")
    assert denied.lines and all(a.group and a.carc for ln in denied.lines for a in ln.adjustments)
    assert sum(p.amount_cents for p in detail.provider_adjustments) != 0

    runner = CliRunner()
    shown = json.loads(runner.invoke(cli, ["remit", "show", str(rid)]).output)
    listed_cli = json.loads(runner.invoke(cli, ["remit", "list"]).output)
    with TestClient(create_app(container.settings, container=container, load_engine=False)) as client:
        use_token(client, "biller")
        api = client.get(f"/api/remits/{rid}").json()
        api_list = client.get("/api/remits").json()
    assert shown == api == detail.model_dump(mode="json")
    assert listed_cli == api_list and api_list[0]["id"] == rid
    assert list(api) == [*RemitSummary.model_fields, "provider_adjustments", "claims", "work_items"]
