"""Revenue reports for a date range and a payer: the page, its JSON twin and the CSV exports, all fed by
``assistant.billing.reports.reports``."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from assistant.billing import reports as reports_service
from assistant.core.validation import parse_day
from assistant.security import audit
from web.deps import SessionDep
from web.routers.pages_common import respond
from web.security_deps import require

router = APIRouter(tags=["reports"])


def reads(action: str = audit.PHI_READ) -> Any:
    return require("billing:read", "phi:read", record="ledger", id_param="payer", action=action)


def _dates(start: str, end: str) -> tuple[date | None, date | None]:
    """Dates typed into the report form (empty: the default period), refused in words when malformed."""
    return parse_day(start, "start"), parse_day(end, "end")


@router.get("/reports", dependencies=[reads()])
@router.get("/api/reports", dependencies=[reads()])
def reports_page(
    request: Request, session: SessionDep, start: str = "", end: str = "", payer: str = ""
) -> Response:
    first, last = _dates(start, end)
    data = reports_service.reports(session, start=first, end=last, payer=payer)
    return respond(request, "reports/index.html", data, extra={"active": "reports"})


@router.get("/api/reports/{section}.csv", dependencies=[reads()])
def reports_csv(
    section: str, session: SessionDep, start: str = "", end: str = "", payer: str = ""
) -> Response:
    first, last = _dates(start, end)
    data = reports_service.reports(session, start=first, end=last, payer=payer)
    text = reports_service.report_csv(data, section)
    period = f"{data.period.start.isoformat()}_{data.period.end.isoformat()}"
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{section}_{period}.csv"'},
    )
