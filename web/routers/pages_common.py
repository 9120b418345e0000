"""Shared helpers of the HTML pages: one context, two renderings (HTML page/fragment or JSON twin)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from assistant.core.money import decimal_amount, dollars
from web.rendering import render, templates, wants_json


def money(cents: int | None) -> str:
    return "—" if cents is None else dollars(int(cents))


def amount(cents: int | None) -> str:
    """A form field's value in dollars, without the sign: 15000 -> "150.00" ("" for no amount)."""
    return "" if cents is None else decimal_amount(int(cents))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


templates.env.filters.setdefault("money", money)
templates.env.filters.setdefault("amount", amount)
templates.env.filters.setdefault("slug", slug)


def context_of(data: BaseModel | dict[str, Any]) -> dict[str, Any]:
    """A template's variables: a schema's fields (nested schemas stay objects), or the dict as it is."""
    if isinstance(data, BaseModel):
        return {name: getattr(data, name) for name in type(data).model_fields}
    return data


def respond(
    request: Request,
    template: str,
    data: BaseModel | dict[str, Any],
    *,
    block: str | None = None,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """JSON of ``data`` (a service's schema, or a dict of them) under /api (or Accept: application/json),
    else the page (or ``block`` for HTMX)."""
    if wants_json(request):
        return JSONResponse(jsonable_encoder(data, by_alias=True), status_code=status_code)
    return render(
        request, template, {**context_of(data), **(extra or {})}, block=block, status_code=status_code
    )
