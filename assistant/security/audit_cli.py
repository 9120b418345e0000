"""``assistant audit``: verify the MAC chain and its anchor, list entries."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli.common import console, err_console, handles_errors, print_json
from assistant.config import get_settings
from assistant.security.audit import list_entries, verify_chain
from assistant.security.audit_anchor import Anchor
from assistant.security.cli_support import tx

app = typer.Typer(help="Tamper-evident audit log.", no_args_is_help=True)


@app.command()
@handles_errors
def verify(as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False) -> None:
    """Check the MAC chain and the anchor file. Exit 0 when intact, 1 naming the first broken entry.

    Says what the check proves and what it cannot prove."""
    settings = get_settings()
    with tx(settings) as session:
        report = verify_chain(session, anchor=Anchor(settings.resolved_audit_anchor_path))
    if as_json:
        print_json(report)
    else:
        if report.intact:
            console.print(
                f"audit chain intact: {report.entries} entries ({report.scheme}), "
                f"last MAC {report.last_hash or '-'}, newest anchored entry {report.anchored_id or '-'} "
                f"in {report.anchor_file}",
                highlight=False,
            )
        else:
            err_console.print(f"[bold red]audit chain broken at entry {report.broken_id}[/]: {report.reason}")
        for line in report.proves:
            console.print(f"  proves: {line}", highlight=False)
        for line in report.cannot_prove:
            console.print(f"  cannot prove: {line}", highlight=False)
    if not report.intact:
        raise typer.Exit(1)


@app.command("list")
@handles_errors
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this user")] = None,
    action: Annotated[str | None, typer.Option("--action", help="Action, may end in * (login.*)")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Newest N entries")] = 100,
) -> None:
    """Newest entries first."""
    from rich.table import Table

    with tx() as session:
        entries = list_entries(session, actor=actor, action=action, limit=limit)
    if as_json:
        print_json([e.model_dump(mode="json") for e in entries])
        return
    table = Table("id", "when (UTC)", "actor", "action", "target", "from")
    for e in entries:
        target = f"{e.target_type}:{e.target_id}" if e.target_type else "-"
        table.add_row(str(e.id), e.ts[:19], e.actor, e.action, target, e.ip or "-")
    console.print(table)
