"""POST /api/suggest: the suggestion API as JSON (pages come later from the same service call)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from assistant.core.errors import InvalidInput
from assistant.core.validation import validated
from assistant.suggest.schemas import SuggestRequest, SuggestResponse
from web.deps import ContainerDep
from web.security_deps import require

router = APIRouter(dependencies=[require("codes:read")])


class SuggestBody(BaseModel):
    text: Any = None
    top_k: int | None = None
    date_of_service: date | None = None
    setting: str | None = None
    systems: list[str] | None = None
    mode: str | None = None
    patient: Any = None  # {"sex": "F"|"M"|"U", "age_years"?, "date_of_birth"?}; validated by the request


@router.post("/api/suggest", response_model=SuggestResponse, tags=["suggest"])
def api_suggest(body: SuggestBody, container: ContainerDep) -> SuggestResponse:
    if not isinstance(body.text, str):
        raise InvalidInput(
            "text is required: paste the physician note", field="text", fix='send {"text": ...}'
        )
    request = validated(
        SuggestRequest,
        text=body.text,
        top_k=body.top_k,
        date_of_service=body.date_of_service,
        setting=body.setting,
        systems=body.systems,
        mode=body.mode,
        patient=body.patient,
    )
    return container.suggester.suggest(request)  # type: ignore[no-any-return]
