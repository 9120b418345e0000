"""Patient-billing JSON API. Every route calls a service in ``assistant.billing``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from assistant.billing import aging as aging_service
from assistant.billing import payments, plans, service, statements
from assistant.billing import reports as reports_service
from assistant.billing.aging import AgingReport
from assistant.billing.plans import PlanOut
from assistant.billing.schemas import BalanceOut, PaymentIn, ReceiptOut
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


@router.post("/payments", response_model=ReceiptOut, status_code=201)
def post_payment(
    body: PaymentIn, request: Request, session: SessionDep, container: ContainerDep, principal: Writer
) -> ReceiptOut:
    record_phi(container, principal, request, "patient", body.patient, action=audit.PHI_WRITE)
    key = body.idempotency_key or request.headers.get("Idempotency-Key")
    limit = container.settings.max_payment_cents
    require_cents(body.amount_cents, field="amount_cents", max_cents=limit)
    return payments.take_payment(
        session, body.model_copy(update={"idempotency_key": key}), actor=principal.username, max_cents=limit
    )


@router.get("/payments/{receipt}.pdf", dependencies=[reads("receipt", "receipt", audit.EXPORT_PDF)])
def get_receipt_pdf(receipt: str, session: SessionDep) -> Response:
    r = payments.get_receipt(session, receipt)
    return Response(payments.receipt_pdf(r), media_type="application/pdf")


@router.get("/payments/{receipt}", response_model=ReceiptOut, dependencies=[reads("receipt", "receipt")])
def get_receipt(receipt: str, session: SessionDep) -> ReceiptOut:
    return payments.get_receipt(session, receipt)


@router.get("/aging", response_model=AgingReport, dependencies=[reads("ledger", None)])
def get_aging(session: SessionDep, as_of: date | None = None) -> AgingReport:
    return aging_service.aging(session, as_of)


@router.get("/statements/{patient}.pdf", dependencies=[reads(action=audit.EXPORT_PDF)])
def get_statement_pdf(patient: str, session: SessionDep) -> Response:
    data = statements.statement_data(session, patient)
    return Response(
        statements.statement_pdf(data),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="statement-{data.patient_id}.pdf"'},
    )


@router.get("/statements/{patient}", response_model=StatementData, dependencies=[reads()])
def get_statement(patient: str, session: SessionDep) -> StatementData:
    return statements.statement_data(session, patient)


@router.get("/reports", dependencies=[reads("ledger", None)])
def get_reports(session: SessionDep, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    return reports_service.reports(session, start=start, end=end)


class PlanIn(BaseModel):
    patient: str
    installment_cents: PositiveCents
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
