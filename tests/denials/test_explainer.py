"""One test per denial category through the explainer, each on a claim imported via the claims service."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from assistant.claims.models import Claim
from assistant.denials.schemas import ExplainRequest, Explanation
from assistant.denials.service import explain
from tests.remit.helpers import claim_doc, submit

REMIT = date(2026, 4, 20)
DOS = "2026-04-06"


def _explain(
    sessions,
    ref,
    doc: dict[str, Any] | None,
    group: str,
    carc: str,
    line: int | None = 1,
    rarcs: list[str] | None = None,
    status: str = "submitted",
) -> Explanation:
    if doc is not None:
        submit(sessions, doc, status)
    with sessions() as s:
        return explain(
            ExplainRequest(
                group=group,
                carc=carc,
                rarcs=rarcs or [],
                claim_id=doc["claim_id"] if doc else None,
                line=line,
                remit_date=REMIT,
            ),
            reference=ref,
            session=s,
            appeal_window_days=60,
        )


def _text(exp: Explanation) -> str:
    return " ".join([exp.root_cause, *exp.fix, *(e.detail for e in exp.evidence), *exp.unknowns])


def test_bundling_names_the_ncci_pair_and_the_allowed_modifier(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    doc = claim_doc(
        "B-97",
        [
            {"date_of_service": DOS, "code": "20611", "modifiers": ["RT"], "charge_cents": 30000},
            {"date_of_service": DOS, "code": "20610", "charge_cents": 10000},
        ],
    )
    exp = _explain(sessions, ref, doc, "CO", "97", line=2, rarcs=["M15"])
    assert (exp.category, exp.route) == ("bundling", "correct-and-resubmit")
    ptp = [e for e in exp.evidence if e.kind == "ncci-ptp"]
    assert ptp and ptp[0].detail == f"20610 is column 2 of 20611 on {DOS}, modifier indicator 1"
    assert "2026-Q1-test" in ptp[0].source
    assert {"op": "add-modifier", "line": 2, "modifier": "XS"} in exp.actions
    assert exp.deadline == REMIT + timedelta(days=60)


def test_bundling_indicator_0_is_a_write_off(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    doc = claim_doc(
        "B-0",
        [
            {"date_of_service": DOS, "code": "29877", "charge_cents": 90000},
            {"date_of_service": DOS, "code": "29880", "charge_cents": 120000},
        ],
    )
    exp = _explain(sessions, ref, doc, "CO", "97", line=1)
    assert exp.route == "write-off" and exp.appeal_viable is False and exp.deadline is None


def test_coding_shows_which_diagnosis_the_line_points_to(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    doc = claim_doc(
        "C-11",
        [{"date_of_service": DOS, "code": "20610", "dx_pointers": [2], "charge_cents": 10000}],
        diagnoses=["M17.11", "I10"],
    )
    exp = _explain(sessions, ref, doc, "CO", "11")
    assert exp.category == "coding"
    assert any("points to diagnosis 2: I10" in e.detail for e in exp.evidence)
    assert any("M17.11" in f for f in exp.fix)


def test_modifier_finds_the_missing_modifier(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    doc = claim_doc(
        "M-4",
        [
            {"date_of_service": DOS, "code": "99213", "charge_cents": 15000},
            {"date_of_service": DOS, "code": "20610", "charge_cents": 10000},
        ],
    )
    exp = _explain(sessions, ref, doc, "CO", "4", line=1)
    assert (exp.category, exp.route) == ("modifier", "correct-and-resubmit")
    assert "modifier 25" in exp.root_cause
    assert exp.actions == [{"op": "add-modifier", "line": 1, "modifier": "25"}]


def test_medical_necessity_lists_linked_dx_and_asks_for_documentation(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    doc = claim_doc(
        "MN-50", [{"date_of_service": DOS, "code": "20610", "dx_pointers": [1], "charge_cents": 10000}]
    )
    exp = _explain(sessions, ref, doc, "CO", "50")
    assert (exp.category, exp.route) == ("medical-necessity", "appeal")
    assert any("M17.11 Unilateral primary osteoarthritis, right knee" in e.detail for e in exp.evidence)
    assert any("coverage policy" in u for u in exp.unknowns)


def test_authorization_missing(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    doc = claim_doc("A-197", [{"date_of_service": DOS, "code": "20610", "charge_cents": 10000}])
    exp = _explain(sessions, ref, doc, "CO", "197")
    assert (exp.category, exp.route) == ("authorization", "obtain-authorization")
    assert any(e.detail == "prior_authorization is empty" for e in exp.evidence)
    doc2 = claim_doc(
        "A-197b",
        [{"date_of_service": DOS, "code": "20610", "charge_cents": 10000}],
        prior_authorization="AUTH555",
    )
    exp2 = _explain(sessions, ref, doc2, "CO", "197")
    assert exp2.route == "appeal" and "AUTH555" in exp2.root_cause


def test_eligibility_compares_coverage_dates(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    doc = claim_doc("E-27", [{"date_of_service": DOS, "code": "99213", "charge_cents": 15000}])
    submit(sessions, doc)
    with sessions() as s:
        claim = s.scalar(select(Claim).where(Claim.claim_id == "E-27"))
        claim.coverage.effective_to = date(2026, 3, 31)
        s.commit()
    with sessions() as s:
        exp = explain(
            ExplainRequest(group="CO", carc="27", claim_id="E-27", line=1, remit_date=REMIT),
            reference=ref,
            session=s,
        )
    assert exp.category == "eligibility"
    assert "outside the coverage dates" in exp.root_cause
    assert any("2026-03-31" in e.detail for e in exp.evidence)


def test_coordination_of_benefits_finds_other_coverage(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    submit(
        sessions,
        claim_doc("COB-1", [{"date_of_service": "2026-04-01", "code": "99213", "charge_cents": 15000}]),
    )
    second = {"payer_id": "SEC01", "name": "Second Mutual", "filing_indicator": "CI"}
    doc = claim_doc(
        "COB-22", [{"date_of_service": DOS, "code": "99213", "charge_cents": 15000}], payer=second
    )
    doc["subscriber"]["member_id"] = "MEM-COB-1"  # same patient (name + dob), a second plan
    exp = _explain(sessions, ref, doc, "CO", "22")
    assert exp.category == "coordination-of-benefits"
    assert any("87726" in e.detail and e.kind == "coverage" for e in exp.evidence)
    assert "87726" in exp.root_cause


def test_missing_information_uses_the_rarc_field(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    doc = claim_doc("MI-16", [{"date_of_service": DOS, "code": "99213", "charge_cents": 15000}])
    doc.pop("rendering_provider")
    exp = _explain(sessions, ref, doc, "CO", "16", rarcs=["N290"])
    assert (exp.category, exp.rarcs) == ("missing-information", ["N290"])
    assert any(e.detail == "rendering_provider.npi is missing on the claim" for e in exp.evidence)
    no_rarc = _explain(sessions, ref, None, "CO", "16", line=None)
    assert any("RARC" in u for u in no_rarc.unknowns)


def test_timely_filing_compares_dos_submission_and_limit(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    late = claim_doc(
        "TF-29",
        [{"date_of_service": "2025-01-06", "code": "99213", "charge_cents": 15000}],
        payer={"payer_id": "87726", "name": "Acme Health Plan", "timely_filing_days": 90},
    )
    exp = _explain(sessions, ref, late, "CO", "29")
    assert exp.category == "timely-filing"
    assert any("filing limit 90 days: last day 2025-04-06" in e.detail for e in exp.evidence)
    assert exp.route == "write-off" and exp.appeal_viable is False


def test_duplicate_names_the_earlier_claim(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    line = {"date_of_service": DOS, "code": "99213", "charge_cents": 15000}
    submit(sessions, claim_doc("DUP-1", [line]))
    exp = _explain(sessions, ref, claim_doc("DUP-2", [line]), "CO", "18")
    assert exp.category == "duplicate" and exp.route == "no-action"
    assert "DUP-1" in _text(exp)


def test_non_covered(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    exp = _explain(
        sessions,
        ref,
        claim_doc("NC-96", [{"date_of_service": DOS, "code": "97110", "charge_cents": 9000}]),
        "CO",
        "96",
    )
    assert (exp.category, exp.route, exp.procedure_code) == ("non-covered", "write-off", "97110")


def test_benefit_limit(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    exp = _explain(
        sessions,
        ref,
        claim_doc("BL-119", [{"date_of_service": DOS, "code": "97110", "units": 3, "charge_cents": 9000}]),
        "CO",
        "119",
    )
    assert exp.category == "benefit-limit"
    assert any("3 unit(s) of 97110" in e.detail for e in exp.evidence)


def test_contractual_needs_no_action(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    exp = _explain(
        sessions,
        ref,
        claim_doc("K-45", [{"date_of_service": DOS, "code": "99213", "charge_cents": 15000}]),
        "CO",
        "45",
    )
    assert (exp.category, exp.route, exp.appeal_viable, exp.deadline) == (
        "contractual",
        "no-action",
        False,
        None,
    )


def test_patient_responsibility_goes_to_patient_billing_but_co_never_does(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    doc = claim_doc("PR-2", [{"date_of_service": DOS, "code": "99213", "charge_cents": 15000}])
    exp = _explain(sessions, ref, doc, "PR", "2")
    assert (exp.category, exp.route) == ("patient-responsibility", "bill-patient")
    with sessions() as s:
        co = explain(ExplainRequest(group="CO", carc="2", claim_id="PR-2", line=1), reference=ref, session=s)
    assert co.route != "bill-patient" and "may not be billed to the patient" in co.root_cause


def test_provider_enrollment_shows_the_providers(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    exp = _explain(
        sessions,
        ref,
        claim_doc("PE-B7", [{"date_of_service": DOS, "code": "99213", "charge_cents": 15000}]),
        "CO",
        "B7",
    )
    assert exp.category == "provider-enrollment"
    assert any("rendering NPI 1497758544" in e.detail for e in exp.evidence)


def test_other_and_unknown_codes_are_said_not_guessed(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    doc = claim_doc("O-A1", [{"date_of_service": DOS, "code": "99213", "charge_cents": 15000}])
    exp = _explain(sessions, ref, doc, "CO", "A1")
    assert exp.category == "other" and exp.unknowns
    with sessions() as s:
        unknown = explain(ExplainRequest(group="CO", carc="999", rarcs=["ZZ99"]), reference=ref, session=s)
    assert unknown.category == "other"
    assert any("CARC 999 is not in the loaded CARC list" in u for u in unknown.unknowns)
    assert any("RARC ZZ99" in u for u in unknown.unknowns)
