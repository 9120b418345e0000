"""Request dependencies: the app's container and one database session (one commit) per request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from assistant.app.container import Container
from assistant.core.db import transaction
from assistant.core.errors import InvalidInput


def get_container(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


ContainerDep = Annotated[Container, Depends(get_container)]


def get_session(container: ContainerDep) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back when it raises."""
    with transaction(container.sessions) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_reference(container: ContainerDep) -> Any:
    return container.reference


ReferenceDep = Annotated[Any, Depends(get_reference)]


# Reading the request body is the only awaiting a route needs: these async dependencies do it, so the
# routes themselves stay ``def`` and their database and CPU work runs in the thread pool.
async def get_raw_body(request: Request) -> bytes:
    return await request.body()


async def get_form(request: Request) -> FormData:
    return await request.form()  # cached on the request: the CSRF check may have read it already


def _is_json(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        return True
    form = kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
    return request.url.path.startswith("/api/") and not form


async def get_fields(request: Request) -> dict[str, Any]:
    """The submitted fields, the same for a page's form and its JSON twin: a JSON object (a JSON body,
    or any non-form body under /api; empty: no fields) or the form's text fields, trimmed (a password as
    typed), empty ones and the CSRF token dropped."""
    if _is_json(request):
        raw = await request.body()
        data = parse_json_body(raw, "send a JSON object") if raw.strip() else {}
        if not isinstance(data, dict):
            raise InvalidInput(
                "the request body is not a JSON object", field="(body)", fix="send a JSON object"
            )
        return data
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str) and v.strip() and k != "csrf_token"}
    return {k: v if k == "password" else v.strip() for k, v in fields.items()}


async def get_form_values(request: Request) -> dict[str, str]:
    """A form's text fields as typed (what a refused form shows again)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


RawBody = Annotated[bytes, Depends(get_raw_body)]
FormDep = Annotated[FormData, Depends(get_form)]
FormValues = Annotated[dict[str, str], Depends(get_form_values)]
Fields = Annotated[dict[str, Any], Depends(get_fields)]


def uploaded_bytes(form: FormData, field: str = "file") -> tuple[bytes, str | None] | None:
    """The bytes and file name of an uploaded file field (None when the field holds no file)."""
    upload = form.get(field)
    if upload is None or isinstance(upload, str):
        return None
    upload.file.seek(0)
    return upload.file.read(), upload.filename


def parse_json_body(raw: bytes, fix: str) -> Any:
    """A JSON request body, or InvalidInput naming where it is broken."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"the request body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            field="(body)",
            fix=fix,
        ) from None
    except (UnicodeDecodeError, RecursionError):
        raise InvalidInput(
            "the request body is not UTF-8 JSON of a sane depth", field="(body)", fix=f"{fix} (UTF-8)"
        ) from None
