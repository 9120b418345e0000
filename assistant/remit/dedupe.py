"""Recognizing the same payment twice, whatever the envelope or the payer's labels say.

A payer may resend an 835 with a new ISA13/GS06 control number, a new TRN02 trace, another CLP02 status
code or another CLP07 payer claim number. None of those is part of a payment's identity. What is: the
payer, our claim (CLP01), the direction of the money (a payment or a reversal), the claim's amounts and
service dates, and its service lines with their adjustments. Two claim payments with the same
fingerprint are the same payment, unless the payer reversed it in between (then a re-payment with the
same amounts is new money again).

The posting key stored (unique) on each ``remit_claims`` row is ``payer|CLP01|direction|n|fingerprint``
where ``n`` counts the claim's postings in the other direction before it: a second posting of the same
payment before any reversal gets the same key, and the database refuses it even between two concurrent
imports.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from assistant.remit.models import RemitAdjustment, RemitClaim
from assistant.remit.schemas import Adjustment, RemitClaimIn

Direction = Literal["payment", "reversal"]


def direction(charge_cents: int, paid_cents: int) -> Direction:
    """A reversal takes money back: its amounts are negative (CLP02 alone does not make one)."""
    if charge_cents < 0 or (charge_cents == 0 and paid_cents < 0):
        return "reversal"
    return "payment"


@dataclass(frozen=True)
class LineFacts:
    procedure_code: str
    modifiers: tuple[str, ...]
    service_date: date | None
    charge_cents: int
    paid_cents: int
    adjustments: tuple[tuple[str, str, int], ...]


@dataclass(frozen=True)
class PaymentFacts:
    """What identifies one claim payment (nothing from the envelope, CLP02 or CLP07)."""

    payer_id: str
    claim_id: str
    charge_cents: int
    paid_cents: int
    patient_responsibility_cents: int
    statement_from: date | None
    adjustments: tuple[tuple[str, str, int], ...]
    lines: tuple[LineFacts, ...]

    @property
    def direction(self) -> Direction:
        return direction(self.charge_cents, self.paid_cents)

    def fingerprint(self) -> str:
        body = json.dumps(
            [
                self.charge_cents,
                self.paid_cents,
                self.patient_responsibility_cents,
                self.statement_from.isoformat() if self.statement_from else None,
                self.adjustments,
                sorted(
                    [
                        ln.procedure_code,
                        list(ln.modifiers),
                        ln.service_date.isoformat() if ln.service_date else None,
                        ln.charge_cents,
                        ln.paid_cents,
                        ln.adjustments,
                    ]
                    for ln in self.lines
                ),
            ],
            default=list,
        )
        return hashlib.sha256(body.encode()).hexdigest()


def _cas(adjustments: Iterable[Adjustment | RemitAdjustment]) -> tuple[tuple[str, str, int], ...]:
    triples = (
        (a.group, a.reason, a.amount_cents)
        if isinstance(a, Adjustment)
        else (a.group_code, a.reason_code, a.amount_cents)
        for a in adjustments
    )
    return tuple(sorted(triples))


def _facts(payer_id: str, claim_id: str, claim: RemitClaimIn | RemitClaim) -> PaymentFacts:
    """What a payment says about a claim, from the file being imported or from a posted remit claim."""
    return PaymentFacts(
        payer_id=payer_id,
        claim_id=claim_id,
        charge_cents=claim.charge_cents,
        paid_cents=claim.paid_cents,
        patient_responsibility_cents=claim.patient_responsibility_cents,
        statement_from=claim.statement_from,
        adjustments=_cas(claim.adjustments),
        lines=tuple(
            LineFacts(
                procedure_code=ln.procedure_code,
                modifiers=tuple(ln.modifiers or ()),
                service_date=ln.service_date,
                charge_cents=ln.charge_cents,
                paid_cents=ln.paid_cents,
                adjustments=_cas(ln.adjustments),
            )
            for ln in claim.lines
        ),
    )


def facts_from_file(payer_id: str, claim: RemitClaimIn) -> PaymentFacts:
    return _facts(payer_id, claim.claim_id, claim)


def facts_from_posted(payer_id: str, rc: RemitClaim) -> PaymentFacts:
    return _facts(payer_id, rc.clp_claim_id, rc)


@dataclass
class _Posting:
    facts: PaymentFacts
    fingerprint: str
    row: RemitClaim | None  # None: planned earlier in the file being imported
    reversed: bool = False


@dataclass
class ClaimHistory:
    """One claim's payments and reversals from one payer, replayed in posting order.

    A payment is the same as one on file when a payment with its fingerprint is still *active* (not
    taken back by a reversal since). A reversal takes back the latest active payment of the opposite
    amounts; a reversal is the same as one on file when a reversal with its fingerprint was posted
    before (a second identical reversal is for a person to confirm).
    """

    postings: list[_Posting] = field(default_factory=list)

    @classmethod
    def of(cls, payer_id: str, posted: Sequence[RemitClaim]) -> ClaimHistory:
        history = cls()
        for rc in posted:
            history.add(facts_from_posted(payer_id, rc), rc)
        return history

    def earlier(self, facts: PaymentFacts) -> _Posting | None:
        """The posting on file that this one repeats, or None when it is new money."""
        fp = facts.fingerprint()
        same = [
            p
            for p in self.postings
            if p.fingerprint == fp
            and p.facts.direction == facts.direction
            and (facts.direction == "reversal" or not p.reversed)
        ]
        return same[-1] if same else None

    def key_for(self, facts: PaymentFacts) -> str:
        fp = facts.fingerprint()
        before = sum(1 for p in self.postings if p.fingerprint == fp and p.facts.direction == facts.direction)
        return "|".join([facts.payer_id, facts.claim_id, facts.direction, str(before), fp])

    def add(self, facts: PaymentFacts, row: RemitClaim | None) -> None:
        if facts.direction == "reversal":
            taken_back = [
                p
                for p in self.postings
                if p.facts.direction == "payment"
                and not p.reversed
                and p.facts.paid_cents == -facts.paid_cents
                and p.facts.charge_cents == -facts.charge_cents
            ]
            if taken_back:
                taken_back[-1].reversed = True
        self.postings.append(_Posting(facts, facts.fingerprint(), row))
