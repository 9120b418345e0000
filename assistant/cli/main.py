"""The ``assistant`` command. Each domain contributes a typer sub-app from its own ``cli`` module.

Heavy libraries (torch, faiss) are imported inside commands, so ``assistant --help`` stays quick.
"""

from __future__ import annotations

from collections.abc import Callable

import typer

from assistant.billing import cli as billing_cli
from assistant.claims import cli as claims_cli
from assistant.claims.flags_report import report_claim_flags
from assistant.cli import codes as codes_cli
from assistant.cli import serve as serve_cli
from assistant.cli.common import run_guarded
from assistant.codesets import cli as codesets_cli
from assistant.codesets.events import on_code_sets_changed
from assistant.core import cli as core_cli
from assistant.denials import cli as denials_cli
from assistant.em import cli as em_cli
from assistant.encounters import cli as encounters_cli
from assistant.fees import cli as fees_cli
from assistant.parties import cli as parties_cli
from assistant.reliability import load_cli
from assistant.remit import cli as remit_cli
from assistant.schedule import cli as schedule_cli
from assistant.security import audit_cli, backup_cli, users_cli
from assistant.suggest import bench_cli, index_cli
from assistant.suggest import cli as suggest_cli
from evals import cli as evals_cli

app = typer.Typer(
    name="assistant",
    help="Local assistant for medical coding and billing.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# Each domain contributes a typer sub-app (`app`) or single commands. Plain imports: a renamed module
# fails at start-up instead of silently dropping its commands.
SUBCOMMANDS: list[tuple[str, typer.Typer]] = [
    ("db", core_cli.app),
    ("codesets", codesets_cli.app),
    ("codes", codes_cli.app),
    ("index", index_cli.app),
    ("eval", evals_cli.app),
    ("claims", claims_cli.app),
    ("remit", remit_cli.app),
    ("denials", denials_cli.app),
    ("billing", billing_cli.app),
    ("users", users_cli.app),
    ("audit", audit_cli.app),
    ("load-test", load_cli.app),
    ("schedule", schedule_cli.app),
    ("encounters", encounters_cli.app),
    ("patients", parties_cli.patients_app),
    ("payers", parties_cli.payers_app),
    ("providers", parties_cli.providers_app),
    ("fees", fees_cli.app),
    ("em", em_cli.app),
]

COMMANDS: list[Callable[..., None]] = [
    suggest_cli.suggest,
    bench_cli.bench,
    serve_cli.serve,
    backup_cli.backup,
    backup_cli.restore,
]

# After a code-set load or import, unsubmitted claims carrying codes the new sets make invalid are flagged.
on_code_sets_changed(report_claim_flags)

# The secondary claim is built from the primary's remittance, so its command lives with the remit domain.
claims_cli.app.command("secondary")(remit_cli.claims_secondary)

for _name, _sub_app in SUBCOMMANDS:
    app.add_typer(_sub_app, name=_name)

for _command in COMMANDS:
    app.command(name=_command.__name__)(_command)


def main() -> None:
    run_guarded(app)


if __name__ == "__main__":
    main()
