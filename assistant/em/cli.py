"""``assistant em level``: the E/M level helper on the command line (the same ``propose`` as the claim
form's helper and ``POST /api/em-level``). Code numbers only."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from assistant.cli.common import handles_errors, print_json
from assistant.core.errors import InvalidInput
from assistant.em import service
from assistant.em.schemas import EmRequest

app = typer.Typer(help="E/M level helper (office/outpatient, 2021+ rules).", no_args_is_help=True)


@app.command("level")
@handles_errors
def level(
    patient: Annotated[str, typer.Option("--patient", help="new or established")],
    minutes: Annotated[
        int | None, typer.Option("--minutes", help="Total time on the date of the visit")
    ] = None,
    problems: Annotated[
        str | None, typer.Option("--problems", help="MDM: straightforward|low|moderate|high")
    ] = None,
    data: Annotated[str | None, typer.Option("--data", help="MDM: straightforward|low|moderate|high")] = None,
    risk: Annotated[str | None, typer.Option("--risk", help="MDM: straightforward|low|moderate|high")] = None,
    payer: Annotated[str, typer.Option("--payer", help="medicare or other (for prolonged time)")] = "other",
) -> None:
    """Propose the visit level from total time and/or medical decision making, with the reasons."""
    raw = {
        "patient": patient,
        "total_minutes": minutes,
        "problems": problems,
        "data": data,
        "risk": risk,
        "payer": payer,
    }
    try:
        request = EmRequest.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "patient"
        raise InvalidInput(
            f"{field}: {err['msg']}", field=field, fix="see `assistant em level --help`"
        ) from None
    print_json(service.propose(request))
