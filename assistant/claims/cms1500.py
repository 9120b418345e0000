"""The CMS-1500 (02/12) view of a claim: box numbers -> values, and an HTML table (the PDFs: cms1500_pdf)."""

from __future__ import annotations

import html
from typing import Any

from assistant.claims.schemas import ClaimImport
from assistant.claims.x12_837 import money
from assistant.core.money import decimal_amount

LETTERS = "ABCDEFGHIJKL"
INSURANCE_TYPE = {
    "MB": "Medicare",
    "MA": "Medicare",
    "MC": "Medicaid",
    "CH": "TRICARE",
    "VA": "CHAMPVA",
    "BL": "Group Health Plan",
    "CI": "Group Health Plan",
    "HM": "Group Health Plan",
}
RELATIONSHIP = {"self": "Self", "spouse": "Spouse", "child": "Child", "other": "Other"}
RESUBMISSION = {"7": "7 (replacement)", "8": "8 (void)"}


def _name(last: str, first: str) -> str:
    return f"{last}, {first}"


def _addr(addr: Any) -> str:
    if addr is None:
        return ""
    return ", ".join(p for p in (addr.line1, addr.line2, addr.city, addr.state, addr.zip) if p)


def cms1500_boxes(doc: ClaimImport) -> dict[str, Any]:
    """Box number -> value. Box 24 is a list of line dicts (24A..24J)."""
    pat, sub = doc.patient_person, doc.subscriber
    bp, rp = doc.billing_provider, doc.rendering_provider
    boxes: dict[str, Any] = {
        "1": INSURANCE_TYPE.get(doc.payer.filing_indicator, "Other"),
        "1a": sub.member_id,
        "2": _name(pat.last_name, pat.first_name),
        "3": f"{pat.dob.strftime('%m/%d/%Y')} {pat.sex}",
        "4": _name(sub.last_name, sub.first_name),
        "5": _addr(pat.address),
        "6": RELATIONSHIP[doc.patient_relationship],
        "7": _addr(sub.address),
        "11": sub.group_number or "",
        "11a": f"{sub.dob.strftime('%m/%d/%Y')} {sub.sex}",
        "11c": doc.payer.name,
        "21_icd_ind": "0",
        "21": {LETTERS[i]: code for i, code in enumerate(doc.diagnoses)},
        "22": f"{RESUBMISSION[doc.frequency_code]} {doc.original_claim_number or ''}".strip()
        if doc.frequency_code in RESUBMISSION
        else "",
        "23": doc.prior_authorization or "",
        "24": [],
        "25": f"{bp.tax_id} EIN",
        "26": doc.claim_id,
        "27": "Yes",
        "28": money(doc.line_total_cents),
        "31": _name(rp.last_name, rp.first_name) if rp else bp.name,
        "33": f"{bp.name}, {_addr(bp.address)}",
        "33a": bp.npi,
        "33b": f"PXC{bp.taxonomy}" if bp.taxonomy else "",
    }
    for line in doc.lines:
        lrp = line.rendering_provider or rp
        boxes["24"].append(
            {
                "24A": line.date_of_service.strftime("%m/%d/%Y"),
                "24B": doc.place_of_service,
                "24D": " ".join([line.code, *line.modifiers]),
                "24E": "".join(LETTERS[p - 1] for p in line.dx_pointers if p <= 12),
                "24F": decimal_amount(line.charge_cents),
                "24G": str(line.units),
                "24J": lrp.npi if lrp else bp.npi,
            }
        )
    return boxes


def _flat(boxes: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for key, value in boxes.items():
        if key == "24":
            for n, line in enumerate(value, start=1):
                rows.append((f"24 line {n}", "  ".join(f"{k}: {v}" for k, v in line.items())))
        elif key == "21":
            rows.append(("21", "  ".join(f"{k}. {v}" for k, v in value.items())))
        else:
            rows.append((key, str(value)))
    return rows


def cms1500_html(doc: ClaimImport) -> str:
    rows = "".join(
        f"<tr><th>Box {html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
        for k, v in _flat(cms1500_boxes(doc))
    )
    return (
        f'<section class="cms1500"><h2>CMS-1500 claim {html.escape(doc.claim_id)}</h2>'
        f"<table>{rows}</table></section>"
    )
