"""Remit explanations, the pattern -> local rule loop, appeal letters, corrected claims and text matching."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from sqlalchemy import select

from assistant.claims import service as claims_service
from assistant.claims.models import Claim
from assistant.claims.schemas import parse_claim_document
from assistant.core.db import transaction
from assistant.denials.knowledge import PLACEHOLDER
from assistant.denials.match import match_text
from assistant.denials.schemas import ExplainRequest
from assistant.denials.service import (
    appeal_letter,
    corrected_claim,
    explain_remit,
    list_patterns,
    local_rules,
    promote_pattern,
)
from assistant.remit.service import import_835_file
from tests.remit.helpers import claim_doc, load_fixture_claims, submit

X12 = Path(__file__).resolve().parent.parent / "fixtures" / "x12"


def test_remit_explain_covers_denied_and_reduced_lines(sessions, ref) -> None:  # type: ignore[no-untyped-def]
    load_fixture_claims(sessions)
    report = import_835_file(sessions, X12 / "multi_claim.835")
    with sessions() as s:
        exps = explain_remit(s, report.remit_ids[0], reference=ref)
    got = {(e.claim_id, e.group, e.carc): e for e in exps}
    assert ("CLM-1001", "CO", "45") not in got  # contractual write-down is not a denial
    bundled = got[("CLM-1001", "CO", "97")]
    assert bundled.line == 2 and bundled.rarcs == ["M15"] and bundled.category == "bundling"
    assert bundled.deadline is not None and str(bundled.deadline) == "2026-06-14"  # 2026-03-16 + 90 days
    mod = got[("CLM-1002", "CO", "4")]
    assert any("payer dropped modifier GP" in e.detail for e in mod.evidence)
    assert got[("CLM-1001", "PR", "2")].route == "bill-patient"
    assert got[("CLM-1004", "PR", "1")].route == "bill-patient"


def test_repeated_denial_promoted_to_local_rule_used_by_scrubber(sessions, ref, tmp_settings) -> None:  # type: ignore[no-untyped-def]
    load_fixture_claims(sessions)
    import_835_file(sessions, X12 / "multi_claim.835")
    with sessions() as s:
        pats = {(p.payer_id, p.carc, p.procedure_code): p for p in list_patterns(s)}
    pat = pats[("87726", "4", "97110")]
    assert pat.count == 1 and pat.modifier_counts == {"": 1}
    with transaction(sessions) as s:
        rule = promote_pattern(s, pat.id, modifiers=["GP"], actor="biller")
    assert "denies 97110 without GP" in rule.message
    no_gp = claim_doc("NEW-1", [{"date_of_service": "2026-04-06", "code": "97110", "charge_cents": 9000}])
    with_gp = claim_doc(
        "NEW-2",
        [{"date_of_service": "2026-04-06", "code": "97110", "modifiers": ["GP"], "charge_cents": 9000}],
    )
    other_payer = claim_doc(
        "NEW-3",
        [{"date_of_service": "2026-04-06", "code": "97110", "charge_cents": 9000}],
        payer={"payer_id": "OTHER", "name": "Other Plan"},
    )
    with sessions() as s:
        rules = local_rules(s)
        reports = [
            claims_service.scrub_document(parse_claim_document(d), ref, tmp_settings, s, extra_rules=rules)
            for d in (no_gp, with_gp, other_payer)
        ]
    hits = [[f for f in r.findings if f.rule == rule.rule_id] for r in reports]
    assert len(hits[0]) == 1 and hits[0][0].line == 1 and "GP" in (hits[0][0].fix or "")
    assert hits[1] == [] and hits[2] == []


def _bundled_claim(sessions, second_modifiers: list[str] | None = None) -> None:  # type: ignore[no-untyped-def]
    doc = claim_doc(
        "AP-1",
        [
            {"date_of_service": "2026-04-06", "code": "20611", "modifiers": ["RT"], "charge_cents": 30000},
            {
                "date_of_service": "2026-04-06",
                "code": "20610",
                "modifiers": second_modifiers or [],
                "charge_cents": 10000,
            },
        ],
    )
    submit(sessions, doc, "denied")
    with transaction(sessions) as s:
        s.scalar(select(Claim).where(Claim.claim_id == "AP-1")).payer_claim_number = "PAYER-777"  # type: ignore[union-attr]


CODE_TOKEN = re.compile(
    r"\b(?:[A-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}|[A-Z][0-9]{2}|[0-9]{4}[0-9FTU]|[A-V][0-9]{4})\b"
)


def test_appeal_letter_cites_claim_facts_and_invents_no_clinical_facts(sessions, ref, tmp_settings) -> None:  # type: ignore[no-untyped-def]
    _bundled_claim(sessions, ["XS"])  # the distinct service was marked: the payer bundled it anyway
    with sessions() as s:
        letter = appeal_letter(
            s,
            ExplainRequest(group="CO", carc="97", claim_id="AP-1", line=2),
            reference=ref,
            settings=tmp_settings,
        )
    text = letter.text
    assert "AP-1" in text and "PAYER-777" in text and "MEM-AP-1" in text and "20610" in text
    assert "NCCI lists 20610 as column 2 of 20611" in text  # the public edit, cited in our favour
    assert letter.placeholders >= 3
    clinical = text.split("Clinical reasons the service was necessary and distinct as billed:")[1]
    assert clinical.strip().startswith(PLACEHOLDER)
    # every code-like token in the letter comes from the claim (or is the denial's own code)
    with sessions() as s:
        claim_data = claims_service.to_document(claims_service.get_claim(s, "AP-1")).model_dump_json()
    allowed = set(CODE_TOKEN.findall(claim_data)) | set(
        CODE_TOKEN.findall(letter.explanation.model_dump_json())
    )
    tokens = set(CODE_TOKEN.findall(text))
    assert {"M17.11", "20610", "20611"} <= tokens
    assert tokens <= allowed, tokens - allowed
    for phrase in ("patient presented", "history of", "complained of", "exam showed", "diagnosed with"):
        assert phrase not in text.lower()


def test_corrected_claim_applies_fix_as_frequency_7_and_is_scrubbed(sessions, ref, tmp_settings) -> None:  # type: ignore[no-untyped-def]
    _bundled_claim(sessions)
    with transaction(sessions) as s:
        out = corrected_claim(
            s,
            ExplainRequest(group="CO", carc="97", claim_id="AP-1", line=2),
            claim_id="AP-1",
            actions=None,
            reference=ref,
            settings=tmp_settings,
        )
    assert out.frequency_code == "7" and out.original_claim_number == "PAYER-777"
    assert out.applied == ["line 2: add modifier XS"] and out.claim_id == "AP-1-C1"
    assert not [f for f in out.scrub.findings if f.rule == "ncci-ptp" and f.severity == "error"]
    assert out.explanation is not None and out.explanation.carc == "97"
    with sessions() as s:
        new = claims_service.get_claim(s, "AP-1-C1")
        assert new.lines[1].modifiers == ["XS"] and new.lines[1].line_control_number == "AP-1-C1-2"
        x12 = claims_service.to_document(new)
    assert x12.frequency_code == "7"

    # The link is recorded now; the original becomes "corrected" only once the replacement is submitted.
    with sessions() as s:
        original = claims_service.get_claim(s, "AP-1")
        assert original.status == "denied"
        assert claims_service.detail(original).replaced_by == ["AP-1-C1"]
        assert claims_service.detail(claims_service.get_claim(s, "AP-1-C1")).replaces == "AP-1"
    with transaction(sessions) as s:
        new = claims_service.get_claim(s, "AP-1-C1")
        for step in ("scrubbed", "ready")[1 if new.status == "scrubbed" else 0 :]:
            claims_service.transition(s, new, step, actor="biller")
        claims_service.transition(s, new, "submitted", actor="biller")
    with sessions() as s:
        original = claims_service.get_claim(s, "AP-1")
        assert original.status == "corrected"
        last = original.history[-1]
        assert (last.from_status, last.to_status, last.actor) == ("denied", "corrected", "biller")
        assert last.note == "replaced by corrected claim AP-1-C1 (submitted)"


def test_imported_frequency_7_claim_links_to_original_by_payer_claim_number(sessions) -> None:  # type: ignore[no-untyped-def]
    _bundled_claim(sessions)
    doc = claim_doc(
        "AP-1-R",
        [{"date_of_service": "2026-04-06", "code": "20611", "modifiers": ["RT"], "charge_cents": 30000}],
        frequency_code="7",
        original_claim_number="PAYER-777",
    )
    with transaction(sessions) as s:
        claims_service.import_claim(s, parse_claim_document(doc), actor="test")
        other = claim_doc(
            "AP-2-R",
            [{"date_of_service": "2026-04-06", "code": "20611", "charge_cents": 30000}],
            frequency_code="7",
            original_claim_number="NO-SUCH-NUMBER",
        )
        claims_service.import_claim(s, parse_claim_document(other), actor="test")
    with sessions() as s:
        assert claims_service.detail(claims_service.get_claim(s, "AP-1-R")).replaces == "AP-1"
        assert claims_service.detail(claims_service.get_claim(s, "AP-2-R")).replaces is None
        assert claims_service.detail(claims_service.get_claim(s, "AP-1")).replaced_by == ["AP-1-R"]


class BagOfWords:
    """Fake embedder: hashed word counts (deterministic, no model), with the suggest Embedder protocol."""

    name = "bag-of-words-64"
    dim = 64

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"[a-z]+", t.lower()):
                out[i, sum(map(ord, w)) % 64] += 1
        return out


def test_free_text_matches_likely_carcs(ref) -> None:  # type: ignore[no-untyped-def]
    hits = match_text("the payer portal says 'procedure incidental to another service'", ref, BagOfWords())
    assert hits[0].carc == "97"
    assert hits[0].lexical > 0 and hits[0].semantic > 0
    assert match_text("coverage ended before the visit", ref, None)[0].carc == "27"
