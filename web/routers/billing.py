"""Patient-billing JSON API. Every route calls a service in ``assistant.billing``."""

from __future__ import annotations

from datetime import date
from typing import Any

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
from web.deps import SessionDep

router = APIRouter(prefix="/api/billing", tags=["billing"])


def _actor(request: Request) -> str:
    return request.headers.get("X-User", "api")


@router.get("/balance/{patient}", response_model=BalanceOut)
def get_balance(patient: str, session: SessionDep) -> BalanceOut:
    return service.balance(session, patient)


@router.post("/payments", response_model=ReceiptOut, status_code=201)
def post_payment(body: PaymentIn, request: Request, session: SessionDep) -> ReceiptOut:
    key = body.idempotency_key or request.headers.get("Idempotency-Key")
    return payments.take_payment(
        session, body.model_copy(update={"idempotency_key": key}), actor=_actor(request)
    )


@router.get("/payments/{receipt}.pdf")
def get_receipt_pdf(receipt: str, session: SessionDep) -> Response:
    r = payments.get_receipt(session, receipt)
    return Response(payments.receipt_pdf(r), media_type="application/pdf")


@router.get("/payments/{receipt}", response_model=ReceiptOut)
def get_receipt(receipt: str, session: SessionDep) -> ReceiptOut:
    return payments.get_receipt(session, receipt)


@router.get("/aging", response_model=AgingReport)
def get_aging(session: SessionDep, as_of: date | None = None) -> AgingReport:
    return aging_service.aging(session, as_of)


@router.get("/statements/{patient}.pdf")
def get_statement_pdf(patient: str, session: SessionDep) -> Response:
    data = statements.statement_data(session, patient)
    return Response(
        statements.statement_pdf(data),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="statement-{data.patient_id}.pdf"'},
    )


@router.get("/statements/{patient}", response_model=StatementData)
def get_statement(patient: str, session: SessionDep) -> StatementData:
    return statements.statement_data(session, patient)


@router.get("/reports")
def get_reports(session: SessionDep, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    return reports_service.reports(session, start=start, end=end)


class PlanIn(BaseModel):
    patient: str
    installment_cents: int
    total_cents: int | None = None
    frequency: str = "monthly"
    start_date: date | None = None
    grace_days: int = 5


@router.post("/plans", response_model=PlanOut, status_code=201)
def create_plan(body: PlanIn, request: Request, session: SessionDep) -> PlanOut:
    return plans.create_plan(
        session,
        body.patient,
        installment_cents=body.installment_cents,
        actor=_actor(request),
        total_cents=body.total_cents,
        frequency=body.frequency,
        start_date=body.start_date,
        grace_days=body.grace_days,
    )


@router.get("/plans", response_model=list[PlanOut])
def list_plans(session: SessionDep, patient: str | None = None, as_of: date | None = None) -> list[PlanOut]:
    return plans.list_plans(session, patient, as_of)


@router.get("/plans/missed", response_model=list[PlanOut])
def missed_plans(session: SessionDep, as_of: date | None = None) -> list[PlanOut]:
    return plans.check_plans(session, as_of)
