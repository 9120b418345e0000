"""``assistant denials``: explain a CARC/RARC from claim data, match free text, appeal, correct, learn."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli.bootstrap import make_container
from assistant.cli.bootstrap import ready as _ready
from assistant.cli.common import console, handles_errors, print_json
from assistant.core.db import transaction
from assistant.core.errors import InvalidInput
from assistant.core.validation import parse_day
from assistant.denials import service
from assistant.denials.match import default_embedder, match_text
from assistant.denials.schemas import ExplainRequest
from assistant.denials.service import appeal_letter, list_patterns, promote_pattern, request_for

app = typer.Typer(
    help="Denials: explain, match text to CARCs, appeal letters, corrected claims, local rules.",
    no_args_is_help=True,
)


def make_embedder(settings: Any) -> Any:
    """The embedder for `denials match` (tests replace this with a fake)."""
    return default_embedder(settings)


def _request(
    group: str,
    carc: str,
    rarc: list[str] | None,
    claim: str | None,
    line: int | None,
    remit_date: str | None,
    appeal_days: int | None,
) -> Any:
    when = parse_day(remit_date, "--remit-date")
    return ExplainRequest(
        group=group,
        carc=carc,
        rarcs=rarc or [],
        claim_id=claim,
        line=line,
        remit_date=when,
        appeal_window_days=appeal_days,
    )


@app.command()
@handles_errors
def explain(
    group: Annotated[str, typer.Option("--group", help="CAS group code: CO, PR, OA, PI, CR")],
    carc: Annotated[str, typer.Option("--carc", help="Claim adjustment reason code")],
    rarc: Annotated[list[str] | None, typer.Option("--rarc", help="Remark code (repeatable)")] = None,
    claim: Annotated[
        str | None, typer.Option("--claim", help="claim_id on file or a claim JSON file")
    ] = None,
    line: Annotated[int | None, typer.Option("--line", help="1-based service line")] = None,
    remit_date: Annotated[
        str | None, typer.Option("--remit-date", help="YYYY-MM-DD, for the deadline")
    ] = None,
    appeal_days: Annotated[int | None, typer.Option("--appeal-days", help="Payer appeal window")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Why was this line denied, what does the claim data show, and what to do."""
    c = make_container()
    _ready(c)
    with c.sessions() as session:
        exp = service.explain(
            _request(group, carc, rarc, claim, line, remit_date, appeal_days),
            reference=c.reference,
            session=session,
            timely_filing_days=c.settings.timely_filing_days,
            appeal_window_days=c.settings.appeal_window_days,
        )
    if as_json:
        print_json(exp)
        return
    console.print(f"[bold]{exp.group}-{exp.carc}[/] {exp.category} -> {exp.route}: {exp.summary}")
    console.print(exp.root_cause)
    for f in exp.fix:
        console.print(f"  fix: {f}")
    for u in exp.unknowns:
        console.print(f"  unknown: {u}")


@app.command()
@handles_errors
def match(
    text: str,
    limit: Annotated[int, typer.Option("--limit")] = 5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Likely CARCs for what the payer portal or phone rep said."""
    c = make_container()
    hits = match_text(text, c.reference, make_embedder(c.settings), limit=limit)
    if as_json:
        print_json([h.model_dump() for h in hits])
        return
    for h in hits:
        console.print(f"{h.carc:>5}  {h.score:.2f}  {h.summary}")


@app.command()
@handles_errors
def appeal(
    claim: Annotated[str | None, typer.Option("--claim")] = None,
    group: Annotated[str | None, typer.Option("--group")] = None,
    carc: Annotated[str | None, typer.Option("--carc")] = None,
    rarc: Annotated[list[str] | None, typer.Option("--rarc")] = None,
    line: Annotated[int | None, typer.Option("--line")] = None,
    remit_line: Annotated[int | None, typer.Option("--remit-line", help="id of a posted remit line")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Draft an appeal letter (clinical parts left for the practice to complete)."""
    c = make_container()
    _ready(c)
    with c.sessions() as session:
        req = request_for(
            session,
            remit_line_id=remit_line,
            claim_id=claim,
            group=group,
            carc=carc,
            rarcs=rarc or [],
            line=line,
        )
        letter = appeal_letter(session, req, reference=c.reference, settings=c.settings)
    if as_json:
        print_json(letter)
    else:
        typer.echo(letter.text)


@app.command("corrected-claim")
@handles_errors
def corrected_claim(
    claim: Annotated[str, typer.Option("--claim")],
    group: Annotated[str | None, typer.Option("--group")] = None,
    carc: Annotated[str | None, typer.Option("--carc")] = None,
    rarc: Annotated[list[str] | None, typer.Option("--rarc")] = None,
    line: Annotated[int | None, typer.Option("--line")] = None,
    remit_line: Annotated[int | None, typer.Option("--remit-line")] = None,
    actions: Annotated[
        str | None, typer.Option("--actions", help='JSON, e.g. [{"op":"add-modifier",...}]')
    ] = None,
    new_claim_id: Annotated[str | None, typer.Option("--new-claim-id")] = None,
    by: Annotated[str, typer.Option("--by")] = "cli",
) -> None:
    """Create a corrected claim (frequency 7, REF*F8) from the explainer's fix; it is scrubbed on creation."""
    parsed = None
    if actions:
        try:
            parsed = json.loads(actions)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"--actions is not JSON: {exc}", field="--actions") from None
    c = make_container()
    _ready(c)
    with transaction(c.sessions) as session:
        req = None
        if parsed is None:
            req = request_for(
                session,
                remit_line_id=remit_line,
                claim_id=claim,
                group=group,
                carc=carc,
                rarcs=rarc or [],
                line=line,
            )
        out = service.corrected_claim(
            session,
            req,
            claim_id=claim,
            actions=parsed,
            reference=c.reference,
            settings=c.settings,
            new_claim_id=new_claim_id,
            actor=by,
        )
    print_json(out)


@app.command()
@handles_errors
def patterns(min_count: Annotated[int, typer.Option("--min-count")] = 1) -> None:
    """Repeated denials by payer x group x CARC x procedure code (JSON)."""
    c = make_container()
    _ready(c)
    with c.sessions() as session:
        print_json(list_patterns(session, min_count))


@app.command()
@handles_errors
def promote(
    pattern_id: int,
    modifier: Annotated[
        list[str] | None, typer.Option("--modifier", help="Required modifier (repeatable)")
    ] = None,
    by: Annotated[str, typer.Option("--by")] = "cli",
) -> None:
    """Turn a denial pattern into a local scrubber rule for that payer and code."""
    c = make_container()
    _ready(c)
    with transaction(c.sessions) as session:
        print_json(promote_pattern(session, pattern_id, modifiers=modifier or [], actor=by))


_ = Path  # typer resolves annotations at runtime
