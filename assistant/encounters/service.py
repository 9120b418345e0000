"""The encounter: opened at check-in (or as a walk-in), coded from its note, handed to billing.

Status moves: open -> coded (at least one accepted diagnosis) -> ready_to_bill (the coder hands it to
billing) -> billed (a claim was built from it). Changing the codes of a ready encounter puts it back to
coded; a billed encounter no longer changes. Accepted ICD-10-CM codes are the encounter's diagnoses, in
the order they were accepted (position 1 = primary, pointer A); accepted HCPCS/CPT codes are its
procedures.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from sqlalchemy.orm import Session

from assistant.core.db import utcnow
from assistant.core.errors import Conflict, InvalidInput, NotFound
from assistant.encounters import repository as repo
from assistant.encounters.models import Encounter, EncounterSuggestion
from assistant.encounters.schemas import (
    ENCOUNTER_STATUSES,
    MAX_DIAGNOSES,
    DiagnosisOut,
    EncounterCodeSearch,
    EncounterOpen,
    EncounterOut,
    EncounterSummary,
    QueueFilter,
    SuggestionOut,
)
from assistant.parties import service as parties
from assistant.parties.models import Patient, Provider
from assistant.parties.telehealth import visit_coding
from assistant.suggest.code_search import search_codes
from assistant.suggest.schemas import Patient as SuggestPatient
from assistant.suggest.schemas import SuggestRequest, SuggestResponse

ICD10CM = "ICD-10-CM"
POINTERS = "ABCDEFGHIJKL"
DECISIONS = ("accepted", "rejected")


class Suggester(Protocol):
    def suggest(self, request: SuggestRequest) -> SuggestResponse: ...


def age_on(dob: date, day: date) -> int:
    return max(0, day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day)))


def patient_name(p: Patient | None) -> str:
    return f"{p.last_name}, {p.first_name}" if p is not None else "?"


def provider_name(p: Provider | None) -> str | None:
    return p.display_name if p is not None else None


# ---------------------------------------------------------------- reading


def _row(session: Session, encounter_id: int) -> Encounter:
    row = repo.get(session, encounter_id)
    if row is None:
        raise NotFound(
            f"no encounter {encounter_id}", field="encounter_id", fix="pick one from the encounters list"
        )
    return row


def _suggestion_out(s: EncounterSuggestion) -> SuggestionOut:
    return SuggestionOut(
        system=s.system,
        code=s.code,
        title=s.title,
        confidence=s.confidence,
        rank=s.rank,
        source=s.source,
        decision=s.decision,  # type: ignore[arg-type]
    )


def _summary_fields(row: Encounter, patient: Patient | None, provider: Provider | None) -> dict[str, Any]:
    return {
        "id": row.id,
        "patient_id": row.patient_id,
        "patient_name": patient_name(patient),
        "date_of_service": row.date_of_service,
        "rendering_provider_id": row.rendering_provider_id,
        "provider_name": provider_name(provider),
        "place_of_service": row.place_of_service,
        "visit_type": row.visit_type,
        "status": row.status,
        "diagnoses": [d.code for d in row.diagnoses],
        "updated_at": row.updated_at,
    }


def get_encounter(session: Session, encounter_id: int) -> EncounterOut:
    row = _row(session, encounter_id)
    patient = parties.patient_record(session, row.patient_id)
    if patient is None:
        raise NotFound(f"encounter {encounter_id} names no patient on file", field="patient_id")
    rendering = row.rendering_provider_id
    provider = parties.provider_record(session, rendering) if rendering else None
    titles = {(s.system, s.code): s.title for s in row.suggestions}
    return EncounterOut(
        **_summary_fields(row, patient, provider),
        patient_sex=patient.sex,
        patient_dob=patient.dob,
        patient_age_years=age_on(patient.dob, row.date_of_service),
        telehealth_modifier=row.telehealth_modifier,
        note=row.note,
        diagnoses_detail=[
            DiagnosisOut(
                position=d.position,
                pointer=POINTERS[d.position - 1],
                code=d.code,
                title=titles.get((ICD10CM, d.code), ""),
            )
            for d in row.diagnoses
        ],
        procedures=[
            _suggestion_out(s) for s in row.suggestions if s.system != ICD10CM and s.decision == "accepted"
        ],
        suggestions=[_suggestion_out(s) for s in row.suggestions],
        updated_by=row.updated_by,
        can_edit=row.status != "billed",
    )


def queue(session: Session, filters: QueueFilter | None = None) -> list[EncounterSummary]:
    """The billers' queue: encounters by status (coded and ready to bill by default), provider and dates."""
    f = filters or QueueFilter.model_validate({})
    unknown = [s for s in f.statuses if s not in ENCOUNTER_STATUSES]
    if unknown:
        raise InvalidInput(
            f"unknown encounter status {unknown[0]!r}",
            field="status",
            fix=f"use {', '.join(ENCOUNTER_STATUSES)}",
        )
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise InvalidInput("the start date is after the end date", field="date_from", fix="swap the dates")
    rows = repo.queue(
        session,
        statuses=f.statuses,
        provider_id=f.provider_id,
        date_from=f.date_from,
        date_to=f.date_to,
        patient_id=f.patient_id,
        limit=f.limit,
    )
    patients = repo.patients_by_id(session, {r.patient_id for r in rows})
    providers = repo.providers_by_id(
        session, {r.rendering_provider_id for r in rows if r.rendering_provider_id}
    )
    return [
        EncounterSummary(
            **_summary_fields(r, patients.get(r.patient_id), providers.get(r.rendering_provider_id or 0))
        )
        for r in rows
    ]


# ---------------------------------------------------------------- writing


def _touch(row: Encounter, actor: str) -> None:
    row.updated_at = utcnow()
    row.updated_by = actor


def _editable(row: Encounter) -> None:
    if row.status == "billed":
        raise Conflict(
            f"encounter {row.id} is billed: its codes no longer change",
            field="status",
            fix="correct the claim built from it instead",
        )


def open_encounter(session: Session, data: EncounterOpen, *, actor: str) -> int:
    """Open an encounter and return its id (the patient and provider must be on file)."""
    if parties.patient_record(session, data.patient_id) is None:
        raise NotFound(f"no patient {data.patient_id}", field="patient_id", fix="register the patient first")
    rendering = data.rendering_provider_id
    if rendering is not None and parties.provider_record(session, rendering) is None:
        raise NotFound(
            f"no provider {data.rendering_provider_id}",
            field="rendering_provider_id",
            fix="pick a provider on file (add one on /providers: assistant providers add)",
        )
    visit_coding(data.visit_type, None, patient_at_home=False)  # a known visit type
    row = Encounter(
        patient_id=data.patient_id,
        rendering_provider_id=data.rendering_provider_id,
        date_of_service=data.date_of_service,
        place_of_service=data.place_of_service,
        visit_type=data.visit_type,
        telehealth_modifier=data.telehealth_modifier,
        note=(data.note or None),
        status="open",
    )
    _touch(row, actor)
    return repo.add(session, row).id


def set_note(session: Session, encounter_id: int, note: str, *, actor: str) -> EncounterOut:
    row = _row(session, encounter_id)
    _editable(row)
    row.note = note.strip() or None
    _touch(row, actor)
    session.flush()
    return get_encounter(session, encounter_id)


def suggest_request(session: Session, row: Encounter, text: str, top_k: int = 10) -> SuggestRequest:
    """The engine request for the encounter's note: its date of service and the patient's sex and age."""
    patient = parties.patient_record(session, row.patient_id)
    who = None
    if patient is not None:
        sex = patient.sex if patient.sex in ("F", "M") else "U"
        who = SuggestPatient(
            sex=sex,  # type: ignore[arg-type]
            age_years=age_on(patient.dob, row.date_of_service),
            date_of_birth=patient.dob,
        )
    return SuggestRequest(text=text, top_k=top_k, date_of_service=row.date_of_service, patient=who)


def request_for(session: Session, encounter_id: int, text: str) -> SuggestRequest:
    """The engine request for ``text`` as the note of encounter ``encounter_id``."""
    return suggest_request(session, _row(session, encounter_id), text)


def run_suggestions(session: Session, encounter_id: int, engine: Suggester, *, actor: str) -> EncounterOut:
    """Run the suggestion engine on the encounter's note and attach its codes to the encounter."""
    row = _row(session, encounter_id)
    _editable(row)
    if not (row.note or "").strip():
        raise InvalidInput(
            "the encounter has no note yet", field="note", fix="paste the physician note first"
        )
    response = engine.suggest(suggest_request(session, row, row.note or ""))
    attach_suggestions(session, encounter_id, response, actor=actor)
    return get_encounter(session, encounter_id)


def attach_suggestions(
    session: Session, encounter_id: int, response: SuggestResponse, *, actor: str, note: str | None = None
) -> None:
    """Attach a suggestion response: pending codes are replaced by the new ones; decided codes (accepted
    or rejected, or added by hand) are kept as they are. ``note`` (the chat's pasted note) becomes the
    encounter's note."""
    row = _row(session, encounter_id)
    _editable(row)
    if note is not None and note.strip():
        row.note = note.strip()
    kept = {(s.system, s.code): s for s in row.suggestions if s.decision != "pending"}
    for pending in [s for s in row.suggestions if s.decision == "pending"]:
        repo.delete_suggestion(session, pending)
    session.expire(row, ["suggestions"])
    for rank, hit in enumerate(response.suggestions, 1):
        old = kept.get((hit.system, hit.code))
        if old is not None:
            old.rank = rank
            continue
        repo.add_suggestion(
            session,
            EncounterSuggestion(
                encounter_id=encounter_id,
                system=hit.system,
                code=hit.code,
                title=hit.title[:255],
                confidence=hit.confidence,
                rank=rank,
                source="engine",
                decision="pending",
            ),
        )
    _touch(row, actor)
    session.flush()
    session.expire(row, ["suggestions"])


def _sync_diagnoses(session: Session, row: Encounter) -> None:
    """The accepted ICD-10-CM codes become the diagnoses: those already there keep their order, newly
    accepted ones follow; the status follows the diagnoses."""
    session.expire(row, ["suggestions"])
    accepted = [s.code for s in row.suggestions if s.system == ICD10CM and s.decision == "accepted"]
    current = [d.code for d in row.diagnoses if d.code in accepted]
    codes = current + [c for c in accepted if c not in current]
    if len(codes) > MAX_DIAGNOSES:
        raise InvalidInput(
            f"an encounter holds at most {MAX_DIAGNOSES} diagnoses (a claim has pointers A-L)",
            field="code",
            fix="reject a less important diagnosis first",
        )
    if codes != [d.code for d in row.diagnoses]:
        repo.set_diagnoses(session, row, codes)
    row.status = "coded" if codes else "open"


def decide(
    session: Session, encounter_id: int, code: str, decision: str, *, actor: str, system: str = ICD10CM
) -> EncounterOut:
    """Accept or reject a suggested (or hand-added) code of the encounter."""
    if decision not in DECISIONS:
        raise InvalidInput(f"unknown decision {decision!r}", field="decision", fix="accepted or rejected")
    row = _row(session, encounter_id)
    _editable(row)
    code = code.strip().upper()
    s = repo.suggestion(session, encounter_id, system, code)
    if s is None:
        raise NotFound(
            f"{code} was not suggested for encounter {encounter_id}",
            field="code",
            fix="run the suggestions, or add the code by hand",
        )
    s.decision = decision
    session.flush()
    _sync_diagnoses(session, row)
    _touch(row, actor)
    session.flush()
    return get_encounter(session, encounter_id)


def add_code(
    session: Session, encounter_id: int, code: str, reference: Any, *, actor: str, system: str = ICD10CM
) -> EncounterOut:
    """Add a code the suggestions missed: it must be a billable code of the release in force on the date of
    service; it is accepted at once."""
    row = _row(session, encounter_id)
    _editable(row)
    code = code.strip().upper()
    if not code:
        raise InvalidInput("no code given", field="code", fix="type a code or search for one")
    if system == ICD10CM and len(code) > 3 and "." not in code:
        code = f"{code[:3]}.{code[3:]}"
    info = reference.find_code(code, system, on=row.date_of_service)
    if info is None:
        raise NotFound(
            f"{code} is not a {system} code in the release in force on {row.date_of_service}",
            field="code",
            fix="search by words and pick a code from the list",
        )
    if not info.billable:
        raise InvalidInput(
            f"{code} is a header, not a billable code",
            field="code",
            fix="choose one of the more specific codes under it",
        )
    s = repo.suggestion(session, encounter_id, system, info.code)
    if s is None:
        s = repo.add_suggestion(
            session,
            EncounterSuggestion(
                encounter_id=encounter_id,
                system=system,
                code=info.code,
                title=info.title[:255],
                rank=10_000,
                source="hand",
                decision="accepted",
            ),
        )
    s.decision = "accepted"
    session.flush()
    _sync_diagnoses(session, row)
    _touch(row, actor)
    session.flush()
    return get_encounter(session, encounter_id)


def search_codes_for(
    session: Session, encounter_id: int, q: str, reference: Any, walker: Any = None
) -> EncounterCodeSearch:
    """Codes matching ``q`` in the ICD-10-CM release in force on the encounter's date of service."""
    row = _row(session, encounter_id)
    hits = search_codes(reference, q, system=ICD10CM, limit=15, on=row.date_of_service, walker=walker)
    return EncounterCodeSearch(q=q, date_of_service=row.date_of_service, hits=hits)


def order_diagnoses(session: Session, encounter_id: int, codes: list[str], *, actor: str) -> EncounterOut:
    """Put the diagnoses in this order (the first is the primary, pointer A): the same codes, reordered."""
    row = _row(session, encounter_id)
    _editable(row)
    wanted = [c.strip().upper() for c in codes if c.strip()]
    current = [d.code for d in row.diagnoses]
    if sorted(wanted) != sorted(current):
        raise InvalidInput(
            "the new order must list the encounter's diagnoses, each once",
            field="codes",
            fix=f"reorder {', '.join(current)}",
        )
    if wanted != current:
        repo.set_diagnoses(session, row, wanted)
        if row.status == "ready_to_bill":
            row.status = "coded"
    _touch(row, actor)
    session.flush()
    return get_encounter(session, encounter_id)


def move_up(session: Session, encounter_id: int, code: str, *, actor: str) -> EncounterOut:
    """Move one diagnosis a place up (to primary from pointer B)."""
    current = [d.code for d in _row(session, encounter_id).diagnoses]
    code = code.strip().upper()
    if code not in current:
        raise NotFound(f"{code} is not a diagnosis of encounter {encounter_id}", field="code")
    i = current.index(code)
    if i > 0:
        current[i - 1], current[i] = current[i], current[i - 1]
    return order_diagnoses(session, encounter_id, current, actor=actor)


def ready_to_bill(session: Session, encounter_id: int, *, actor: str) -> EncounterOut:
    """Hand a coded encounter to billing."""
    row = _row(session, encounter_id)
    _editable(row)
    if not row.diagnoses:
        raise InvalidInput(
            f"encounter {encounter_id} has no diagnosis yet",
            field="diagnoses",
            fix="accept at least one suggested code or add one by hand",
        )
    if row.rendering_provider_id is None:
        raise InvalidInput(
            "the encounter names no rendering provider",
            field="rendering_provider_id",
            fix="check the visit in first",
        )
    row.status = "ready_to_bill"
    _touch(row, actor)
    session.flush()
    return get_encounter(session, encounter_id)


def mark_billed(session: Session, encounter_id: int, *, actor: str) -> EncounterOut:
    """A claim was built from the encounter (the claim form calls this)."""
    row = _row(session, encounter_id)
    if row.status not in ("ready_to_bill", "billed"):
        raise Conflict(
            f"encounter {encounter_id} is {row.status}, not ready to bill",
            field="status",
            fix="the coder marks it ready to bill first",
        )
    row.status = "billed"
    _touch(row, actor)
    session.flush()
    return get_encounter(session, encounter_id)
