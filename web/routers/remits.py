"""Remittance JSON API. Every route calls ``assistant.remit.service`` / ``assistant.denials.service``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from assistant.core.errors import InvalidInput
from assistant.denials import service as denials_service
from assistant.denials.schemas import Explanation
from assistant.remit import service
from assistant.remit.schemas import ImportReport, RemitDetail, RemitSummary, WorkItemOut
from assistant.security import audit
from assistant.security.schemas import Principal
from web.deps import ContainerDep, ReferenceDep, SessionDep, uploaded_bytes
from web.security_deps import record_phi, require

router = APIRouter(prefix="/api/remits", tags=["remits"])
Writer = Annotated[Principal, require("remits:write", "phi:write")]


def reads(record: str = "remit", id_param: str | None = "remit_id") -> Any:
    return require("remits:read", "phi:read", record=record, id_param=id_param)


def audit_import(container: Any, principal: Principal, request: Request, report: ImportReport) -> None:
    """One phi.write entry per remittance stored from the 835 just imported (one entry if none was new).
    The detail holds the file's sha256, never its name (a name may carry PHI)."""
    detail = {"file_sha256": report.file_sha256, "claims_posted": report.claims_posted}
    targets: list[int | None] = list(report.remit_ids) or [None]
    for remit_id in targets:
        record_phi(container, principal, request, "remit", remit_id, action=audit.PHI_WRITE, detail=detail)


async def _remit_upload(request: Request) -> tuple[bytes, str | None]:
    """The 835 sent as the body itself (any content type) or as multipart/form-data ``file``."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        found = uploaded_bytes(await request.form())
        if found is None:
            raise InvalidInput("no file in the form", field="file", fix="send the 835 in a field named file")
        return found
    return await request.body(), request.headers.get("X-Filename")


@router.post("", response_model=ImportReport, status_code=201)
def import_remit(
    request: Request,
    container: ContainerDep,
    principal: Writer,
    upload: Annotated[tuple[bytes, str | None], Depends(_remit_upload)],
) -> ImportReport:
    """Body: the 835 file itself (any content type), or multipart/form-data with a ``file`` field."""
    data, filename = upload
    report = service.import_835_bytes(container.sessions, data, filename=filename, actor=principal.username)
    audit_import(container, principal, request, report)
    return report


@router.get("", response_model=list[RemitSummary], dependencies=[reads(id_param=None)])
def list_remits(session: SessionDep, limit: int = 100) -> list[RemitSummary]:
    return service.list_remits(session, limit)


@router.get("/work-queue", response_model=list[WorkItemOut], dependencies=[reads("work_item", None)])
def work_queue(session: SessionDep, status: str | None = "open") -> list[WorkItemOut]:
    return service.work_queue(session, None if status == "all" else status)


@router.get("/{remit_id}", response_model=RemitDetail, dependencies=[reads()])
def get_remit(remit_id: int, session: SessionDep) -> RemitDetail:
    return service.remit_detail(session, remit_id)


@router.get("/{remit_id}/explain", response_model=list[Explanation], dependencies=[reads()])
def explain_remit(
    remit_id: int,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    appeal_days: int | None = None,
) -> list[Explanation]:
    s = container.settings
    return denials_service.explain_remit(
        session,
        remit_id,
        reference=reference,
        timely_filing_days=s.timely_filing_days,
        appeal_window_days=appeal_days or s.appeal_window_days,
    )
