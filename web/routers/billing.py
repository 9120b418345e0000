"""Patient-billing JSON API. Every route calls a service in ``assistant.billing``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from assistant.billing import aging as aging_service
from assistant.billing import payments, plans, search, service, statements
from assistant.billing import reports as reports_service
from assistant.billing.aging import AgingReport
from assistant.billing.plans import PlanOut
from assistant.billing.practice import practice_from
from assistant.billing.schemas import (
    BalanceOut,
    CreditApplicationOut,
    PaymentIn,
    ReceiptOut,
    RefundOut,
    RevenueReport,
)
from assistant.billing.search import AccountSearch
from assistant.billing.statements import StatementData
from assistant.core.money import PositiveCents, require_cents
from assistant.security import audit
from assistant.security.schemas import Principal
from web.deps import ContainerDep, SessionDep
from web.security_deps import record_phi, require

router = APIRouter(prefix="/api/billing", tags=["billing"])
Writer = Annotated[Principal, require("billing:write", "phi:write")]


def reads(record: str = "patient", id_param: str | None = "patient", action: str = audit.PHI_READ) -> Any:
    """A ledger read (patient, receipt or the whole ledger), audited."""
    return require("billing:read", "phi:read", record=record, id_param=id_param, action=action)


@router.get("/balance/{patient}", response_model=BalanceOut, dependencies=[reads()])
def get_balance(patient: str, session: SessionDep) -> BalanceOut:
    return service.balance(session, patient)


def _patient_write(body: Any, request: Request, container: Any, principal: Principal) -> str | None:
    """Audit a write to the body's patient; answer its idempotency key (the body's, else the
    ``Idempotency-Key`` header)."""
    record_phi(container, principal, request, "patient", body.patient, action=audit.PHI_WRITE)
    key: str | None = body.idempotency_key or request.headers.get("Idempotency-Key")
    return key


@router.post("/payments", response_model=ReceiptOut, status_code=201)
def post_payment(
    body: PaymentIn, request: Request, session: SessionDep, container: ContainerDep, principal: Writer
) -> ReceiptOut:
    key = _patient_write(body, request, container, principal)
    limit = container.settings.max_payment_cents
    require_cents(body.amount_cents, field="amount_cents", max_cents=limit)
    return payments.take_payment(
        session, body.model_copy(update={"idempotency_key": key}), actor=principal.username, max_cents=limit
    )


@router.get("/payments/{receipt}.pdf", dependencies=[reads("receipt", "receipt", audit.EXPORT_PDF)])
def get_receipt_pdf(receipt: str, session: SessionDep, container: ContainerDep) -> Response:
    r = payments.get_receipt(session, receipt)
    return Response(payments.receipt_pdf(r, practice_from(container.settings)), media_type="application/pdf")


@router.get("/payments/{receipt}", response_model=ReceiptOut, dependencies=[reads("receipt", "receipt")])
def get_receipt(receipt: str, session: SessionDep) -> ReceiptOut:
    return payments.get_receipt(session, receipt)


@router.get("/aging", response_model=AgingReport, dependencies=[reads("ledger", None)])
def get_aging(session: SessionDep, as_of: date | None = None) -> AgingReport:
    return aging_service.aging(session, as_of)


def statement_for(session: Any, container: Any, patient: str) -> StatementData:
    """The statement with this app's practice header and code titles (the page and the API share it)."""
    return statements.statement_data(
        session, patient, practice=practice_from(container.settings), reference=container.reference
    )


@router.get("/statements/{patient}.pdf", dependencies=[reads(action=audit.EXPORT_PDF)])
def get_statement_pdf(patient: str, session: SessionDep, container: ContainerDep) -> Response:
    data = statement_for(session, container, patient)
    return Response(
        statements.statement_pdf(data),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="statement-{data.patient_id}.pdf"'},
    )


@router.get("/statements/{patient}", response_model=StatementData, dependencies=[reads()])
def get_statement(patient: str, session: SessionDep, container: ContainerDep) -> StatementData:
    return statement_for(session, container, patient)


@router.get("/reports", response_model=RevenueReport, dependencies=[reads("ledger", None)])
def get_reports(
    session: SessionDep, start: date | None = None, end: date | None = None, payer: str | None = None
) -> RevenueReport:
    return reports_service.reports(session, start=start, end=end, payer=payer)


@router.get("/search", response_model=AccountSearch, dependencies=[reads("patient", None)])
def search_accounts(session: SessionDep, q: str = "") -> AccountSearch:
    return search.search_accounts(session, q)


class RefundIn(BaseModel):
    patient: str
    amount_cents: PositiveCents
    method: str = Field(default="check", description="check, original (the newest payment's method), ...")
    reason: str
    reference: str | None = None
    idempotency_key: str | None = None


@router.post("/refunds", response_model=RefundOut, status_code=201)
def post_refund(
    body: RefundIn, request: Request, session: SessionDep, container: ContainerDep, principal: Writer
) -> RefundOut:
    key = _patient_write(body, request, container, principal)
    return payments.refund(
        session,
        body.patient,
        body.amount_cents,
        method=body.method,
        reason=body.reason,
        actor=principal.username,
        reference=body.reference,
        idempotency_key=key,
    )


@router.get("/refunds/{entry_id}.pdf", dependencies=[reads("refund", "entry_id", audit.EXPORT_PDF)])
def get_refund_pdf(entry_id: int, session: SessionDep, container: ContainerDep) -> Response:
    out = payments.get_refund(session, entry_id)
    return Response(
        payments.receipt_pdf(out, practice_from(container.settings)), media_type="application/pdf"
    )


@router.get("/refunds/{entry_id}", response_model=RefundOut, dependencies=[reads("refund", "entry_id")])
def get_refund(entry_id: int, session: SessionDep) -> RefundOut:
    return payments.get_refund(session, entry_id)


class CreditIn(BaseModel):
    patient: str
    amount_cents: PositiveCents | None = Field(default=None, description="default: all the credit")
    idempotency_key: str | None = None


@router.post("/credits/apply", response_model=CreditApplicationOut, status_code=201)
def apply_credit(
    body: CreditIn, request: Request, session: SessionDep, container: ContainerDep, principal: Writer
) -> CreditApplicationOut:
    key = _patient_write(body, request, container, principal)
    return payments.apply_credit(
        session,
        body.patient,
        actor=principal.username,
        amount_cents=body.amount_cents,
        idempotency_key=key,
    )


class PlanIn(BaseModel):
    patient: str
    installment_cents: PositiveCents | None = None
    installments: int | None = Field(default=None, description="number of equal installments instead")
    total_cents: PositiveCents | None = None
    frequency: str = "monthly"
    start_date: date | None = None
    grace_days: int = 5


@router.post("/plans", response_model=PlanOut, status_code=201)
def create_plan(
    body: PlanIn, request: Request, session: SessionDep, container: ContainerDep, principal: Writer
) -> PlanOut:
    record_phi(container, principal, request, "patient", body.patient, action=audit.PHI_WRITE)
    return plans.create_plan(
        session,
        body.patient,
        installment_cents=body.installment_cents,
        installments=body.installments,
        actor=principal.username,
        total_cents=body.total_cents,
        frequency=body.frequency,
        start_date=body.start_date,
        grace_days=body.grace_days,
    )


@router.get("/plans", response_model=list[PlanOut], dependencies=[reads()])
def list_plans(session: SessionDep, patient: str | None = None, as_of: date | None = None) -> list[PlanOut]:
    return plans.list_plans(session, patient, as_of)


@router.get("/plans/missed", response_model=list[PlanOut], dependencies=[reads("plan", None)])
def missed_plans(session: SessionDep, as_of: date | None = None) -> list[PlanOut]:
    return plans.check_plans(session, as_of)


@router.get("/plans/{plan_id}.pdf", dependencies=[reads("plan", "plan_id", audit.EXPORT_PDF)])
def get_plan_pdf(plan_id: int, session: SessionDep, container: ContainerDep) -> Response:
    out = plans.plan_out(session, plans.get_plan(session, plan_id))
    return Response(
        plans.plan_pdf(session, out, practice_from(container.settings)),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="payment-plan-{plan_id}.pdf"'},
    )
