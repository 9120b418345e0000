"""Public health check (no PHI)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()


@router.get("/api/health", tags=["public"])
def health() -> dict[str, str]:
    return {"status": "ok"}
