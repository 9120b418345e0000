"""Revenue-cycle figures as JSON (the web page draws the charts): days in A/R, collection rates,
net collections, patient vs insurance A/R, and denial rate by payer x category from the 835 data."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from assistant.billing import repository as repo
from assistant.billing.models import EntryKind
from assistant.billing.service import totals
from assistant.core.adjustments import classify_adjustment, is_denial
from assistant.core.errors import InvalidInput


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def ar_split(session: Session) -> dict[str, int]:
    ins = due = credit = 0
    for pid in repo.patients_with_entries(session):
        i, p = totals(repo.entries(session, pid))
        ins += i
        due += max(p, 0)
        credit += max(-p, 0)
    return {
        "insurance_ar_cents": ins,
        "patient_ar_cents": due,
        "credit_cents": credit,
        "total_ar_cents": ins + due,
    }


def denial_rates(session: Session, start: date, end: date) -> list[dict[str, Any]]:
    """Per payer and denial category: lines adjudicated, lines denied, the rate and the cents denied."""
    rows = repo.adjudicated_line_adjustments(session, start, end)
    lines: dict[str, set[int]] = defaultdict(set)
    names: dict[str, str] = {}
    denied: dict[tuple[str, str], set[int]] = defaultdict(set)
    cents: dict[tuple[str, str], int] = defaultdict(int)
    for payer, name, line_id, group, reason, amount in rows:
        lines[payer].add(line_id)
        names[payer] = name or payer
        if group and reason and amount and is_denial(group, reason, amount):
            category = classify_adjustment(group, reason).category
            denied[(payer, category)].add(line_id)
            cents[(payer, category)] += amount
    out = []
    for (payer, category), ids in sorted(denied.items()):
        out.append(
            {
                "payer_id": payer,
                "payer_name": names[payer],
                "category": category,
                "lines_adjudicated": len(lines[payer]),
                "lines_denied": len(ids),
                "denial_rate": _rate(len(ids), len(lines[payer])),
                "denied_cents": cents[(payer, category)],
            }
        )
    for payer, ids in sorted(lines.items()):
        all_denied = set().union(*(v for (p, _), v in denied.items() if p == payer)) if denied else set()
        out.append(
            {
                "payer_id": payer,
                "payer_name": names[payer],
                "category": "all",
                "lines_adjudicated": len(ids),
                "lines_denied": len(all_denied),
                "denial_rate": _rate(len(all_denied), len(ids)),
                "denied_cents": sum(v for (p, _), v in cents.items() if p == payer),
            }
        )
    return out


def reports(session: Session, *, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    end = end or date.today()
    start = start or end - timedelta(days=89)
    if start > end:
        raise InvalidInput("the period starts after it ends", field="--from", fix="give --from before --to")
    days = (end - start).days + 1
    by_kind: dict[str, int] = defaultdict(int)
    for e in repo.entries_between(session, start, end):
        by_kind[e.kind] += e.amount_cents
    charges = by_kind[EntryKind.CHARGE]
    patient_paid = by_kind[EntryKind.PATIENT_PAYMENT] + by_kind[EntryKind.PLAN_INSTALLMENT]
    payments = by_kind[EntryKind.INSURANCE_PAYMENT] + patient_paid
    net = payments - by_kind[EntryKind.REFUND]
    ar = ar_split(session)
    daily = charges / days if days else 0
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat(), "days": days},
        "charges_cents": charges,
        "insurance_payments_cents": by_kind[EntryKind.INSURANCE_PAYMENT],
        "patient_payments_cents": patient_paid,
        "refunds_cents": by_kind[EntryKind.REFUND],
        "contractual_adjustments_cents": by_kind[EntryKind.CONTRACTUAL_ADJUSTMENT],
        "write_offs_cents": by_kind[EntryKind.WRITE_OFF],
        "net_collections_cents": net,
        "gross_collection_rate": _rate(net, charges),
        "net_collection_rate": _rate(net, charges - by_kind[EntryKind.CONTRACTUAL_ADJUSTMENT]),
        "days_in_ar": round(ar["total_ar_cents"] / daily, 1) if daily else None,
        "ar": ar,
        "denial_rate": denial_rates(session, start, end),
    }
