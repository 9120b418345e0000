"""`assistant codesets import | import-ncci | import-cpt`: user-supplied releases (see docs/formats.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import handles_errors, print_json
from assistant.codesets.events import code_sets_changed
from assistant.codesets.loaders import cms_import
from assistant.codesets.loaders.cms_import import ImportResult
from assistant.config import get_settings
from assistant.core.validation import parse_day

# The options every import command takes.
EffectiveFrom = Annotated[str | None, typer.Option("--effective-from", help="YYYY-MM-DD")]
DiffJson = Annotated[bool, typer.Option("--json", help="Print JSON (with the full diff).")]
PlainJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Show = Annotated[int, typer.Option("--show", help="Codes listed per change kind.")]


def _print_result(result: object, as_json: bool, show: int) -> None:
    assert isinstance(result, ImportResult)
    code_sets_changed()
    if as_json:
        print_json(result.to_dict())
        return
    for info in result.releases:
        stale = " STALE" if info.stale else ""
        typer.echo(
            f"Imported {info.system} {info.release}{stale}: {info.row_count} rows "
            f"(effective {info.effective_from or '?'} .. {info.effective_to or 'open'}) "
            f"into {result.folder.parent}"
        )
    for diff in result.diffs:
        c = diff.counts()
        against = diff.previous_release or "nothing loaded before"
        typer.echo(
            f"{diff.system} {diff.release} vs {against}: "
            f"{c['new']} new, {c['deleted']} deleted, {c['revised']} revised"
        )
        for label, items in (("new", diff.new), ("deleted", diff.deleted), ("revised", diff.revised)):
            for item in items[:show]:
                title = item.get("title") or f"{item['old_title']} -> {item['new_title']}"
                typer.echo(f"  {label:8} {item['code']:7} {title}")
            if len(items) > show:
                typer.echo(f"  ... {len(items) - show} more {label} (use --json for all)")


def register(app: typer.Typer) -> None:
    @app.command("import")
    @handles_errors
    def import_release(
        path: Path = typer.Argument(
            ..., help="CMS HCPCS quarterly zip/xlsx/txt, or ICD-10-CM tabular XML/zip."
        ),
        release: str | None = typer.Option(
            None, "--release", help="Release label (default: from the file name)."
        ),
        effective_from: EffectiveFrom = None,
        as_json: DiffJson = False,
        show: Show = 20,
    ) -> None:
        """Import an official CMS/CDC release and print what changed against the newest loaded one."""
        result = cms_import.import_release(
            get_settings(), path, release, parse_day(effective_from, "--effective-from")
        )
        _print_result(result, as_json, show)

    @app.command("import-hcpcs")
    @handles_errors
    def import_hcpcs(
        path: Path = typer.Argument(
            ..., help="CMS HCPCS Level II quarterly zip, as downloaded (or its ANWEB .txt)."
        ),
        release: str | None = typer.Option(
            None, "--release", help="Release label (default: from the file, e.g. 2026-Q2)."
        ),
        effective_from: EffectiveFrom = None,
        as_json: DiffJson = False,
        show: Show = 20,
    ) -> None:
        """Load a later CMS HCPCS quarter as published and report added, deleted and changed codes."""
        result = cms_import.import_hcpcs(
            get_settings(), path, release, parse_day(effective_from, "--effective-from")
        )
        _print_result(result, as_json, show)

    @app.command("import-ncci")
    @handles_errors
    def import_ncci(
        file: Path = typer.Argument(
            ..., help="NCCI practitioner PTP or MUE file (.xlsx, .csv, .txt or .zip)."
        ),
        kind: str = typer.Option(..., "--kind", help="ptp or mue"),
        release: str | None = typer.Option(
            None, "--release", help="Release label (default: from the file name)."
        ),
        effective_from: EffectiveFrom = None,
        as_json: PlainJson = False,
    ) -> None:
        """Import a quarterly NCCI PTP or MUE table (CMS layout or plain CSV; see docs/formats.md)."""
        result = cms_import.import_ncci(
            get_settings(), file, kind, release, parse_day(effective_from, "--effective-from")
        )
        _print_result(result, as_json, 0)

    @app.command("import-cpt")
    @handles_errors
    def import_cpt(
        file: Path = typer.Argument(..., help="Your licensed CPT file (CSV/TSV; see docs/formats.md)."),
        release: str | None = typer.Option(None, "--release", help="Release label, e.g. 2026."),
        effective_from: EffectiveFrom = None,
        as_json: PlainJson = False,
    ) -> None:
        """Import a licensed CPT descriptor file; without one CPT codes show as numbers only."""
        result = cms_import.import_cpt(
            get_settings(), file, release, parse_day(effective_from, "--effective-from")
        )
        _print_result(result, as_json, 0)
