"""Building a pydantic model from user input, with the house error: ``InvalidInput`` naming the field."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from assistant.core.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], **values: Any) -> M:
    """``model(**values)`` without the values that are None (the model's defaults apply); the first
    validation error becomes ``InvalidInput`` with its field."""
    try:
        return model(**{k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err.get("loc", ())) or next(iter(values), "input")
        raise InvalidInput(
            f"{field}: {err.get('msg')}", field=field, fix="correct the input and retry"
        ) from None


def parse_day(text: str | None, field: str) -> date | None:
    """A YYYY-MM-DD date typed by a person (None or blank: None), refused in words naming ``field`` (an
    option such as ``--on``, or a form field)."""
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{field} {text!r} is not a date", field=field, fix="use YYYY-MM-DD") from None


def from_row(schema: type[M], row: object, **given: object) -> M:
    """``schema`` with each field read from ``row``'s attribute of the same name, except those ``given``."""
    fields = {name: given[name] if name in given else getattr(row, name) for name in schema.model_fields}
    return schema(**fields)
