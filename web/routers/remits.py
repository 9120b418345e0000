"""Remittance JSON API. Every route calls ``assistant.remit.service`` / ``assistant.denials.service``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from assistant.core.errors import InvalidInput
from assistant.denials.schemas import Explanation
from assistant.remit import service
from assistant.remit.schemas import ImportReport, WorkItemOut
from web.deps import ContainerDep, ReferenceDep, SessionDep

router = APIRouter(prefix="/api/remits", tags=["remits"])


@router.post("", response_model=ImportReport, status_code=201)
async def import_remit(request: Request, container: ContainerDep) -> ImportReport:
    """Body: the 835 file itself (any content type), or multipart/form-data with a ``file`` field."""
    filename = request.headers.get("X-Filename")
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInput("no file in the form", field="file", fix="send the 835 in a field named file")
        data, filename = await upload.read(), upload.filename
    else:
        data = await request.body()
    return service.import_835_bytes(
        container.sessions, data, filename=filename, actor=request.headers.get("X-User", "api")
    )


@router.get("")
def list_remits(session: SessionDep, limit: int = 100) -> list[dict[str, Any]]:
    return service.list_remits(session, limit)


@router.get("/work-queue", response_model=list[WorkItemOut])
def work_queue(session: SessionDep, status: str | None = "open") -> list[WorkItemOut]:
    return service.work_queue(session, None if status == "all" else status)


@router.get("/{remit_id}")
def get_remit(remit_id: int, session: SessionDep) -> dict[str, Any]:
    return service.remit_detail(session, remit_id)


@router.get("/{remit_id}/explain", response_model=list[Explanation])
def explain_remit(
    remit_id: int,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    appeal_days: int | None = None,
) -> list[Explanation]:
    from assistant.denials.service import explain_remit as run

    s = container.settings
    return run(
        session,
        remit_id,
        reference=reference,
        timely_filing_days=s.timely_filing_days,
        appeal_window_days=appeal_days or s.appeal_window_days,
    )
