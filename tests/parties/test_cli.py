"""``assistant patients`` and ``assistant payers`` through typer's CliRunner, with their audit entries."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import assistant.parties.cli as parties_cli
from assistant.app.container import Container
from assistant.cli.main import app
from assistant.config import Settings
from assistant.core.db import transaction
from assistant.security.models import AuditEntry


@pytest.fixture
def container(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Container:
    tmp_settings.data_dir.mkdir(parents=True, exist_ok=True)
    c = Container(tmp_settings)
    monkeypatch.setattr(parties_cli, "load_settings", lambda: tmp_settings)
    return c


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_register_search_show_edit_merge(container: Container) -> None:
    r = run(
        "payers", "add", "--payer-id", "87726", "--name", "Example Health Plan", "--state", "UT", "--json"
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["address"]["state"] == "UT"
    assert "87726" in run("payers", "list").output
    add = ["patients", "add", "--first", "Ann", "--last", "Lee", "--dob", "1980-01-31", "--sex", "F"]
    r = run(*add, "--phone", "217 555 0101", "--state", "IL", "--zip", "62701", "--json")
    assert r.exit_code == 0, r.output
    ann = json.loads(r.output)["patient"]["id"]
    r = run(*add)  # same name and birth date: warned and stopped
    assert r.exit_code != 0 and "already registered" in r.output and f"#{ann}" in r.output
    r = run(*add, "--confirm-duplicate", "--json")
    dup = json.loads(r.output)["patient"]["id"]
    r = run(
        "patients",
        "coverage-add",
        str(ann),
        "--payer",
        "87726",
        "--member-id",
        "M-1",
        "--copay-cents",
        "2000",
    )
    assert r.exit_code == 0 and "primary" in r.output, r.output
    r = run("patients", "coverage-add", str(ann), "--payer", "NOPE", "--member-id", "M-2")
    assert r.exit_code != 0 and "no payer with payer ID" in r.output
    r = run("patients", "list", "M-1", "--json")
    assert [p["id"] for p in json.loads(r.output)] == [ann]
    r = run("patients", "list", "--dob", "1980-01-31", "--json")
    assert {p["id"] for p in json.loads(r.output)} == {ann, dup}
    r = run("patients", "edit", str(ann), "--city", "Springfield", "--email", "ann@example.org", "--json")
    out = json.loads(r.output)["patient"]
    assert out["address"]["city"] == "Springfield" and out["address"]["zip"] == "62701"
    assert out["email"] == "ann@example.org" and out["phone"] == "2175550101"
    r = run("patients", "edit", str(ann), "--dob", "2999-01-01")
    assert r.exit_code != 0 and "future" in r.output
    assert "Run again with --yes" in run("patients", "merge", str(ann), str(dup)).output
    r = run("patients", "merge", str(ann), str(dup), "--yes", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["merged_id"] == dup
    r = run("patients", "show", str(dup))
    assert f"merged into #{ann}" in r.output
    r = run("patients", "show", str(ann))
    assert "primary: Example Health Plan (87726) member M-1 rel 18, copay $20.00" in r.output
    with transaction(container.sessions) as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.target_type == "patient")).all()
    actions = [(e.action, e.target_id) for e in entries]
    assert ("phi.write", str(ann)) in actions and ("phi.read", str(ann)) in actions
    assert ("patient.merge", str(ann)) in actions and ("phi.read", None) in actions
    assert all(e.actor.startswith("cli:") for e in entries)


def test_providers_add_and_list(container: Container) -> None:
    r = run(
        "providers", "add", "--npi", "1234567893", "--entity-type", "2", "--name", "Main Street Clinic",
        "--tax-id", "12-3456789", "--taxonomy", "261QP2300X", "--state", "IL", "--zip", "62701", "--json",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    clinic = json.loads(r.output)
    assert (clinic["entity_name"], clinic["tax_id"], clinic["address"]["state"]) == (
        "organisation",
        "123456789",
        "IL",
    )
    r = run("providers", "add", "--npi", "1245319599", "--first", "Ana", "--last", "Lopez")
    assert r.exit_code == 0 and "Ana Lopez" in r.output and "person" in r.output, r.output
    r = run("providers", "add", "--npi", "1245319598", "--first", "Bo", "--last", "Typo")
    assert r.exit_code != 0 and "check digit" in r.output and "npi" in r.output
    r = run("providers", "add", "--npi", "1245319599", "--first", "Ana", "--last", "Again")
    assert r.exit_code != 0 and "already registered" in r.output
    r = run("providers", "add", "--npi", "1003000126", "--entity-type", "2")
    assert r.exit_code != 0 and "needs its name" in r.output
    r = run("providers", "list", "--json")
    assert [p["display_name"] for p in json.loads(r.output)] == ["Main Street Clinic", "Ana Lopez"]
    assert "1245319599" in run("providers", "list").output
