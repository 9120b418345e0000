"""The default rule set and the ``scrub`` entry point."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from assistant.claims.schemas import ClaimImport, Finding, ScrubReport
from assistant.claims.scrubber.base import Rule, ScrubContext
from assistant.claims.scrubber.characters import x12_characters
from assistant.claims.scrubber.codes import icd10cm_valid, modifier_pos_valid, procedure_code_valid
from assistant.claims.scrubber.dates import dates, timely_filing
from assistant.claims.scrubber.diagnoses import excludes1, mce_age_sex
from assistant.claims.scrubber.identifiers import npi_check_digit
from assistant.claims.scrubber.ncci import ncci_mue, ncci_ptp
from assistant.claims.scrubber.required import billing_zip4, required_fields
from assistant.claims.scrubber.services import em_modifier_25, telehealth
from assistant.claims.scrubber.structure import balancing, duplicate_claim, duplicate_line, dx_pointers
from assistant.core.errors import AssistantError

log = logging.getLogger(__name__)

DEFAULT_RULES: tuple[Rule, ...] = (
    required_fields,
    x12_characters,
    npi_check_digit,
    billing_zip4,
    dates,
    dx_pointers,
    icd10cm_valid,
    procedure_code_valid,
    modifier_pos_valid,
    excludes1,
    mce_age_sex,
    ncci_ptp,
    ncci_mue,
    em_modifier_25,
    duplicate_line,
    duplicate_claim,
    balancing,
    timely_filing,
    telehealth,
)


def rule_ids() -> list[str]:
    return [r.id for r in DEFAULT_RULES]


def scrub(
    claim: ClaimImport,
    reference: Any,
    extra_rules: Iterable[Rule] = (),
    *,
    context: ScrubContext | None = None,
    rules: Sequence[Rule] | None = None,
) -> ScrubReport:
    """Run every rule; a rule that fails unexpectedly becomes an error finding, never a crash."""
    ctx = context or ScrubContext(reference=reference)
    findings: list[Finding] = []
    for r in [*(rules if rules is not None else DEFAULT_RULES), *extra_rules]:
        try:
            findings.extend(r.check(claim, ctx))
        except AssistantError as exc:
            message = f"rule {r.id} could not run: {exc.message}"
            findings.append(
                Finding(rule=r.id, severity="warning", message=message, field=exc.field, fix=exc.fix)
            )
        except Exception as exc:  # noqa: BLE001 - a broken rule must not hide the others' findings
            log.exception("scrubber rule %s failed", r.id)
            findings.append(
                Finding(
                    rule=r.id,
                    severity="error",
                    message=f"rule {r.id} failed: {exc!r}",
                    fix="report this bug; the claim could not be fully checked",
                )
            )
    findings.sort(key=lambda f: (f.severity != "error", f.line or 0))
    return ScrubReport(
        claim_id=claim.claim_id, findings=findings, clean=not any(f.severity == "error" for f in findings)
    )


# Rules that live in other domains' databases (denials' local rules promoted from denial patterns) are
# registered here by their owners, so that claims never imports them: ``scrub_document`` with a session
# runs every registered source. The CLI and the app import every domain, so registration has happened
# before the first scrub (tests/test_architecture.py checks it).
SessionRuleSource = Callable[[Session], Iterable[Rule]]
_SESSION_RULE_SOURCES: list[SessionRuleSource] = []


def register_session_rules(source: SessionRuleSource) -> None:
    """Add a source of database-held rules (idempotent: a module imported twice registers once)."""
    if source not in _SESSION_RULE_SOURCES:
        _SESSION_RULE_SOURCES.append(source)


def session_rule_sources() -> list[SessionRuleSource]:
    return list(_SESSION_RULE_SOURCES)


def session_rules(session: Session) -> list[Rule]:
    """Every registered source's rules for this database."""
    return [r for source in _SESSION_RULE_SOURCES for r in source(session)]
