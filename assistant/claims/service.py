"""Claims services: import, status transitions, scrubbing, 837P export and batches, draft from codes.

Import rules (documented in docs/claims.md): a claim_id is imported once; re-importing the same content is a
no-op ("unchanged"); changed content updates the claim only while it has not been submitted (draft, scrubbed
or ready: it goes back to draft), and only with ``replace`` when it would change the claim's patient or payer;
each update keeps the whole claim before and after (``claim_revisions``). A submitted claim is never
overwritten: the fix is a corrected claim (frequency 7 with the payer's original claim number) under a new
claim_id.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, object_session

from assistant.claims import repository as repo
from assistant.claims.models import (
    ALLOWED_TRANSITIONS,
    EDITABLE_STATUSES,
    Claim,
    ClaimBatchRun,
    ClaimDiagnosis,
    ClaimRevision,
    ClaimStatus,
    ClaimStatusEvent,
    ServiceLine,
    X12Batch,
    X12BatchClaim,
)
from assistant.claims.schemas import (
    AcceptedCode,
    BatchRunOut,
    ChangeOut,
    ClaimDetail,
    ClaimImport,
    ClaimLink,
    ClaimSummary,
    HeldBackOut,
    ImportResult,
    RenderingProvider,
    RevisionOut,
    ScrubReport,
    StatusEventOut,
    parse_claim_document,
    parse_claim_json,
)
from assistant.claims.scrubber import DuplicateHit, Rule, ScrubContext, scrub, session_rules
from assistant.claims.x12_837 import Envelope, build_837p
from assistant.claims.x12_validate import ensure_valid_x12, validate_x12
from assistant.config import Settings
from assistant.core.errors import AssistantError, Conflict, InvalidInput, NotFound
from assistant.core.money import decimal_amount
from assistant.encounters.models import Encounter, EncounterDiagnosis
from assistant.parties import service as parties
from assistant.parties.models import Payer, Provider


class ClaimHasErrors(Conflict):
    """Export refused: the scrubber found errors. ``report`` holds the findings."""

    def __init__(self, report: ScrubReport) -> None:
        errors = report.errors
        listed = "; ".join(f"{f.field or f.rule}: {f.message}" for f in errors)
        super().__init__(
            f"claim {report.claim_id} has {len(errors)} scrubber error(s): {listed}",
            field=errors[0].field if errors else None,
            fix=errors[0].fix if errors else None,
        )
        self.report = report

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(super().to_dict())
        data["findings"] = [f.model_dump() for f in self.report.findings]
        return data


# ---------------------------------------------------------------- import


def _hash(doc: ClaimImport) -> str:
    return hashlib.sha256(doc.canonical_json().encode()).hexdigest()


def _upsert_provider(session: Session, npi: str, **fields: Any) -> Provider:
    prov = repo.provider_by_npi(session, npi)
    if prov is None:
        prov = Provider(npi=npi)
        session.add(prov)
    for key, value in fields.items():
        if value is not None:
            setattr(prov, key, value)
    return prov


def _address_fields(addr: Any) -> dict[str, Any]:
    if addr is None:
        return {}
    return {
        "address_line1": addr.line1,
        "address_line2": addr.line2,
        "city": addr.city,
        "state": addr.state,
        "zip": addr.zip,
    }


def _upsert_rendering(session: Session, rp: RenderingProvider | None) -> Provider | None:
    """The rendering provider (a person, entity type 1) of the claim or of one line, if named."""
    if rp is None:
        return None
    return _upsert_provider(
        session,
        rp.npi,
        entity_type="1",
        first_name=rp.first_name,
        last_name=rp.last_name,
        taxonomy=rp.taxonomy,
    )


def _resolve_parties(session: Session, doc: ClaimImport) -> dict[str, Any]:
    bp = doc.billing_provider
    billing = _upsert_provider(
        session,
        bp.npi,
        entity_type="2",
        name=bp.name,
        taxonomy=bp.taxonomy,
        tax_id=bp.tax_id,
        **_address_fields(bp.address),
    )
    rendering = _upsert_rendering(session, doc.rendering_provider)
    payer = parties.payer_for_claim(session, doc.payer.payer_id, doc.payer.name)
    payer.name = doc.payer.name
    payer.filing_indicator = doc.payer.filing_indicator
    if doc.payer.timely_filing_days is not None:
        payer.timely_filing_days = doc.payer.timely_filing_days
    if doc.payer.telehealth_policy is not None:
        payer.telehealth_policy = doc.payer.telehealth_policy
    person = doc.patient_person
    patient = parties.patient_for_claim(session, person.first_name, person.last_name, person.dob, person.sex)
    patient.sex = person.sex
    for key, value in _address_fields(person.address).items():
        setattr(patient, key, value)
    session.flush()
    sub = doc.subscriber
    coverage = parties.coverage_for_claim(session, patient, payer, sub.member_id)
    coverage.relationship_to_subscriber = doc.patient_relationship
    coverage.group_number = sub.group_number
    coverage.subscriber_first_name, coverage.subscriber_last_name = sub.first_name, sub.last_name
    coverage.subscriber_dob, coverage.subscriber_sex = sub.dob, sub.sex
    coverage.subscriber_address = sub.address.model_dump() if sub.address else None
    session.flush()
    return {
        "billing": billing,
        "rendering": rendering,
        "payer": payer,
        "patient": patient,
        "coverage": coverage,
    }


def _fill_claim(session: Session, claim: Claim, doc: ClaimImport, parties: dict[str, Any]) -> None:
    claim.patient_id = parties["patient"].id
    claim.coverage_id = parties["coverage"].id
    claim.payer_pk = parties["payer"].id
    claim.billing_provider_id = parties["billing"].id
    claim.rendering_provider_id = parties["rendering"].id if parties["rendering"] else None
    claim.patient_relationship = doc.patient_relationship
    claim.place_of_service = doc.place_of_service
    claim.frequency_code = doc.frequency_code
    claim.original_claim_number = doc.original_claim_number
    claim.prior_authorization = doc.prior_authorization
    claim.total_charge_cents = doc.line_total_cents
    claim.content_hash = _hash(doc)
    claim.source = doc.model_dump(mode="json")
    claim.diagnoses.clear()
    claim.lines.clear()
    session.flush()
    for i, code in enumerate(doc.diagnoses, start=1):
        claim.diagnoses.append(ClaimDiagnosis(position=i, code=code))
    for n, line in enumerate(doc.lines, start=1):
        line_rp = _upsert_rendering(session, line.rendering_provider)
        if line_rp is not None:
            session.flush()
        sl = ServiceLine(
            line_number=n,
            date_of_service=line.date_of_service,
            code=line.code,
            units=line.units,
            charge_cents=line.charge_cents,
            dx_pointers=list(line.dx_pointers),
            rendering_provider_id=line_rp.id if line_rp else None,
            line_control_number=line.line_control_number or f"{doc.claim_id}-{n}",
        )
        sl.modifiers = list(line.modifiers)
        claim.lines.append(sl)


def _identity(doc: ClaimImport) -> dict[str, str]:
    """Whose claim this is and who pays it: what a re-import may change only with ``replace``."""
    person = doc.patient_person
    return {
        "patient": f"{person.last_name}, {person.first_name} (born {person.dob.isoformat()})",
        "payer.payer_id": f"{doc.payer.name} ({doc.payer.payer_id})",
    }


def _line_text(line: Any) -> str:
    mods = "-".join(line.modifiers)
    return (
        f"{line.date_of_service.isoformat()} {line.code}{'-' + mods if mods else ''} x{line.units} "
        f"{decimal_amount(line.charge_cents)} -> {','.join(str(p) for p in line.dx_pointers)}"
    )


def claim_changes(before: ClaimImport, after: ClaimImport) -> list[ChangeOut]:
    """Field-by-field differences between two versions of a claim, in words a biller reads."""

    def facts(doc: ClaimImport) -> dict[str, str]:
        sub = doc.subscriber
        out = _identity(doc)
        out.update(
            {
                "subscriber.member_id": sub.member_id,
                "subscriber.group_number": sub.group_number or "",
                "patient_relationship": doc.patient_relationship,
                "billing_provider.npi": doc.billing_provider.npi,
                "rendering_provider.npi": doc.rendering_provider.npi if doc.rendering_provider else "",
                "place_of_service": doc.place_of_service,
                "prior_authorization": doc.prior_authorization or "",
                "frequency_code": doc.frequency_code,
                "diagnoses": " ".join(doc.diagnoses),
                "total_charge": decimal_amount(doc.line_total_cents),
            }
        )
        for n in range(1, max(len(before.lines), len(after.lines)) + 1):
            out[f"lines[{n}]"] = _line_text(doc.lines[n - 1]) if n <= len(doc.lines) else ""
        return out

    old, new = facts(before), facts(after)
    changes = [
        ChangeOut(field=key, before=old.get(key, ""), after=new.get(key, ""))
        for key in new
        if old.get(key, "") != new.get(key, "")
    ]
    named = {re.split(r"[.\[]", c.field)[0] for c in changes} | {"total_charge_cents"}
    old_json, new_json = before.model_dump(mode="json"), after.model_dump(mode="json")
    for key in new_json:  # anything else (addresses, names of providers...): the section, as JSON
        if key not in named and old_json.get(key) != new_json.get(key):
            changes.append(
                ChangeOut(field=key, before=_compact(old_json.get(key)), after=_compact(new_json[key]))
            )
    return changes


def _compact(value: Any) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, separators=(",", ":"))


def _folded(name: str) -> str:
    """A name compared without case or accents: re-spelling "José" as "Jose" is the same person."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(plain.upper().split())


def _identity_keys(doc: ClaimImport) -> dict[str, tuple[str, ...]]:
    person = doc.patient_person
    return {
        "patient": (_folded(person.last_name), _folded(person.first_name), person.dob.isoformat()),
        "payer.payer_id": (doc.payer.payer_id,),
    }


def _refuse_new_identity(before: ClaimImport, doc: ClaimImport) -> None:
    old, new = _identity(before), _identity(doc)
    old_keys, new_keys = _identity_keys(before), _identity_keys(doc)
    for key in old:
        if old_keys[key] != new_keys[key]:
            raise Conflict(
                f"claim {doc.claim_id} is {old[key]}'s claim on file; the file gives it to {new[key]}",
                field=key,
                fix="check the claim_id (every claim has its own); to give this claim to another "
                + ("patient" if key == "patient" else "payer")
                + " on purpose, import it again with --replace (API: ?replace=true; page: tick Replace)",
            )


def import_claim(
    session: Session, doc: ClaimImport, actor: str = "system", *, replace: bool = False
) -> ImportResult:
    """Create a claim or update a not-yet-sent one. An update that would change the claim's patient or
    payer is refused unless ``replace``; every update keeps the whole document before and after."""
    existing = repo.claim_by_claim_id(session, doc.claim_id)
    if existing is not None and existing.content_hash == _hash(doc):
        return ImportResult(
            claim_id=doc.claim_id, id=existing.id, outcome="unchanged", status=existing.status
        )
    if existing is not None and existing.status not in EDITABLE_STATUSES:
        raise Conflict(
            f"claim {doc.claim_id} is already {existing.status} and its content differs from the file",
            field="claim_id",
            fix="send a corrected claim under a new claim_id with frequency_code 7 and original_claim_number "
            "set to the payer's claim number",
        )
    if doc.total_charge_cents is not None and doc.total_charge_cents != doc.line_total_cents:
        raise InvalidInput(
            f"total_charge_cents {doc.total_charge_cents} is not the sum of the lines {doc.line_total_cents}",
            field="total_charge_cents",
            fix=f"set it to {doc.line_total_cents} or leave it out",
        )
    before = to_document(existing) if existing is not None else None
    if existing is not None and before is not None and not replace:
        _refuse_new_identity(before, doc)
    parties = _resolve_parties(session, doc)
    if existing is None or before is None:
        claim = Claim(claim_id=doc.claim_id, status=ClaimStatus.DRAFT.value)
        session.add(claim)
        _fill_claim(session, claim, doc, parties)
        claim.history.append(
            ClaimStatusEvent(from_status=None, to_status="draft", actor=actor, note="imported")
        )
        session.flush()
        _auto_link(session, claim)
        return ImportResult(claim_id=doc.claim_id, id=claim.id, outcome="created", status=claim.status)
    _fill_claim(session, existing, doc, parties)
    session.flush()
    changes = _record_revision(session, existing, before, actor)
    summary_note = "; ".join(f"{c.field}: {c.before} -> {c.after}" for c in changes[:4]) or "no field"
    more = f" and {len(changes) - 4} more" if len(changes) > 4 else ""
    existing.history.append(
        ClaimStatusEvent(
            from_status=existing.status,
            to_status=ClaimStatus.DRAFT.value,
            actor=actor,
            note=f"{'replaced' if replace else 'updated'} by re-import: {summary_note}{more}",
        )
    )
    existing.status = ClaimStatus.DRAFT.value
    session.flush()
    _auto_link(session, existing)
    return ImportResult(
        claim_id=doc.claim_id,
        id=existing.id,
        outcome="updated",
        status=existing.status,
        changes=changes,
    )


def _record_revision(session: Session, claim: Claim, before: ClaimImport, actor: str) -> list[ChangeOut]:
    after = to_document(claim)
    changes = claim_changes(before, after)
    identity_changed = _identity_keys(before) != _identity_keys(after)
    repo.add_revision(
        session,
        ClaimRevision(
            claim_pk=claim.id,
            actor=actor,
            reason="replace (patient or payer changed)" if identity_changed else "re-import",
            changes=[c.model_dump() for c in changes],
            before=before.model_dump(mode="json"),
            after=after.model_dump(mode="json"),
        ),
    )
    return changes


# ---------------------------------------------------------------- corrected / void claims

REPLACEMENT_FREQUENCIES = frozenset({"7", "8"})


def _auto_link(session: Session, claim: Claim) -> None:
    """A frequency 7/8 claim whose REF*F8 names exactly one claim on file (same payer) replaces that one."""
    if claim.frequency_code not in REPLACEMENT_FREQUENCIES or not claim.original_claim_number:
        return
    if claim.replaces_claim_pk is not None:
        return
    found = [
        c
        for c in repo.claims_by_payer_claim_number(session, claim.original_claim_number, claim.payer_pk)
        if c.id != claim.id
    ]
    if len(found) == 1:
        claim.replaces_claim_pk = found[0].id
        session.flush()


def link_replacement(session: Session, replacement: Claim, original: Claim) -> None:
    """Record that ``replacement`` (frequency 7 or 8) replaces ``original``.

    The original moves to ``corrected`` when the replacement is submitted (see ``transition``)."""
    if replacement.id == original.id:
        raise InvalidInput("a claim cannot replace itself", field="claim_id", fix="give the original claim")
    if replacement.frequency_code not in REPLACEMENT_FREQUENCIES:
        raise InvalidInput(
            f"claim {replacement.claim_id} has frequency code {replacement.frequency_code}, not 7 or 8",
            field="frequency_code",
            fix="a replacement claim needs frequency_code 7 (corrected) or 8 (void)",
        )
    replacement.replaces_claim_pk = original.id
    session.flush()


def _retire_original(session: Session, replacement: Claim, actor: str) -> None:
    original = repo.claim_by_pk(session, replacement.replaces_claim_pk or 0)
    if original is None or original.status == ClaimStatus.CORRECTED.value:
        return
    kind = "corrected claim" if replacement.frequency_code == "7" else "void claim"
    note = f"replaced by {kind} {replacement.claim_id} (submitted)"
    if ClaimStatus.CORRECTED in ALLOWED_TRANSITIONS[ClaimStatus(original.status)]:
        transition(session, original, ClaimStatus.CORRECTED.value, actor, note=note)
    else:  # e.g. still a draft: record the fact without an illegal status change
        original.history.append(
            ClaimStatusEvent(
                from_status=original.status,
                to_status=original.status,
                actor=actor,
                note=f"{note}; status {original.status} cannot move to corrected",
            )
        )
        session.flush()


def import_json(
    session: Session,
    text: str | bytes,
    actor: str = "system",
    source: str = "input",
    *,
    replace: bool = False,
) -> list[ImportResult]:
    """Import one claim or a list; the caller's transaction makes it all-or-nothing."""
    docs = parse_claim_json(text, source=source)
    seen: set[str] = set()
    for i, doc in enumerate(docs):
        if doc.claim_id in seen:
            raise InvalidInput(
                f"claim_id {doc.claim_id} appears twice in {source}",
                field=f"[{i}].claim_id",
                fix="give every claim its own claim_id",
            )
        seen.add(doc.claim_id)
    return [import_claim(session, doc, actor, replace=replace) for doc in docs]


def import_data(session: Session, data: Any, actor: str = "api", *, replace: bool = False) -> ImportResult:
    return import_claim(session, parse_claim_document(data), actor, replace=replace)


# ---------------------------------------------------------------- reading


def claims_of_encounter(session: Session, encounter_id: int) -> list[ClaimLink]:
    """The claims built from an encounter (claim ID and status), for the encounter page's links."""
    return [
        ClaimLink(claim_id=c.claim_id, status=c.status)
        for c in repo.claims_of_encounter(session, encounter_id)
    ]


def get_claim(session: Session, claim_id: str | int) -> Claim:
    claim = repo.claim_by_pk(session, claim_id) if isinstance(claim_id, int) else None
    claim = claim or repo.claim_by_claim_id(session, str(claim_id))
    if claim is None:
        raise NotFound(
            f"no claim {claim_id}", field="claim_id", fix="list claims with `assistant claims list`"
        )
    return claim


def to_document(claim: Claim) -> ClaimImport:
    """The stored claim in the import shape (what the scrubber and the 837P writer consume)."""
    src: dict[str, Any] = dict(claim.source)
    src["claim_id"] = claim.claim_id
    src["place_of_service"] = claim.place_of_service
    src["frequency_code"] = claim.frequency_code
    src["original_claim_number"] = claim.original_claim_number
    src["prior_authorization"] = claim.prior_authorization
    src["diagnoses"] = claim.diagnosis_codes
    payer = dict(src["payer"])
    payer.update(
        payer_id=claim.payer.payer_id,
        name=claim.payer.name,
        filing_indicator=claim.payer.filing_indicator,
        timely_filing_days=claim.payer.timely_filing_days,
        telehealth_policy=claim.payer.telehealth_policy,
    )
    src["payer"] = payer
    old_lines = list(src.get("lines") or [])
    lines = []
    for sl in claim.lines:
        old = old_lines[sl.line_number - 1] if sl.line_number <= len(old_lines) else {}
        lines.append(
            {
                "date_of_service": sl.date_of_service.isoformat(),
                "code": sl.code,
                "modifiers": sl.modifiers,
                "units": sl.units,
                "charge_cents": sl.charge_cents,
                "dx_pointers": list(sl.dx_pointers),
                "line_control_number": sl.line_control_number,
                "rendering_provider": old.get("rendering_provider"),
                "ndc": old.get("ndc"),
            }
        )
    src["lines"] = lines
    return ClaimImport.model_validate(src)


def summary(claim: Claim) -> ClaimSummary:
    p = claim.patient
    return ClaimSummary(
        id=claim.id,
        claim_id=claim.claim_id,
        status=claim.status,
        patient=f"{p.last_name}, {p.first_name}",
        payer_id=claim.payer.payer_id,
        payer_name=claim.payer.name,
        first_date_of_service=min((sl.date_of_service for sl in claim.lines), default=None),
        total_charge_cents=claim.total_charge_cents,
        line_count=len(claim.lines),
    )


def diagnosis_titles(doc: ClaimImport, reference: Any) -> dict[str, str]:
    """Each diagnosis code's title in the ICD-10-CM release in force on the claim's first date of service
    (a code that release does not hold gets no title: the scrubber names it)."""
    on = min((line.date_of_service for line in doc.lines), default=None)
    titles: dict[str, str] = {}
    for code in doc.diagnoses:
        try:
            info = reference.find_code(code, "ICD-10-CM", on)
        except AssistantError:
            info = None
        if info is not None:
            titles[code] = info.title
    return titles


def detail(claim: Claim, reference: Any = None) -> ClaimDetail:
    """The claim with its history and re-import revisions; with ``reference``, its diagnosis titles."""
    session = object_session(claim)
    replaces = replaced_by = None
    revisions: list[RevisionOut] = []
    if session is not None:
        if claim.replaces_claim_pk is not None:
            original = session.get(Claim, claim.replaces_claim_pk)
            replaces = original.claim_id if original is not None else None
        replaced_by = [c.claim_id for c in repo.replacements_of(session, claim.id)]
        revisions = [
            RevisionOut(
                at=r.at,
                actor=r.actor,
                reason=r.reason,
                changes=[ChangeOut.model_validate(c) for c in r.changes],
                before=r.before,
                after=r.after,
            )
            for r in repo.revisions_of(session, claim.id)
        ]
    document = to_document(claim)
    return ClaimDetail(
        replaces=replaces,
        replaced_by=replaced_by or [],
        revisions=revisions,
        diagnosis_titles=diagnosis_titles(document, reference) if reference is not None else {},
        id=claim.id,
        claim_id=claim.claim_id,
        status=claim.status,
        frequency_code=claim.frequency_code,
        original_claim_number=claim.original_claim_number,
        payer_claim_number=claim.payer_claim_number,
        total_charge_cents=claim.total_charge_cents,
        document=document,
        line_control_numbers=[sl.line_control_number for sl in claim.lines],
        history=[
            StatusEventOut(
                from_status=e.from_status, to_status=e.to_status, actor=e.actor, at=e.at, note=e.note
            )
            for e in claim.history
        ],
    )


def list_claims(
    session: Session, status: str | None = None, payer_id: str | None = None
) -> list[ClaimSummary]:
    if status and status not in {s.value for s in ClaimStatus}:
        raise InvalidInput(
            f"unknown status {status!r}",
            field="status",
            fix=f"use one of {', '.join(s.value for s in ClaimStatus)}",
        )
    claims = repo.list_claims(session, status=status, payer_id=payer_id)
    flags: dict[int, list[str]] = {}
    for flag in repo.code_flags(session, "open", [c.id for c in claims]):
        flags.setdefault(flag.claim_pk, []).append(flag.reason)
    return [summary(c).model_copy(update={"code_flags": flags.get(c.id, [])}) for c in claims]


# ---------------------------------------------------------------- status


def transition(
    session: Session, claim: Claim, to: str, actor: str, note: str | None = None, at: datetime | None = None
) -> ClaimStatusEvent:
    """Move ``claim`` to status ``to`` if allowed, recording who and when."""
    try:
        target = ClaimStatus(to)
    except ValueError:
        raise InvalidInput(
            f"unknown status {to!r}", field="to", fix=f"use one of {', '.join(s.value for s in ClaimStatus)}"
        ) from None
    current = ClaimStatus(claim.status)
    allowed = ALLOWED_TRANSITIONS[current]
    if target not in allowed:
        raise Conflict(
            f"claim {claim.claim_id} cannot go from {current.value} to {target.value}",
            field="to",
            fix=f"allowed next statuses: {', '.join(sorted(s.value for s in allowed)) or 'none'}",
        )
    if not actor:
        raise InvalidInput("a status change needs the user making it", field="actor", fix="pass --by USER")
    event = ClaimStatusEvent(
        from_status=current.value,
        to_status=target.value,
        actor=actor,
        note=note,
        **({"at": at} if at else {}),
    )
    claim.history.append(event)
    claim.status = target.value
    session.flush()
    if target == ClaimStatus.SUBMITTED and claim.replaces_claim_pk is not None:
        _retire_original(session, claim, actor)
    return event


SCRUB_GATED = frozenset({ClaimStatus.SCRUBBED.value, ClaimStatus.READY.value})


def request_status(
    session: Session,
    claim: Claim,
    to: str,
    actor: str,
    reference: Any,
    settings: Settings,
    note: str | None = None,
    today: date | None = None,
) -> ClaimStatusEvent:
    """A user's status change (status API, claim page, CLI): moving to ``scrubbed`` or ``ready`` runs the
    scrubber and is refused with its errors; ``submitted`` happens only through an export or a batch."""
    if to == ClaimStatus.SUBMITTED.value:
        raise Conflict(
            f"claim {claim.claim_id} is marked submitted only when it is sent",
            field="to",
            fix="send it in a payer batch (Claims page, or `assistant claims batch --payer ID`)",
        )
    if to in SCRUB_GATED:
        report = scrub_document(to_document(claim), reference, settings, session, today=today)
        if not report.clean:
            raise ClaimHasErrors(report)
    return transition(session, claim, to, actor, note)


# ---------------------------------------------------------------- scrubbing

_NOT_DUPLICATE_STATUSES = {ClaimStatus.REJECTED.value, ClaimStatus.CORRECTED.value}


def duplicate_finder(session: Session) -> Any:
    def find(doc: ClaimImport) -> list[DuplicateHit]:
        person = doc.patient_person
        patient = parties.find_patient(session, person.first_name, person.last_name, person.dob)
        if patient is None:
            return []
        dates = sorted({line.date_of_service for line in doc.lines})
        hits = []
        others = repo.patient_lines_on(session, patient.id, dates, doc.claim_id, _NOT_DUPLICATE_STATUSES)
        for n, line in enumerate(doc.lines, start=1):
            for sl, other in others:
                same = (sl.date_of_service, sl.code, sorted(sl.modifiers)) == (
                    line.date_of_service,
                    line.code,
                    sorted(line.modifiers),
                )
                if same:
                    hits.append(
                        DuplicateHit(
                            line=n,
                            other_claim_id=other.claim_id,
                            other_line=sl.line_number,
                            other_status=other.status,
                        )
                    )
        return hits

    return find


def scrub_document(
    doc: ClaimImport,
    reference: Any,
    settings: Settings,
    session: Session | None = None,
    extra_rules: Iterable[Rule] = (),
    today: date | None = None,
    *,
    apply_local_rules: bool = True,
) -> ScrubReport:
    """Scrub one document. With a session, the rules other domains registered run too (the biller's
    active local rules, registered by denials: ``register_session_rules``)."""
    rules = list(extra_rules)
    if session is not None and apply_local_rules:
        seen = {r.id for r in rules}
        rules.extend(r for r in session_rules(session) if r.id not in seen)
    ctx = ScrubContext(
        reference=reference,
        today=today or date.today(),
        default_timely_filing_days=settings.timely_filing_days,
        find_duplicates=duplicate_finder(session) if session is not None else None,
    )
    return scrub(doc, reference, rules, context=ctx)


def scrub_claim(
    session: Session,
    claim: Claim,
    reference: Any,
    settings: Settings,
    actor: str = "system",
    extra_rules: Iterable[Rule] = (),
    today: date | None = None,
) -> ScrubReport:
    """Scrub a stored claim: a clean draft becomes scrubbed; a scrubbed/ready one with errors goes back."""
    report = scrub_document(to_document(claim), reference, settings, session, extra_rules, today)
    if report.clean and claim.status == ClaimStatus.DRAFT.value:
        transition(session, claim, ClaimStatus.SCRUBBED.value, actor, note="scrubber: no errors")
    elif not report.clean and claim.status in {ClaimStatus.SCRUBBED.value, ClaimStatus.READY.value}:
        transition(
            session, claim, ClaimStatus.DRAFT.value, actor, note=f"scrubber: {len(report.errors)} error(s)"
        )
    return report


def scrub_input(
    session: Session,
    ref: str,
    reference: Any,
    settings: Settings,
    actor: str = "system",
    extra_rules: Iterable[Rule] = (),
    today: date | None = None,
) -> ScrubReport:
    """``ref`` is a path to a JSON file (scrubbed without storing) or a stored claim's claim_id."""
    path = Path(ref)
    if ref.endswith(".json") or path.is_file():
        if not path.is_file():
            raise NotFound(f"no file {ref}", field="FILE", fix="check the path")
        docs = parse_claim_json(path.read_bytes(), source=str(path))
        if len(docs) != 1:
            raise InvalidInput(
                f"{ref} holds {len(docs)} claims; scrub checks one at a time",
                field="FILE",
                fix="import the file, then scrub each claim_id",
            )
        return scrub_document(docs[0], reference, settings, session, extra_rules, today)
    return scrub_claim(session, get_claim(session, ref), reference, settings, actor, extra_rules, today)


# ---------------------------------------------------------------- 837P


@dataclass
class X12Options:
    sender_id: str = "SUBMITTER"
    submitter_name: str | None = None  # default: the billing provider's name
    submitter_contact: str = "BILLING OFFICE"
    submitter_phone: str = "5555555555"
    receiver_id: str | None = None  # default: the payer ID
    usage: str = "T"


PREVIEW_CONTROL_NUMBER = 0  # ISA13 000000000: a preview, never sent, uses up no control number


def _envelope(session: Session, opts: X12Options, doc: ClaimImport, *, keep: bool = True) -> Envelope:
    isa = repo.next_control_number(session, "ISA") if keep else PREVIEW_CONTROL_NUMBER
    return Envelope(
        interchange_control_number=isa,
        group_control_number=isa,
        sender_id=opts.sender_id,
        receiver_id=opts.receiver_id or doc.payer.payer_id,
        submitter_name=opts.submitter_name or doc.billing_provider.name,
        submitter_contact=opts.submitter_contact,
        submitter_phone=opts.submitter_phone,
        receiver_name=doc.payer.name,
        usage=opts.usage,
    )


def x12_for_documents(
    session: Session,
    docs: list[ClaimImport],
    reference: Any,
    settings: Settings,
    opts: X12Options | None = None,
    today: date | None = None,
    *,
    keep: bool = True,
) -> tuple[str, Envelope]:
    """Scrub, refuse on errors, write and validate the 837P.

    ``keep``: an export kept for sending takes the next interchange control number (persisted in the
    session); a preview (``keep=False``) carries 000000000 and uses none up."""
    for doc in docs:
        report = scrub_document(doc, reference, settings, session, today=today)
        if not report.clean:
            raise ClaimHasErrors(report)
    env = _envelope(session, opts or X12Options(), docs[0], keep=keep)
    text = build_837p(docs, env)
    ensure_valid_x12(text)
    return text, env


def x12_for_input(
    session: Session,
    ref: str,
    reference: Any,
    settings: Settings,
    opts: X12Options | None = None,
    today: date | None = None,
    *,
    keep: bool = True,
) -> str:
    """The 837P of a claim file or stored claim_id; ``keep=False`` for a preview (no control number)."""
    path = Path(ref)
    if ref.endswith(".json") or path.is_file():
        if not path.is_file():
            raise NotFound(f"no file {ref}", field="FILE", fix="check the path")
        docs = parse_claim_json(path.read_bytes(), source=str(path))
        if len({d.payer.payer_id for d in docs}) > 1:
            raise InvalidInput(
                "the claims in one 837P file must share a payer",
                field="payer.payer_id",
                fix="split the file by payer or use `assistant claims batch`",
            )
    else:
        docs = [to_document(get_claim(session, ref))]
    return x12_for_documents(session, docs, reference, settings, opts, today, keep=keep)[0]


def batch_file_name(payer_id: str, interchange_control_number: int) -> str:
    """``837P-<slug>-<ICN>.x12``: the slug keeps letters, digits and '-' only, whatever the payer ID holds."""
    slug = re.sub(r"[^A-Za-z0-9-]+", "_", payer_id).strip("_-")[:40] or "payer"
    return f"837P-{slug}-{interchange_control_number:09d}.x12"


def _sendable(
    session: Session,
    claim: Claim,
    reference: Any,
    settings: Settings,
    actor: str,
    opts: X12Options,
    today: date | None,
) -> tuple[ClaimImport | None, list[str]]:
    """The claim's document when it can go out in an 837 now, else the reasons it cannot.

    A claim with scrubber errors goes back to draft (``scrub_claim``); one the 837 writer cannot turn into
    a valid file on its own (a gap in the scrubber) is held back with the validator's words."""
    report = scrub_claim(session, claim, reference, settings, actor=actor, today=today)
    if not report.clean:
        return None, [
            f"{f.field or f.rule}: {f.message}" + (f" (fix: {f.fix})" if f.fix else "") for f in report.errors
        ]
    doc = to_document(claim)
    problems = validate_x12(build_837p([doc], _envelope(session, opts, doc, keep=False)))
    if problems:
        return None, [f"X12: {p.text}" for p in problems]
    return doc, []


def batch(
    session: Session,
    payer_id: str,
    out_dir: Path,
    reference: Any,
    settings: Settings,
    actor: str = "system",
    opts: X12Options | None = None,
    today: date | None = None,
) -> BatchRunOut:
    """Write one 837P with every sendable ``ready`` claim of ``payer_id`` and mark those submitted.

    A claim that cannot be sent (scrubber errors, e.g. characters X12 cannot carry) does not stop the
    others: it is held back, listed with all its reasons, and goes back to draft. Every request is kept
    (``claim_batch_runs``) so its result can be shown again and past batches listed with their files."""
    opts = opts or X12Options()
    payer = repo.payer_by_payer_id(session, payer_id)
    if payer is None:
        raise NotFound(
            f"no payer {payer_id}", field="payer", fix="check the payer ID (assistant claims list)"
        )
    claims = list(repo.ready_claims_for_payer(session, payer_id))
    if not claims:
        raise NotFound(
            f"no ready claims for payer {payer_id}",
            field="payer",
            fix="scrub claims and move them to ready (assistant claims status CLAIM_ID ready)",
        )
    sending: list[tuple[Claim, ClaimImport]] = []
    held: list[HeldBackOut] = []
    for claim in claims:
        doc, reasons = _sendable(session, claim, reference, settings, actor, opts, today)
        if doc is None:
            held.append(HeldBackOut(claim_id=claim.claim_id, reasons=reasons))
        else:
            sending.append((claim, doc))
    record = _write_batch(session, payer, sending, out_dir, actor, opts) if sending else None
    run = repo.add_batch_run(
        session,
        ClaimBatchRun(
            payer_pk=payer.id,
            batch_id=record.id if record else None,
            created_by=actor,
            held_back=[h.model_dump() for h in held],
        ),
    )
    return batch_run(session, run.id)


def _write_batch(
    session: Session,
    payer: Payer,
    sending: list[tuple[Claim, ClaimImport]],
    out_dir: Path,
    actor: str,
    opts: X12Options,
) -> X12Batch:
    env = _envelope(session, opts, sending[0][1])
    text = build_837p([doc for _, doc in sending], env)
    ensure_valid_x12(text)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / batch_file_name(payer.payer_id, env.interchange_control_number)
    record = repo.add_batch(
        session,
        X12Batch(
            interchange_control_number=env.interchange_control_number,
            group_control_number=env.group_control_number,
            payer_pk=payer.id,
            path=str(path),
            claim_count=len(sending),
            created_by=actor,
            total_charge_cents=sum(c.total_charge_cents for c, _ in sending),
        ),
    )
    for claim, _ in sending:
        session.add(X12BatchClaim(batch_id=record.id, claim_pk=claim.id, transaction_control_number="0001"))
        transition(
            session,
            claim,
            ClaimStatus.SUBMITTED.value,
            actor,
            note=f"837P interchange {env.interchange_control_number:09d}",
        )
    session.flush()
    path.write_text(text)
    return record


def _run_out(session: Session, run: ClaimBatchRun) -> BatchRunOut:
    record = run.batch
    return BatchRunOut(
        id=run.id,
        payer_id=run.payer.payer_id,
        payer_name=run.payer.name,
        created_at=run.created_at,
        created_by=run.created_by,
        file_name=Path(record.path).name if record and record.path else None,
        interchange_control_number=record.interchange_control_number if record else None,
        claim_ids=repo.batch_claim_ids(session, record.id) if record else [],
        total_charge_cents=record.total_charge_cents if record else 0,
        held_back=[HeldBackOut.model_validate(h) for h in run.held_back],
    )


def batch_run(session: Session, run_id: int) -> BatchRunOut:
    run = repo.batch_run(session, run_id)
    if run is None:
        raise NotFound(f"no batch {run_id}", field="run_id", fix="pick one from the list of past batches")
    return _run_out(session, run)


def batch_runs(session: Session) -> list[BatchRunOut]:
    """Past payer batches, newest first, each with its file and the claims it held back."""
    return [_run_out(session, run) for run in repo.batch_runs(session)]


# ---------------------------------------------------------------- from accepted suggestions


def create_draft_claim_from_codes(
    session: Session, encounter: dict[str, Any], accepted: list[AcceptedCode], actor: str = "system"
) -> ImportResult:
    """Build a draft claim from an encounter and the codes a coder accepted.

    ``encounter`` is the import document without ``diagnoses``/``lines`` plus optional ``encounter_id`` (a
    stored visit: its date of service and place of service are the defaults and the claim is linked to it),
    ``date_of_service``, ``note`` and ``default_charge_cents``. Without a stored visit the encounter (with
    the note) is stored too. Diagnoses keep their accepted order (first = primary); every procedure line
    points at the first four diagnoses. A draft never replaces a claim already on file.
    """
    enc = dict(encounter)
    visit = _visit(session, enc.pop("encounter_id", None))
    dos = enc.pop("date_of_service", None) or (visit.date_of_service.isoformat() if visit else None)
    if not dos:
        raise InvalidInput(
            "the draft claim needs a date of service",
            field="date_of_service",
            fix="give the visit's date of service, or start the draft from its encounter",
        )
    if visit is not None and not enc.get("place_of_service"):
        enc["place_of_service"] = visit.place_of_service
    note = enc.pop("note", None)
    default_charge = enc.pop("default_charge_cents", None)
    if repo.claim_by_claim_id(session, str(enc.get("claim_id"))) is not None:
        raise Conflict(
            f"claim {enc.get('claim_id')} is already on file; a draft never replaces another claim",
            field="claim_id",
            fix="give the draft a new claim ID",
        )
    doc = parse_claim_document(
        {**enc, "diagnoses": _draft_diagnoses(accepted), "lines": _draft_lines(accepted, dos, default_charge)}
    )
    result = import_claim(session, doc, actor)
    claim = get_claim(session, doc.claim_id)
    if visit is not None:
        if visit.patient_id != claim.patient_id:
            raise Conflict(
                f"encounter {visit.id} is another patient's visit",
                field="encounter_id",
                fix="start the draft from this patient's encounter",
            )
        claim.encounter_id = visit.id
    elif claim.encounter_id is None:
        encounter_row = Encounter(
            patient_id=claim.patient_id,
            date_of_service=doc.lines[0].date_of_service,
            place_of_service=doc.place_of_service,
            note=note,
            rendering_provider_id=claim.rendering_provider_id,
            diagnoses=[EncounterDiagnosis(position=i, code=c) for i, c in enumerate(doc.diagnoses, start=1)],
        )
        session.add(encounter_row)
        session.flush()
        claim.encounter_id = encounter_row.id
    session.flush()
    return result


def _visit(session: Session, encounter_id: Any) -> Encounter | None:
    if encounter_id in (None, ""):
        return None
    visit = repo.encounter_by_id(session, int(encounter_id))
    if visit is None:
        raise NotFound(f"no encounter {encounter_id}", field="encounter_id", fix="pick the visit to bill")
    return visit


def _draft_diagnoses(accepted: list[AcceptedCode]) -> list[str]:
    dx = [a.code for a in accepted if a.system == "ICD-10-CM"]
    if not dx:
        raise InvalidInput(
            "no accepted diagnosis codes", field="accepted", fix="accept at least one ICD-10-CM code"
        )
    return dx[:12]


def _draft_lines(accepted: list[AcceptedCode], dos: str, default_charge: int | None) -> list[dict[str, Any]]:
    procs = [a for a in accepted if a.system != "ICD-10-CM"]
    if not procs:
        raise InvalidInput(
            "no accepted procedure codes", field="accepted", fix="accept at least one CPT/HCPCS code"
        )
    dx_count = sum(1 for a in accepted if a.system == "ICD-10-CM")
    pointers = list(range(1, min(dx_count, 4) + 1))
    lines = []
    for i, p in enumerate(procs):
        charge = p.charge_cents or default_charge
        if not charge:
            raise InvalidInput(
                f"no charge for {p.code}",
                field=f"accepted[{i}].charge_cents",
                fix="give a charge_cents per code or a default_charge_cents",
            )
        lines.append(
            {
                "date_of_service": dos,
                "code": p.code,
                "modifiers": p.modifiers,
                "units": p.units,
                "charge_cents": charge,
                "dx_pointers": pointers,
            }
        )
    return lines
