"""The parties service: registration, validation, duplicates, search, coverage order, merge, and the
claims import finding the registered person instead of storing them twice."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from assistant.billing import service as billing
from assistant.claims import service as claims
from assistant.claims.schemas import parse_claim_document
from assistant.core.db import transaction
from assistant.core.errors import AssistantError, Conflict, InvalidInput
from assistant.encounters.models import Encounter
from assistant.parties import forms, service
from assistant.parties.models import Coverage, Patient
from assistant.security import audit
from assistant.security.models import AuditEntry
from tests.parties.conftest import CLAIMS, coverage, payer, person


def _count(s: Session) -> int:
    return int(s.scalar(select(func.count()).select_from(Patient)) or 0)


def test_register_and_read_back_every_field(sessions: sessionmaker[Session]) -> None:
    guarantor = {
        "relationship": "spouse",
        "first_name": "Mary",
        "last_name": "Doe",
        "phone": "217.555.0199",
        "address": {"line1": "5 Oak Ave", "city": "Springfield", "state": "il", "zip": "62704-1234"},
    }
    with transaction(sessions) as s:
        saved = service.register_patient(s, person(guarantor=guarantor))
    with transaction(sessions) as s:
        p = service.get_patient(s, saved.patient.id)
    assert (p.first_name, p.last_name, p.dob, p.sex) == ("John", "Doe", date(1961, 4, 12), "M")
    assert p.phone == "2175550134" and p.email == "john.doe@example.org" and p.preferred_contact == "email"
    assert p.address.city == "Springfield" and p.address.zip == "62704"
    assert p.guarantor.relationship == "spouse" and p.guarantor.first_name == "Mary"
    assert (
        p.guarantor.address and p.guarantor.address.state == "IL" and p.guarantor.address.zip == "627041234"
    )
    assert p.guarantor.phone == "2175550199" and p.coverages == [] and p.merged_into_id is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"dob": "tomorrow"}, "dob"),  # read when the test runs, not when it is collected
        ({"sex": "X"}, "sex"),
        ({"address": {"state": "ZZ"}}, "address.state"),
        ({"address": {"zip": "6270"}}, "address.zip"),
        ({"email": "john.at.example.org"}, "email"),
        ({"phone": "555-0134"}, "phone"),
    ],
)
def test_bad_patient_fields_are_named(changes: dict[str, Any], field: str) -> None:
    form = {"first_name": "John", "last_name": "Doe", "dob": "1961-04-12", "sex": "M"}
    for key, value in changes.items():
        if value == "tomorrow":
            value = (date.today() + timedelta(days=1)).isoformat()
        if isinstance(value, dict):
            form.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            form[key] = value
    with pytest.raises(InvalidInput) as err:
        forms.patient_from_form(form)
    assert err.value.field == field


def test_preferred_contact_needs_its_channel(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(InvalidInput) as err, transaction(sessions) as s:
        service.register_patient(s, person(email=None))
    assert err.value.field == "email"
    with transaction(sessions) as s:
        assert _count(s) == 0


def test_same_name_and_birth_date_warns_until_confirmed(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        first = service.register_patient(s, person()).patient.id
    with pytest.raises(service.DuplicatePatient) as err, transaction(sessions) as s:
        service.register_patient(
            s, person(first_name="JOHN", last_name="doe", phone=None, email=None, preferred_contact=None)
        )
    assert [d.id for d in err.value.duplicates] == [first]
    assert err.value.to_dict()["duplicates"][0]["id"] == first and err.value.status_code == 409
    with transaction(sessions) as s:
        assert _count(s) == 1
        saved = service.register_patient(s, person(), confirm_duplicate=True)
    assert saved.patient.id != first and [d.id for d in saved.duplicates] == [first]
    with transaction(sessions) as s:  # another birth date is another person: no warning
        service.register_patient(s, person(dob="1961-04-13"))
        assert _count(s) == 3


def test_search_by_name_birth_date_and_member_id(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        payer(s)
        john = service.register_patient(s, person()).patient.id
        ann = service.register_patient(
            s, person(first_name="Ann", last_name="Lee", dob="1980-01-31")
        ).patient.id
        service.add_coverage(s, ann, coverage(member_id="ABC123"))
    with transaction(sessions) as s:
        assert [p.id for p in service.search_patients(s, "do jo")] == [john]
        assert [p.id for p in service.search_patients(s, "1/31/1980")] == [ann]
        assert [p.id for p in service.search_patients(s, "1980-01-31")] == [ann]
        hit = service.search_patients(s, "abc123")
        assert [p.id for p in hit] == [ann] and hit[0].primary_member_id == "ABC123"
        assert [p.id for p in service.search_patients(s, member_id="ABC123")] == [ann]
        assert service.search_patients(s, "zed") == []
        assert {p.id for p in service.search_patients(s, "")} == {john, ann}


def test_coverage_rules_and_nothing_half_saved(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        payer(s)
        pid = service.register_patient(s, person()).patient.id
        service.add_coverage(s, pid, coverage(order=1))
    bad = [
        (coverage(payer_id="NOPE", member_id="X1"), "payer_id"),
        (coverage(member_id="X2", effective_from="2026-03-01", effective_to="2026-02-01"), "effective_to"),
        (coverage(member_id="X3", order=1), "order"),
        (coverage(member_id="X4", relationship="01"), "subscriber.first_name"),
        (coverage(), "member_id"),
    ]
    for data, field in bad:
        with pytest.raises(AssistantError) as err, transaction(sessions) as s:
            service.add_coverage(s, pid, data)
        assert err.value.field == field, (field, err.value)
    with pytest.raises(ValidationError):
        coverage(member_id="X5", relationship="brother")
    with transaction(sessions) as s:
        assert [c.member_id for c in service.get_patient(s, pid).coverages] == ["W123456789"]


def test_two_coverages_ordered_and_reordered(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        payer(s)
        payer(s, "00431", "Medicare Part B")
        pid = service.register_patient(s, person()).patient.id
        first = service.add_coverage(s, pid, coverage(copay_cents=2500, effective_from="2025-01-01"))
        sub = {"first_name": "Mary", "last_name": "Doe", "dob": "1963-02-02", "sex": "F"}
        second = service.add_coverage(
            s, pid, coverage("00431", "1EG4TE5MK72", relationship="01", subscriber=sub, group_number="G-7")
        )
    assert (first.order_name, second.order_name) == ("primary", "secondary")
    assert second.relationship == "spouse" and second.relationship_code == "01"
    assert second.subscriber and second.subscriber.first_name == "Mary" and first.subscriber is None
    assert first.copay_cents == 2500 and first.active and first.relationship_code == "18"
    with transaction(sessions) as s:
        out = service.move_coverage_up(s, pid, second.id)
    assert [(c.order, c.payer.payer_id) for c in out.coverages] == [(1, "00431"), (2, "87726")]
    with transaction(sessions) as s:
        out = service.reorder_coverages(s, pid, [first.id, second.id])
        assert [c.id for c in out.coverages] == [first.id, second.id]
        with pytest.raises(InvalidInput) as err:
            service.reorder_coverages(s, pid, [first.id, first.id])
        assert err.value.field == "coverage_ids"
        service.add_coverage(s, pid, coverage(member_id="T3"))
        with pytest.raises(InvalidInput) as err:  # a taken rank is refused: reorder instead
            service.update_coverage(s, pid, first.id, coverage(order=3))
        assert err.value.field == "order"
        with pytest.raises(Conflict):
            service.add_coverage(s, pid, coverage(member_id="T4"))


def _import(session: Session, first: str, member_id: str, claim_id: str) -> int:
    data = json.loads((CLAIMS / "claim_clean.json").read_text())
    data["claim_id"] = claim_id
    data["subscriber"].update(first_name=first, member_id=member_id)
    claims.import_claim(session, parse_claim_document(data), actor="t")
    return claims.get_claim(session, claim_id).patient_id


def test_claim_import_finds_the_registered_patient(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        payer(s, "00431", "Medicare Part B")
        pid = service.register_patient(s, person()).patient.id
        service.add_coverage(s, pid, coverage("00431", "MB-1"))
    with transaction(sessions) as s:
        assert _import(s, "John", "W123456789", "C-1") == pid
    with transaction(sessions) as s:
        p = service.get_patient(s, pid)
        assert [(c.order, c.member_id) for c in p.coverages] == [(1, "MB-1"), (2, "W123456789")]
        assert p.email == "john.doe@example.org"  # the front desk's data is kept
        assert _count(s) == 1


def test_merge_moves_everything_and_is_audited(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        payer(s)
        keep = service.register_patient(s, person()).patient.id
        service.add_coverage(s, keep, coverage())  # the same policy as the duplicate's claim
        dup = _import(s, "Jon", "W123456789", "C-9")  # a typo at import made a second record
        s.add(Encounter(patient_id=dup, date_of_service=date(2026, 5, 4), place_of_service="11"))
        billing.post_charge(s, dup, 4000, actor="t", service_date=date(2026, 5, 4), description="Visit")
        service.add_coverage(s, dup, coverage(member_id="SEC-1"))
    assert dup != keep
    with transaction(sessions) as s:
        result = service.merge_patients(s, keep, dup, actor="desk")
    assert result.moved["claims"] == 1 and result.moved["encounters"] == 1
    assert result.moved["billing_ledger_entries"] == 1
    assert (result.coverages_moved, result.coverages_combined) == (1, 1)
    with transaction(sessions) as s:
        survivor = service.get_patient(s, keep)
        assert [(c.order, c.member_id) for c in survivor.coverages] == [(1, "W123456789"), (2, "SEC-1")]
        claim = claims.get_claim(s, "C-9")
        assert claim.patient_id == keep and claim.coverage_id == survivor.coverages[0].id
        assert billing.balance(s, f"id:{keep}", with_entries=False).balance_cents > 0
        assert service.get_patient(s, dup).merged_into_id == keep
        assert [p.id for p in service.search_patients(s, "doe")] == [keep]
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == service.PATIENT_MERGE)).one()
        detail = json.loads(entry.detail)
        assert (entry.actor, entry.target_id, detail["merged_id"], detail["survivor_id"]) == (
            "desk",
            str(keep),
            dup,
            keep,
        )
        assert audit.verify_chain(s).intact
    with transaction(sessions) as s:  # a claim file still naming the duplicate lands on the survivor
        assert _import(s, "Jon", "W123456789", "C-10") == keep
        assert _count(s) == 2
    with pytest.raises(Conflict), transaction(sessions) as s:  # a merged record takes no more work
        service.merge_patients(s, keep, dup, actor="desk")
    with pytest.raises(DatabaseError, match="append-only"), transaction(sessions) as s:
        s.execute(text("UPDATE billing_ledger_entries SET amount_cents = 1"))  # still append-only


def test_payers_add_edit_list(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        payer(s)
        with pytest.raises(Conflict):
            payer(s)
        data = forms.payer_from_form(
            {"payer_id": "87726", "name": "Example Health", "filing_indicator": "bl", "address.state": "UT"}
        )
        out = service.update_payer(s, "87726", data)
        assert (out.name, out.filing_indicator, out.address.state) == ("Example Health", "BL", "UT")
        with pytest.raises(InvalidInput) as err:
            service.add_payer(
                s, forms.payer_from_form({"payer_id": "X", "name": "Y", "filing_indicator": "QQ"})
            )
        assert err.value.field == "filing_indicator"
        assert [p.payer_id for p in service.list_payers(s)] == ["87726"]
        assert s.scalar(select(func.count()).select_from(Coverage)) == 0


def test_coverage_in_force_on_the_date_of_service(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        payer(s)
        payer(s, "00431", "Medicare Part B")
        pid = service.register_patient(s, person()).patient.id
        old = service.add_coverage(s, pid, coverage(effective_from="2025-01-01", effective_to="2025-12-31"))
        new = service.add_coverage(s, pid, coverage("00431", "MB-1", effective_from="2026-01-01"))
    with transaction(sessions) as s:
        assert [c.id for c in service.coverages_in_force(s, pid, date(2026, 3, 4))] == [new.id]
        assert [c.id for c in service.coverages_in_force(s, pid, date(2025, 6, 1))] == [old.id]
        assert service.coverage_for_service(s, pid, new.id, date(2026, 3, 4)).active
        with pytest.raises(InvalidInput, match="ended on 2025-12-31, before the date of service") as err:
            service.coverage_for_service(s, pid, old.id, date(2026, 3, 4))
        assert err.value.field == "coverage_id"
        with pytest.raises(InvalidInput, match="starts on 2026-01-01"):
            service.coverage_for_service(s, pid, new.id, date(2025, 12, 1))


def test_coverage_ranks_leave_no_gap(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        payer(s)
        pid = service.register_patient(s, person()).patient.id
        service.add_coverage(s, pid, coverage(member_id="A"))
        lone = service.add_coverage(s, pid, coverage(member_id="B", order=3))
        assert (lone.order, lone.order_name) == (2, "secondary")
        primary = service.get_patient(s, pid).coverages[0]
        moved = service.update_coverage(s, pid, primary.id, coverage(member_id="A", order=3))
        assert moved.order == 2  # the primary moved to the end: B is primary now
        assert [c.member_id for c in service.get_patient(s, pid).coverages] == ["B", "A"]
