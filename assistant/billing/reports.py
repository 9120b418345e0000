"""Revenue-cycle reports for a period and (optionally) one payer, every figure summed from the ledger and
the 835 tables by the repository: charges, payments, adjustments and A/R by payer; denial rate by payer x
denial category (the categories of ``assistant.core.adjustments``); days in A/R; collections. The web page,
its JSON twin, the CSV exports and the CLI all print ``reports()``."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy.orm import Session

from assistant.billing import repository as repo
from assistant.billing.models import EntryKind
from assistant.billing.schemas import (
    ArTotals,
    DenialRateRow,
    PayerRef,
    PayerReportRow,
    ReportPeriod,
    RevenueReport,
)
from assistant.core.adjustments import classify_adjustment, is_denial
from assistant.core.errors import InvalidInput

DEFAULT_DAYS = 90
# the money columns of a by-payer row: the ledger entry kinds summed over the period
KIND_COLUMNS = {
    EntryKind.CHARGE: "charges_cents",
    EntryKind.INSURANCE_PAYMENT: "insurance_payments_cents",
    EntryKind.PATIENT_PAYMENT: "patient_payments_cents",
    EntryKind.PLAN_INSTALLMENT: "patient_payments_cents",
    EntryKind.REFUND: "refunds_cents",
    EntryKind.CONTRACTUAL_ADJUSTMENT: "contractual_adjustments_cents",
    EntryKind.WRITE_OFF: "write_offs_cents",
}
AR_COLUMNS = ("insurance_ar_cents", "patient_ar_cents", "credit_cents", "total_ar_cents")
PAYER_COLUMNS = (
    "payer_id",
    "payer_name",
    *dict.fromkeys(KIND_COLUMNS.values()),
    "net_collections_cents",
    *AR_COLUMNS,
)
DENIAL_COLUMNS = (
    "payer_id",
    "payer_name",
    "category",
    "lines_adjudicated",
    "lines_denied",
    "denial_rate",
    "denied_cents",
)


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def period(start: date | None, end: date | None) -> tuple[date, date]:
    end = end or date.today()
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidInput(
            f"the period starts ({start.isoformat()}) after it ends ({end.isoformat()})",
            field="start",
            fix="give a start date on or before the end date",
        )
    return start, end


def by_payer(session: Session, start: date, end: date, payer: str | None = None) -> list[PayerReportRow]:
    """One row per payer: the period's charges, payments, refunds and adjustments, and the A/R at the end."""
    rows: dict[str, PayerReportRow] = {}

    def row(pid: str, name: str) -> PayerReportRow:
        return rows.setdefault(pid, PayerReportRow(payer_id=pid, payer_name=name))

    for pid, name, kind, cents in repo.ledger_sums_by_payer(session, start, end, payer):
        column = KIND_COLUMNS.get(kind)  # type: ignore[call-overload]
        if column:
            r = row(pid, name)
            setattr(r, column, getattr(r, column) + cents)
    for pid, name, _patient, ins, pat in repo.balances_by_payer_and_patient(session, end, payer):
        r = row(pid, name)
        r.insurance_ar_cents += ins
        r.patient_ar_cents += max(pat, 0)
        r.credit_cents += max(-pat, 0)
    for r in rows.values():
        r.net_collections_cents = r.insurance_payments_cents + r.patient_payments_cents - r.refunds_cents
        r.total_ar_cents = r.insurance_ar_cents + r.patient_ar_cents
    return sorted(rows.values(), key=lambda r: (r.payer_id == repo.SELF_PAY, r.payer_name))


def denial_rates(session: Session, start: date, end: date, payer: str | None = None) -> list[DenialRateRow]:
    """Per payer and denial category: lines adjudicated, lines denied, the rate and the cents denied."""
    rows = repo.adjudicated_line_adjustments(session, start, end, payer)
    lines: dict[str, set[int]] = defaultdict(set)
    names: dict[str, str] = {}
    denied: dict[tuple[str, str], set[int]] = defaultdict(set)
    cents: dict[tuple[str, str], int] = defaultdict(int)
    for payer_id, name, line_id, group, reason, amount in rows:
        lines[payer_id].add(line_id)
        names[payer_id] = name or payer_id
        if group and reason and amount and is_denial(group, reason, amount):
            category = classify_adjustment(group, reason).category
            denied[(payer_id, category)].add(line_id)
            cents[(payer_id, category)] += amount

    def rate_row(payer_id: str, category: str, ids: set[int], denied_cents: int) -> DenialRateRow:
        return DenialRateRow(
            payer_id=payer_id,
            payer_name=names[payer_id],
            category=category,
            lines_adjudicated=len(lines[payer_id]),
            lines_denied=len(ids),
            denial_rate=_rate(len(ids), len(lines[payer_id])),
            denied_cents=denied_cents,
        )

    out = [rate_row(p, category, ids, cents[(p, category)]) for (p, category), ids in sorted(denied.items())]
    for payer_id in sorted(lines):
        mine = [v for (p, _), v in denied.items() if p == payer_id]
        all_denied: set[int] = set().union(*mine) if mine else set()
        total = sum(v for (p, _), v in cents.items() if p == payer_id)
        out.append(rate_row(payer_id, "all", all_denied, total))
    return out


def _totals(rows: list[PayerReportRow]) -> PayerReportRow:
    """The by-payer rows summed into one row (payer ``ALL``)."""
    sums = {c: sum(getattr(r, c) for r in rows) for c in PAYER_COLUMNS[2:]}
    return PayerReportRow(payer_id="ALL", payer_name="All payers", **sums)


def reports(
    session: Session, *, start: date | None = None, end: date | None = None, payer: str | None = None
) -> RevenueReport:
    """Every figure of the period (default: the 90 days up to today), for all payers or one."""
    start, end = period(start, end)
    payer = (payer or "").strip() or None
    days = (end - start).days + 1
    rows = by_payer(session, start, end, payer)
    total = _totals(rows)
    charges = total.charges_cents
    net = total.net_collections_cents
    daily = charges / days
    return RevenueReport(
        period=ReportPeriod(start=start, end=end, days=days),
        payer=payer,
        payers=[PayerRef(payer_id=p, payer_name=n) for p, n in repo.payers(session)],
        **total.model_dump(include={*KIND_COLUMNS.values(), "net_collections_cents"}),
        gross_collection_rate=_rate(net, charges),
        net_collection_rate=_rate(net, charges - total.contractual_adjustments_cents),
        days_in_ar=round(total.total_ar_cents / daily, 1) if daily else None,
        ar=ArTotals(**total.model_dump(include=set(AR_COLUMNS))),
        by_payer=rows,
        denial_rate=denial_rates(session, start, end, payer),
    )


def to_csv(rows: list[PayerReportRow] | list[DenialRateRow], columns: tuple[str, ...]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(r.model_dump() for r in rows)
    return buf.getvalue()


def report_csv(report: RevenueReport, section: str) -> str:
    """``payers``: the by-payer table and a total row; ``denials``: denial rate by payer x category."""
    if section == "payers":
        return to_csv([*report.by_payer, _totals(report.by_payer)], PAYER_COLUMNS)
    if section == "denials":
        return to_csv(report.denial_rate, DENIAL_COLUMNS)
    raise InvalidInput(f"unknown report {section!r}", field="section", fix="payers or denials")
