"""The ``assistant`` command. Each domain contributes a typer sub-app from its own ``cli`` module.

Heavy libraries (torch, faiss) are imported inside commands, so ``assistant --help`` stays quick.
"""

from __future__ import annotations

import importlib

import typer

from assistant.cli.common import run_guarded
from assistant.core.modules import module_exists

app = typer.Typer(
    name="assistant",
    help="Local assistant for medical coding and billing.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# (sub-command name, module holding a typer app named `app`)
SUBCOMMANDS: list[tuple[str, str]] = [
    ("db", "assistant.core.cli"),
    ("codesets", "assistant.codesets.cli"),
    ("codes", "assistant.codesets.codes_cli"),
    ("index", "assistant.suggest.index_cli"),
    ("eval", "evals.cli"),
    ("claims", "assistant.claims.cli"),
    ("remit", "assistant.remit.cli"),
    ("denials", "assistant.denials.cli"),
    ("billing", "assistant.billing.cli"),
    ("users", "assistant.security.users_cli"),
    ("audit", "assistant.security.audit_cli"),
    ("load-test", "assistant.reliability.load_cli"),
]

# Single commands: (module, function name)
COMMANDS: list[tuple[str, str]] = [
    ("assistant.suggest.cli", "suggest"),
    ("assistant.suggest.bench_cli", "bench"),
    ("assistant.core.serve_cli", "serve"),
    ("assistant.security.backup_cli", "backup"),
    ("assistant.security.backup_cli", "restore"),
]


for _name, _module in SUBCOMMANDS:
    if module_exists(_module):
        app.add_typer(importlib.import_module(_module).app, name=_name)

for _module, _func in COMMANDS:
    if module_exists(_module):
        app.command(name=_func)(getattr(importlib.import_module(_module), _func))


def main() -> None:
    run_guarded(app)


if __name__ == "__main__":
    main()
