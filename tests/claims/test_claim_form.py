"""The claim form service: keyed == imported, generated IDs, fee defaults, and bad input refused whole."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest

from assistant.claims import form as claim_form
from assistant.claims import service
from assistant.claims.form import ClaimFormErrors
from assistant.claims.form_schemas import ClaimForm, FormLine
from assistant.claims.schemas import ClaimLink, parse_claim_document
from assistant.claims.x12_837 import Envelope, build_837p
from assistant.claims.x12_validate import validate_x12
from assistant.config import Settings
from assistant.core.db import transaction
from assistant.core.errors import Conflict, InvalidInput
from assistant.encounters import service as encounters
from assistant.encounters.models import Encounter, EncounterDiagnosis, EncounterSuggestion
from assistant.fees import service as fees
from assistant.parties import service as parties
from tests.claims.conftest import FIXTURES, TODAY

FEES = (
    "code,modifier,charge_cents,effective_from,effective_to\n"
    "99214,,18500,2026-01-01,\n20610,RT,22000,2026-01-01,\n"
)
COMPARED_OUT = {"claim_id"}


def _seed(sessions: Any, data: dict[str, Any]) -> None:
    with transaction(sessions) as s:
        service.import_json(s, json.dumps(data))
        fees.import_csv(s, FEES)


def _form_for(sessions: Any, claim_id: str = "C-2001") -> ClaimForm:
    """The form a biller keys for the same claim: stored parties by id, everything else typed."""
    with sessions() as s:
        claim = service.get_claim(s, claim_id)
        return ClaimForm(
            date_of_service="2026-05-04",
            patient_id=claim.patient_id,
            coverage_id=claim.coverage_id,
            billing_provider_id=claim.billing_provider_id,
            rendering_provider_id=claim.rendering_provider_id,
            place_of_service="11",
            diagnoses=["e11.65", "M17.11", "", ""],
            lines=[
                FormLine(code="99214", modifiers=["25", ""], pointers="AB"),  # charge from the fee schedule
                FormLine(code="20610", modifiers=["RT"], charge="220.00", pointers="B"),
                FormLine(),  # an empty row of the form is ignored
            ],
        )


def _doc(sessions: Any, claim_id: str) -> dict[str, Any]:
    with sessions() as s:
        doc = service.to_document(service.get_claim(s, claim_id)).model_dump(mode="json")
    for line in doc["lines"]:
        line.pop("line_control_number")
    return {k: v for k, v in doc.items() if k not in COMPARED_OUT}


def test_keyed_claim_equals_the_same_claim_imported_from_json(
    sessions: Any, clean_data: dict[str, Any]
) -> None:
    _seed(sessions, clean_data)
    form = _form_for(sessions)
    with transaction(sessions) as s:
        result = claim_form.create(s, form, actor="bea", today=TODAY)
    assert result.outcome == "created" and result.claim_id == "C-000001"
    assert _doc(sessions, "C-000001") == _doc(sessions, "C-2001")
    with sessions() as s:
        keyed, imported = service.get_claim(s, "C-000001"), service.get_claim(s, "C-2001")
        for attr in (
            "patient_id",
            "coverage_id",
            "payer_pk",
            "billing_provider_id",
            "rendering_provider_id",
            "place_of_service",
            "frequency_code",
            "total_charge_cents",
            "diagnosis_codes",
            "status",
        ):
            assert getattr(keyed, attr) == getattr(imported, attr), attr
        assert [(sl.code, sl.modifiers, sl.units, sl.charge_cents, sl.dx_pointers) for sl in keyed.lines] == [
            (sl.code, sl.modifiers, sl.units, sl.charge_cents, sl.dx_pointers) for sl in imported.lines
        ]
        assert keyed.history[0].note == "keyed on the claim form" and keyed.history[0].actor == "bea"


def test_generated_ids_never_overwrite_and_only_drafts_are_edited(
    sessions: Any, clean_data: dict[str, Any]
) -> None:
    _seed(sessions, clean_data)
    with transaction(sessions) as s:  # a claim someone imported under the next generated ID
        service.import_json(s, json.dumps(dict(copy.deepcopy(clean_data), claim_id="C-000001")))
    form = _form_for(sessions)
    with transaction(sessions) as s:
        first = claim_form.create(s, form, actor="bea", today=TODAY)
        second = claim_form.create(s, form, actor="bea", today=TODAY)
    assert (first.claim_id, second.claim_id) == ("C-000002", "C-000003")
    assert _doc(sessions, "C-000001") == _doc(sessions, "C-2001")  # untouched
    form.lines[1].charge = "250.00"
    with transaction(sessions) as s:
        assert claim_form.update(s, "C-000002", form, actor="bea", today=TODAY).outcome == "updated"
        assert service.get_claim(s, "C-000002").total_charge_cents == 18500 + 25000
        assert claim_form.form_of_claim(s, "C-000002").lines[1].charge_cents == 25000
        service.transition(s, service.get_claim(s, "C-000003"), "scrubbed", "bea")
    with pytest.raises(Conflict, match="only drafts"), transaction(sessions) as s:
        claim_form.update(s, "C-000003", form, actor="bea", today=TODAY)


def _problems(sessions: Any, form: ClaimForm, today: date = TODAY) -> dict[str, str]:
    with pytest.raises(ClaimFormErrors) as err, transaction(sessions) as s:
        claim_form.create(s, form, actor="bea", today=today)
    return {p.field: p.message for p in err.value.problems}


def test_bad_input_is_named_on_its_field_and_nothing_is_saved(
    sessions: Any, clean_data: dict[str, Any]
) -> None:
    _seed(sessions, clean_data)
    form = _form_for(sessions)
    bad = form.model_copy(deep=True)
    bad.diagnoses = [
        "E11.65",
        "M17.11",
        "I10",
        "E11.9",
        "J45.909",
        "E10.9",
        "N40.0",
        "D63.0",
        "O09.90",
        "P07.30",
        "E11.65",
        "I10",
        "M17.11",
    ]
    bad.lines[1].pointers = "BM"
    bad.lines[0].charge = "-185.00"
    got = _problems(sessions, bad)
    assert "at most 12" in got["diagnoses"]
    assert "not a diagnosis letter" in got["lines[1].pointers"]
    assert got["lines[0].charge"] == "a charge cannot be negative"

    missing = form.model_copy(deep=True)
    missing.lines[1].pointers = "C"
    assert "does not have" in _problems(sessions, missing)["lines[1].pointers"]

    api_negative = form.model_copy(deep=True)
    api_negative.lines[0].charge_cents = -500
    assert _problems(sessions, api_negative)["lines[0].charge"] == "a charge cannot be negative"

    with transaction(sessions) as s:
        cov = parties.coverage_record(s, form.coverage_id)
        cov.effective_to = date(2026, 4, 30)
    ended = _problems(sessions, form)["coverage_id"]
    assert "coverage ended on 2026-04-30, before the date of service" in ended
    with transaction(sessions) as s:
        parties.coverage_record(s, form.coverage_id).effective_to = None
        parties.patient_record(s, form.patient_id).dob = date(2027, 1, 1)
    assert "in the future" in _problems(sessions, form, today=date(2026, 6, 1))["patient_id"]
    with sessions() as s:
        assert [c.claim_id for c in service.list_claims(s)] == ["C-2001"]  # nothing half-saved


def test_check_fills_fees_and_names_scrubber_fields(
    sessions: Any, clean_data: dict[str, Any], ref: Any
) -> None:
    _seed(sessions, clean_data)
    form = _form_for(sessions)
    settings = Settings(timely_filing_days=36500)
    with sessions() as s:
        ok = claim_form.check(s, form, ref, settings, today=TODAY)
    assert ok.problems == [] and ok.fees == {0: 18500}
    form.diagnoses[1] = "E11.6"  # a header code: the scrubber's finding names the diagnosis field
    with sessions() as s:
        found = claim_form.check(s, form, ref, settings, today=TODAY)
    assert any(f.field == "diagnoses[1]" and f.severity == "error" for f in found.findings)
    form.lines[0].code = "99999"
    form.diagnoses = []
    with sessions() as s:
        blocked = claim_form.check(s, form, ref, settings, today=TODAY)
    assert {p.field for p in blocked.problems} >= {"diagnoses[0]", "lines[0].charge"}


def _encounter(sessions: Any, codes: list[str], **fields: Any) -> int:
    """An encounter of C-2001's patient and rendering provider on 2026-05-04 with these diagnoses."""
    with transaction(sessions) as s:
        claim = service.get_claim(s, "C-2001")
        enc = Encounter(
            patient_id=claim.patient_id,
            date_of_service=date(2026, 5, 4),
            place_of_service="11",
            rendering_provider_id=claim.rendering_provider_id,
            diagnoses=[EncounterDiagnosis(position=i, code=c) for i, c in enumerate(codes, start=1)],
            **fields,
        )
        s.add(enc)
        s.flush()
        return enc.id


def test_prefill_from_encounter(sessions: Any, clean_data: dict[str, Any]) -> None:
    _seed(sessions, clean_data)
    enc_id = _encounter(sessions, ["E11.65", "I10"], status="ready_to_bill")  # handed to billing
    with sessions() as s:
        form = claim_form.prefill(s, encounter_id=enc_id, procedures=["99214"])
        claim = service.get_claim(s, "C-2001")
    assert (form.date_of_service, form.patient_id, form.coverage_id) == (
        "2026-05-04",
        claim.patient_id,
        claim.coverage_id,
    )
    assert (
        form.diagnoses == ["E11.65", "I10"]
        and form.lines[0].code == "99214"
        and form.lines[0].pointers == "AB"
    )
    assert form.billing_provider_id == claim.billing_provider_id
    with transaction(sessions) as s:
        result = claim_form.create(s, form, actor="bea", today=TODAY)
        assert service.get_claim(s, result.claim_id).encounter_id == enc_id
    with sessions() as s:
        assert encounters.get_encounter(s, enc_id).status == "billed"  # saving the draft billed it
        assert service.claims_of_encounter(s, enc_id) == [ClaimLink(claim_id=result.claim_id, status="draft")]


def test_a_claim_from_an_encounter_not_handed_to_billing_is_refused_whole(
    sessions: Any, clean_data: dict[str, Any]
) -> None:
    _seed(sessions, clean_data)
    enc_id = _encounter(
        sessions,
        ["E11.65"],
        suggestions=[EncounterSuggestion(system="HCPCS", code="G0439", decision="accepted")],
        visit_type="telehealth_video",
        telehealth_modifier="95",
    )
    with sessions() as s:
        form = claim_form.prefill(s, encounter_id=enc_id)
    # the encounter's accepted procedure is a line, with the visit's telehealth modifier
    assert [(ln.code, ln.modifiers) for ln in form.lines] == [("G0439", ["95"])]
    form.lines[0].charge = "100.00"
    with pytest.raises(ClaimFormErrors) as refused, transaction(sessions) as s:
        claim_form.create(s, form, actor="bea", today=TODAY)
    assert [p.field for p in refused.value.problems] == ["encounter_id"]
    assert "not ready to bill" in refused.value.problems[0].message
    with sessions() as s:
        assert [c.claim_id for c in service.list_claims(s)] == ["C-2001"]  # nothing half-saved
        assert encounters.get_encounter(s, enc_id).status == "open"


def test_form_header_items_reach_the_837p_and_pyx12_accepts_it(clean_data: dict[str, Any]) -> None:
    assert "referring_provider" not in parse_claim_document(clean_data).canonical_json()  # old hashes kept
    data = copy.deepcopy(clean_data)
    data.update(
        referring_provider={"npi": "1245319599", "first_name": "Bo", "last_name": "Ref"},
        onset_date="2026-04-01",
        accident_date="2026-04-02",
        accident_cause="AA",
        accident_state="IL",
    )
    data["lines"][1].update(code="J1100", modifiers=[], ndc="00009-0022-01")
    doc = parse_claim_document(data)
    text = build_837p([doc], Envelope(7, 7))
    assert validate_x12(text) == []
    segments = text.split("~\n")
    assert "CLM*C-2001*405***11:B:1*Y*A*Y*Y**AA:::IL" in segments
    assert {"DTP*431*D8*20260401", "DTP*439*D8*20260402", "NM1*DN*1*Ref*Bo****XX*1245319599"} <= set(segments)
    assert {"LIN**N4*00009002201", "CTP****1*UN"} <= set(segments)
    with pytest.raises(InvalidInput, match="accident_state"):
        parse_claim_document({**data, "accident_state": None})


def test_cli_claims_new_from_encounter(cli: Any, container: Any) -> None:
    data = json.loads((FIXTURES / "claim_clean.json").read_text())
    _seed(container.sessions, data)
    with transaction(container.sessions) as s:
        claim = service.get_claim(s, "C-2001")
        enc = Encounter(
            patient_id=claim.patient_id,
            date_of_service=date(2026, 5, 4),
            place_of_service="11",
            status="ready_to_bill",  # the coder handed it to billing
            diagnoses=[EncounterDiagnosis(position=1, code="E11.65")],
        )
        s.add(enc)
        s.flush()
        enc_id = enc.id
    result = cli("new", "--encounter", str(enc_id), "--code", "99214:25", "--by", "cli-user")
    assert result.exit_code == 0, result.output
    claim_id = json.loads(result.output)["claim_id"]
    shown = json.loads(cli("show", claim_id).output)
    line = shown["document"]["lines"][0]
    assert (line["code"], line["modifiers"], line["charge_cents"], line["dx_pointers"]) == (
        "99214",
        ["25"],
        18500,
        [1],
    )
    bad = cli("new", "--encounter", str(enc_id), "--code", "99999")
    assert bad.exit_code == 2 and "no fee on file for 99999" in bad.output


def test_findings_name_the_form_row_even_after_an_empty_row(
    sessions: Any, clean_data: dict[str, Any], ref: Any
) -> None:
    _seed(sessions, clean_data)
    form = _form_for(sessions)
    form.lines = [form.lines[0], FormLine(), FormLine(code="J9999", charge="10.00", pointers="A")]
    with sessions() as s:
        found = claim_form.check(s, form, ref, Settings(timely_filing_days=36500), today=TODAY)
    j9999 = [f for f in found.findings if f.rule == "procedure-code-valid" and "J9999" in f.message]
    assert [(f.field, f.line) for f in j9999] == [("lines[2].code", 3)]  # the form's third row
