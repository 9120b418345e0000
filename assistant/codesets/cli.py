"""`assistant codesets load|status` and the `import*` commands of ``import_cli``."""

from __future__ import annotations

import typer

from assistant.cli.common import console, handles_errors, print_json
from assistant.codesets import service
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


@app.command()
@handles_errors
def status(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Loaded release per code system (absent systems show release null)."""
    data = service.status(get_settings())
    if as_json:
        print_json(data)
        return
    from rich.table import Table

    table = Table("system", "release", "effective", "rows", "stale", "source")
    for system, entry in data.items():
        if entry["release"] is None:
            table.add_row(system, "-", "-", "0", "", "not loaded")
            continue
        effective = f"{entry['effective_from'] or '?'} .. {entry['effective_to'] or 'open'}"
        stale = "[bold yellow]STALE[/]" if entry["stale"] else ""
        table.add_row(system, entry["release"], effective, str(entry["rows"]), stale, entry["source"][:60])
    console.print(table)


register_import_commands(app)
