"""Public health and index-build status (no PHI, no sign-in)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from assistant.suggest.index_status import IndexStatus, index_status
from web.deps import ContainerDep
from web.rendering import templates

router = APIRouter()


@router.get("/health", tags=["public"])
@router.get("/api/health", tags=["public"])
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/api/index/status", tags=["public"])
def index_status_json(container: ContainerDep) -> IndexStatus:
    """Whether suggestions run on the full index, keyword-only while it builds, or not at all."""
    return index_status(container.settings.index_dir)


@router.get("/index/status", tags=["public"], response_class=HTMLResponse)
def index_status_banner(request: Request, container: ContainerDep) -> HTMLResponse:
    """The banner fragment the pages poll while the index builds (empty once it is ready)."""
    status = index_status(container.settings.index_dir)
    return templates.TemplateResponse(request, "_index_banner.html", {"index": status})  # type: ignore[return-value]
