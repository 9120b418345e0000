"""Public health check (no PHI, no sign-in)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()


@router.get("/health", tags=["public"])
@router.get("/api/health", tags=["public"])
def health() -> dict[str, str]:
    return {"status": "ok"}
