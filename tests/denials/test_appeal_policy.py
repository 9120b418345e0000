"""Appeal letters argue for the practice; the actions offered follow the one adjustment policy.

CO-4 (our missing modifier 25) routes to a corrected claim, not an appeal; CO-97 (distinct service marked
XS, bundled anyway), CO-16 (the claim carried the field) and CO-50 (medical necessity) get letters that
state the practice's position, cite the claim, leave the clinical facts as placeholders, and never quote
internal rule names or concede.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assistant.claims.models import Claim
from assistant.core.adjustments import next_steps
from assistant.core.db import transaction
from assistant.core.errors import Conflict
from assistant.denials.knowledge import PLACEHOLDER
from assistant.denials.schemas import ExplainRequest
from assistant.denials.service import appeal_letter, corrected_claim, explain
from tests.remit.helpers import claim_doc, submit

# Words of the payer's case or of our internal analysis that an appeal letter must never carry.
FORBIDDEN = (
    "scrubber",
    "em-modifier",
    "ncci-ptp",
    "source:",
    "absorbs",
    "without modifier",
    "may not be billed",
    "we agree",
    "our error",
    "in error",
    "incorrect",
    "missing",
    "write off",
    "written off",
    "not payable",
    "not covered",
    "passes our",
)


def _claim(sessions, claim_id: str, lines: list[dict], **extra) -> None:  # type: ignore[no-untyped-def]
    submit(sessions, claim_doc(claim_id, lines, **extra), "denied")
    with transaction(sessions) as s:
        s.scalar(select(Claim).where(Claim.claim_id == claim_id)).payer_claim_number = f"P-{claim_id}"  # type: ignore[union-attr]


def _letter(sessions, ref, settings, claim_id: str, group: str, carc: str, line: int, rarcs=()):  # type: ignore[no-untyped-def]
    req = ExplainRequest(group=group, carc=carc, claim_id=claim_id, line=line, rarcs=list(rarcs))
    with sessions() as s:
        return appeal_letter(s, req, reference=ref, settings=settings)


def _assert_argues(text: str) -> None:
    lower = text.lower()
    for word in FORBIDDEN:
        assert word not in lower, word
    assert "We ask you to reverse the" in text
    assert "Clinical reasons the service was necessary" in text
    assert text.split("as billed:\n", 1)[1].startswith(PLACEHOLDER)
    assert "Documentation enclosed:\n- " + PLACEHOLDER in text


def test_policy_routes_each_adjustment_to_its_actions() -> None:
    assert next_steps("bill-patient") == ["bill-patient"]
    assert next_steps("bill-patient", has_secondary=True) == ["bill-secondary"]
    assert "appeal" not in next_steps("bill-patient") + next_steps("bill-patient", has_secondary=True)
    assert next_steps("correct-and-resubmit", own_error=True) == ["corrected-claim", "write-off"]
    assert next_steps("appeal", own_error=True)[0] == "corrected-claim"
    assert next_steps("appeal") == ["appeal", "write-off"]
    assert next_steps("correct-and-resubmit") == ["appeal", "write-off"]
    assert next_steps("no-action") == []


def test_co4_missing_modifier_25_is_a_corrected_claim_not_an_appeal(sessions, ref, tmp_settings) -> None:  # type: ignore[no-untyped-def]
    _claim(
        sessions,
        "EM-1",
        [
            {"date_of_service": "2026-04-06", "code": "99214", "charge_cents": 20000},
            {"date_of_service": "2026-04-06", "code": "20610", "charge_cents": 10000},
        ],
    )
    with sessions() as s:
        exp = explain(ExplainRequest(group="CO", carc="4", claim_id="EM-1", line=1), reference=ref, session=s)
    assert exp.next_steps == ["corrected-claim", "write-off"]
    assert exp.actions == [{"op": "add-modifier", "line": 1, "modifier": "25"}]
    with pytest.raises(Conflict) as err:
        _letter(sessions, ref, tmp_settings, "EM-1", "CO", "4", 1)
    assert "corrected claim, not an appeal" in err.value.message
    with transaction(sessions) as s:
        out = corrected_claim(
            s,
            ExplainRequest(group="CO", carc="4", claim_id="EM-1", line=1),
            claim_id="EM-1",
            actions=None,
            reference=ref,
            settings=tmp_settings,
        )
    assert out.applied == ["line 1: add modifier 25"] and out.frequency_code == "7"
    assert out.original_claim_number == "P-EM-1"


def test_co97_letter_argues_the_service_was_distinct(sessions, ref, tmp_settings) -> None:  # type: ignore[no-untyped-def]
    _claim(
        sessions,
        "BU-1",
        [
            {"date_of_service": "2026-04-06", "code": "20611", "modifiers": ["RT"], "charge_cents": 30000},
            {"date_of_service": "2026-04-06", "code": "20610", "modifiers": ["XS"], "charge_cents": 10000},
        ],
    )
    letter = _letter(sessions, ref, tmp_settings, "BU-1", "CO", "97", 2, ["M15"])
    text = letter.text
    _assert_argues(text)
    assert letter.explanation.next_steps == ["appeal", "write-off"]
    assert "20610 with modifier(s) XS on 2026-04-06 (line 2) was a separate and distinct service" in text
    assert "from 20611 billed the same day" in text and "separately payable" in text
    assert "P-BU-1" in text and "MEM-BU-1" in text
    assert letter.placeholders >= 5


def test_co16_letter_says_the_claim_carried_the_information(sessions, ref, tmp_settings) -> None:  # type: ignore[no-untyped-def]
    _claim(sessions, "MI-1", [{"date_of_service": "2026-04-06", "code": "99213", "charge_cents": 12000}])
    letter = _letter(sessions, ref, tmp_settings, "MI-1", "CO", "16", 1, ["N290"])
    text = letter.text
    _assert_argues(text)
    assert "carried the information needed to process it" in text
    assert "remark code(s) N290" in text
    assert "The claim is complete and payable as billed." in text


def test_co50_letter_argues_medical_necessity_from_the_linked_diagnosis(sessions, ref, tmp_settings) -> None:  # type: ignore[no-untyped-def]
    _claim(
        sessions,
        "MN-1",
        [{"date_of_service": "2026-04-06", "code": "20610", "charge_cents": 10000, "dx_pointers": [1]}],
        diagnoses=["M17.11", "I10"],
    )
    letter = _letter(sessions, ref, tmp_settings, "MN-1", "CO", "50", 1)
    text = letter.text
    _assert_argues(text)
    assert "was medically necessary for this patient's condition, reported on the claim as M17.11" in text
    assert "The line points to diagnosis code(s) M17.11." in text
    assert letter.explanation.next_steps[0] == "appeal"


def test_patient_share_is_billed_never_appealed(sessions, ref, tmp_settings) -> None:  # type: ignore[no-untyped-def]
    _claim(sessions, "PR-1", [{"date_of_service": "2026-04-06", "code": "99213", "charge_cents": 12000}])
    with sessions() as s:
        exp = explain(ExplainRequest(group="PR", carc="2", claim_id="PR-1", line=1), reference=ref, session=s)
    assert exp.next_steps == ["bill-patient"]
    with pytest.raises(Conflict) as err:
        _letter(sessions, ref, tmp_settings, "PR-1", "PR", "2", 1)
    assert "billed, not appealed" in err.value.message
