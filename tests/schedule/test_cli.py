"""``assistant schedule`` and ``assistant encounters`` through typer's CliRunner on a migrated database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import assistant.encounters.cli as encounters_cli
import assistant.schedule.cli as schedule_cli
from assistant.app.container import Container
from assistant.cli.main import app as cli_app
from assistant.config import Settings
from assistant.security.models import AuditEntry
from tests.schedule.conftest import NOTE, Office, make_office


@pytest.fixture
def container(tmp_settings: Settings, engine: Any, monkeypatch: pytest.MonkeyPatch) -> Container:
    c = Container(tmp_settings)
    c.set_suggester(engine)
    monkeypatch.setattr(schedule_cli, "make_container", lambda: c)
    monkeypatch.setattr(encounters_cli, "make_container", lambda: c)
    return c


def run(*args: str) -> Any:
    result = CliRunner().invoke(cli_app, list(args))
    return result


def test_book_check_in_code_and_ready_from_the_command_line(container: Container, tmp_path: Path) -> None:
    office: Office = make_office(container.sessions)
    r = run(
        "schedule",
        "book",
        "--patient",
        str(office.jane),
        "--provider",
        str(office.dr_smith),
        "--at",
        "2026-12-01T09:00",
        "--visit",
        "telehealth_video",
        "--home",
        "--json",
    )
    assert r.exit_code == 0, r.output
    appt = json.loads(r.output)
    assert (appt["place_of_service"], appt["modifier"], appt["warnings"]) == ("10", "95", [])
    r = run(
        "schedule",
        "book",
        "--patient",
        str(office.medi),
        "--provider",
        str(office.dr_smith),
        "--at",
        "2026-12-01T09:05",
    )
    assert r.exit_code == 0 and "double booking" in r.output
    r = run("schedule", "list", "--day", "2026-12-01", "--provider", str(office.dr_smith), "--json")
    assert [a["id"] for a in json.loads(r.output)["days"][0]["appointments"]] == [appt["id"], appt["id"] + 1]
    assert run("schedule", "noshow", str(appt["id"] + 1)).exit_code == 0
    r = run("schedule", "cancel", str(appt["id"] + 1))
    assert r.exit_code == 2 and "no show" in r.output
    r = run("schedule", "checkin", str(appt["id"]), "--json")
    assert r.exit_code == 0, r.output
    enc = json.loads(r.output)["encounter_id"]

    note = tmp_path / "note.txt"
    note.write_text(NOTE)
    r = run("encounters", "suggest", str(enc), "--note", str(note), "--json")
    assert r.exit_code == 0, r.output
    assert {"E11.65", "I10"} <= {s["code"] for s in json.loads(r.output)["suggestions"]}
    r = run("encounters", "ready", str(enc))
    assert r.exit_code == 2 and "no diagnosis" in r.output
    assert run("encounters", "accept", str(enc), "E11.65", "I10").exit_code == 0
    r = run("encounters", "add", str(enc), "Z79.84")
    assert r.exit_code == 0 and "C Z79.84" in r.output
    r = run("encounters", "show", str(enc), "--json")
    shown = json.loads(r.output)
    assert shown["diagnoses"] == ["E11.65", "I10", "Z79.84"] and shown["patient_age_years"] == 58
    r = run("encounters", "ready", str(enc))
    assert r.exit_code == 0 and "ready_to_bill" in r.output
    r = run("encounters", "queue", "--status", "ready_to_bill", "--json")
    assert [e["id"] for e in json.loads(r.output)] == [enc]

    with container.sessions() as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.action.in_(["phi.read", "phi.write"]))))
    kinds = {(e.target_type, e.action) for e in entries}
    assert {
        ("appointment", "phi.write"),
        ("appointment", "phi.read"),
        ("encounter", "phi.write"),
        ("encounter", "phi.read"),
    } <= kinds
    assert all(e.actor.startswith("cli:") for e in entries)


def test_cli_errors_name_the_field(container: Container) -> None:
    r = run("schedule", "book", "--patient", "999", "--provider", "1", "--at", "2026-12-01T09:00")
    assert r.exit_code == 2 and "no patient 999" in r.output
    r = run("schedule", "book", "--patient", "1", "--provider", "1", "--at", "tomorrow")
    assert r.exit_code == 2 and "YYYY-MM-DDTHH:MM" in r.output
    r = run("encounters", "show", "41")
    assert r.exit_code == 2 and "no encounter 41" in r.output
