"""Which visit a ledger entry belongs to, in words a patient recognises: date of service, provider, codes
with their titles (HCPCS and ICD-10-CM from the loaded code sets; CPT only from a licensed file)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy.orm import Session

from assistant.billing import repository as repo
from assistant.claims.models import Claim, ServiceLine
from assistant.codesets.models import CPT, HCPCS, ICD10CM
from assistant.core.errors import AssistantError

_CPT_SHAPE = re.compile(r"^\d{4}[0-9FTU]$")


class CodeLookup(Protocol):
    def find_code(self, code: str, system: str = ..., on: date | None = ...) -> Any: ...


class VisitRef(BaseModel):
    date_of_service: date | None
    provider: str | None
    claim_id: str | None
    procedures: list[str]
    diagnoses: list[str]
    text: str


def code_title(reference: CodeLookup | None, code: str, system: str) -> str | None:
    """The code's title from the loaded code sets; None when the set or the code is not there."""
    if reference is None:
        return None
    try:
        info = reference.find_code(code, system)
    except AssistantError:  # that code system is not loaded (e.g. no licensed CPT file)
        return None
    return str(info.title) if info is not None else None


def procedure_text(reference: CodeLookup | None, code: str) -> str:
    """``99214`` (a CPT number stays bare without a licensed file) or ``J1100 Dexamethasone ...``."""
    system = CPT if _CPT_SHAPE.match(code) else HCPCS
    title = code_title(reference, code, system)
    return f"{code} {title}" if title else code


def diagnosis_text(reference: CodeLookup | None, code: str) -> str:
    shown = code if "." in code or len(code) <= 3 else f"{code[:3]}.{code[3:]}"
    title = code_title(reference, shown, ICD10CM)
    return f"{shown} {title}" if title else shown


def line_text(reference: CodeLookup | None, line: ServiceLine) -> str:
    mods = [m for m in (line.modifier1, line.modifier2, line.modifier3, line.modifier4) if m]
    base = procedure_text(reference, line.code)
    return base + "".join(f" -{m}" for m in mods) + (f" x{line.units}" if line.units != 1 else "")


def line_diagnoses(line: ServiceLine) -> list[str]:
    codes = line.claim.diagnosis_codes if line.claim is not None else []
    return [codes[i - 1] for i in line.dx_pointers or [] if 0 < i <= len(codes)]


def _provider(claim: Claim | None, line: ServiceLine | None = None) -> str | None:
    person = (line.rendering_provider if line else None) or (claim.rendering_provider if claim else None)
    return person.display_name if person is not None else None


def _text(when: date | None, provider: str | None, procs: list[str], claim_id: str | None) -> str:
    out = f"visit on {when.isoformat()}" if when else "account"
    if provider:
        out += f" with {provider}"
    if procs:
        out += f" ({', '.join(procs)})"
    if claim_id:
        out += f", claim {claim_id}"
    return out


def visit_of(
    session: Session,
    *,
    service_line_id: int | None = None,
    claim_pk: int | None = None,
    encounter_id: int | None = None,
    applies_to_entry_id: int | None = None,
) -> VisitRef | None:
    """The visit money was applied to (None for the unapplied credit pool)."""
    if service_line_id is not None:
        line = repo.service_line(session, service_line_id)
        if line is not None:
            claim = line.claim
            procs = [line.code]
            return VisitRef(
                date_of_service=line.date_of_service,
                provider=_provider(claim, line),
                claim_id=claim.claim_id if claim else None,
                procedures=procs,
                diagnoses=line_diagnoses(line),
                text=_text(
                    line.date_of_service, _provider(claim, line), procs, claim.claim_id if claim else None
                ),
            )
    if claim_pk is not None:
        whole = repo.claim(session, claim_pk)
        if whole is not None:
            when = min((ln.date_of_service for ln in whole.lines), default=None)
            procs = [ln.code for ln in whole.lines]
            return VisitRef(
                date_of_service=when,
                provider=_provider(whole),
                claim_id=whole.claim_id,
                procedures=procs,
                diagnoses=whole.diagnosis_codes,
                text=_text(when, _provider(whole), procs, whole.claim_id),
            )
    if encounter_id is not None:
        enc = repo.encounter(session, encounter_id)
        if enc is not None:
            person = repo.provider(session, enc.rendering_provider_id) if enc.rendering_provider_id else None
            provider = person.display_name if person is not None else None
            dx = [d.code for d in enc.diagnoses]
            return VisitRef(
                date_of_service=enc.date_of_service,
                provider=provider,
                claim_id=None,
                procedures=[],
                diagnoses=dx,
                text=_text(enc.date_of_service, provider, [], None),
            )
    if applies_to_entry_id is not None:
        charge = repo.entry(session, applies_to_entry_id)
        if charge is not None:
            what = [charge.description] if charge.description else []
            return VisitRef(
                date_of_service=charge.effective_date,
                provider=None,
                claim_id=None,
                procedures=what,
                diagnoses=[],
                text=_text(charge.effective_date, None, what, None),
            )
    return None
