"""Claims not yet submitted whose codes are invalid on their dates of service under the code sets loaded
now: checked after every code-set load or import, kept as open flags (the claims' work queue) until the
claim is fixed, and shown in the claims list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from assistant.app.container import Container
from assistant.claims import repository as repo
from assistant.claims.models import Claim, ClaimCodeFlag, ClaimStatus
from assistant.claims.scrubber.base import procedure_system
from assistant.claims.service import to_document
from assistant.config import Settings
from assistant.core import migrate
from assistant.core.db import transaction, utcnow
from assistant.core.errors import AssistantError, UnknownCode

UNSUBMITTED = (
    ClaimStatus.DRAFT.value,
    ClaimStatus.SCRUBBED.value,
    ClaimStatus.READY.value,
    ClaimStatus.REJECTED.value,
)


class CodeFlagOut(BaseModel):
    id: int
    claim_id: str
    system: str
    code: str
    date_of_service: date
    reason: str
    status: str
    created_at: datetime


class FlagReport(BaseModel):
    checked_claims: int
    opened: list[CodeFlagOut] = Field(default_factory=list)
    resolved: int = 0
    open_total: int = 0


def _problems(claim: Claim, reference: Any) -> Iterator[tuple[str, str, date, str]]:
    """(system, code, date of service, reason) for each code invalid on a date of service of the claim."""
    doc = to_document(claim)
    seen: set[tuple[str, date]] = set()
    for line in doc.lines:
        dos = line.date_of_service
        for pointer in line.dx_pointers:
            code = doc.diagnoses[pointer - 1]
            if (code, dos) in seen:
                continue
            seen.add((code, dos))
            try:
                info = reference.get_code(code, "ICD-10-CM", on=dos)
            except AssistantError as exc:  # unknown on that date, or no release covers the date
                yield "ICD-10-CM", code, dos, exc.message
                continue
            if not info.billable:
                kids = " / ".join(c.code for c in info.children[:6])
                yield (
                    "ICD-10-CM",
                    code,
                    dos,
                    (
                        f"{code} is a header, not billable, on {dos} (ICD-10-CM {info.release})"
                        + (f": did you mean {kids}?" if kids else "")
                    ),
                )
        if procedure_system(line.code) == "HCPCS":
            try:
                info = reference.get_code(line.code, "HCPCS")
            except UnknownCode as exc:
                yield "HCPCS", line.code, dos, exc.message
                continue
            except AssistantError:
                continue
            ended = info.extra.get("termination_date")
            if ended and str(ended) < dos.isoformat():
                yield "HCPCS", line.code, dos, f"HCPCS {line.code} was terminated on {ended} ({info.release})"


def _out(flag: ClaimCodeFlag, claim_id: str) -> CodeFlagOut:
    return CodeFlagOut(
        id=flag.id,
        claim_id=claim_id,
        system=flag.system,
        code=flag.code,
        date_of_service=flag.date_of_service,
        reason=flag.reason,
        status=flag.status,
        created_at=flag.created_at,
    )


def flag_invalid_codes(session: Session, reference: Any) -> FlagReport:
    """Open a flag for each newly invalid code on an unsubmitted claim; resolve flags that no longer apply.
    Idempotent: running it twice opens nothing the second time."""
    claims = repo.unsubmitted_claims(session, UNSUBMITTED)
    known = {(f.claim_pk, f.system, f.code, f.date_of_service): f for f in repo.code_flags(session, None)}
    report = FlagReport(checked_claims=len(claims))
    current: set[tuple[int, str, str, date]] = set()
    for claim in claims:
        for system, code, dos, reason in _problems(claim, reference):
            key = (claim.id, system, code, dos)
            current.add(key)
            flag = known.get(key)
            if flag is None:
                flag = repo.add_code_flag(
                    session,
                    ClaimCodeFlag(
                        claim_pk=claim.id, system=system, code=code, date_of_service=dos, reason=reason
                    ),
                )
                report.opened.append(_out(flag, claim.claim_id))
            elif flag.status != "open":
                flag.status, flag.reason, flag.resolved_at = "open", reason, None
                report.opened.append(_out(flag, claim.claim_id))
    checked = {c.id for c in claims}
    for key, flag in known.items():
        if flag.status == "open" and (key not in current or key[0] not in checked):
            flag.status, flag.resolved_at = "resolved", utcnow()
            report.resolved += 1
    session.flush()
    report.open_total = len(repo.code_flags(session, "open"))
    return report


def open_flags(session: Session) -> list[CodeFlagOut]:
    flags = repo.code_flags(session, "open")
    ids = {c.id: c.claim_id for c in repo.unsubmitted_claims(session, UNSUBMITTED)}
    return [_out(f, ids.get(f.claim_pk, str(f.claim_pk))) for f in flags]


def recheck_after_code_set_change(settings: Settings) -> FlagReport | None:
    """Run ``flag_invalid_codes`` on the operational database after a code-set load or import; None when
    that database does not exist yet (nothing to check)."""
    url = settings.resolved_database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    container = Container(settings)
    migrate.upgrade(url)
    try:
        with transaction(container.sessions) as session:
            return flag_invalid_codes(session, container.reference)
    finally:
        container.reference.close()
        container.db_engine.dispose()
