"""``assistant encounters``: show, suggest, accept/reject, add a code by hand, ready to bill, the queue.

Every command reads or writes patient data and leaves a PHI audit entry naming the OS user.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from assistant.app.container import Container
from assistant.cli.bootstrap import make_container, ready
from assistant.cli.common import console, handles_errors, print_json
from assistant.core.db import transaction
from assistant.core.validation import parse_day
from assistant.encounters import service
from assistant.encounters.schemas import EncounterOut, QueueFilter
from assistant.security import audit
from assistant.security.cli_support import cli_actor

app = typer.Typer(
    help="Encounters: the visit's note, its codes, and the hand-off to billing.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON")]
SystemOpt = Annotated[str, typer.Option("--system", help="ICD-10-CM, HCPCS or CPT")]


@contextmanager
def _tx(container: Container | None = None) -> Iterator[tuple[Container, Session]]:
    c = container or ready(make_container())
    with transaction(c.sessions) as session:
        yield c, session


def _audit(session: Session, what: str, target: int | None, **detail: Any) -> None:
    audit.record(session, cli_actor(), what, "encounter", target, None, {"via": "cli", **detail})


def _show(e: EncounterOut) -> None:
    console.print(
        f"encounter {e.id} | {e.patient_name} ({e.patient_sex}, {e.patient_age_years} y) | "
        f"DOS {e.date_of_service} | "
        f"{e.provider_name or 'no provider'} | POS {e.place_of_service}"
        + (f" mod {e.telehealth_modifier}" if e.telehealth_modifier else "")
        + f" | {e.status}",
        highlight=False,
    )
    for d in e.diagnoses_detail:
        console.print(f"  {d.pointer} {d.code} {d.title}", highlight=False)
    for p in e.procedures:
        console.print(f"  procedure {p.code} ({p.system}) {p.title}", highlight=False)
    pending = [s for s in e.suggestions if s.decision == "pending"]
    if pending:
        console.print("  suggested: " + ", ".join(s.code for s in pending), highlight=False)


def _out(e: EncounterOut, as_json: bool) -> None:
    print_json(e) if as_json else _show(e)


@app.command()
@handles_errors
def show(encounter_id: int, as_json: JsonOpt = False) -> None:
    """The encounter: patient, date of service, provider, diagnoses (A-L), procedures and suggestions."""
    with _tx() as (_, s):
        _audit(s, audit.PHI_READ, encounter_id)
        out = service.get_encounter(s, encounter_id)
    _out(out, as_json)


@app.command()
@handles_errors
def suggest(
    encounter_id: int,
    note: Annotated[
        typer.FileText | None, typer.Option("--note", help="Replace the note with this file")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the suggestion engine on the encounter's note (with the patient's sex and age)."""
    c = ready(make_container())
    engine = c.suggester
    with _tx(c) as (_, s):
        _audit(s, audit.PHI_WRITE, encounter_id, action="suggest")
        if note is not None:
            service.set_note(s, encounter_id, note.read(), actor=cli_actor())
        out = service.run_suggestions(s, encounter_id, engine, actor=cli_actor())
    _out(out, as_json)


def _decide(encounter_id: int, codes: list[str], decision: str, system: str, as_json: bool) -> None:
    with _tx() as (_, s):
        _audit(s, audit.PHI_WRITE, encounter_id, action=decision, codes=codes)
        out = None
        for code in codes:
            out = service.decide(s, encounter_id, code, decision, actor=cli_actor(), system=system)
    if out is not None:
        _out(out, as_json)


@app.command()
@handles_errors
def accept(
    encounter_id: int, codes: list[str], system: SystemOpt = "ICD-10-CM", as_json: JsonOpt = False
) -> None:
    """Accept suggested codes: accepted ICD-10-CM codes become the diagnoses, in this order."""
    _decide(encounter_id, codes, "accepted", system, as_json)


@app.command()
@handles_errors
def reject(
    encounter_id: int, codes: list[str], system: SystemOpt = "ICD-10-CM", as_json: JsonOpt = False
) -> None:
    """Reject suggested codes (an accepted one leaves the diagnoses)."""
    _decide(encounter_id, codes, "rejected", system, as_json)


@app.command()
@handles_errors
def add(encounter_id: int, code: str, system: SystemOpt = "ICD-10-CM", as_json: JsonOpt = False) -> None:
    """Add a code the suggestions missed (checked against the release in force on the date of service)."""
    with _tx() as (c, s):
        _audit(s, audit.PHI_WRITE, encounter_id, action="add", code=code)
        out = service.add_code(s, encounter_id, code, c.reference, actor=cli_actor(), system=system)
    _out(out, as_json)


@app.command("ready")
@handles_errors
def ready_(encounter_id: int, as_json: JsonOpt = False) -> None:
    """Hand the coded encounter to billing (ready to bill)."""
    with _tx() as (_, s):
        _audit(s, audit.PHI_WRITE, encounter_id, action="ready")
        out = service.ready_to_bill(s, encounter_id, actor=cli_actor())
    _out(out, as_json)


@app.command()
@handles_errors
def queue(
    status: Annotated[
        list[str] | None, typer.Option("--status", help="open, coded, ready_to_bill, billed (repeatable)")
    ] = None,
    provider: Annotated[int | None, typer.Option("--provider")] = None,
    since: Annotated[str | None, typer.Option("--from", help="Dates of service from YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Dates of service to YYYY-MM-DD")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The billers' queue: coded and ready-to-bill encounters by default."""
    filters = QueueFilter.model_validate(
        {
            **({"statuses": status} if status else {}),
            "provider_id": provider,
            "date_from": parse_day(since, "date_from"),
            "date_to": parse_day(until, "date_to"),
        }
    )
    with _tx() as (_, s):
        _audit(s, audit.PHI_READ, None, list="queue")
        out = service.queue(s, filters)
    if as_json:
        print_json([e.model_dump(mode="json") for e in out])
        return
    for e in out:
        console.print(
            f"{e.id} | {e.date_of_service} | {e.patient_name} | {e.provider_name or '-'} | {e.status} | "
            + " ".join(e.diagnoses),
            highlight=False,
        )
