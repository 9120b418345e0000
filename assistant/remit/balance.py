"""Balancing rules of the 835 guide, checked for every line, claim and transaction before posting.

- line:        SVC02 charge = SVC03 paid + sum(line CAS)
- claim:       CLP03 charge = CLP04 paid + sum(claim CAS) + sum(line CAS)
- claim paid:  CLP04 = sum(SVC03) - sum(claim CAS)   (when the claim has lines)
- patient:     CLP05 = sum(PR adjustments)            (when CLP05 is sent)
- transaction: BPR02 = sum(CLP04) - sum(PLB amounts)
"""

from __future__ import annotations

from assistant.core.money import dollars
from assistant.remit.schemas import Imbalance, RemitTransactionIn


def check_balance(tx: RemitTransactionIn) -> list[Imbalance]:
    problems: list[Imbalance] = []
    for claim in tx.claims:
        where = f"claim {claim.claim_id} (segment #{claim.segment})"
        claim_cas = sum(a.amount_cents for a in claim.adjustments)
        line_cas = 0
        for line in claim.lines:
            cas = sum(a.amount_cents for a in line.adjustments)
            line_cas += cas
            if line.paid_cents + cas != line.charge_cents:
                problems.append(
                    Imbalance(
                        where=f"{where} line {line.index} {line.procedure_code} (segment #{line.segment})",
                        expected_cents=line.charge_cents,
                        actual_cents=line.paid_cents + cas,
                        rule=f"charge {dollars(line.charge_cents)} != paid {dollars(line.paid_cents)}"
                        f" + adjustments {dollars(cas)}",
                    )
                )
        total = claim.paid_cents + claim_cas + line_cas
        if total != claim.charge_cents:
            problems.append(
                Imbalance(
                    where=where,
                    expected_cents=claim.charge_cents,
                    actual_cents=total,
                    rule=f"charge {dollars(claim.charge_cents)} != paid {dollars(claim.paid_cents)}"
                    f" + adjustments {dollars(claim_cas + line_cas)}",
                )
            )
        if claim.lines:
            lines_paid = sum(line.paid_cents for line in claim.lines) - claim_cas
            if lines_paid != claim.paid_cents:
                problems.append(
                    Imbalance(
                        where=where,
                        expected_cents=claim.paid_cents,
                        actual_cents=lines_paid,
                        rule="claim paid differs from the lines' paid amounts less claim-level adjustments",
                    )
                )
        pr = sum(
            a.amount_cents
            for a in [*claim.adjustments, *(x for ln in claim.lines for x in ln.adjustments)]
            if a.group == "PR"
        )
        if claim.patient_responsibility_cents and pr != claim.patient_responsibility_cents:
            problems.append(
                Imbalance(
                    where=where,
                    expected_cents=claim.patient_responsibility_cents,
                    actual_cents=pr,
                    rule="CLP05 patient responsibility differs from the sum of PR adjustments",
                )
            )
    paid = sum(c.paid_cents for c in tx.claims) - sum(p.amount_cents for p in tx.provider_adjustments)
    if paid != tx.payment_cents:
        problems.append(
            Imbalance(
                where=f"transaction {tx.control_number} (BPR02)",
                expected_cents=tx.payment_cents,
                actual_cents=paid,
                rule="payment differs from claim payments less provider-level adjustments (PLB)",
            )
        )
    return problems
