"""``assistant claims``: import, scrub, x12, batch, show, list, status, cms1500."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.claims import code_flags, service
from assistant.claims import form as claim_form
from assistant.claims.cms1500 import cms1500_boxes, cms1500_html
from assistant.claims.cms1500_pdf import FORM_KINDS, cms1500_pdf
from assistant.claims.form_schemas import FormLine
from assistant.cli.bootstrap import make_container
from assistant.cli.bootstrap import ready as _ready
from assistant.cli.common import console, handles_errors, print_json, write_file
from assistant.core.db import transaction
from assistant.core.errors import InvalidInput, NotFound

app = typer.Typer(
    help="Claims: import, scrub, 837P export and batches, CMS-1500, status.", no_args_is_help=True
)


@app.command("import")
@handles_errors
def import_(
    file: Path,
    by: Annotated[str, typer.Option("--by", help="User recorded in history")] = "cli",
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="Allow a re-import to change a claim's patient or payer (kept in history)"
        ),
    ] = False,
) -> None:
    """Import a claim JSON file (one claim or a list); one transaction, idempotent per claim_id.

    A re-import that would give an existing claim another patient or payer is refused unless --replace;
    every change is kept in the claim's history with the whole claim before and after."""
    if not file.is_file():
        raise NotFound(f"no file {file}", field="FILE", fix="check the path")
    c = make_container()
    _ready(c)
    with transaction(c.sessions) as session:
        results = service.import_json(session, file.read_bytes(), actor=by, source=str(file), replace=replace)
    print_json([r.model_dump(mode="json") for r in results])


@app.command()
@handles_errors
def scrub(
    ref: Annotated[str, typer.Argument(help="Claim JSON file or stored claim_id")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
    by: Annotated[str, typer.Option("--by")] = "cli",
) -> None:
    """Check a claim; exit status 1 when it has errors."""
    c = make_container()
    _ready(c)
    with transaction(c.sessions) as session:
        report = service.scrub_input(session, ref, c.reference, c.settings, actor=by)
    if as_json:
        print_json(report.model_dump(exclude={"claim_id"}) | {"claim_id": report.claim_id})
    else:
        for f in report.findings:
            where = f"line {f.line}" if f.line else (f.field or "claim")
            style = "red" if f.severity == "error" else "yellow"
            console.print(f"[{style}]{f.severity}[/] {f.rule} ({where}): {f.message}", highlight=False)
            if f.fix:
                console.print(f"    fix: {f.fix}", highlight=False)
        console.print("clean" if report.clean else f"{len(report.errors)} error(s)")
    if not report.clean:
        raise typer.Exit(1)


@app.command()
@handles_errors
def x12(
    ref: Annotated[str, typer.Argument(help="Claim JSON file or stored claim_id")],
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Output file (default: stdout)")] = None,
    production: Annotated[bool, typer.Option("--production", help="ISA15=P (default T, test)")] = False,
    sender_id: Annotated[str, typer.Option("--sender-id")] = "SUBMITTER",
    preview: Annotated[
        bool, typer.Option("--preview", help="Interchange control number 000000000; none is used up")
    ] = False,
) -> None:
    """Write an 837P (005010X222A1); refused when the scrubber finds errors.

    It takes the next interchange control number (a file kept for sending) unless --preview."""
    c = make_container()
    _ready(c)
    opts = service.X12Options(sender_id=sender_id, usage="P" if production else "T")
    with transaction(c.sessions) as session:
        text = service.x12_for_input(session, ref, c.reference, c.settings, opts, keep=not preview)
    if out:
        write_file(out, text)
        console.print(f"wrote {out}")
    else:
        typer.echo(text, nl=False)


@app.command()
@handles_errors
def batch(
    payer: Annotated[str, typer.Option("--payer", help="Payer ID")],
    out_dir: Annotated[Path | None, typer.Option("--out-dir")] = None,
    production: Annotated[bool, typer.Option("--production")] = False,
    sender_id: Annotated[str, typer.Option("--sender-id")] = "SUBMITTER",
    by: Annotated[str, typer.Option("--by")] = "cli",
) -> None:
    """Write one 837P file with every sendable ready claim of the payer and mark them submitted.

    Claims the scrubber now refuses are held back (listed with why, back to draft); exit 1 if none went."""
    c = make_container()
    _ready(c)
    opts = service.X12Options(sender_id=sender_id, usage="P" if production else "T")
    out_dir_used = out_dir or c.settings.data_dir / "exports"
    with transaction(c.sessions) as session:
        result = service.batch(
            session,
            payer,
            out_dir_used,
            c.reference,
            c.settings,
            actor=by,
            opts=opts,
        )
    print_json(
        {
            "batch": result.id,
            "payer_id": result.payer_id,
            "path": str(out_dir_used / result.file_name) if result.file_name else None,
            "claims": result.claim_ids,
            "interchange_control_number": result.interchange_control_number,
            "total_charge_cents": result.total_charge_cents,
            "held_back": [h.model_dump() for h in result.held_back],
        }
    )
    if result.file_name is None:
        raise typer.Exit(1)


@app.command()
@handles_errors
def show(claim_id: str) -> None:
    """Show a stored claim (JSON) with its status history."""
    c = make_container()
    _ready(c)
    with c.sessions() as session:
        print_json(service.detail(service.get_claim(session, claim_id)))


@app.command("list")
@handles_errors
def list_(
    status: Annotated[str | None, typer.Option("--status")] = None,
    payer: Annotated[str | None, typer.Option("--payer")] = None,
) -> None:
    """List claims (newest first)."""
    c = make_container()
    _ready(c)
    with c.sessions() as session:
        print_json([s.model_dump(mode="json") for s in service.list_claims(session, status, payer)])


@app.command()
@handles_errors
def flags(
    recheck: Annotated[
        bool, typer.Option("--recheck", help="Check the unsubmitted claims again now.")
    ] = False,
) -> None:
    """Open work-queue items: codes on unsubmitted claims that are invalid on their date of service."""
    c = make_container()
    _ready(c)
    with transaction(c.sessions) as session:
        if recheck:
            code_flags.flag_invalid_codes(session, c.reference)
        print_json([f.model_dump(mode="json") for f in code_flags.open_flags(session)])


@app.command()
@handles_errors
def status(
    claim_id: str,
    to: Annotated[
        str,
        typer.Argument(help="New status, e.g. scrubbed, ready, paid, closed (submitted: only by sending)"),
    ],
    by: Annotated[str, typer.Option("--by", help="User making the change")] = "cli",
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Move a claim to a new status (only allowed transitions; scrubbed/ready run the scrubber first,
    submitted happens only through `assistant claims batch` or an export)."""
    c = make_container()
    _ready(c)
    with transaction(c.sessions) as session:
        claim = service.get_claim(session, claim_id)
        event = service.request_status(session, claim, to, by, c.reference, c.settings, note)
        print_json({"claim_id": claim.claim_id, "from": event.from_status, "to": event.to_status, "by": by})


@app.command()
@handles_errors
def cms1500(
    claim_id: str,
    out: Annotated[Path | None, typer.Option("-o", "--out", help=".pdf or .html")] = None,
    form: Annotated[
        str,
        typer.Option(
            "--form", help="PDF: view (the form drawn, to view or fax) or print (data only, for the red form)"
        ),
    ] = "view",
    offset_x: Annotated[float, typer.Option("--offset-x", help="print: move the data right (mm)")] = 0.0,
    offset_y: Annotated[float, typer.Option("--offset-y", help="print: move the data down (mm)")] = 0.0,
) -> None:
    """The CMS-1500: box values as JSON, or an HTML/PDF file with -o (PDF: --form view|print)."""
    if form not in FORM_KINDS:
        raise InvalidInput(
            f"unknown form {form!r}", field="--form", fix="use --form view (form drawn) or --form print"
        )
    c = make_container()
    _ready(c)
    with c.sessions() as session:
        doc = service.to_document(service.get_claim(session, claim_id))
    if out is None:
        print_json(cms1500_boxes(doc))
    elif out.suffix.lower() == ".pdf":
        write_file(out, cms1500_pdf(doc, form, (offset_x, offset_y)))
        console.print(f"wrote {out} ({form})")
    else:
        write_file(out, cms1500_html(doc))
        console.print(f"wrote {out}")


@app.command("new")
@handles_errors
def new(
    encounter: Annotated[int, typer.Option("--encounter", help="Encounter ID to build the claim from")],
    code: Annotated[
        list[str], typer.Option("--code", help="A service line: CODE or CODE:MOD[:MOD...] (repeat per line)")
    ],
    coverage: Annotated[
        int | None, typer.Option("--coverage", help="Coverage ID (default: in force)")
    ] = None,
    billing_provider: Annotated[int | None, typer.Option("--billing-provider", help="Provider ID")] = None,
    by: Annotated[str, typer.Option("--by")] = "cli",
) -> None:
    """Save a draft claim from an encounter, as the claim form does (generated claim ID; charges from the
    fee schedule in force on the date of service)."""
    c = make_container()
    _ready(c)
    with transaction(c.sessions) as session:
        form = claim_form.prefill(session, encounter_id=encounter)
        pointers = form.lines[0].pointers
        form.lines = [
            FormLine(code=spec.split(":")[0], modifiers=spec.split(":")[1:], pointers=pointers)
            for spec in code
        ]
        form.coverage_id = coverage or form.coverage_id
        form.billing_provider_id = billing_provider or form.billing_provider_id
        result = claim_form.create(session, form, actor=by)
    print_json(result)
