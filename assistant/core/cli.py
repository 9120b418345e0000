"""``assistant db``: migrate the operational database."""

from __future__ import annotations

import typer

from assistant.cli.common import console, handles_errors
from assistant.config import get_settings
from assistant.core import migrate

app = typer.Typer(help="Operational database (patients, claims, ledger).", no_args_is_help=True)


@app.command()
@handles_errors
def upgrade() -> None:
    """Apply every pending migration (safe to run repeatedly)."""
    url = get_settings().resolved_database_url
    migrate.upgrade(url)
    console.print(f"database at [bold]{url}[/] is at {', '.join(migrate.current(url)) or 'base'}")


@app.command()
@handles_errors
def current() -> None:
    """Show the applied revisions."""
    console.print(", ".join(migrate.current(get_settings().resolved_database_url)) or "(empty database)")
