"""Fee schedule page (``/fees``: view, add, edit, import) and its JSON twin (``/api/fees``).

Fees are the practice's prices, not patient data: ``fees:read`` to view, ``fees:write`` to change."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from assistant.core.errors import InvalidInput, NotFound
from assistant.core.money import MAX_STORED_CENTS, parse_dollars
from assistant.core.validation import parse_day
from assistant.fees import service
from assistant.fees.schemas import FeeImportResult, FeeIn, FeeOut, FeeProblem
from assistant.fees.service import FeeImportErrors
from assistant.security.schemas import Principal
from web.deps import FormDep, RawBody, SessionDep, uploaded_bytes
from web.rendering import render
from web.security_deps import require

router = APIRouter(tags=["fees"])
Reader = Annotated[Principal, require("fees:read")]
Writer = Annotated[Principal, require("fees:write")]


def _page(request: Request, session: Any, *, status_code: int = 200, **extra: Any) -> Response:
    code = request.query_params.get("code") or ""
    on = request.query_params.get("on") or ""
    edit_id = request.query_params.get("edit") or ""
    editing = None
    if edit_id.isdigit():
        editing = next((f for f in service.list_fees(session) if f.id == int(edit_id)), None)
    ctx = {
        "fees": service.list_fees(session, code or None, parse_day(on, "on")),
        "code": code,
        "on": on,
        "editing": editing,
        "active": "fees",
        **extra,
    }
    return render(request, "fees/index.html", ctx, status_code=status_code)


@router.get("/fees")
def fees_page(
    request: Request,
    session: SessionDep,
    principal: Reader,
    created: int | None = None,
    updated: int = 0,
    unchanged: int = 0,
) -> Response:
    """``created``/``updated``/``unchanged``: the counts an import redirects with (post/redirect/get)."""
    if created is None:
        return _page(request, session)
    imported = FeeImportResult(created=created, updated=updated, unchanged=unchanged)
    return _page(request, session, imported=imported)


@router.post("/fees")
def save_fee(request: Request, session: SessionDep, principal: Writer, form: FormDep) -> Response:
    entry = str(form.get("id") or "")
    fee = FeeIn(
        code=str(form.get("code") or ""),
        modifier=str(form.get("modifier") or ""),
        charge_cents=0,
        effective_from=str(form.get("effective_from") or ""),
        effective_to=str(form.get("effective_to") or "") or None,
    )
    try:
        fee.charge_cents = parse_dollars(form.get("charge"), field="charge", max_cents=MAX_STORED_CENTS)
    except InvalidInput as exc:
        problem = FeeProblem(field="charge", message=exc.message)
        return _page(request, session, problems=[problem], typed=fee, status_code=422)
    try:
        saved = service.save_fee(session, fee, principal.username, int(entry) if entry.isdigit() else None)
    except FeeImportErrors as exc:
        session.rollback()
        return _page(request, session, problems=exc.problems, typed=fee, status_code=422)
    return RedirectResponse(f"/fees?code={saved.code}&saved={saved.id}", status_code=303)


@router.post("/fees/import")
def import_page(request: Request, session: SessionDep, principal: Writer, form: FormDep) -> Response:
    found = uploaded_bytes(form)
    if found is None or not found[0].strip():
        raise InvalidInput(
            "choose a CSV file", field="file", fix="code,modifier,charge_cents,effective_from,effective_to"
        )
    try:
        result = service.import_csv(session, found[0], actor=principal.username)
    except FeeImportErrors as exc:
        session.rollback()
        return _page(request, session, problems=exc.problems, status_code=422)
    counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    return RedirectResponse(f"/fees?{urlencode(counts)}", status_code=303)


@router.post("/fees/{entry_id}/delete")
def delete_page(entry_id: int, session: SessionDep, principal: Writer) -> Response:
    service.delete_fee(session, entry_id)
    return RedirectResponse("/fees", status_code=303)


# ---------------------------------------------------------------- JSON twins


@router.get("/api/fees", response_model=list[FeeOut])
def api_list(session: SessionDep, principal: Reader, code: str = "", on: str = "") -> list[FeeOut]:
    return service.list_fees(session, code or None, parse_day(on, "on"))


@router.get("/api/fees/charge", response_model=FeeOut)
def api_charge(
    session: SessionDep,
    principal: Reader,
    code: str,
    on: str,
    modifier: Annotated[list[str] | None, Query()] = None,
) -> FeeOut:
    day = parse_day(on, "on") or date.today()
    fee = service.charge_for(session, code, modifier or [], day)
    if fee is None:
        raise NotFound(f"no fee for {code} on {day}", field="code", fix="add one on the Fees page")
    return fee


@router.post("/api/fees", response_model=FeeOut, status_code=201)
def api_add(body: FeeIn, session: SessionDep, principal: Writer) -> FeeOut:
    return service.save_fee(session, body, principal.username)


@router.put("/api/fees/{entry_id}", response_model=FeeOut)
def api_edit(entry_id: int, body: FeeIn, session: SessionDep, principal: Writer) -> FeeOut:
    return service.save_fee(session, body, principal.username, entry_id)


@router.delete("/api/fees/{entry_id}", status_code=204)
def api_delete(entry_id: int, session: SessionDep, principal: Writer) -> Response:
    service.delete_fee(session, entry_id)
    return Response(status_code=204)


@router.post("/api/fees/import", response_model=FeeImportResult)
def api_import(session: SessionDep, principal: Writer, raw: RawBody) -> FeeImportResult:
    """Body: the CSV text (header code,modifier,charge_cents,effective_from,effective_to)."""
    return service.import_csv(session, raw, actor=principal.username)
