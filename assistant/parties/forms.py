"""HTML forms to the parties' input schemas: inputs are named like the fields (``address.zip``), blank
groups mean "none" (no guarantor, no subscriber), and the copay is typed in dollars."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from assistant.core.money import parse_dollars
from assistant.core.validation import validated
from assistant.parties.schemas import CoverageIn, PatientIn, PayerIn, ProviderIn

TRUE_WORDS = ("1", "true", "on", "yes")


def nest(form: Mapping[str, Any], *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """``{"address.zip": "62701"}`` -> ``{"address": {"zip": "62701"}}``; blank values are dropped and
    a group left empty disappears."""
    out: dict[str, Any] = {}
    for key, value in form.items():
        if key in skip or not isinstance(value, str) or not value.strip():
            continue
        node = out
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value.strip()
    return out


def flag(form: Mapping[str, Any], name: str) -> bool:
    value = form.get(name)
    return isinstance(value, str) and value.strip().lower() in TRUE_WORDS


def patient_from_form(form: Mapping[str, Any]) -> PatientIn:
    data = nest(form, skip=("csrf_token", "confirm_duplicate"))
    guarantor = data.get("guarantor", {})
    if guarantor.get("relationship", "self") == "self":
        data.pop("guarantor", None)
    return validated(PatientIn, **data)


def coverage_from_form(form: Mapping[str, Any]) -> CoverageIn:
    data = nest(form, skip=("csrf_token", "copay"))
    if data.get("relationship", "self") in ("self", "18"):
        data.pop("subscriber", None)
    copay = form.get("copay")
    if isinstance(copay, str) and copay.strip():
        zero = re.fullmatch(r"\$?0+(\.0{1,2})?", copay.strip())
        data["copay_cents"] = 0 if zero else parse_dollars(copay, field="copay")
    return validated(CoverageIn, **data)


def payer_from_form(form: Mapping[str, Any]) -> PayerIn:
    return validated(PayerIn, **nest(form, skip=("csrf_token",)))


def provider_from_form(form: Mapping[str, Any]) -> ProviderIn:
    return validated(ProviderIn, **nest(form, skip=("csrf_token",)))


def flat(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """The inverse of ``nest`` for filling a form: ``{"address": {"zip": "62701"}}`` ->
    ``{"address.zip": "62701"}`` (None becomes absent, dates their ISO form)."""
    out: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flat(value, f"{name}."))
        elif value is not None:
            out[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return out
