"""A day at the front desk through the command line, as the README shows it: register the patient and
two coverages, book and check in, code the note, propose the E/M level, build the claim from the
encounter (the fee schedule fills the charge), scrub, make it ready, send the payer's batch (pyx12
accepts it), import the primary's 835 and read the balance. The setup registers the providers
(``providers add``) and the payers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import assistant.billing.cli as billing_cli
import assistant.claims.cli as claims_cli
import assistant.encounters.cli as encounters_cli
import assistant.fees.cli as fees_cli
import assistant.parties.cli as parties_cli
import assistant.remit.cli as remit_cli
import assistant.schedule.cli as schedule_cli
from assistant.app.container import Container
from assistant.claims.x12_validate import validate_x12
from assistant.cli.main import app as cli_app
from assistant.config import Settings
from tests.remit.era import primary_835
from tests.schedule.conftest import NOTE

FEES = "code,modifier,charge_cents,effective_from,effective_to\n99214,,18500,2026-01-01,\n"


@pytest.fixture
def container(tmp_settings: Settings, engine: Any, monkeypatch: pytest.MonkeyPatch) -> Container:
    c = Container(tmp_settings)
    c.set_suggester(engine)
    for module in (schedule_cli, encounters_cli, claims_cli, fees_cli, remit_cli, billing_cli):
        monkeypatch.setattr(module, "make_container", lambda: c)
    monkeypatch.setattr(parties_cli, "load_settings", lambda: tmp_settings)
    return c


def run(*args: str) -> Any:
    result = CliRunner().invoke(cli_app, list(args))
    assert result.exit_code == 0, (args, result.output)
    return json.loads(result.output) if "--json" in args or args[:2] in _JSON_ALWAYS else result.output


_JSON_ALWAYS = {("em", "level"), ("claims", "new"), ("claims", "batch"), ("fees", "import")}


def test_a_day_at_the_front_desk_from_the_command_line(container: Container, tmp_path: Path) -> None:
    run(
        "providers", "add", "--npi", "1234567893", "--entity-type", "2", "--name", "Main Street Clinic",
        "--tax-id", "123456789", "--line1", "1 Main St", "--city", "Springfield", "--state", "IL",
        "--zip", "627011234",
    )  # fmt: skip
    doctor = run("providers", "add", "--npi", "1245319599", "--first", "Ana", "--last", "Lopez", "--json")
    doctor_id = doctor["id"]
    today = date.today().isoformat()
    (tmp_path / "fees.csv").write_text(FEES)
    run("fees", "import", str(tmp_path / "fees.csv"))
    run("payers", "add", "--payer-id", "87726", "--name", "Example Health Plan")
    run("payers", "add", "--payer-id", "60054", "--name", "Aetna Commercial")

    patient = run(
        "patients", "add", "--first", "Nora", "--last", "Fields", "--dob", "1958-06-20", "--sex", "F",
        "--line1", "40 Elm St", "--city", "Springfield", "--state", "IL", "--zip", "62704", "--json",
    )  # fmt: skip
    pid = str(patient["patient"]["id"])
    run(
        "patients",
        "coverage-add",
        pid,
        "--payer",
        "87726",
        "--member-id",
        "NF100200300",
        "--copay-cents",
        "2500",
    )
    run("patients", "coverage-add", pid, "--payer", "60054", "--member-id", "W900800700")

    appt = run(
        "schedule", "book", "--patient", pid, "--provider", str(doctor_id), "--at", f"{today}T09:15", "--json"
    )
    enc = str(run("schedule", "checkin", str(appt["id"]), "--json")["encounter_id"])
    note = tmp_path / "note.txt"
    note.write_text(NOTE + " Total time 35 minutes.")
    run("encounters", "suggest", enc, "--note", str(note), "--json")
    run("encounters", "accept", enc, "E11.65", "I10")
    run("encounters", "ready", enc)

    assert run("em", "level", "--patient", "established", "--minutes", "35")["code"] == "99214"
    claim_id = run("claims", "new", "--encounter", enc, "--code", "99214")["claim_id"]
    doc = json.loads(run("claims", "show", claim_id))["document"]
    assert doc["lines"][0]["charge_cents"] == 18500 and doc["diagnoses"] == ["E11.65", "I10"]
    assert run("encounters", "show", enc, "--json")["status"] == "billed"

    run("claims", "scrub", claim_id)
    run("claims", "status", claim_id, "ready")
    sent = run("claims", "batch", "--payer", "87726", "--out-dir", str(tmp_path / "out"))
    x12 = Path(sent["path"]).read_text()
    assert validate_x12(x12) == [] and f"CLM*{claim_id}*185***11:B:1" in x12

    era = tmp_path / "primary.835"
    era.write_text(primary_835(x12, claim_id, paid=12000, contractual=4000, patient=2500))
    run("remit", "import", str(era), "--json")
    balance = run("billing", "balance", "NF100200300", "--json")
    # Nora has a secondary coverage: the copay waits on the secondary until its 835 (README step 10)
    assert (balance["patient_due_cents"], balance["insurance_pending_cents"]) == (0, 2500)
    secondary = run("claims", "secondary", claim_id, "--json")  # step 9
    assert secondary["claim_id"] == f"{claim_id}-S" and secondary["balance_cents"] == 2500
    assert not [f for f in (secondary["scrub"] or {}).get("findings", []) if f["severity"] == "error"]
