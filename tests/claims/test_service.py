"""Import idempotency, transitions, duplicates, drafts from codes, 837P export/batches (real migrated DB)."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest

from assistant.claims import service
from assistant.claims.models import ClaimStatus, X12Batch
from assistant.claims.schemas import AcceptedCode
from assistant.claims.x12_validate import parse_837p, validate_x12
from assistant.config import Settings
from assistant.core.db import transaction
from assistant.core.errors import Conflict, InvalidInput
from tests.claims.conftest import TODAY, make

SETTINGS = Settings()


def _import(factory, data, actor="tester"):
    with transaction(factory) as s:
        return service.import_json(s, json.dumps(data), actor=actor)


def test_import_is_idempotent_and_updates_drafts(sessions, clean_data):
    assert _import(sessions, clean_data)[0].outcome == "created"
    assert _import(sessions, clean_data)[0].outcome == "unchanged"
    clean_data["lines"][1]["charge_cents"] = 25000
    assert _import(sessions, clean_data)[0].outcome == "updated"
    with sessions() as s:
        claim = service.get_claim(s, "C-2001")
        assert claim.total_charge_cents == 43500
        assert [sl.line_control_number for sl in claim.lines] == ["C-2001-1", "C-2001-2"]
        assert claim.patient.coverages[0].member_id == "W123456789"
        assert claim.history[0].actor == "tester"


def test_import_is_one_transaction(sessions, clean_data):
    bad = copy.deepcopy(clean_data)
    bad["claim_id"] = "C-BAD"
    bad["total_charge_cents"] = 1
    with pytest.raises(InvalidInput):
        _import(sessions, [clean_data, bad])
    with sessions() as s:
        assert service.list_claims(s) == []


def test_changed_claim_refused_after_submission(sessions, clean_data, ref):
    _import(sessions, clean_data)
    with transaction(sessions) as s:
        claim = service.get_claim(s, "C-2001")
        for to in ["scrubbed", "ready", "submitted"]:
            service.transition(s, claim, to, "alice")
    clean_data["lines"][0]["units"] = 2
    with pytest.raises(Conflict) as exc:
        _import(sessions, clean_data)
    assert "frequency_code 7" in exc.value.fix


def test_transitions_enforced_and_recorded(sessions, clean_data):
    _import(sessions, clean_data)
    with transaction(sessions) as s:
        claim = service.get_claim(s, "C-2001")
        with pytest.raises(Conflict) as exc:
            service.transition(s, claim, "paid", "bob")
        assert "draft to paid" in exc.value.message and "scrubbed" in exc.value.fix
        with pytest.raises(InvalidInput):
            service.transition(s, claim, "lost", "bob")
        for to in [
            "scrubbed",
            "ready",
            "submitted",
            "accepted",
            "partially_paid",
            "appealed",
            "paid",
            "closed",
        ]:
            service.transition(s, claim, to, "bob")
    with sessions() as s:
        history = service.detail(service.get_claim(s, "C-2001")).history
        assert [h.to_status for h in history][-3:] == ["appealed", "paid", "closed"]
        assert all(h.actor == "bob" and h.at for h in history[1:])


def test_scrub_stored_claim_moves_status_and_finds_duplicates(sessions, clean_data, ref_ncci):
    _import(sessions, clean_data)
    with transaction(sessions) as s:
        report = service.scrub_input(s, "C-2001", ref_ncci, SETTINGS, today=TODAY)
        assert report.clean
        assert service.get_claim(s, "C-2001").status == "scrubbed"
    twin = copy.deepcopy(clean_data)
    twin["claim_id"] = "C-2002"
    _import(sessions, twin)
    with transaction(sessions) as s:
        report = service.scrub_input(s, "C-2002", ref_ncci, SETTINGS, today=TODAY)
        dup = [f for f in report.errors if f.rule == "duplicate-claim"]
        assert len(dup) == 2 and "C-2001" in dup[0].message
        assert service.get_claim(s, "C-2002").status == "draft"


def test_create_draft_from_accepted_codes(sessions, clean_data):
    encounter = {k: v for k, v in clean_data.items() if k not in {"diagnoses", "lines"}}
    encounter.update(
        claim_id="ENC-1", date_of_service="2026-05-04", note="Knee injection; diabetes follow-up"
    )
    accepted = [
        AcceptedCode(code="E11.65", system="ICD-10-CM"),
        AcceptedCode(code="M17.11", system="ICD-10-CM"),
        AcceptedCode(code="99214", system="CPT", modifiers=["25"], charge_cents=18500),
        AcceptedCode(code="20610", system="CPT", modifiers=["RT"], charge_cents=22000),
    ]
    with transaction(sessions) as s:
        result = service.create_draft_claim_from_codes(s, encounter, accepted, actor="coder")
    assert result.outcome == "created" and result.status == "draft"
    with sessions() as s:
        claim = service.get_claim(s, "ENC-1")
        assert claim.diagnosis_codes == ["E11.65", "M17.11"]
        assert [sl.code for sl in claim.lines] == ["99214", "20610"]
        assert claim.encounter_id is not None


def _ready_claim(factory, data, cid, day):
    data = copy.deepcopy(data)
    data["claim_id"] = cid
    for line in data["lines"]:
        line["date_of_service"] = f"2026-05-{day:02d}"
    _import(factory, data)
    with transaction(factory) as s:
        claim = service.get_claim(s, cid)
        service.transition(s, claim, "scrubbed", "t")
        service.transition(s, claim, "ready", "t")


def test_batch_control_numbers_unique_across_runs(sessions, clean_data, ref_ncci, tmp_path):
    numbers = []
    day = 4
    for run_no in range(3):
        ids = [f"B{run_no}-1"] if run_no else ["B0-1", "B0-2"]
        for cid in ids:
            _ready_claim(sessions, clean_data, cid, day)
            day += 1
        with transaction(sessions) as s:
            result = service.batch(s, "87726", tmp_path, ref_ncci, SETTINGS, actor="t", today=TODAY)
        numbers.append(result.interchange_control_number)
        text = (tmp_path / result.file_name).read_text()
        assert validate_x12(text) == []
        assert [c.claim_id for c in parse_837p(text)] == ids
    assert len(set(numbers)) == 3 and numbers == sorted(numbers)
    with sessions() as s:
        assert {c.status for c in service.list_claims(s)} == {"submitted"}
        assert s.query(X12Batch).count() == 3
    with transaction(sessions) as s, pytest.raises(Exception, match="no ready claims"):
        service.batch(s, "87726", tmp_path, ref_ncci, SETTINGS, today=TODAY)


def test_x12_refused_when_scrubber_finds_errors(sessions, example_data, ref_ncci):
    _import(sessions, example_data)  # DOS 2026-03-02: outside the ICD-10-CM release
    with transaction(sessions) as s, pytest.raises(service.ClaimHasErrors) as exc:
        service.x12_for_input(s, "C-1001", ref_ncci, SETTINGS, today=TODAY)
    assert any(f.rule == "icd10cm-valid" for f in exc.value.report.errors)
    assert "findings" in exc.value.to_dict()


def test_status_enum_covers_brief():
    assert {s.value for s in ClaimStatus} >= {
        "draft",
        "scrubbed",
        "ready",
        "submitted",
        "accepted",
        "rejected",
        "paid",
        "denied",
        "partially_paid",
        "appealed",
        "corrected",
        "closed",
    }


def test_dates_are_kept(sessions, clean_data):
    _import(sessions, clean_data)
    with sessions() as s:
        doc = service.to_document(service.get_claim(s, "C-2001"))
    assert doc.lines[0].date_of_service == date(2026, 5, 4)
    assert make(clean_data).model_dump(exclude={"lines", "payer"}) == doc.model_dump(
        exclude={"lines", "payer"}
    )
    assert doc.payer.telehealth_policy == "pos_and_95"  # the payer default is filled in
