"""Validate X12 with pyx12 (the 837P 005010X222A1 map) and read an 837P back into claim documents."""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from assistant.claims.schemas import ClaimImport, X12Problem
from assistant.claims.x12_837 import RELATIONSHIP_BY_CODE
from assistant.core.errors import InvalidInput


def validate_x12(text: str) -> list[X12Problem]:
    """Return pyx12's errors (empty when the document is valid). Uses the Python API, not ``x12valid``."""
    import pyx12.error_handler  # noqa: F401  (imported for side effects of the package)
    import pyx12.params
    import pyx12.x12n_document

    param = pyx12.params.ParamsBase()
    fd_997 = io.StringIO()
    fd_json = io.StringIO()
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    try:
        ok = pyx12.x12n_document.x12n_document(param, io.StringIO(text), fd_997, None, None, fd_json)
    except Exception as exc:  # noqa: BLE001 - pyx12 fails with IndexError etc. on some damaged files
        return [X12Problem(message=f"pyx12 could not read the document: {type(exc).__name__}: {exc}")]
    try:
        errors = _collect(json.loads(fd_json.getvalue() or "{}"))
    except json.JSONDecodeError:  # pyx12 stopped half-way through its report
        errors = [{"message": "pyx12 could not finish reading the document"}]
    if not ok and not errors:
        errors.append({"message": "pyx12 rejected the document", "ack": fd_997.getvalue()})
    return [X12Problem.model_validate(e) for e in errors]


def _collect(node: Any, path: str = "") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "errors" and isinstance(value, list):
                found += [
                    dict(e, where=path) if isinstance(e, dict) else {"message": str(e), "where": path}
                    for e in value
                ]
            else:
                found += _collect(value, f"{path}/{key}" if key not in {"interchanges"} else path)
    elif isinstance(node, list):
        for item in node:
            found += _collect(item, path)
    return found


def ensure_valid_x12(text: str) -> None:
    errors = validate_x12(text)
    if errors:
        summary = "; ".join(e.text for e in errors[:5])
        raise InvalidInput(
            f"the generated 837P failed X12 validation: {summary}",
            field="x12",
            fix="report this bug with the claim document",
        )


def _segments(text: str) -> list[list[str]]:
    import pyx12.x12file

    reader = pyx12.x12file.X12Reader(io.StringIO(text))
    out = []
    for seg in reader:
        out.append(seg.format().rstrip("~").split("*"))
    return out


def _date(value: str) -> str:
    return datetime.strptime(value, "%Y%m%d").date().isoformat()


def _cents(value: str) -> int:
    whole, _, frac = value.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def _getter(elements: list[str]) -> Any:
    def get(i: int) -> str:
        return elements[i] if len(elements) > i else ""

    return get


def parse_837p(text: str) -> list[ClaimImport]:
    """Read an 837P written by ``build_837p`` back into claim documents (round-trip checks, re-import).

    A file that is not such an 837P raises InvalidInput (never IndexError, ValueError or pyx12's errors).
    """
    import pyx12.errors

    try:
        return _parse_837p(text)
    except InvalidInput:
        raise
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ())) or "claim"
        raise InvalidInput(
            f"the 837P does not describe a valid claim: {where}: {first.get('msg')}",
            field="x12",
            fix="give an 837P (005010X222A1) written by this program or a clearinghouse",
        ) from None
    except (
        ValueError,
        ArithmeticError,  # "1E+400" units: an infinite float does not convert to an int
        IndexError,
        KeyError,
        TypeError,
        AttributeError,
        pyx12.errors.X12Error,
    ) as exc:
        raise InvalidInput(
            f"not a readable 837P: {type(exc).__name__}: {exc}",
            field="x12",
            fix="give an 837P (005010X222A1) written by this program or a clearinghouse",
        ) from None


def _parse_837p(text: str) -> list[ClaimImport]:
    claims: list[dict[str, Any]] = []
    billing: dict[str, Any] = {}
    current: dict[str, Any] | None = None
    subscriber: dict[str, Any] = {}
    payer: dict[str, Any] = {}
    filing = "CI"
    relationship = "self"
    target: dict[str, Any] | None = None  # the person an N3/N4/DMG belongs to
    line: dict[str, Any] | None = None
    prior: dict[str, Any] | None = None  # loops 2320-2330B of a secondary claim
    for el in _segments(text):
        sid = el[0]
        get = _getter(el)
        if current is not None and _read_prior_payer(el, current, line, prior):
            prior = current.get("prior_payer")
            if sid == "NM1":  # N3/N4 after 2330A belong to the other subscriber, never to a payer
                target = prior["subscriber"] if prior and get(1) == "IL" else None
            continue
        if sid == "HL" and get(3) == "20":
            billing = {}
            target = billing
        elif sid == "PRV" and get(1) == "BI":
            billing["taxonomy"] = get(3)
        elif sid == "PRV" and get(1) == "PE" and current is not None:
            current["rendering_provider"]["taxonomy"] = get(3)
        elif sid == "NM1" and get(1) == "85":
            billing.update(name=get(3), npi=get(9))
        elif sid == "REF" and get(1) == "EI":
            billing["tax_id"] = get(2)
        elif sid == "HL" and get(3) == "22":
            subscriber, relationship, current, prior = {}, "self", None, None
        elif sid == "SBR":
            filing = get(9)
            if get(3):
                subscriber["group_number"] = get(3)
        elif sid == "NM1" and get(1) == "IL":
            subscriber.update(last_name=get(3), first_name=get(4), member_id=get(9))
            target = subscriber
        elif sid == "NM1" and get(1) == "PR":
            payer = {"name": get(3), "payer_id": get(9), "filing_indicator": filing}
            target = None
        elif sid == "PAT":
            relationship = RELATIONSHIP_BY_CODE.get(get(1), "other")
        elif sid == "NM1" and get(1) == "QC":
            patient = {"last_name": get(3), "first_name": get(4)}
            subscriber["_patient"] = patient
            target = patient
        elif sid == "N3" and target is not None:
            target["address"] = {"line1": get(1), **({"line2": get(2)} if get(2) else {})}
        elif sid == "N4" and target is not None:
            target["address"].update(city=get(1), state=get(2), zip=get(3))
        elif sid == "DMG" and target is not None:
            target.update(dob=_date(get(2)), sex=get(3))
        elif sid == "CLM":
            pos, _, freq = get(5).split(":")
            sub = {k: v for k, v in subscriber.items() if k != "_patient"}
            current = {
                "claim_id": get(1),
                "billing_provider": {k: v for k, v in billing.items()},
                "payer": dict(payer),
                "subscriber": sub,
                "patient_relationship": relationship,
                "place_of_service": pos,
                "frequency_code": freq,
                "diagnoses": [],
                "lines": [],
                "total_charge_cents": _cents(get(2)),
            }
            if "_patient" in subscriber:
                current["patient"] = subscriber["_patient"]
            claims.append(current)
            target = None
        elif sid == "REF" and get(1) == "G1" and current is not None:
            current["prior_authorization"] = get(2)
        elif sid == "REF" and get(1) == "F8" and current is not None:
            current["original_claim_number"] = get(2)
        elif sid == "HI" and current is not None:
            current["diagnoses"] = [part.split(":")[1] for part in el[1:]]
        elif sid == "NM1" and get(1) == "82" and current is not None:
            prov = {"npi": get(9), "first_name": get(4), "last_name": get(3)}
            if line is not None:
                line["rendering_provider"] = prov
            else:
                current["rendering_provider"] = prov
        elif sid == "LX":
            line = None
            target = None
        elif sid == "SV1" and current is not None:
            proc = get(1).split(":")
            line = {
                "code": proc[1],
                "modifiers": proc[2:],
                "charge_cents": _cents(get(2)),
                "units": int(float(get(4))),
                "dx_pointers": [int(p) for p in get(7).split(":")],
            }
            current["lines"].append(line)
        elif sid == "DTP" and get(1) == "472" and line is not None:
            line["date_of_service"] = _date(get(3))
        elif sid == "REF" and get(1) == "6R" and line is not None:
            line["line_control_number"] = get(2)
    for c in claims:
        for ln in c["lines"]:
            ln.pop("_prior", None)
    return [ClaimImport.model_validate(c) for c in claims]


def _cas(el: list[str]) -> list[dict[str, Any]]:
    """The adjustments of one CAS segment (group, then reason/amount/quantity triples)."""
    return [
        {"group": el[1], "reason": el[i], "amount_cents": _cents(el[i + 1])}
        for i in range(2, len(el) - 1, 3)
        if el[i]
    ]


def _read_prior_payer(
    el: list[str], claim: dict[str, Any], line: dict[str, Any] | None, prior: dict[str, Any] | None
) -> bool:
    """Read a segment of loops 2320/2330A/2330B/2430 into ``claim["prior_payer"]``; False for any other."""
    sid, get = el[0], _getter(el)
    if sid == "SBR" and line is None:  # 2320 opens: the other payer's subscriber
        claim["prior_payer"] = {
            "patient_relationship": RELATIONSHIP_BY_CODE.get(get(2), "other"),
            "subscriber": {"group_number": get(3)} if get(3) else {},
            "payer": {"filing_indicator": get(9) or "CI"},
            "adjustments": [],
            "lines": [],
            "paid_cents": 0,
        }
        return True
    if prior is None:
        return False
    if sid == "CAS":
        (
            line["_prior"]["adjustments"] if line is not None and "_prior" in line else prior["adjustments"]
        ).extend(_cas(el))
    elif sid == "AMT" and get(1) in ("D", "EAF") and line is None:
        prior["paid_cents" if get(1) == "D" else "patient_responsibility_cents"] = _cents(get(2))
    elif sid == "OI":
        pass
    elif sid == "NM1" and get(1) == "IL" and line is None:
        prior["subscriber"].update(last_name=get(3), first_name=get(4), member_id=get(9))
    elif sid == "NM1" and get(1) == "PR" and line is None:
        prior["payer"].update(name=get(3), payer_id=get(9))
    elif sid == "REF" and get(1) == "F8" and line is None:
        prior["payer_claim_number"] = get(2)
    elif sid == "DTP" and get(1) == "573":
        prior["adjudication_date"] = _date(get(3))
    elif sid == "SVD" and line is not None:
        proc = get(3).split(":")
        entry = {
            "line": len(claim["lines"]),
            "code": proc[1],
            "modifiers": proc[2:],
            "units": int(float(get(5) or "1")),
            "paid_cents": _cents(get(2)),
            "adjustments": [],
        }
        prior["lines"].append(entry)
        line["_prior"] = entry
    else:
        return False
    return True
