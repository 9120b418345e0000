"""The claim form: key a claim (from an encounter or from scratch) and save it as a draft.

The form names the stored patient, coverage and providers and keys the rest; ``build_document`` turns it
into the ``ClaimImport`` document a JSON import carries, and saving goes through ``service.import_claim``,
so a keyed claim and the same claim imported from JSON are stored alike. A new claim gets a generated
claim ID (``C-000001``...) and never overwrites a claim on file; only drafts are edited. Every problem is
reported on its form field and nothing is saved while any remains. Blank charges take the fee schedule's
charge in force on the line's date of service.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from assistant.claims import repository as repo
from assistant.claims import service
from assistant.claims.form_schemas import (
    MAX_FORM_LINES,
    Choice,
    ClaimForm,
    FormCheck,
    FormChoices,
    FormLine,
    FormProblem,
)
from assistant.claims.models import ClaimStatus
from assistant.claims.schemas import ClaimImport, ImportResult, format_validation_error
from assistant.config import Settings
from assistant.core.errors import AssistantError, Conflict, InvalidInput
from assistant.core.money import MAX_STORED_CENTS, decimal_amount, parse_dollars, require_cents
from assistant.encounters import service as encounters
from assistant.fees import service as fees
from assistant.parties import service as parties
from assistant.parties.models import Coverage, Patient, Provider
from assistant.parties.npi import is_valid_npi

LETTERS = "ABCDEFGHIJKL"
MAX_DIAGNOSES = 12
CLAIM_ID_SEQUENCE = "CLAIM_ID"
PREVIEW_CLAIM_ID = "C-PREVIEW"
KEYED_NOTE = "keyed on the claim form"


class ClaimFormErrors(InvalidInput):
    """The form cannot be saved: ``problems`` names every field at fault; nothing was stored."""

    def __init__(self, problems: list[FormProblem]) -> None:
        first = problems[0]
        super().__init__(
            f"{len(problems)} problem(s) on the claim form; nothing was saved. First: {first.field}: "
            f"{first.message}",
            field=first.field,
            fix="correct the named fields and save again",
        )
        self.problems = problems

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(super().to_dict())
        data["problems"] = [p.model_dump() for p in self.problems]
        return data


# ---------------------------------------------------------------- pickers and prefill


def _coverage_label(c: Coverage) -> str:
    order = {1: "primary", 2: "secondary", 3: "tertiary"}.get(c.order, f"#{c.order}")
    span = ""
    if c.effective_from or c.effective_to:
        span = f"{c.effective_from or '…'} to {c.effective_to or '…'}"
    return f"{order}: {c.payer.name} ({c.payer.payer_id}) member {c.member_id}" + (
        f", {span}" if span else ""
    )


def _provider_label(p: Provider) -> str:
    return f"{p.display_name} (NPI {p.npi})"


def choices(session: Session, patient_id: int | None = None) -> FormChoices:
    return FormChoices(
        patients=[
            Choice(id=p.id, label=f"{p.last_name}, {p.first_name} ({p.dob.isoformat()})")
            for p in parties.search_patients(session, limit=500)
        ],
        coverages=[
            Choice(id=c.id, label=_coverage_label(c), note=c.payer.filing_indicator)
            for c in (parties.coverages_of(session, patient_id) if patient_id else [])
        ],
        billing_providers=[
            Choice(id=p.id, label=_provider_label(p)) for p in parties.providers_of_type(session, "2")
        ],
        rendering_providers=[
            Choice(id=p.id, label=_provider_label(p)) for p in parties.providers_of_type(session, "1")
        ],
    )


def prefill(
    session: Session,
    *,
    encounter_id: int | None = None,
    diagnoses: list[str] | None = None,
    procedures: list[str] | None = None,
    today: date | None = None,
) -> ClaimForm:
    """A new claim form: from an encounter (patient, date, place, rendering provider, its diagnoses, its
    accepted procedures as lines with the visit's telehealth modifier, and the coverage in force), and/or
    from accepted codes (the chat); else blank with today's date."""
    form = ClaimForm(date_of_service=(today or date.today()).isoformat())
    billers = parties.providers_of_type(session, "2")
    if len(billers) == 1:
        form.billing_provider_id = billers[0].id
    dx = list(diagnoses or [])
    procs = list(procedures or [])
    modifiers: list[str] = []
    if encounter_id is not None:
        enc = encounters.get_encounter(session, encounter_id)
        form.encounter_id = enc.id
        form.date_of_service = enc.date_of_service.isoformat()
        form.patient_id = enc.patient_id
        form.place_of_service = enc.place_of_service
        form.rendering_provider_id = enc.rendering_provider_id
        dx = enc.diagnoses + [c for c in dx if c not in enc.diagnoses]
        procs = [p.code for p in enc.procedures] + [
            c for c in procs if c not in {p.code for p in enc.procedures}
        ]
        cov = parties.first_coverage_in_force(session, enc.patient_id, enc.date_of_service)
        form.coverage_id = cov.id if cov else None
        if enc.telehealth_modifier:  # 95 or 93, chosen at check-in from the payer's telehealth policy
            modifiers = [enc.telehealth_modifier]
    form.diagnoses = dx[:MAX_DIAGNOSES]
    pointers = LETTERS[: min(len(form.diagnoses), 4)] or "A"
    form.lines = [FormLine(code=code, pointers=pointers, modifiers=list(modifiers)) for code in procs] or [
        FormLine(pointers=pointers, modifiers=list(modifiers))
    ]
    return form


def form_of_claim(session: Session, claim_id: str) -> ClaimForm:
    """The edit form of a stored draft."""
    claim = _draft(session, claim_id)
    doc = service.to_document(claim)
    ref = doc.referring_provider
    return ClaimForm(
        encounter_id=claim.encounter_id,
        date_of_service=doc.lines[0].date_of_service.isoformat(),
        patient_id=claim.patient_id,
        coverage_id=claim.coverage_id,
        billing_provider_id=claim.billing_provider_id,
        rendering_provider_id=claim.rendering_provider_id,
        referring_npi=ref.npi if ref else "",
        referring_first_name=ref.first_name if ref else "",
        referring_last_name=ref.last_name if ref else "",
        place_of_service=doc.place_of_service,
        prior_authorization=doc.prior_authorization or "",
        onset_date=doc.onset_date.isoformat() if doc.onset_date else "",
        accident_date=doc.accident_date.isoformat() if doc.accident_date else "",
        accident_cause=doc.accident_cause or "",
        accident_state=doc.accident_state or "",
        diagnoses=list(doc.diagnoses),
        lines=[
            FormLine(
                date_of_service=ln.date_of_service.isoformat(),
                code=ln.code,
                modifiers=list(ln.modifiers),
                units=ln.units,
                charge_cents=ln.charge_cents,
                charge=decimal_amount(ln.charge_cents),
                pointers="".join(LETTERS[p - 1] for p in ln.dx_pointers),
                ndc=ln.ndc or "",
            )
            for ln in doc.lines
        ],
    )


def _draft(session: Session, claim_id: str) -> Any:
    claim = service.get_claim(session, claim_id)
    if claim.status != ClaimStatus.DRAFT.value:
        raise Conflict(
            f"claim {claim.claim_id} is {claim.status}; only drafts are edited on the form",
            field="claim_id",
            fix="move it back to draft first, or send a corrected claim once it has been submitted",
        )
    return claim


# ---------------------------------------------------------------- building the document


def _day(text: str, field: str, problems: list[FormProblem], *, required: bool = False) -> date | None:
    text = (text or "").strip()
    if not text:
        if required:
            problems.append(FormProblem(field=field, message="is required (YYYY-MM-DD)"))
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        problems.append(FormProblem(field=field, message=f"{text!r} is not a date in YYYY-MM-DD form"))
        return None


def _address(row: Any) -> dict[str, Any] | None:
    if not row.address_line1 or not row.city or not row.state or not row.zip:
        return None
    return {
        "line1": row.address_line1,
        "line2": row.address_line2,
        "city": row.city,
        "state": row.state,
        "zip": row.zip,
    }


def _person(p: Patient) -> dict[str, Any]:
    return {
        "first_name": p.first_name,
        "last_name": p.last_name,
        "dob": p.dob.isoformat(),
        "sex": p.sex,
        "address": _address(p),
    }


def _npi_ok(npi: str, field: str, who: str, problems: list[FormProblem]) -> None:
    if not is_valid_npi(npi):
        problems.append(
            FormProblem(
                field=field, message=f"{who} NPI {npi} fails the NPI check digit (or is not 10 digits)"
            )
        )


def _patient_part(
    session: Session, form: ClaimForm, dos: date | None, today: date, problems: list[FormProblem]
) -> dict[str, Any]:
    if form.patient_id is None:
        problems.append(FormProblem(field="patient_id", message="choose the patient"))
        return {}
    patient = parties.patient_record(session, form.patient_id)
    if patient is None:
        problems.append(FormProblem(field="patient_id", message=f"no patient {form.patient_id}"))
        return {}
    if patient.dob > today:
        problems.append(
            FormProblem(
                field="patient_id",
                message=f"the patient's date of birth {patient.dob} is in the future; "
                "correct it on the patient's record",
            )
        )
    elif dos and patient.dob > dos:
        problems.append(
            FormProblem(
                field="patient_id", message=f"the patient was born ({patient.dob}) after the date of service"
            )
        )
    if form.coverage_id is None:
        problems.append(FormProblem(field="coverage_id", message="choose the coverage (the payer billed)"))
        return {}
    cov = parties.coverage_record(session, form.coverage_id)
    if cov is None or cov.patient_id != patient.id:
        problems.append(FormProblem(field="coverage_id", message="this coverage is not one of the patient's"))
        return {}
    if dos:
        try:  # the parties rule: a coverage billed for a visit is in force on its date
            parties.coverage_for_service(session, patient.id, cov.id, dos)
        except AssistantError as exc:
            problems.append(FormProblem(field="coverage_id", message=exc.message))
    payer = cov.payer
    out: dict[str, Any] = {
        "payer": {
            "payer_id": payer.payer_id,
            "name": payer.name,
            "filing_indicator": payer.filing_indicator,
            "timely_filing_days": payer.timely_filing_days,
            "telehealth_policy": payer.telehealth_policy,
        },
        "patient_relationship": cov.relationship_to_subscriber,
    }
    sub: dict[str, Any]
    if cov.relationship_to_subscriber == "self":
        sub = _person(patient)
    else:
        sub = {
            "first_name": cov.subscriber_first_name,
            "last_name": cov.subscriber_last_name,
            "dob": cov.subscriber_dob.isoformat() if cov.subscriber_dob else None,
            "sex": cov.subscriber_sex,
            "address": cov.subscriber_address,
        }
        out["patient"] = _person(patient)
    sub.update(member_id=cov.member_id, group_number=cov.group_number)
    out["subscriber"] = sub
    return out


def _providers_part(session: Session, form: ClaimForm, problems: list[FormProblem]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    bp = parties.provider_record(session, form.billing_provider_id) if form.billing_provider_id else None
    if bp is None:
        problems.append(FormProblem(field="billing_provider_id", message="choose the billing provider"))
    else:
        _npi_ok(bp.npi, "billing_provider_id", "the billing provider's", problems)
        out["billing_provider"] = {
            "npi": bp.npi,
            "name": bp.name or bp.display_name,
            "tax_id": bp.tax_id,
            "taxonomy": bp.taxonomy,
            "address": _address(bp),
        }
    if form.rendering_provider_id:
        rp = parties.provider_record(session, form.rendering_provider_id)
        if rp is None:
            problems.append(FormProblem(field="rendering_provider_id", message="no such provider"))
        else:
            _npi_ok(rp.npi, "rendering_provider_id", "the rendering provider's", problems)
            out["rendering_provider"] = {
                "npi": rp.npi,
                "first_name": rp.first_name,
                "last_name": rp.last_name,
                "taxonomy": rp.taxonomy,
            }
    npi = form.referring_npi.strip()
    if npi or form.referring_last_name.strip():
        _npi_ok(npi, "referring_npi", "the referring provider's", problems)
        out["referring_provider"] = {
            "npi": npi,
            "first_name": form.referring_first_name,
            "last_name": form.referring_last_name,
        }
    return out


def _diagnoses(form: ClaimForm, problems: list[FormProblem]) -> list[str]:
    codes = [c.strip().upper() for c in form.diagnoses]
    while codes and not codes[-1]:
        codes.pop()
    for i, code in enumerate(codes):
        if not code:
            problems.append(
                FormProblem(
                    field=f"diagnoses[{i}]",
                    message=f"diagnosis {LETTERS[i] if i < 12 else i + 1} is empty "
                    "while a later one is filled; keep them in order without gaps",
                )
            )
    if len(codes) > MAX_DIAGNOSES:
        problems.append(
            FormProblem(
                field="diagnoses",
                message=f"{len(codes)} diagnoses: a claim carries at most {MAX_DIAGNOSES} (A-L)",
            )
        )
    if not codes:
        problems.append(FormProblem(field="diagnoses[0]", message="enter at least one diagnosis"))
    return codes


def _pointers(text: str, n_dx: int, field: str, problems: list[FormProblem]) -> list[int]:
    letters = [ch for ch in text.upper() if not ch.isspace() and ch != ","]
    out: list[int] = []
    for ch in letters:
        if ch not in LETTERS:
            problems.append(FormProblem(field=field, message=f"{ch!r} is not a diagnosis letter A-L"))
            return []
        pos = LETTERS.index(ch) + 1
        if pos > n_dx:
            problems.append(
                FormProblem(
                    field=field,
                    message=f"pointer {ch} points at a diagnosis the claim does not have "
                    f"(it has {n_dx}: A-{LETTERS[max(n_dx, 1) - 1]})",
                )
            )
            return []
        out.append(pos)
    if not out:
        problems.append(FormProblem(field=field, message="point at 1 to 4 diagnoses (letters A-L)"))
    elif len(out) > 4:
        problems.append(FormProblem(field=field, message="at most 4 diagnosis pointers per line"))
    elif len(set(out)) != len(out):
        problems.append(FormProblem(field=field, message="a diagnosis is pointed at twice"))
    return out


def _charge(
    session: Session,
    line: FormLine,
    code: str,
    mods: list[str],
    dos: date | None,
    field: str,
    problems: list[FormProblem],
) -> tuple[int | None, bool]:
    """(cents, from_schedule)."""
    text = line.charge.strip()
    try:
        if line.charge_cents is not None:
            if line.charge_cents < 0:
                raise InvalidInput("a charge cannot be negative", field=field)
            return require_cents(line.charge_cents, field=field, max_cents=MAX_STORED_CENTS), False
        if text:
            if text.lstrip("$ ").startswith("-"):
                raise InvalidInput("a charge cannot be negative", field=field)
            return parse_dollars(text, field=field, max_cents=MAX_STORED_CENTS), False
    except InvalidInput as exc:
        problems.append(FormProblem(field=field, message=exc.message))
        return None, False
    if dos is None or not code:
        return None, False
    fee = fees.charge_for(session, code, mods, dos)
    if fee is None:
        problems.append(
            FormProblem(
                field=field, message=f"no fee on file for {code} on {dos}; type the charge or add it on /fees"
            )
        )
        return None, False
    return fee.charge_cents, True


def keyed_rows(form: ClaimForm) -> list[int]:
    """The form rows that hold a service line (empty rows of the form are ignored), in order."""
    return [
        i
        for i, ln in enumerate(form.lines)
        if ln.code.strip() or ln.charge.strip() or ln.ndc.strip() or ln.charge_cents is not None
    ]


def _lines(
    session: Session, form: ClaimForm, dos: date | None, n_dx: int, problems: list[FormProblem]
) -> tuple[list[dict[str, Any]], dict[int, int]]:
    out: list[dict[str, Any]] = []
    filled: dict[int, int] = {}
    keyed = [(i, form.lines[i]) for i in keyed_rows(form)]
    if not keyed:
        problems.append(FormProblem(field="lines[0].code", message="enter at least one service line"))
    if len(keyed) > MAX_FORM_LINES:
        problems.append(FormProblem(field="lines", message=f"at most {MAX_FORM_LINES} service lines"))
    for i, ln in keyed:
        at = f"lines[{i}]"
        code = ln.code.strip().upper()
        if not code:
            problems.append(FormProblem(field=f"{at}.code", message="enter the CPT or HCPCS code"))
        mods = [m.strip().upper() for m in ln.modifiers if m and m.strip()]
        if len(mods) > 4:
            problems.append(FormProblem(field=f"{at}.modifiers", message="at most 4 modifiers"))
        line_dos = _day(ln.date_of_service, f"{at}.date_of_service", problems) if ln.date_of_service else dos
        units: Any = ln.units
        if isinstance(units, str):
            units = int(units.strip()) if units.strip().isdigit() else units
        if not isinstance(units, int) or units <= 0:
            problems.append(
                FormProblem(field=f"{at}.units", message=f"{ln.units!r} is not a positive whole number")
            )
        cents, from_schedule = _charge(session, ln, code, mods, line_dos, f"{at}.charge", problems)
        if from_schedule and cents is not None:
            filled[i] = cents
        pointers = _pointers(ln.pointers, n_dx, f"{at}.pointers", problems)
        line: dict[str, Any] = {
            "date_of_service": line_dos.isoformat() if line_dos else None,
            "code": code,
            "modifiers": mods,
            "units": units,
            "charge_cents": cents,
            "dx_pointers": pointers,
        }
        if ln.ndc.strip():
            line["ndc"] = ln.ndc.strip()
        out.append(line)
    return out, filled


def _form_field(path: str, line_index: dict[int, int]) -> str:
    """A document JSON path (validation error or scrubber finding) -> the form field that holds it."""
    m = re.match(r"lines\[(\d+)\](?:\.(\w+))?", path)
    if m:
        i = line_index.get(int(m[1]), int(m[1]))
        part = {"charge_cents": "charge", "dx_pointers": "pointers", None: "code"}.get(m[2], m[2])
        return f"lines[{i}].{part}"
    head = path.split(".", 1)[0].split("[", 1)[0]
    mapping = {
        "patient": "patient_id",
        "subscriber": "coverage_id",
        "payer": "coverage_id",
        "patient_relationship": "coverage_id",
        "billing_provider": "billing_provider_id",
        "rendering_provider": "rendering_provider_id",
        "referring_provider": "referring_npi",
    }
    if head == "diagnoses":
        return path
    return mapping.get(head, head)


def build_document(
    session: Session, form: ClaimForm, claim_id: str, today: date | None = None
) -> tuple[ClaimImport, dict[int, int]]:
    """The import document the form describes and the charges taken from the fee schedule (by line
    index); ``ClaimFormErrors`` naming every field at fault otherwise."""
    today = today or date.today()
    problems: list[FormProblem] = []
    dos = _day(form.date_of_service, "date_of_service", problems, required=True)
    data: dict[str, Any] = {"claim_id": claim_id, "frequency_code": "1"}
    data.update(_patient_part(session, form, dos, today, problems))
    data.update(_providers_part(session, form, problems))
    data["place_of_service"] = form.place_of_service.strip()
    data["prior_authorization"] = form.prior_authorization.strip() or None
    for key in ("onset_date", "accident_date"):
        day = _day(getattr(form, key), key, problems)
        if day:
            data[key] = day.isoformat()
    if form.accident_cause.strip():
        data["accident_cause"] = form.accident_cause.strip().upper()
    if form.accident_state.strip():
        data["accident_state"] = form.accident_state.strip().upper()
    dx = _diagnoses(form, problems)
    data["diagnoses"] = dx
    lines, filled = _lines(session, form, dos, len(dx), problems)
    data["lines"] = lines
    if problems:
        raise ClaimFormErrors(problems)
    line_index = dict(enumerate(keyed_rows(form)))  # document line -> form row
    try:
        doc = ClaimImport.model_validate(data)
    except ValidationError as exc:
        raise ClaimFormErrors(
            [
                FormProblem(field=_form_field(path, line_index), message=msg)
                for path, msg in format_validation_error(exc)
            ]
        ) from None
    return doc, filled


# ---------------------------------------------------------------- check, create, edit


def check(
    session: Session, form: ClaimForm, reference: Any, settings: Settings, today: date | None = None
) -> FormCheck:
    """The inline check while keying: form problems, else the scrubber's findings on the document."""
    try:
        doc, filled = build_document(session, form, PREVIEW_CLAIM_ID, today)
    except ClaimFormErrors as exc:
        return FormCheck(problems=exc.problems, fees=_fees_only(session, form))
    report = service.scrub_document(doc, reference, settings, session, today=today)
    line_index = dict(enumerate(keyed_rows(form)))
    findings = []
    for f in report.findings:
        field = _form_field(f.field, line_index) if f.field else None
        line = line_index.get(f.line - 1, f.line - 1) + 1 if f.line else None
        findings.append(f.model_copy(update={"field": field, "line": line}))
    return FormCheck(findings=findings, fees=filled, date_of_service=doc.lines[0].date_of_service)


def _fees_only(session: Session, form: ClaimForm) -> dict[int, int]:
    """Charges from the schedule for blank-charge lines, even while other fields still have problems."""
    out: dict[int, int] = {}
    try:
        header = date.fromisoformat(form.date_of_service.strip())
    except ValueError:
        return out
    for i, ln in enumerate(form.lines):
        if not ln.code.strip() or ln.charge.strip() or ln.charge_cents is not None:
            continue
        try:
            on = date.fromisoformat(ln.date_of_service.strip()) if ln.date_of_service.strip() else header
        except ValueError:
            continue
        fee = fees.charge_for(session, ln.code.strip().upper(), [m for m in ln.modifiers if m], on)
        if fee is not None:
            out[i] = fee.charge_cents
    return out


def new_claim_id(session: Session) -> str:
    """The next generated claim ID not on file (``C-000001``...); never typed by a person."""
    while True:
        claim_id = f"C-{repo.next_control_number(session, CLAIM_ID_SEQUENCE):06d}"
        if repo.claim_by_claim_id(session, claim_id) is None:
            return claim_id


def create(session: Session, form: ClaimForm, actor: str, today: date | None = None) -> ImportResult:
    """Save the form as a new draft under a generated claim ID (the caller's transaction: all or nothing)."""
    claim_id = new_claim_id(session)
    doc, _ = build_document(session, form, claim_id, today)
    if form.encounter_id is not None:
        try:  # the encounter rule: only an encounter handed to billing is billed
            encounters.mark_billed(session, form.encounter_id, actor=actor)
        except AssistantError as exc:
            raise ClaimFormErrors(
                [
                    FormProblem(
                        field="encounter_id", message=f"{exc.message}: {exc.fix}" if exc.fix else exc.message
                    )
                ]
            ) from None
    if repo.claim_by_claim_id(session, claim_id) is not None:  # the sequence is ours: defensive only
        raise Conflict(f"claim {claim_id} exists", field="claim_id", fix="save again for a new ID")
    result = service.import_claim(session, doc, actor)
    claim = service.get_claim(session, claim_id)
    claim.history[0].note = KEYED_NOTE
    claim.encounter_id = form.encounter_id
    session.flush()
    return result


def update(
    session: Session, claim_id: str, form: ClaimForm, actor: str, today: date | None = None
) -> ImportResult:
    """Save the form over a stored draft (same claim ID)."""
    claim = _draft(session, claim_id)
    doc, _ = build_document(session, form, claim.claim_id, today)
    return service.import_claim(session, doc, actor)


def diagnosis_search(reference: Any, query: str, on: date | None, limit: int = 8) -> list[Any]:
    """ICD-10-CM codes for the form's active search, from the release in force on the date of service."""
    if len(query.strip()) < 2:
        return []
    code = query.strip().upper()
    exact = (
        reference.find_code(code, "ICD-10-CM", on=on) if re.fullmatch(r"[A-Z]\d[\dA-Z.]{1,6}", code) else None
    )
    hits = [h for h in reference.search(query, system="ICD-10-CM", limit=limit * 2, on=on) if h.billable]
    out = [h for h in hits if exact is None or h.code != exact.code][:limit]
    return ([exact] if exact is not None else []) + out
