"""Patient billing pages: account search, patients with balances, ledger, payments form (asking before
an overpayment), credit refunds and applications, payment plans, statement preview and PDF, aging with a
server-drawn SVG chart. JSON twins: /api/billing/... and /api/billing/page."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from assistant.billing import aging as aging_service
from assistant.billing import payments, plans, search, service, statements
from assistant.core.errors import InvalidInput, NotFound
from assistant.core.money import parse_dollars
from assistant.core.validation import parse_day
from assistant.security.schemas import Principal
from web.deps import ContainerDep, SessionDep
from web.rendering import is_htmx, render, wants_json
from web.routers.billing import statement_for
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


def _overview(session: Any, q: str) -> dict[str, Any]:
    aging = aging_service.aging(session)
    chart = bar_chart(
        {"Insurance": aging.insurance_total, "Patient": aging.patient_total}, list(aging.buckets)
    )
    found = search.search_accounts(session, q) if q.strip() else None
    return {"aging": aging, "chart": chart, "search": found, "plans_behind": plans.check_plans(session)}


@router.get("/billing", dependencies=[reads("ledger", None)])
@router.get("/api/billing/page", dependencies=[reads("ledger", None)])
def billing_page(request: Request, session: SessionDep, q: str = "", patient: str = "") -> Response:
    data = _overview(session, q or patient)
    return respond(request, "billing/index.html", data, extra={"active": "billing", "q": q or patient})


@router.get("/billing/search", dependencies=[reads("patient", None)])
def search_page(request: Request, session: SessionDep, q: str = "") -> Response:
    """Active search: the results fragment for htmx, the overview with results otherwise."""
    if not is_htmx(request):
        return RedirectResponse(f"/billing?q={quote(q)}", status_code=303)
    found = search.search_accounts(session, q) if q.strip() else None
    return render(request, "billing/_search_results.html", {"search": found})


def _patient_ctx(session: Any, ref: str) -> dict[str, Any]:
    bal = service.balance(session, ref)
    return {
        "balance": bal,
        "ref": ref,
        "today": date.today().isoformat(),
        "plans": plans.list_plans(session, f"id:{bal.patient_id}"),
        "new_key": uuid.uuid4().hex,
    }


@router.get("/billing/patients/{ref}", dependencies=[reads()])
@router.get("/api/billing/patients/{ref}", dependencies=[reads()])
def patient_page(
    request: Request,
    ref: str,
    session: SessionDep,
    receipt: str = "",
    refund: int | None = None,
    credit: str = "",
) -> Response:
    data = _patient_ctx(session, ref)
    pid = data["balance"].patient_id
    extra: dict[str, Any] = {"active": "billing"}
    if receipt:
        shown = payments.get_receipt(session, receipt)
        if shown.patient_id != pid:  # a receipt shows only on its own patient
            raise NotFound(f"no payment with receipt {receipt} for this patient", field="receipt")
        extra["receipt"] = shown
    if refund is not None:
        given = payments.get_refund(session, refund)
        if given.patient_id != pid:
            raise NotFound(f"no refund {refund} for this patient", field="refund")
        extra["refund"] = given
    if credit:
        extra["credit_applied"] = payments.get_credit_application(session, pid, credit)
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
    overpayment: Annotated[str, Form()] = "",
) -> Response:
    form = {
        "amount": amount,
        "method": method,
        "reference": reference,
        "received_on": received_on,
        "idempotency_key": idempotency_key,
        "note": note,
        "overpayment": overpayment,
    }
    limit = container.settings.max_payment_cents
    body = payments.payment_from_form(ref, form, max_cents=limit)
    extra_cents = payments.overpayment_cents(session, body)
    if extra_cents and body.overpayment is None and not wants_json(request):
        # nothing is posted: the page asks what to do with the extra, the same form fields kept
        confirm = {"form": form, "amount_cents": body.amount_cents, "extra_cents": extra_cents}
        ctx = {**_patient_ctx(session, ref), "confirm": confirm, "active": "billing"}
        return render(request, "billing/patient.html", ctx, block="ledger", status_code=200)
    receipt = payments.take_payment(session, body, actor=principal.username, max_cents=limit)
    if is_htmx(request):
        ctx = {**_patient_ctx(session, ref), "receipt": receipt}
        return render(request, "billing/patient.html", ctx, block="ledger")
    return RedirectResponse(f"/billing/patients/{ref}?receipt={receipt.receipt_number}", status_code=303)


Writer = Annotated[Principal, require("billing:write", "phi:write", record="patient", id_param="ref")]


@router.post("/billing/patients/{ref}/refunds")
def refund_credit(
    ref: str,
    session: SessionDep,
    container: ContainerDep,
    principal: Writer,
    amount: Annotated[str, Form()] = "",
    method: Annotated[str, Form()] = "check",
    reference: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    idempotency_key: Annotated[str, Form()] = "",
) -> Response:
    cents = parse_dollars(amount, field="amount", max_cents=container.settings.max_payment_cents)
    out = payments.refund(
        session,
        ref,
        cents,
        method=method,
        reason=reason,
        actor=principal.username,
        reference=reference.strip() or None,
        idempotency_key=idempotency_key or None,
    )
    return RedirectResponse(f"/billing/patients/{ref}?refund={out.entry_id}", status_code=303)


@router.post("/billing/patients/{ref}/credit")
def apply_credit(
    ref: str,
    session: SessionDep,
    principal: Writer,
    idempotency_key: Annotated[str, Form()] = "",
) -> Response:
    key = idempotency_key.strip() or uuid.uuid4().hex
    payments.apply_credit(session, ref, actor=principal.username, idempotency_key=key)
    return RedirectResponse(f"/billing/patients/{ref}?credit={quote(key)}", status_code=303)


@router.post("/billing/patients/{ref}/plans")
def create_plan(
    ref: str,
    session: SessionDep,
    container: ContainerDep,
    principal: Writer,
    installments: Annotated[str, Form()] = "",
    total: Annotated[str, Form()] = "",
    frequency: Annotated[str, Form()] = "monthly",
    start_date: Annotated[str, Form()] = "",
) -> Response:
    count = installments.strip()
    if not count.isdigit():
        raise InvalidInput(
            f"number of installments {count!r} is not a whole number", field="installments", fix="e.g. 3"
        )
    out = plans.create_plan(
        session,
        ref,
        installments=int(count),
        total_cents=(
            parse_dollars(total, field="total", max_cents=container.settings.max_payment_cents)
            if total.strip()
            else None
        ),
        frequency=frequency,
        start_date=parse_day(start_date, "start_date"),
        actor=principal.username,
    )
    return RedirectResponse(f"/billing/plans/{out.id}", status_code=303)


@router.get("/billing/plans", dependencies=[reads("plan", None)])
@router.get("/api/billing/plans/overview", dependencies=[reads("plan", None)])
def plans_page(request: Request, session: SessionDep) -> Response:
    data = {"plans": plans.list_plans(session), "today": date.today().isoformat()}
    return respond(request, "billing/plans.html", data, extra={"active": "billing"})


@router.get("/billing/plans/{plan_id}", dependencies=[reads("plan", "plan_id")])
@router.get("/api/billing/plans/{plan_id}", dependencies=[reads("plan", "plan_id")])
def plan_page(request: Request, plan_id: int, session: SessionDep) -> Response:
    data = {"plan": plans.plan_out(session, plans.get_plan(session, plan_id))}
    return respond(request, "billing/plan.html", data, extra={"active": "billing"})


@router.get("/billing/patients/{ref}/statement", dependencies=[reads()])
def statement_preview(ref: str, session: SessionDep, container: ContainerDep) -> HTMLResponse:
    return HTMLResponse(statements.statement_html(statement_for(session, container, ref)))
