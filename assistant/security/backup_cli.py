"""``assistant backup`` / ``assistant restore``: consistent SQLite backups with a verified manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import console, err_console, handles_errors, print_json
from assistant.config import get_settings
from assistant.core.db import make_engine
from assistant.core.errors import InvalidInput
from assistant.security import audit
from assistant.security.backup import DB_NAME, create_backup, restore_backup, sqlite_path
from assistant.security.cli_support import cli_actor, tx


@handles_errors
def backup(
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the backup (default data_dir/backups)")
    ] = None,
    include_keys: Annotated[
        bool, typer.Option("--include-keys", help="Also copy the key files (the backup can then read PHI)")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the manifest as JSON")] = False,
) -> None:
    """Back up the operational database (+ manifest with sha256). Keys only with --include-keys."""
    settings = get_settings()
    with tx(settings) as session:  # make sure the schema exists; record the backup in the audit log first
        audit.record(
            session,
            cli_actor(),
            audit.BACKUP_CREATE,
            "database",
            None,
            None,
            {"out": str(out or settings.data_dir / "backups"), "include_keys": include_keys},
        )
    folder, manifest = create_backup(settings, out, include_keys=include_keys)
    if as_json:
        print_json({"folder": str(folder), "manifest": manifest.model_dump(mode="json")})
    else:
        console.print(
            f"backup written to [bold]{folder}[/] ({sum(manifest.row_counts.values())} rows, "
            f"{manifest.audit_entries} audit entries)"
        )
    err_console.print(f"[yellow]Warning:[/] {manifest.warning}")


@handles_errors
def restore(
    backup_dir: Annotated[Path, typer.Argument(metavar="BACKUP", help="Folder made by `assistant backup`")],
    to: Annotated[
        Path | None, typer.Option("--to", help="Folder to restore into (default: the data dir)")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing database")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Restore a backup after checking its sha256; verifies integrity, row counts and the audit chain."""
    settings = get_settings()
    if to is None:
        if not force:
            raise InvalidInput(
                "restoring into the configured data dir replaces the live database",
                field="to",
                fix="pass --to DIR, or --force to overwrite the data dir",
            )
        to = sqlite_path(settings).parent
    report = restore_backup(backup_dir, to, force=force)
    from sqlalchemy.orm import Session

    engine = make_engine(f"sqlite:///{Path(to) / DB_NAME}")
    try:
        with Session(engine) as session, session.begin():
            audit.record(
                session, cli_actor(), audit.BACKUP_RESTORE, "database", None, None, {"from": str(backup_dir)}
            )
    finally:
        engine.dispose()
    if as_json:
        print_json(report)
    else:
        console.print(
            f"restored to [bold]{report.restored_to}[/]: {report.files_verified} file(s) verified, "
            f"audit chain intact ({report.audit.entries} entries)"
        )
