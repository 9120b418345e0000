"""`assistant codes show|search`: browse codes, their hierarchy and official notes."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer

from assistant.cli.common import console, handles_errors, print_json
from assistant.codesets.models import HCPCS, HCPCS_LEVEL2_SHAPE, ICD10CM, ICD10CM_INDEX
from assistant.codesets.repository import CodeSetRepository
from assistant.config import get_settings
from assistant.core.errors import AssistantError, UnknownCode
from assistant.core.validation import parse_day
from assistant.suggest.code_search import search_codes
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.text import expand_abbreviations

app = typer.Typer(help="Look up and search codes (ICD-10-CM, HCPCS, ...).", no_args_is_help=True)


def _in_force_date(repo: Any, system: str | None, on: date | None) -> date | None:
    """The date asked, else today when a release of the system is in force today (else None: newest)."""
    if on is not None:
        return on
    try:
        repo.release_for(system or "ICD-10-CM", date.today())
    except AssistantError:
        return None
    return date.today()


def _repo() -> Any:
    return CodeSetRepository.open(get_settings().resolved_reference_db)


def show_payload(repo: Any, code: str, system: str, on: date | None) -> dict[str, Any]:
    info = repo.get_code(code, system, on)
    data = info.model_dump(mode="json")
    notes = data["notes"]
    if system == ICD10CM:
        applicable = repo.seven_chr_for(info.code, on)
        if applicable and not notes["seven_chr"]:
            data["seven_chr_applicable"] = applicable
        if repo.releases(ICD10CM_INDEX):
            data["index_terms"] = repo.index_terms_for_code(info.code, limit=50)
    return data


@app.command()
@handles_errors
def show(
    code: str = typer.Argument(..., help="Code, with or without the dot (E11.65 or e1165)."),
    system: str | None = typer.Option(
        None,
        "--system",
        help="Code system (default: ICD-10-CM, or HCPCS for a letter and 4 digits it lacks).",
    ),
    on: str | None = typer.Option(
        None, "--on", help="Date of service YYYY-MM-DD (default: today, in the release in force)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A code with its parents, children and tabular notes (inherited notes included)."""
    repo = _repo()
    day = parse_day(on, "--on")
    try:
        data = show_payload(repo, code, system or ICD10CM, _in_force_date(repo, system or ICD10CM, day))
    except UnknownCode:
        if system is not None or not HCPCS_LEVEL2_SHAPE.fullmatch(code.strip().upper()):
            raise
        data = show_payload(repo, code.strip().upper(), HCPCS, _in_force_date(repo, HCPCS, day))
    if as_json:
        print_json(data)
        return
    _print_code(data)


def _print_code(data: dict[str, Any]) -> None:
    from rich.tree import Tree

    flag = "[green]billable[/]" if data["billable"] else "[yellow]not billable (header)[/]"
    ended = (data.get("extra") or {}).get("termination_date")
    if ended and str(ended) < str(data.get("valid_on") or date.today()):
        flag = f"[red]terminated on {ended}[/]"
    console.print(f"[bold]{data['code']}[/] {data['title']}  ({data['system']} {data['release']}, {flag})")
    if data["parents"]:
        console.print("  " + " > ".join(p["code"] for p in data["parents"]))
    labels = {
        "inclusion_terms": "Inclusion terms",
        "includes": "Includes",
        "excludes1": "Excludes1 (never together)",
        "excludes2": "Excludes2 (not included here)",
        "code_first": "Code first",
        "use_additional": "Use additional code",
        "code_also": "Code also",
        "notes": "Notes",
    }
    sources = [(data["code"], data["notes"])] + list(reversed(list(data["inherited_notes"].items())))
    for where, notes in sources:
        for key, label in labels.items():
            if notes.get(key):
                suffix = "" if where == data["code"] else f" [dim](at {where})[/]"
                tree = Tree(f"[bold]{label}[/]{suffix}")
                for line in notes[key]:
                    tree.add(line)
                console.print(tree)
    seven = data["notes"].get("seven_chr") or data.get("seven_chr_applicable")
    if seven:
        tree = Tree("[bold]7th characters[/]")
        for char, meaning in seven.items():
            tree.add(f"{char}: {meaning}")
        console.print(tree)
    if data["children"]:
        tree = Tree(f"[bold]Children ({len(data['children'])})[/]")
        for child in data["children"][:40]:
            tree.add(f"{child['code']} {child['title']}{'' if child['billable'] else ' [dim](header)[/]'}")
        console.print(tree)


@app.command()
@handles_errors
def search(
    query: str = typer.Argument(..., help="Words to look for in titles and inclusion terms."),
    system: str | None = typer.Option(None, "--system", help="Restrict to one code system."),
    limit: int = typer.Option(20, "--limit", min=1, max=500, help="Number of results."),
    on: str | None = typer.Option(None, "--on", help="Date of service YYYY-MM-DD (default: today)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A code or prefix goes to that code and its children; words are expanded (HTN, DM2), walked through
    the Alphabetic Index (its targets first) and then searched in titles, inclusion terms and Index paths."""
    repo = _repo()
    walker = IndexWalker.from_reference(repo) if repo.releases(ICD10CM_INDEX) else None
    hits = search_codes(
        repo,
        query,
        system=system,
        limit=limit,
        on=_in_force_date(repo, system, parse_day(on, "--on")),
        walker=walker,
        expander=expand_abbreviations,
    )
    if as_json:
        print_json([hit.model_dump(mode="json") for hit in hits])
        return
    if not hits:
        console.print(f"No code matches {query!r}.")
        return
    from rich.table import Table

    table = Table("code", "system", "title", "billable", "matched")
    for hit in hits:
        table.add_row(
            hit.code,
            hit.system,
            hit.title,
            "yes" if hit.billable else "no",
            "" if hit.matched == hit.title else hit.matched,
        )
    console.print(table)
