"""Patient billing pages: patients with balances, ledger, payments form, statement preview and PDF,
aging and reports with a server-drawn SVG chart. JSON twins: /api/billing/... and /api/billing/page."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from assistant.billing import aging as aging_service
from assistant.billing import payments, service, statements
from assistant.billing import reports as reports_service
from assistant.core.errors import NotFound
from assistant.security.schemas import Principal
from web.deps import ContainerDep, SessionDep
from web.rendering import render
from web.routers.pages_common import money, respond
from web.security_deps import require

router = APIRouter(tags=["billing pages"])


def reads(record: str = "patient", id_param: str | None = "ref") -> Any:
    return require("billing:read", "phi:read", record=record, id_param=id_param)


CHART_W, CHART_H, PAD = 560, 220, 40


def bar_chart(series: dict[str, dict[str, int]], buckets: list[str]) -> dict[str, Any]:
    """Geometry of a grouped bar chart (one group per bucket, one bar per series), for inline SVG."""
    names = list(series)
    top = max([v for s in series.values() for v in s.values()] + [1])
    group_w = (CHART_W - PAD) / max(len(buckets), 1)
    bar_w = (group_w - 12) / max(len(names), 1)
    bars = []
    for i, b in enumerate(buckets):
        for j, name in enumerate(names):
            value = series[name].get(b, 0)
            h = (CHART_H - PAD) * value / top
            bars.append(
                {
                    "x": round(PAD + i * group_w + 6 + j * bar_w, 1),
                    "y": round(CHART_H - PAD / 2 - h, 1),
                    "w": round(bar_w - 2, 1),
                    "h": round(h, 1),
                    "series": j,
                    "name": name,
                    "bucket": b,
                    "label": money(value),
                }
            )
    labels = [{"x": round(PAD + i * group_w + group_w / 2, 1), "text": b} for i, b in enumerate(buckets)]
    return {
        "w": CHART_W,
        "h": CHART_H,
        "bars": bars,
        "labels": labels,
        "series": names,
        "top": money(top),
        "baseline": CHART_H - PAD / 2,
    }


def _overview(session: Any, start: date | None, end: date | None) -> dict[str, Any]:
    aging = aging_service.aging(session)
    report = reports_service.reports(session, start=start, end=end)
    chart = bar_chart(
        {"Insurance": aging.insurance_total, "Patient": aging.patient_total}, list(aging.buckets)
    )
    return {"aging": aging, "report": report, "chart": chart}


@router.get("/billing", dependencies=[reads("ledger", "patient")])
@router.get("/api/billing/page", dependencies=[reads("ledger", "patient")])
def billing_page(
    request: Request,
    session: SessionDep,
    start: date | None = None,
    end: date | None = None,
    patient: str = "",
) -> Response:
    if patient.strip():
        return RedirectResponse(f"/billing/patients/{patient.strip()}", status_code=303)
    data = _overview(session, start, end)
    return respond(request, "billing/index.html", data, extra={"active": "billing"})


def _patient_ctx(session: Any, ref: str) -> dict[str, Any]:
    bal = service.balance(session, ref)
    return {"balance": bal, "ref": ref, "today": date.today().isoformat()}


@router.get("/billing/patients/{ref}", dependencies=[reads()])
@router.get("/api/billing/patients/{ref}", dependencies=[reads()])
def patient_page(request: Request, ref: str, session: SessionDep, receipt: str = "") -> Response:
    data = _patient_ctx(session, ref)
    extra: dict[str, Any] = {"active": "billing"}
    if receipt:
        shown = payments.get_receipt(session, receipt)
        if shown.patient_id != data["balance"].patient_id:  # a receipt shows only on its own patient
            raise NotFound(f"no payment with receipt {receipt} for this patient", field="receipt")
        extra["receipt"] = shown
    return respond(request, "billing/patient.html", data, extra=extra)


@router.post("/billing/patients/{ref}/payments")
def take_payment(
    request: Request,
    ref: str,
    session: SessionDep,
    container: ContainerDep,
    principal: Annotated[Principal, require("billing:write", "phi:write", record="patient", id_param="ref")],
    amount: Annotated[str, Form()] = "",
    method: Annotated[str, Form()] = "cash",
    reference: Annotated[str, Form()] = "",
    received_on: Annotated[str, Form()] = "",
    idempotency_key: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    form = {
        "amount": amount,
        "method": method,
        "reference": reference,
        "received_on": received_on,
        "idempotency_key": idempotency_key,
        "note": note,
    }
    limit = container.settings.max_payment_cents
    body = payments.payment_from_form(ref, form, max_cents=limit)
    receipt = payments.take_payment(session, body, actor=principal.username, max_cents=limit)
    if request.headers.get("HX-Request") == "true":
        ctx = {**_patient_ctx(session, ref), "receipt": receipt}
        return render(request, "billing/patient.html", ctx, block="ledger")
    return RedirectResponse(f"/billing/patients/{ref}?receipt={receipt.receipt_number}", status_code=303)


@router.get("/billing/patients/{ref}/statement", dependencies=[reads()])
def statement_preview(ref: str, session: SessionDep) -> HTMLResponse:
    return HTMLResponse(statements.statement_html(statements.statement_data(session, ref)))
