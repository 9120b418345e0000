"""`assistant codesets load|status` (and `import*` commands from import_cli when present)."""

from __future__ import annotations

from datetime import date

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli.common import console, handles_errors, print_json
from assistant.codesets import service
from assistant.codesets.events import code_sets_changed
from assistant.codesets.import_cli import register as register_import_commands
from assistant.config import get_settings

app = typer.Typer(
    help="Load and inspect the code-set releases (ICD-10-CM, index, HCPCS, NCCI, ...).", no_args_is_help=True
)


@app.command()
@handles_errors
def load(
    if_missing: bool = typer.Option(
        False, "--if-missing", help="Only build when the database is missing or a manifest changed."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
) -> None:
    """Build the reference database from codesets/ and user-imported releases."""
    settings = get_settings()
    if if_missing and not service.ensure_loaded(settings, progress=not quiet):
        typer.echo(f"Code sets already loaded and current: {settings.resolved_reference_db}")
        return
    if not if_missing:
        service.load_all(settings, progress=not quiet)
    code_sets_changed()


@app.command()
@handles_errors
def status(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The release of each code system in force today, what is stale or ended, and what to import."""
    data = service.status(get_settings())
    if as_json:
        print_json(data)
        return
    table = Table(
        "system",
        "release in force",
        "effective",
        "rows",
        "stale",
        "what to do",
        title=f"as of {date.today()}",
    )
    for system, entry in data.items():
        if entry.release is None:
            table.add_row(
                system, "-", "-", "0", "[bold yellow]not loaded[/]" if entry.stale else "", entry.action or ""
            )
            continue
        effective = f"{entry.effective_from or '?'} .. {entry.effective_to or 'open'}"
        release = entry.release if entry.in_force else f"{entry.release} (none in force)"
        ended = [r.release for r in entry.releases if r.state == "ended" and r.release != entry.release]
        if ended:
            release += f"; ended: {', '.join(ended)}"
        stale = f"[bold yellow]STALE[/] {entry.stale_reason}" if entry.stale else ""
        table.add_row(system, release, effective, str(entry.rows), stale, entry.action or "")
    console.print(table)


@app.command()
@handles_errors
def diff(
    system: str = typer.Argument(..., help="Code system, e.g. ICD-10-CM or HCPCS."),
    old: str = typer.Argument(..., help="Older release: its label (2026-04-01) or a date of service."),
    new: str = typer.Argument(..., help="Newer release: its label (2027) or a date of service."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (every code)."),
    show: int = typer.Option(25, "--show", help="Rows per table."),
) -> None:
    """Codes added, deleted and revised between two loaded releases (and codes that became headers)."""
    data = service.diff_releases(get_settings(), system, old, new)
    if as_json:
        print_json(data)
        return
    c = data.counts
    console.print(
        f"[bold]{system} {data.old.release} -> {data.new.release}[/]: {c.added} added "
        f"({c.added_billable} billable), {c.deleted} deleted ({c.deleted_billable} billable), "
        f"{c.revised} revised, {c.billable_changed} changed billable status"
    )
    table = Table("change", "code", "title")
    for label, items in (("added", data.added), ("deleted", data.deleted)):
        for item in items[:show]:
            table.add_row(label, item.code, escape(item.title))
    for rev in data.revised[:show]:
        table.add_row("revised", rev.code, escape(f"{rev.old_title} -> {rev.new_title}"))
    for change in data.billable_changed[:show]:
        now = "billable" if change.billable else "header (not billable)"
        table.add_row("now " + now, change.code, escape(change.title))
    console.print(table)


register_import_commands(app)
