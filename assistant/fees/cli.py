"""``assistant fees``: import the fee schedule (CSV), list it, and look up the fee in force."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.bootstrap import make_container, ready
from assistant.cli.common import handles_errors, print_json
from assistant.core.db import transaction
from assistant.core.errors import NotFound
from assistant.core.validation import parse_day
from assistant.fees import service

app = typer.Typer(help="Fee schedule: import, list, charge in force.", no_args_is_help=True)


@app.command("import")
@handles_errors
def import_(
    file: Path, by: Annotated[str, typer.Option("--by", help="User recorded on the entries")] = "cli"
) -> None:
    """Import FILE.csv (header: code,modifier,charge_cents,effective_from,effective_to); all or nothing."""
    if not file.is_file():
        raise NotFound(f"no file {file}", field="FILE", fix="check the path")
    c = ready(make_container())
    with transaction(c.sessions) as session:
        result = service.import_csv(session, file.read_bytes(), actor=by)
    print_json(result.model_dump(exclude={"entries"}))


@app.command("list")
@handles_errors
def list_(
    code: Annotated[str | None, typer.Option("--code")] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="Only fees in force on this date (YYYY-MM-DD)")
    ] = None,
) -> None:
    """List the fee schedule as JSON."""
    c = ready(make_container())
    with c.sessions() as session:
        print_json(
            [f.model_dump(mode="json") for f in service.list_fees(session, code, parse_day(on, "--on"))]
        )


@app.command("charge")
@handles_errors
def charge(
    code: str,
    on: Annotated[str, typer.Option("--on", help="Date of service (YYYY-MM-DD)")],
    modifier: Annotated[list[str] | None, typer.Option("--modifier", "-m")] = None,
) -> None:
    """The fee in force for CODE (and modifiers) on a date of service."""
    c = ready(make_container())
    with c.sessions() as session:
        fee = service.charge_for(session, code, modifier or [], parse_day(on, "--on") or date.today())
    if fee is None:
        raise NotFound(
            f"no fee for {code} on {on}", field="code", fix="import or add one: assistant fees import"
        )
    print_json(fee)
