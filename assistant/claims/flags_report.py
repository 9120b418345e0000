"""After a code-set load or import: flag unsubmitted claims whose codes the new code sets make invalid
(CLI side, subscribed to ``assistant.codesets.events``; the check is ``assistant.claims.code_flags``)."""

from __future__ import annotations

import typer

from assistant.claims import code_flags
from assistant.config import get_settings


def report_claim_flags() -> None:
    report = code_flags.recheck_after_code_set_change(get_settings())
    if report is None:
        return
    typer.echo(
        f"Checked {report.checked_claims} unsubmitted claims: {len(report.opened)} newly flagged code(s), "
        f"{report.resolved} flag(s) resolved, {report.open_total} open (assistant claims flags)",
        err=True,
    )
    for flag in report.opened[:20]:
        typer.echo(f"  {flag.claim_id}: {flag.reason}", err=True)
