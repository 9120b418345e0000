"""``assistant remit``: import 835 files, list/show remittances, explain denials, the work queue."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli.bootstrap import make_container
from assistant.cli.bootstrap import ready as _ready
from assistant.cli.common import console, handles_errors, print_json
from assistant.core.db import transaction
from assistant.core.money import dollars
from assistant.denials.service import explain_remit
from assistant.remit import service as remit_service
from assistant.remit.secondary import create_secondary_claim
from assistant.remit.service import UnbalancedRemit, import_835_file, list_remits, remit_detail

app = typer.Typer(
    help="Remittances (X12 835): import, show, explain denials, work queue.", no_args_is_help=True
)


def _reference(container: Any) -> Any:
    try:
        return container.reference
    except Exception:  # noqa: BLE001 - posting does not need code sets; explanations report unknowns
        return None


@app.command("import")
@handles_errors
def import_(
    file: Path,
    as_json: Annotated[bool, typer.Option("--json", help="Print the posting report as JSON")] = False,
    by: Annotated[str, typer.Option("--by", help="User recorded on the remittance")] = "cli",
) -> None:
    """Parse, balance-check, match and post an 835; importing the same file again posts nothing."""
    c = make_container()
    _ready(c)
    try:
        report = import_835_file(c.sessions, file, actor=by)
    except UnbalancedRemit as exc:
        if as_json:
            print_json(exc.to_dict())
        raise
    if as_json:
        print_json(report)
        return
    remits = ", ".join(map(str, report.remit_ids)) or "none new"
    console.print(
        f"remit {remits}: {report.message} "
        f"{report.provider_adjustments_posted} provider adjustment(s) posted."
    )
    for cl in report.claims:
        state = "" if cl.posted else " (not posted again)"
        if cl.posted and cl.claim_pk is None:
            state = " (held in the work queue: no claim on file)"
        console.print(f"  {cl.claim_id}: {cl.outcome}{state}")


@app.command("list")
@handles_errors
def list_() -> None:
    """Imported remittances, newest first (JSON)."""
    c = make_container()
    _ready(c)
    with c.sessions() as session:
        print_json(list_remits(session))


@app.command()
@handles_errors
def show(remit_id: int) -> None:
    """One remittance with its claims, lines, adjustments and work items (JSON)."""
    c = make_container()
    _ready(c)
    with c.sessions() as session:
        print_json(remit_detail(session, remit_id))


@app.command()
@handles_errors
def explain(
    remit_id: int,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    appeal_days: Annotated[int | None, typer.Option("--appeal-days", help="Payer appeal window")] = None,
) -> None:
    """Explain every denied or reduced line of an imported remittance."""
    c = make_container()
    _ready(c)
    s = c.settings
    with c.sessions() as session:
        out = explain_remit(
            session,
            remit_id,
            reference=_reference(c),
            timely_filing_days=s.timely_filing_days,
            appeal_window_days=appeal_days or s.appeal_window_days,
        )
    if as_json:
        print_json([e.model_dump(mode="json") for e in out])
        return
    for e in out:
        console.print(
            f"[bold]{e.claim_id} line {e.line or '-'} {e.group}-{e.carc}[/] {e.category} -> {e.route}"
        )
        console.print(f"  {e.root_cause}")


@app.command("work-queue")
@handles_errors
def work_queue(
    all_items: Annotated[bool, typer.Option("--all", help="Include resolved items")] = False,
) -> None:
    """Unmatched claims and lines, fuzzy matches, reversals and blocked status changes (JSON)."""
    c = make_container()
    _ready(c)
    with c.sessions() as session:
        print_json(
            [
                w.model_dump(mode="json")
                for w in remit_service.work_queue(session, None if all_items else "open")
            ]
        )


@handles_errors
def claims_secondary(
    claim_id: str,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
    by: Annotated[str, typer.Option("--by", help="User recorded on the new claim")] = "cli",
) -> None:
    """Create the secondary claim of a claim its primary payer has adjudicated (mounted as
    ``assistant claims secondary``): the same services billed to the patient's secondary coverage, with
    the primary's payment and adjustments (837P loops 2320/2430). Running it again changes nothing."""
    c = make_container()
    _ready(c)
    with transaction(c.sessions) as session:
        out = create_secondary_claim(
            session, claim_id, actor=by, reference=_reference(c), settings=c.settings
        )
    if as_json:
        print_json(out)
        return
    verb = "created" if out.created else "already exists"
    console.print(
        f"secondary claim {out.claim_id} {verb} for {out.payer_name} ({out.payer_id}): the primary paid "
        f"{dollars(out.primary_paid_cents)}, {dollars(out.balance_cents)} left to bill; status {out.status}"
    )
    if out.scrub is not None:
        for f in out.scrub.findings:
            console.print(f"  {f.severity}: {f.message}")
